package screen

// The tables in this file are general linguistic knowledge about names:
// spellings of one name across romanisation systems and languages, titles,
// particles and legal forms. They hold no entries for particular listed
// people or companies.

// nameVariants groups spellings of the same name part. Matching two members
// of a group is reported as a "known variant".
var nameVariants = [][]string{
	// Arabic, Persian, Turkish, Urdu.
	{"muhammad", "mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamad", "muhamed", "mohammod", "mohamud", "mohd", "mehmet", "mehmed", "mamadou", "mouhamed"},
	{"ahmad", "ahmed", "ahmet", "akhmed", "achmed", "ahmat"},
	{"mahmud", "mahmoud", "mahmood", "mehmood", "mahmut", "mahmoud"},
	{"husayn", "hussein", "husain", "hussain", "hossein", "husein", "huseyin", "hussayn", "houssein", "hosein"},
	{"hasan", "hassan", "hasen", "hassen"},
	{"usama", "osama", "ousama", "oussama", "usamah", "osamah"},
	{"yusuf", "youssef", "yousef", "yusef", "yousuf", "yussuf", "yousif", "yusif", "youcef"},
	{"abdullah", "abdallah", "abdulla", "abdalla", "abdollah"},
	{"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu"},
	{"abdulrahman", "abdurrahman", "abdelrahman", "abdalrahman", "abdurahman", "abdulrehman", "abderrahmane", "abdourahmane"},
	{"rahman", "rehman", "rakhman", "rahmane"},
	{"rahim", "raheem", "rakhim"},
	{"karim", "kareem", "kerim"},
	{"ali", "aly", "alee"},
	{"omar", "umar", "omer", "umer"},
	{"uthman", "othman", "osman", "usman", "usmane", "othmane"},
	{"khalid", "khaled", "halid", "khalied"},
	{"said", "saeed", "saeid", "saied"},
	{"sayed", "sayyid", "syed", "sayyed", "seyed", "seyyed"},
	{"abu", "abou", "abo"},
	{"jamal", "gamal", "djamal", "jamel"},
	{"mustafa", "mostafa", "moustafa", "mustapha", "mostapha"},
	{"ibrahim", "ebrahim", "ibraheem", "ibrahima", "brahim"},
	{"ismail", "ismael", "esmail", "ismayil"},
	{"yahya", "yahia", "yehia", "yehya"},
	{"yasin", "yassin", "yaseen", "yassine"},
	{"hamza", "hamzah", "hamzeh"},
	{"hamid", "hameed", "hamed"},
	{"rashid", "rasheed", "rachid", "rashed"},
	{"nasser", "nasir", "naser", "nassir", "nacer"},
	{"saleh", "salih", "salah"},
	{"suleiman", "sulaiman", "soliman", "sulayman", "suleyman", "sleiman", "souleymane"},
	{"faisal", "faysal", "feisal", "faycal"},
	{"fatima", "fatma", "fatemeh", "fatimah"},
	{"aisha", "aysha", "ayesha", "aicha", "aishah"},
	{"zaynab", "zainab", "zeinab"},
	{"abbas", "abas"},
	{"jafar", "jaafar", "djafar"},
	{"qasim", "qassem", "kasim", "qasem", "kassem", "gasim"},
	{"mansur", "mansour", "mansoor"},
	{"nur", "noor", "nour"},
	{"din", "deen", "dine", "ddin"},
	{"allah", "ullah", "ollah", "alla"},
	{"qadhafi", "gaddafi", "qaddafi", "gadhafi", "kadhafi", "qathafi", "kaddafi", "gadafi"},
	{"qaida", "qaeda", "qaeda"},
	{"hizballah", "hezbollah", "hizbullah", "hizbollah", "hezballah"},
	{"taliban", "taleban"},
	{"bin", "ibn", "ben", "bn", "ebn"},
	{"al", "el", "ul", "il"},
	{"bint", "binti", "bte"},
	// Slavic and European given names.
	{"vladimir", "volodymyr", "wladimir", "uladzimir", "wlodzimierz", "vladimiras", "vladimirs", "vlagyimir"},
	{"aleksandr", "alexander", "alexandr", "alexandre", "alessandro", "alejandro", "oleksandr", "aliaksandr", "alexandros", "aleksander", "aleksandar", "iskander", "iskandar"},
	{"sergei", "sergey", "serhiy", "sergiy", "serge", "sergio", "serhii", "sergii"},
	{"dmitry", "dmitri", "dmitriy", "dmytro", "dimitri", "dimitrios", "dmitrii"},
	{"yevgeny", "evgeny", "evgeniy", "yevgeniy", "eugene", "evgenii", "yevhen"},
	{"mikhail", "mykhailo", "michael", "michel", "miguel", "michal", "mikhael", "mikael"},
	{"nikolai", "nikolay", "mykola", "nicholas", "nikolaos", "nicolas", "nicola", "nikola", "nicolae", "miklos"},
	{"pyotr", "petr", "petro", "peter", "pierre", "pedro", "pietro", "piotr"},
	{"yuri", "yury", "yuriy", "yurii", "iurii", "jurij"},
	{"andrei", "andrey", "andriy", "andrew", "andreas", "andre", "andrii", "andrzej"},
	{"alexei", "alexey", "aleksei", "oleksiy", "aleksey", "oleksii"},
	{"georgy", "georgiy", "george", "jorge", "georges", "giorgi", "georgii", "georgios", "giorgio"},
	{"igor", "ihor"},
	{"oleg", "oleh"},
	{"viktor", "victor", "wiktor"},
	{"konstantin", "kostiantyn", "constantine", "konstantinos", "constantin"},
	{"vasily", "vasiliy", "vasyl", "vassily", "vasilii", "wassily"},
	{"grigory", "grigoriy", "hryhoriy", "gregory", "grigori", "gregor"},
	{"yakov", "jacob", "jakob", "yaakov", "jacques", "jakub", "iakov"},
	{"ilya", "ilia", "illia", "elijah"},
	{"benjamin", "binyamin", "benyamin", "veniamin", "beniamino"},
	{"abraham", "avraham", "ibrahim"},
	{"ivan", "ioann", "ivano"},
	{"john", "jon", "johannes", "johan", "sean", "giovanni", "joao", "jean"},
	{"joseph", "josef", "jozef", "giuseppe", "jose", "iosif", "yosef"},
	{"yekaterina", "ekaterina", "katerina", "catherine", "kateryna"},
	{"elena", "yelena", "olena", "helen", "helena", "jelena"},
	{"natalia", "natalya", "nataliya", "natalie"},
	{"tatiana", "tatyana", "tetiana", "tatjana"},
	{"yulia", "yuliya", "julia", "iuliia", "yuliia"},
	{"anatoly", "anatoliy", "anatolii", "anatoli"},
	{"arkady", "arkadiy", "arkadii", "arkadi"},
	{"maksim", "maxim", "maksym", "maxime", "massimo"},
	{"roman", "romain"},
	{"stepan", "stefan", "stephen", "steven", "esteban", "stephane"},
	{"pavel", "pavlo", "paul", "pablo", "paolo", "pawel"},
	{"fyodor", "fedor", "theodore", "fedir", "teodor"},
	{"william", "wilhelm", "guillermo", "guillaume", "william"},
	{"henry", "henri", "heinrich", "enrique", "enrico"},
	{"charles", "carlos", "karl", "carl", "carlo", "karol"},
	{"francis", "francisco", "francesco", "franz", "francois", "frantisek"},
	{"james", "jaime", "diego", "santiago", "giacomo"},
	// Korean surnames and frequent name syllables under the usual systems.
	{"kim", "gim"},
	{"lee", "yi", "i", "rhee", "ri", "rhie", "lie"},
	{"park", "bak", "pak", "bark"},
	{"choi", "choe", "chey"},
	{"jeong", "jung", "chung", "jong", "chong", "joung"},
	{"kang", "gang"},
	{"cho", "jo", "joe"},
	{"yoon", "yun"},
	{"jang", "chang"},
	{"lim", "im", "rim", "yim"},
	{"shin", "sin", "shinn"},
	{"kwon", "gwon"},
	{"ahn", "an"},
	{"ryu", "yu", "yoo", "ryoo"},
	{"jeon", "jun", "chun", "chon"},
	{"ko", "go", "koh"},
	{"moon", "mun"},
	{"sohn", "son"},
	{"bae", "pae"},
	{"baek", "paek", "paik"},
	{"heo", "huh", "hur"},
	{"roh", "noh", "no"},
	{"seong", "sung", "seung"},
	{"eun", "un"},
	{"cheol", "chul", "chol"},
	{"hyeon", "hyun", "hyon"},
	{"yeong", "young", "yong"},
	{"seok", "suk", "sok"},
	// Chinese surnames: Mandarin pinyin, Wade-Giles and Cantonese spellings.
	{"zhang", "chang", "cheung", "teo"},
	{"wang", "wong", "ong"},
	{"chen", "chan", "tan", "chin"},
	{"liu", "lau", "lao"},
	{"huang", "wong", "hwang", "ng"},
	{"zhou", "chou", "chow", "chau"},
	{"wu", "ng", "woo", "goh"},
	{"lin", "lam", "lim"},
	{"zheng", "cheng", "tay"},
	{"xu", "hsu", "tsui", "hui"},
	{"zhao", "chao", "chiu"},
	{"xi", "hsi"},
	{"jiang", "chiang", "kong"},
}

