package ftm

import "strings"

// country is one row of the ISO 3166-1 table: alpha-2 and alpha-3 codes in
// lower case and a short English name.
type country struct{ alpha2, alpha3, name string }

// isoCountries is the ISO 3166-1 table (all officially assigned codes).
var isoCountries = []country{
	{"ad", "and", "Andorra"},
	{"ae", "are", "United Arab Emirates"},
	{"af", "afg", "Afghanistan"},
	{"ag", "atg", "Antigua and Barbuda"},
	{"ai", "aia", "Anguilla"},
	{"al", "alb", "Albania"},
	{"am", "arm", "Armenia"},
	{"ao", "ago", "Angola"},
	{"aq", "ata", "Antarctica"},
	{"ar", "arg", "Argentina"},
	{"as", "asm", "American Samoa"},
	{"at", "aut", "Austria"},
	{"au", "aus", "Australia"},
	{"aw", "abw", "Aruba"},
	{"ax", "ala", "Aland Islands"},
	{"az", "aze", "Azerbaijan"},
	{"ba", "bih", "Bosnia and Herzegovina"},
	{"bb", "brb", "Barbados"},
	{"bd", "bgd", "Bangladesh"},
	{"be", "bel", "Belgium"},
	{"bf", "bfa", "Burkina Faso"},
	{"bg", "bgr", "Bulgaria"},
	{"bh", "bhr", "Bahrain"},
	{"bi", "bdi", "Burundi"},
	{"bj", "ben", "Benin"},
	{"bl", "blm", "Saint Barthelemy"},
	{"bm", "bmu", "Bermuda"},
	{"bn", "brn", "Brunei"},
	{"bo", "bol", "Bolivia"},
	{"bq", "bes", "Bonaire, Sint Eustatius and Saba"},
	{"br", "bra", "Brazil"},
	{"bs", "bhs", "Bahamas"},
	{"bt", "btn", "Bhutan"},
	{"bv", "bvt", "Bouvet Island"},
	{"bw", "bwa", "Botswana"},
	{"by", "blr", "Belarus"},
	{"bz", "blz", "Belize"},
	{"ca", "can", "Canada"},
	{"cc", "cck", "Cocos (Keeling) Islands"},
	{"cd", "cod", "Democratic Republic of the Congo"},
	{"cf", "caf", "Central African Republic"},
	{"cg", "cog", "Republic of the Congo"},
	{"ch", "che", "Switzerland"},
	{"ci", "civ", "Cote d'Ivoire"},
	{"ck", "cok", "Cook Islands"},
	{"cl", "chl", "Chile"},
	{"cm", "cmr", "Cameroon"},
	{"cn", "chn", "China"},
	{"co", "col", "Colombia"},
	{"cr", "cri", "Costa Rica"},
	{"cu", "cub", "Cuba"},
	{"cv", "cpv", "Cabo Verde"},
	{"cw", "cuw", "Curacao"},
	{"cx", "cxr", "Christmas Island"},
	{"cy", "cyp", "Cyprus"},
	{"cz", "cze", "Czechia"},
	{"de", "deu", "Germany"},
	{"dj", "dji", "Djibouti"},
	{"dk", "dnk", "Denmark"},
	{"dm", "dma", "Dominica"},
	{"do", "dom", "Dominican Republic"},
	{"dz", "dza", "Algeria"},
	{"ec", "ecu", "Ecuador"},
	{"ee", "est", "Estonia"},
	{"eg", "egy", "Egypt"},
	{"eh", "esh", "Western Sahara"},
	{"er", "eri", "Eritrea"},
	{"es", "esp", "Spain"},
	{"et", "eth", "Ethiopia"},
	{"fi", "fin", "Finland"},
	{"fj", "fji", "Fiji"},
	{"fk", "flk", "Falkland Islands"},
	{"fm", "fsm", "Micronesia"},
	{"fo", "fro", "Faroe Islands"},
	{"fr", "fra", "France"},
	{"ga", "gab", "Gabon"},
	{"gb", "gbr", "United Kingdom"},
	{"gd", "grd", "Grenada"},
	{"ge", "geo", "Georgia"},
	{"gf", "guf", "French Guiana"},
	{"gg", "ggy", "Guernsey"},
	{"gh", "gha", "Ghana"},
	{"gi", "gib", "Gibraltar"},
	{"gl", "grl", "Greenland"},
	{"gm", "gmb", "Gambia"},
	{"gn", "gin", "Guinea"},
	{"gp", "glp", "Guadeloupe"},
	{"gq", "gnq", "Equatorial Guinea"},
	{"gr", "grc", "Greece"},
	{"gs", "sgs", "South Georgia and the South Sandwich Islands"},
	{"gt", "gtm", "Guatemala"},
	{"gu", "gum", "Guam"},
	{"gw", "gnb", "Guinea-Bissau"},
	{"gy", "guy", "Guyana"},
	{"hk", "hkg", "Hong Kong"},
	{"hm", "hmd", "Heard Island and McDonald Islands"},
	{"hn", "hnd", "Honduras"},
	{"hr", "hrv", "Croatia"},
	{"ht", "hti", "Haiti"},
	{"hu", "hun", "Hungary"},
	{"id", "idn", "Indonesia"},
	{"ie", "irl", "Ireland"},
	{"il", "isr", "Israel"},
	{"im", "imn", "Isle of Man"},
	{"in", "ind", "India"},
	{"io", "iot", "British Indian Ocean Territory"},
	{"iq", "irq", "Iraq"},
	{"ir", "irn", "Iran"},
	{"is", "isl", "Iceland"},
	{"it", "ita", "Italy"},
	{"je", "jey", "Jersey"},
	{"jm", "jam", "Jamaica"},
	{"jo", "jor", "Jordan"},
	{"jp", "jpn", "Japan"},
	{"ke", "ken", "Kenya"},
	{"kg", "kgz", "Kyrgyzstan"},
	{"kh", "khm", "Cambodia"},
	{"ki", "kir", "Kiribati"},
	{"km", "com", "Comoros"},
	{"kn", "kna", "Saint Kitts and Nevis"},
	{"kp", "prk", "North Korea"},
	{"kr", "kor", "South Korea"},
	{"kw", "kwt", "Kuwait"},
	{"ky", "cym", "Cayman Islands"},
	{"kz", "kaz", "Kazakhstan"},
	{"la", "lao", "Laos"},
	{"lb", "lbn", "Lebanon"},
	{"lc", "lca", "Saint Lucia"},
	{"li", "lie", "Liechtenstein"},
	{"lk", "lka", "Sri Lanka"},
	{"lr", "lbr", "Liberia"},
	{"ls", "lso", "Lesotho"},
	{"lt", "ltu", "Lithuania"},
	{"lu", "lux", "Luxembourg"},
	{"lv", "lva", "Latvia"},
	{"ly", "lby", "Libya"},
	{"ma", "mar", "Morocco"},
	{"mc", "mco", "Monaco"},
	{"md", "mda", "Moldova"},
	{"me", "mne", "Montenegro"},
	{"mf", "maf", "Saint Martin (French part)"},
	{"mg", "mdg", "Madagascar"},
	{"mh", "mhl", "Marshall Islands"},
	{"mk", "mkd", "North Macedonia"},
	{"ml", "mli", "Mali"},
	{"mm", "mmr", "Myanmar"},
	{"mn", "mng", "Mongolia"},
	{"mo", "mac", "Macao"},
	{"mp", "mnp", "Northern Mariana Islands"},
	{"mq", "mtq", "Martinique"},
	{"mr", "mrt", "Mauritania"},
	{"ms", "msr", "Montserrat"},
	{"mt", "mlt", "Malta"},
	{"mu", "mus", "Mauritius"},
	{"mv", "mdv", "Maldives"},
	{"mw", "mwi", "Malawi"},
	{"mx", "mex", "Mexico"},
	{"my", "mys", "Malaysia"},
	{"mz", "moz", "Mozambique"},
	{"na", "nam", "Namibia"},
	{"nc", "ncl", "New Caledonia"},
	{"ne", "ner", "Niger"},
	{"nf", "nfk", "Norfolk Island"},
	{"ng", "nga", "Nigeria"},
	{"ni", "nic", "Nicaragua"},
	{"nl", "nld", "Netherlands"},
	{"no", "nor", "Norway"},
	{"np", "npl", "Nepal"},
	{"nr", "nru", "Nauru"},
	{"nu", "niu", "Niue"},
	{"nz", "nzl", "New Zealand"},
	{"om", "omn", "Oman"},
	{"pa", "pan", "Panama"},
	{"pe", "per", "Peru"},
	{"pf", "pyf", "French Polynesia"},
	{"pg", "png", "Papua New Guinea"},
	{"ph", "phl", "Philippines"},
	{"pk", "pak", "Pakistan"},
	{"pl", "pol", "Poland"},
	{"pm", "spm", "Saint Pierre and Miquelon"},
	{"pn", "pcn", "Pitcairn"},
	{"pr", "pri", "Puerto Rico"},
	{"ps", "pse", "Palestine"},
	{"pt", "prt", "Portugal"},
	{"pw", "plw", "Palau"},
	{"py", "pry", "Paraguay"},
	{"qa", "qat", "Qatar"},
	{"re", "reu", "Reunion"},
	{"ro", "rou", "Romania"},
	{"rs", "srb", "Serbia"},
	{"ru", "rus", "Russia"},
	{"rw", "rwa", "Rwanda"},
	{"sa", "sau", "Saudi Arabia"},
	{"sb", "slb", "Solomon Islands"},
	{"sc", "syc", "Seychelles"},
	{"sd", "sdn", "Sudan"},
	{"se", "swe", "Sweden"},
	{"sg", "sgp", "Singapore"},
	{"sh", "shn", "Saint Helena, Ascension and Tristan da Cunha"},
	{"si", "svn", "Slovenia"},
	{"sj", "sjm", "Svalbard and Jan Mayen"},
	{"sk", "svk", "Slovakia"},
	{"sl", "sle", "Sierra Leone"},
	{"sm", "smr", "San Marino"},
	{"sn", "sen", "Senegal"},
	{"so", "som", "Somalia"},
	{"sr", "sur", "Suriname"},
	{"ss", "ssd", "South Sudan"},
	{"st", "stp", "Sao Tome and Principe"},
	{"sv", "slv", "El Salvador"},
	{"sx", "sxm", "Sint Maarten (Dutch part)"},
	{"sy", "syr", "Syria"},
	{"sz", "swz", "Eswatini"},
	{"tc", "tca", "Turks and Caicos Islands"},
	{"td", "tcd", "Chad"},
	{"tf", "atf", "French Southern Territories"},
	{"tg", "tgo", "Togo"},
	{"th", "tha", "Thailand"},
	{"tj", "tjk", "Tajikistan"},
	{"tk", "tkl", "Tokelau"},
	{"tl", "tls", "Timor-Leste"},
	{"tm", "tkm", "Turkmenistan"},
	{"tn", "tun", "Tunisia"},
	{"to", "ton", "Tonga"},
	{"tr", "tur", "Turkey"},
	{"tt", "tto", "Trinidad and Tobago"},
	{"tv", "tuv", "Tuvalu"},
	{"tw", "twn", "Taiwan"},
	{"tz", "tza", "Tanzania"},
	{"ua", "ukr", "Ukraine"},
	{"ug", "uga", "Uganda"},
	{"um", "umi", "United States Minor Outlying Islands"},
	{"us", "usa", "United States"},
	{"uy", "ury", "Uruguay"},
	{"uz", "uzb", "Uzbekistan"},
	{"va", "vat", "Holy See"},
	{"vc", "vct", "Saint Vincent and the Grenadines"},
	{"ve", "ven", "Venezuela"},
	{"vg", "vgb", "British Virgin Islands"},
	{"vi", "vir", "United States Virgin Islands"},
	{"vn", "vnm", "Vietnam"},
	{"vu", "vut", "Vanuatu"},
	{"wf", "wlf", "Wallis and Futuna"},
	{"ws", "wsm", "Samoa"},
	{"ye", "yem", "Yemen"},
	{"yt", "myt", "Mayotte"},
	{"za", "zaf", "South Africa"},
	{"zm", "zmb", "Zambia"},
	{"zw", "zwe", "Zimbabwe"},
}

