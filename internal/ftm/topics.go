package ftm

import "slices"

// topicCodes is FtM's controlled vocabulary for the topic type (3.8 and 4.x).
// Nexus tells criminal from terrorist organisations by these codes, so an
// unknown code is a validation error rather than a silent miss.
var topicCodes = map[string]bool{
	"crime": true, "crime.fraud": true, "crime.cyber": true, "crime.fin": true,
	"crime.env": true, "crime.theft": true, "crime.war": true, "crime.boss": true,
	"crime.terror": true, "crime.traffick": true, "crime.traffick.drug": true,
	"crime.traffick.human": true, "forced.labor": true, "wanted": true,

	"corp.offshore": true, "corp.shell": true, "corp.public": true, "corp.disqual": true,

	"gov": true, "gov.national": true, "gov.state": true, "gov.muni": true,
	"gov.soe": true, "gov.igo": true, "gov.head": true, "gov.admin": true,
	"gov.executive": true, "gov.legislative": true, "gov.judicial": true,
	"gov.security": true, "gov.financial": true, "gov.religion": true,

	// "fin.adivsor" is FtM's own spelling of the code; data carries it so.
	"fin": true, "fin.bank": true, "fin.fund": true, "fin.adivsor": true,

	"mare.detained": true, "mare.shadow": true, "mare.sts": true,
	"reg.action": true, "reg.warn": true,

	"role.pep": true, "role.pep.frmr": true, "role.pep.intl": true, "role.pep.natl": true,
	"role.pol": true, "role.rca": true, "role.judge": true, "role.civil": true,
	"role.diplo": true, "role.lawyer": true, "role.acct": true, "role.spy": true,
	"role.oligarch": true, "role.journo": true, "role.act": true, "role.lobby": true,

	"pol.party": true, "pol.union": true, "rel": true, "mil": true,

	"asset.frozen": true,
	"sanction":     true, "sanction.linked": true, "sanction.control": true, "sanction.counter": true,
	"export.control": true, "export.control.linked": true, "export.risk": true,
	"invest.risk": true, "invest.ban": true,
	"debarment": true, "poi": true,
}

// IsTopic reports whether code is one of FtM's topic codes.
func IsTopic(code string) bool { return topicCodes[code] }

// Topics returns every topic code, sorted.
func Topics() []string {
	out := make([]string, 0, len(topicCodes))
	for c := range topicCodes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