// honorifics are titles and forms of address dropped before matching, in
// the languages lists and officers write them.
var honorifics = set(
	"mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "prof", "professor",
	"sir", "lord", "lady", "dame", "rev", "reverend", "hon", "honorable", "honourable",
	"sheikh", "shaykh", "sheik", "shaikh", "cheikh", "mullah", "mulla", "mawlawi",
	"maulvi", "molvi", "mawlana", "maulana", "moulana", "haji", "hajji", "alhaji", "hadji",
	"qari", "imam", "ayatollah", "hojatoleslam",
	"general", "gen", "colonel", "col", "major", "maj", "captain", "capt", "lieutenant",
	"lt", "brigadier", "admiral", "commander", "sergeant", "sgt",
	"president", "presidente", "prasident", "praesident", "prezident", "presiden",
	"presedintele", "predsjednik", "predsednik", "prezydent", "elnok", "presidentti",
	"prime", "minister", "senator", "judge", "excellency", "his", "her",
	"herr", "frau", "senor", "senora", "sr", "sra", "jr", "snr", "jnr",
	"monsieur", "madame", "mme", "mlle", "signor", "signora", "don", "dona",
	"gospodin", "tovarishch",
)

// surnameTitles are the honorifics written before or after a family name
// alone ("President Putin", "Putyin elnök", "Dr Smith").
var surnameTitles = set(
	"mr", "mrs", "ms", "mister", "dr", "doctor", "prof", "professor",
	"general", "gen", "colonel", "col", "major", "maj", "captain", "capt", "lieutenant",
	"president", "presidente", "prasident", "praesident", "prezident", "presiden",
	"presedintele", "predsjednik", "predsednik", "prezydent", "elnok", "presidentti",
	"minister", "senator", "judge", "herr", "frau", "senor", "senora", "monsieur", "madame",
	"gospodin",
)