// ftmTerritories are the codes FtM accepts beyond ISO 3166-1 alpha-2: former
// states (ISO 3166-3), disputed or occupied territories, parts of the United
// Kingdom, and "zz" for global, with an English name each.
var ftmTerritories = []country{
	{"zz", "", "Global"},
	{"eu", "", "European Union"},
	{"xk", "xkx", "Kosovo"},
	{"suhh", "", "Soviet Union"},
	{"ddde", "", "East Germany"},
	{"dd", "", "German Democratic Republic"},
	{"yucs", "", "Yugoslavia"},
	{"csxx", "", "Serbia and Montenegro"},
	{"cshh", "", "Czechoslovakia"},
	{"zr", "", "Zaire"},
	{"ge-ab", "", "Abkhazia"},
	{"x-so", "", "South Ossetia"},
	{"ua-lpr", "", "Luhansk People's Republic"},
	{"ua-dpr", "", "Donetsk People's Republic"},
	{"ua-cri", "", "Crimea"},
	{"so-som", "", "Somaliland"},
	{"cy-trnc", "", "Northern Cyprus"},
	{"az-nk", "", "Nagorno-Karabakh"},
	{"cn-xz", "", "Tibet"},
	{"gg-srk", "", "Sark"},
	{"gg-alr", "", "Alderney"},
	{"gb-eng", "", "England"},
	{"gb-wls", "", "Wales"},
	{"gb-sct", "", "Scotland"},
	{"gb-nir", "", "Northern Ireland"},
	{"md-pmr", "", "Transnistria"},
}

