package screen

// nicknames maps a formal given name to the short and familiar forms it
// is commonly written as, in English, Spanish and Russian (romanised as
// lists print them). A formal name in a nameVariants group stands for the
// whole group. The table is general knowledge about names, not about any
// listed person.
var nicknames = map[string][]string{
	// English.
	"william":     {"bill", "billy", "will", "willy", "willie", "liam"},
	"robert":      {"bob", "bobby", "rob", "robbie", "bert"},
	"richard":     {"dick", "rick", "ricky", "rich", "richie"},
	"james":       {"jim", "jimmy", "jamie"},
	"john":        {"jack", "johnny", "jock"},
	"joseph":      {"joe", "joey"},
	"thomas":      {"tom", "tommy"},
	"michael":     {"mike", "mick", "mickey"},
	"christopher": {"chris", "kit"},
	"charles":     {"charlie", "chuck"},
	"edward":      {"ed", "eddie", "ted", "ned"},
	"theodore":    {"ted", "teddy", "theo"},
	"benjamin":    {"ben", "benny"},
	"daniel":      {"dan", "danny"},
	"david":       {"dave", "davy"},
	"anthony":     {"tony"},
	"aleksandr":   {"alex", "sasha", "sandy", "sanya", "shura"},
	"andrei":      {"andy", "drew"},
	"nikolai":     {"nick", "nicky", "kolya"},
	"matthew":     {"matt"},
	"samuel":      {"sam", "sammy"},
	"patrick":     {"pat", "paddy"},
	"pyotr":       {"pete", "petya"},
	"stepan":      {"steve"},
	"timothy":     {"tim"},
	"kenneth":     {"ken", "kenny"},
	"ronald":      {"ron", "ronnie"},
	"donald":      {"don", "donnie"},
	"gerald":      {"gerry", "jerry"},
	"lawrence":    {"larry"},
	"leonard":     {"leo", "len", "lenny"},
	"francis":     {"frank", "frankie", "paco", "pancho", "curro"},
	"frederick":   {"fred", "freddie"},
	"henry":       {"harry", "hank"},
	"harold":      {"harry", "hal"},
	"elizabeth":   {"liz", "beth", "betty", "bess", "eliza"},
	"margaret":    {"maggie", "meg", "peggy"},
	"yekaterina":  {"kate", "katie", "cathy", "kathy", "katya"},
	"jennifer":    {"jen", "jenny"},
	"rebecca":     {"becky"},
	"susan":       {"sue", "susie"},
	"deborah":     {"debbie", "deb"},
	"patricia":    {"patty", "trish"},
	"victoria":    {"vicky", "tori"},
	"abigail":     {"abby"},
	"dorothy":     {"dot", "dolly"},
	// Spanish.
	"jose":      {"pepe", "chepe"},
	"guillermo": {"memo"},
	"manuel":    {"manolo", "manny"},
	"ignacio":   {"nacho"},
	"jesus":     {"chucho", "chuy"},
	"enrique":   {"quique"},
	"alberto":   {"beto"},
	"roberto":   {"beto"},
	"eduardo":   {"lalo"},
	"rafael":    {"rafa"},
	"dolores":   {"lola"},
	"guadalupe": {"lupe"},
	"rosario":   {"charo"},
	"consuelo":  {"chelo"},
	// Hebrew.
	"abraham":   {"avi", "avrum"},
	"mordechai": {"moti", "motti"},
	"yitzhak":   {"itzik", "tzachi"},
	"shmuel":    {"shmulik", "muli"},
	"yehuda":    {"yudi"},
	"yosef":     {"yossi", "yossef"},
	"yaakov":    {"kobi", "yanki"},
	"binyamin":  {"bibi", "benny", "beni"},
	// Russian.
	"alexei":     {"alyosha", "lyosha"},
	"dmitry":     {"dima", "mitya"},
	"mikhail":    {"misha"},
	"sergei":     {"seryozha"},
	"vladimir":   {"volodya", "vova"},
	"ivan":       {"vanya"},
	"pavel":      {"pasha"},
	"yevgeny":    {"zhenya"},
	"anatoly":    {"tolya"},
	"konstantin": {"kostya"},
	"vyacheslav": {"slava"},
	"yaroslav":   {"slava"},
	"stanislav":  {"stas"},
	"boris":      {"borya"},
	"grigory":    {"grisha"},
	"yuri":       {"yura"},
	"viktor":     {"vitya"},
	"vitaly":     {"vitya"},
	"elena":      {"lena"},
	"natalia":    {"natasha"},
	"maria":      {"masha"},
	"anna":       {"anya"},
	"olga":       {"olya"},
	"tatiana":    {"tanya"},
	"svetlana":   {"sveta"},
	"lyudmila":   {"lyuda", "mila"},
	"irina":      {"ira"},
	"anastasia":  {"nastya"},
	"yulia":      {"yulya"},
}

// canonicalName is the form a given name is known by in the nickname
// table: the first spelling of its variant group, or itself.
func canonicalName(s string) string {
	if g, ok := variantGroup[s]; ok {
		return nameVariants[g][0]
	}
	return s
}

// nickFormal maps each nickname to the canonical formal names it is short
// for.
var nickFormal = func() map[string][]string {
	m := map[string][]string{}
	for formal, nicks := range nicknames {
		c := canonicalName(formal)
		for _, n := range nicks {
			m[n] = append(m[n], c)
		}
	}
	return m
}()

// nicknameFormals holds the canonical formal names of the table.
var nicknameFormals = func() map[string]bool {
	m := map[string]bool{}
	for formal := range nicknames {
		m[canonicalName(formal)] = true
	}
	return m
}()

// isNickname reports whether one of a and b is a familiar form of the
// other ("Ted" and "Theodore", "Sasha" and "Aleksandr", "Pepe" and
// "José").
func isNickname(a, b *term) bool {
	if !a.nick || !b.nick {
		return false
	}
	return nickOf(a.text, b.text) || nickOf(b.text, a.text)
}

func nickOf(nick, formal string) bool {
	fs, ok := nickFormal[nick]
	if !ok {
		return false
	}
	c := canonicalName(formal)
	for _, f := range fs {
		if f == c {
			return true
		}
	}
	return false
}