// particles are short connecting words inside personal names; they count
// little on either side.
var particles = set(
	"al", "el", "ul", "il", "ad", "ar", "as", "at", "ash", "az", "an", "ed", "ud", "ur", "ut",
	"bin", "ibn", "ben", "bn", "ebn", "bint", "binti", "bte", "ould",
	"de", "da", "del", "della", "der", "den", "di", "du", "dos", "das", "do",
	"la", "le", "van", "von", "ter", "ten", "y", "e", "zu", "af", "av",
)

// orgStopwords are filler words in organisation names.
var orgStopwords = set("the", "of", "and", "for", "in", "on", "at", "to", "a", "an", "und", "et", "y", "de", "du", "des", "der", "die", "la", "le", "les", "el", "al")

// legalForms maps a legal form, as a sequence of normalised words, to the
// class it belongs to; members of one class are treated as equal. The
// generic English designators (Company, Corporation, Incorporated) are
// one class: they are used interchangeably and name no distinct form.
var legalForms = map[string]string{
	"llc": "llc", "l l c": "llc", "limited liability company": "llc", "limited liability co": "llc",
	"ooo": "llc", "obshchestvo s ogranichennoy otvetstvennostyu": "llc",
	"obshchestvo s ogranichennoi otvetstvennostiu": "llc", "tov": "llc", "too": "llc",
	"gmbh": "llc", "g m b h": "llc", "sarl": "llc", "s a r l": "llc", "srl": "llc", "s r l": "llc",
	"sp z o o": "llc", "spzoo": "llc", "sp zoo": "llc", "gesellschaft mit beschrankter haftung": "llc",
	"societatea cu raspundere limitata": "llc", "sociedad de responsabilidad limitada": "llc",
	"societe a responsabilite limitee": "llc", "spolka z ograniczona odpowiedzialnoscia": "llc",
	"societa a responsabilita limitata": "llc", "besloten vennootschap": "llc", "doo": "llc", "d o o": "llc", "kft": "llc", "sro": "llc",
	"s r o": "llc", "ltda": "llc", "bv": "llc", "b v": "llc", "fzllc": "llc", "fz llc": "llc",
	"ltd": "ltd", "limited": "ltd", "ltd co": "ltd", "co ltd": "ltd", "company limited": "ltd",
	"pvt ltd": "ltd", "private limited": "ltd", "pte ltd": "ltd", "pty ltd": "ltd", "pty": "ltd", "pte": "ltd",
	"jsc": "jsc", "joint stock company": "jsc", "ao": "jsc", "oao": "jsc", "zao": "jsc", "pao": "jsc",
	"ojsc": "jsc", "cjsc": "jsc", "pjsc": "jsc", "open joint stock company": "jsc",
	"closed joint stock company": "jsc", "public joint stock company": "jsc",
	"aktsionernoe obshchestvo": "jsc", "aktsionernoye obshchestvo": "jsc",
	"ag": "ag", "aktiengesellschaft": "ag",
	"sa": "sa", "s a": "sa", "sociedad anonima": "sa", "societe anonyme": "sa", "spa": "sa", "s p a": "sa",
	"sas": "sa", "nv": "sa", "n v": "sa",
	"sa de cv": "sa de cv", "s a de c v": "sa de cv", "sociedad anonima de capital variable": "sa de cv",
	"sab de cv": "sa de cv", "s de rl de cv": "sa de cv", "s de r l de c v": "sa de cv",
	"inc": "corp", "incorporated": "corp",
	"corp": "corp", "corporation": "corp",
	"co": "corp", "company": "corp", "cie": "corp", "compania": "corp", "compagnie": "corp",
	"plc": "plc", "public limited company": "plc",
	"llp": "llp", "limited liability partnership": "llp", "lp": "lp", "limited partnership": "lp",
	"kg": "kg", "gmbh co kg": "kg", "kommanditgesellschaft": "kg",
	"fze": "fze", "fzco": "fze", "fzc": "fze", "free zone establishment": "fze",
	"asa": "as", "oyj": "as",
}