// countryAliases maps the other names lists use (OFAC, UN, EU, ISO's formal
// forms) to codes. Keys are in countryKey form.
var countryAliases = map[string]string{
	// Formal and ISO-style names.
	"afghanistan islamic republic of": "af", "islamic emirate of afghanistan": "af",
	"antigua": "ag", "aland": "ax", "bosnia herzegovina": "ba", "bosnia": "ba",
	"brunei darussalam": "bn", "bolivia plurinational state of": "bo",
	"plurinational state of bolivia": "bo", "bonaire": "bq", "caribbean netherlands": "bq",
	"republic of belarus": "by", "belorussia": "by", "byelorussia": "by",
	"congo democratic republic of the": "cd", "democratic republic of congo": "cd",
	"congo kinshasa": "cd", "dr congo": "cd", "drc": "cd", "congo dem rep": "cd",
	"congo republic of the": "cg", "congo": "cg", "congo brazzaville": "cg", "congo rep": "cg",
	"ivory coast": "ci", "cote divoire": "ci", "cape verde": "cv",
	"czech republic": "cz", "czech": "cz", "federal republic of germany": "de",
	"west germany": "de", "swaziland": "sz", "kingdom of eswatini": "sz",
	"falkland islands malvinas": "fk", "malvinas": "fk",
	"micronesia federated states of": "fm", "federated states of micronesia": "fm",
	"great britain": "gb", "britain": "gb", "uk": "gb",
	"united kingdom of great britain and northern ireland": "gb", "england and wales": "gb",
	"the gambia": "gm", "hong kong sar": "hk", "hong kong china": "hk", "hong kong sar china": "hk",
	"iran islamic republic of": "ir", "islamic republic of iran": "ir", "persia": "ir",
	"korea democratic peoples republic of": "kp", "democratic peoples republic of korea": "kp",
	"korea north": "kp", "dprk": "kp", "north korea": "kp",
	"korea republic of": "kr", "republic of korea": "kr", "korea south": "kr", "korea": "kr",
	"lao peoples democratic republic": "la", "lao pdr": "la", "lao": "la",
	"libyan arab jamahiriya": "ly", "moldova republic of": "md", "republic of moldova": "md",
	"saint martin": "mf", "st martin": "mf", "macedonia": "mk",
	"the former yugoslav republic of macedonia": "mk", "former yugoslav republic of macedonia": "mk",
	"macedonia the former yugoslav republic of": "mk", "republic of north macedonia": "mk", "fyrom": "mk",
	"burma": "mm", "macau": "mo", "the netherlands": "nl", "holland": "nl",
	"palestine state of": "ps", "state of palestine": "ps", "palestinian": "ps",
	"palestinian territories": "ps", "palestinian territory": "ps", "occupied palestinian territory": "ps",
	"palestinian territory occupied": "ps", "west bank": "ps", "gaza": "ps", "gaza strip": "ps",
	"west bank and gaza": "ps", "russian federation": "ru", "the russian federation": "ru",
	"saint helena": "sh", "st helena": "sh", "sint maarten": "sx",
	"syrian arab republic": "sy", "the bahamas": "bs", "bahamas the": "bs",
	"east timor": "tl", "timor leste": "tl", "turkiye": "tr", "republic of turkiye": "tr",
	"taiwan province of china": "tw", "republic of china": "tw", "chinese taipei": "tw",
	"tanzania united republic of": "tz", "united republic of tanzania": "tz",
	"united states of america": "us", "usa": "us", "us": "us", "u s": "us", "america": "us",
	"holy see vatican city state": "va", "vatican": "va", "vatican city": "va",
	"venezuela bolivarian republic of": "ve", "bolivarian republic of venezuela": "ve",
	"virgin islands british": "vg", "virgin islands us": "vi", "us virgin islands": "vi",
	"viet nam": "vn", "saint kitts": "kn", "st kitts and nevis": "kn", "st lucia": "lc",
	"st vincent and the grenadines": "vc", "saint vincent": "vc", "sao tome": "st",
	"peoples republic of china": "cn", "china peoples republic of": "cn", "prc": "cn",
	"mainland china": "cn", "uae": "ae", "emirates": "ae", "kyrgyz republic": "kg",
	"slovak republic": "sk", "cabo verde republic of": "cv", "republic of ireland": "ie",
	"eire": "ie", "the philippines": "ph", "the gambia republic of": "gm",
	"south sudan republic of": "ss", "sudan republic of": "sd", "the sudan": "sd",
	"yemen republic of": "ye", "republic of yemen": "ye", "iraq republic of": "iq",
	"lebanese republic": "lb", "state of qatar": "qa", "state of kuwait": "kw",
	"kingdom of saudi arabia": "sa", "ksa": "sa", "hashemite kingdom of jordan": "jo",
	"arab republic of egypt": "eg", "kingdom of morocco": "ma", "republic of serbia": "rs",
	"republic of india": "in", "islamic republic of pakistan": "pk", "republic of cuba": "cu",
	"united mexican states": "mx", "republic of colombia": "co", "republic of nicaragua": "ni",
	"federal republic of somalia": "so", "republic of mali": "ml", "republic of niger": "ne",
	"federal republic of nigeria": "ng", "state of libya": "ly", "republic of kosovo": "xk",
	"kosova": "xk", "curacao": "cw", "reunion": "re", "saint barthelemy": "bl",
	"micronesia": "fm", "pitcairn islands": "pn", "heard and mcdonald islands": "hm",
	"svalbard": "sj", "wallis and futuna islands": "wf", "united states minor outlying": "um",

	// Former states and territories.
	"ussr": "suhh", "union of soviet socialist republics": "suhh", "soviet union": "suhh",
	"east germany": "ddde", "german democratic republic": "ddde", "gdr": "ddde",
	"yugoslavia": "yucs", "federal republic of yugoslavia": "yucs",
	"socialist federal republic of yugoslavia": "yucs", "serbia and montenegro": "csxx",
	"czechoslovakia": "cshh", "zaire": "cd", "crimea": "ua-cri", "autonomous republic of crimea": "ua-cri",
	"region crimea": "ua-cri", "crimea region of ukraine": "ua-cri",
	"luhansk": "ua-lpr", "luhansk peoples republic": "ua-lpr", "lugansk peoples republic": "ua-lpr",
	"donetsk": "ua-dpr", "donetsk peoples republic": "ua-dpr",
	"abkhazia": "ge-ab", "south ossetia": "x-so", "somaliland": "so-som",
	"northern cyprus": "cy-trnc", "turkish republic of northern cyprus": "cy-trnc",
	"nagorno karabakh": "az-nk", "transnistria": "md-pmr", "tibet": "cn-xz",
	"european union": "eu", "global": "zz",
}

// Country tables indexed for lookup; built once, read only.
var (
	countryCodes  = buildCountryCodes()
	countryLookup = buildCountryLookup()
)

func buildCountryCodes() map[string]bool {
	out := map[string]bool{}
	for _, c := range isoCountries {
		out[c.alpha2] = true
	}
	for _, c := range ftmTerritories {
		out[c.alpha2] = true
	}
	return out
}

func buildCountryLookup() map[string]string {
	out := map[string]string{}
	for _, table := range [][]country{isoCountries, ftmTerritories} {
		for _, c := range table {
			out[c.alpha2] = c.alpha2
			if c.alpha3 != "" {
				out[c.alpha3] = c.alpha2
			}
			out[countryKey(c.name)] = c.alpha2
		}
	}
	for k, v := range countryAliases {
		out[k] = v
	}
	return out
}

// IsCountry reports whether code is a country code FtM accepts: ISO 3166-1
// alpha-2 in lower case or one of FtM's extra territory codes.
func IsCountry(code string) bool { return countryCodes[code] }

// CountryName returns an English name for a country code, or "" when the
// code is unknown.
func CountryName(code string) string {
	for _, table := range [][]country{isoCountries, ftmTerritories} {
		for _, c := range table {
			if c.alpha2 == code {
				return c.name
			}
		}
	}
	return ""
}