// orgAbbreviations are the usual short forms of words in organisation
// names; legal forms are in legalForms.
var orgAbbreviations = map[string]string{
	"intl": "international", "int'l": "international", "natl": "national", "assn": "association",
	"assoc": "association", "bros": "brothers", "mfg": "manufacturing", "mgmt": "management",
	"hldgs": "holdings", "hldg": "holding", "grp": "group", "svcs": "services", "svc": "service",
	"dept": "department", "univ": "university", "inst": "institute", "indus": "industries",
	"engg": "engineering", "ctr": "center", "cntr": "center", "devt": "development",
	"trdg": "trading", "shpg": "shipping", "elec": "electric", "coop": "cooperative",
	"tech": "technology", "gen": "general", "mgt": "management",
}

// numberWords spells numbers and ordinals so that "Three Percenters",
// "First Bank" and "Brigade Forty-Four" meet "3", "1st" and "44".
var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
	"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
	"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10,
}

// legalFormMaxWords is the longest legal form in legalForms, in words.
const legalFormMaxWords = 6

// commonParts are name parts so frequent that a match on them alone proves
// little; they weigh less than a rare part in the name score.
var commonParts = map[string]float64{
	"muhammad": 0.5, "ahmad": 0.6, "ali": 0.6, "abd": 0.5, "abdullah": 0.6, "abu": 0.5,
	"hasan": 0.65, "husayn": 0.65, "mahmud": 0.7, "ibrahim": 0.7, "umar": 0.7, "khan": 0.6,
	"abdulrahman": 0.7, "rahman": 0.7, "said": 0.7, "sayed": 0.7, "yusuf": 0.7, "khalid": 0.7,
	"mustafa": 0.7, "ismail": 0.7, "jamal": 0.75, "salih": 0.75, "allah": 0.6, "din": 0.6,
	"kim": 0.55, "lee": 0.55, "park": 0.6, "jeong": 0.6, "choi": 0.65,
	"wang": 0.55, "zhang": 0.55, "chen": 0.6, "liu": 0.6, "li": 0.55, "huang": 0.6, "wu": 0.6,
	"nguyen": 0.55, "tran": 0.6, "singh": 0.55, "kumar": 0.6, "shah": 0.65,
	"john": 0.65, "james": 0.65, "david": 0.65, "michael": 0.65, "robert": 0.65, "william": 0.65,
	"maria": 0.6, "jose": 0.6, "juan": 0.65, "carlos": 0.7, "luis": 0.7, "ana": 0.7,
	"smith": 0.65, "johnson": 0.7, "brown": 0.7, "garcia": 0.65, "rodriguez": 0.65,
	"martinez": 0.65, "lopez": 0.65, "hernandez": 0.65, "gonzalez": 0.65, "perez": 0.65,
	"sanchez": 0.7, "ivanov": 0.7, "aleksandr": 0.7, "sergei": 0.7, "vladimir": 0.75,
	"trading": 0.5, "international": 0.5, "group": 0.5, "general": 0.5, "holding": 0.5,
	"holdings": 0.5, "industries": 0.55, "industrial": 0.55, "services": 0.5, "service": 0.5,
	"bank": 0.6, "shipping": 0.55, "investment": 0.55, "investments": 0.55,
	"enterprise": 0.5, "enterprises": 0.5, "national": 0.55, "global": 0.5, "import": 0.55,
	"export": 0.55, "commercial": 0.55, "development": 0.55, "foundation": 0.55,
	"organization": 0.55, "association": 0.55, "center": 0.55, "centre": 0.55,
	"trust": 0.6, "fund": 0.6, "union": 0.6, "company": 0.5, "network": 0.55,
	"technology": 0.55, "technologies": 0.55, "energy": 0.6, "oil": 0.6, "gas": 0.6,
	"petroleum": 0.6, "construction": 0.6, "engineering": 0.6, "marine": 0.6,
	"logistics": 0.6, "import export": 0.5, "media": 0.6, "systems": 0.55,
	"management": 0.55, "solutions": 0.55, "partners": 0.6, "capital": 0.6, "finance": 0.6,
	"consulting": 0.55, "resources": 0.6, "products": 0.55, "agency": 0.6, "institute": 0.6,
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// variantGroup maps a spelling to its group number in nameVariants. A
// spelling listed in two groups (Chinese "wong" is both Wang and Huang)
// keeps its first group; secondGroup holds the other.
var variantGroup, secondGroup = buildVariantGroups()

func buildVariantGroups() (map[string]int32, map[string]int32) {
	first := map[string]int32{}
	second := map[string]int32{}
	for i, g := range nameVariants {
		for _, v := range g {
			if _, ok := first[v]; !ok {
				first[v] = int32(i)
			} else if first[v] != int32(i) {
				second[v] = int32(i)
			}
		}
	}
	return first, second
}