// NormalizeCountry maps a country code (ISO alpha-2 or alpha-3, any case)
// or an English country name as sanctions lists write it ("Russia",
// "Korea, North", "Congo, Democratic Republic of the") to the FtM code. ok is
// false when nothing matches; it never guesses from a partial match.
func NormalizeCountry(s string) (code string, ok bool) {
	k := countryKey(s)
	if k == "" {
		return "", false
	}
	if c, ok := countryLookup[k]; ok {
		return c, true
	}
	// Lists invert names around a comma ("Korea, Republic of"); the table
	// holds the natural order.
	if before, after, found := strings.Cut(s, ","); found {
		if c, ok := countryLookup[countryKey(after+" "+before)]; ok {
			return c, true
		}
	}
	// "the Bahamas", "Republic of Mali", "Kingdom of Spain".
	for _, prefix := range []string{"the ", "republic of ", "kingdom of ", "state of ", "principality of "} {
		if rest, found := strings.CutPrefix(k, prefix); found {
			if c, ok := countryLookup[rest]; ok {
				return c, true
			}
		}
	}
	return "", false
}

// countryKey folds a country name for lookup: lower case, Latin accents
// removed, "&" read as "and", and other punctuation collapsed to single spaces (apostrophes vanish, so
// "People's" and "Peoples" meet).
func countryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case 'á', 'à', 'â', 'ä', 'ã', 'å':
			r = 'a'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'í', 'ì', 'î', 'ï':
			r = 'i'
		case 'ó', 'ò', 'ô', 'ö', 'õ':
			r = 'o'
		case 'ú', 'ù', 'û', 'ü':
			r = 'u'
		case 'ç':
			r = 'c'
		case 'ñ':
			r = 'n'
		case '\'', '’', '‘', '.':
			continue
		case '&':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			space = true
			continue
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		} else {
			space = true
		}
	}
	return b.String()
}
