package ingest

import (
	"regexp"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// How a Remarks segment ("label value") is stored.
type remarkKind int

const (
	rmText     remarkKind = iota // prop gets the value as is
	rmDate                       // prop gets ISO dates
	rmCountry                    // prop gets a country code
	rmIdent                      // prop gets the number, plus an Identification
	rmPassport                   // passportNumber plus a Passport
	rmGender
	rmWallet
	rmLink
	rmAlias // prop gets a quoted name
)

type remarkRule struct {
	label string
	kind  remarkKind
	prop  string
}

// remarkRules lists the labels OFAC uses in Remarks, longest first where
// one label starts another ("Identification Number IMO" before
// "Identification Number").
var remarkRules = longestFirst([]remarkRule{
	{"DOB", rmDate, "birthDate"},
	{"POB", rmText, "birthPlace"},
	{"nationality", rmCountry, "nationality"},
	{"Nationality of Registration", rmCountry, "jurisdiction"},
	{"citizen", rmCountry, "citizenship"},
	{"Gender", rmGender, "gender"},
	{"Email Address", rmText, "email"},
	{"Website", rmText, "website"},
	{"Phone Number", rmText, "phone"},
	{"Telephone", rmText, "phone"},
	{"Telephone No.", rmText, "phone"},
	{"Telephone Number:", rmText, "phone"},
	{"Organization Established Date", rmDate, "incorporationDate"},
	{"Date of Registration", rmDate, "incorporationDate"},
	{"Organization Type:", rmText, "sector"},
	{"Vessel Registration Identification IMO", rmText, "imoNumber"},
	{"Identification Number IMO", rmText, "imoNumber"},
	{"Company Number IMO", rmText, "imoNumber"},
	{"MMSI", rmText, "mmsi"},
	{"Vessel Year of Build", rmDate, "buildDate"},
	{"Former Vessel Flag", rmCountry, "pastFlags"},
	{"Aircraft Manufacturer's Serial Number (MSN)", rmText, "serialNumber"},
	{"Aircraft Construction Number (also called L/N or S/N or F/N)", rmText, "serialNumber"},
	{"Aircraft Tail Number", rmText, "registrationNumber"},
	{"Aircraft Model", rmText, "model"},
	{"Aircraft Manufacture Date", rmDate, "buildDate"},
	{"SWIFT/BIC", rmText, "swiftBic"},
	{"Legal Entity Number", rmText, "leiCode"},
	{"D-U-N-S Number", rmText, "dunsCode"},
	{"V.A.T. Number", rmIdent, "vatCode"},
	{"Digital Currency Address -", rmWallet, ""},
	{"Linked To:", rmLink, ""},
	{"a.k.a.", rmAlias, "weakAlias"},
	{"f.k.a.", rmAlias, "previousName"},
	{"n.k.a.", rmAlias, "alias"},
	{"Passport", rmPassport, "passportNumber"},
	{"Diplomatic Passport", rmPassport, "passportNumber"},
	{"Tax ID No.", rmIdent, "taxNumber"},
	{"RFC", rmIdent, "taxNumber"},
	{"NIT #", rmIdent, "taxNumber"},
	{"RUC #", rmIdent, "taxNumber"},
	{"CUIT", rmIdent, "taxNumber"},
	{"Italian Fiscal Code", rmIdent, "taxNumber"},
	{"Registration ID", rmIdent, "registrationNumber"},
	{"Registration Number", rmIdent, "registrationNumber"},
	{"Business Registration Number", rmIdent, "registrationNumber"},
	{"Business Registration Document #", rmIdent, "registrationNumber"},
	{"Company Number", rmIdent, "registrationNumber"},
	{"Commercial Registry Number", rmIdent, "registrationNumber"},
	{"Folio Mercantil No.", rmIdent, "registrationNumber"},
	{"Matricula Mercantil No", rmIdent, "registrationNumber"},
	{"Chamber of Commerce Number", rmIdent, "registrationNumber"},
	{"C.R. No.", rmIdent, "registrationNumber"},
	{"Economic Register Number", rmIdent, "registrationNumber"},
	{"Government Gazette Number", rmIdent, "registrationNumber"},
	{"Central Registration System Number", rmIdent, "registrationNumber"},
	{"Unified Social Credit Code", rmIdent, "registrationNumber"},
	{"Istanbul Chamber of Comm. No.", rmIdent, "registrationNumber"},
	{"Public Registration Number", rmIdent, "registrationNumber"},
	{"Trade License No.", rmIdent, "licenseNumber"},
	{"Certificate of Incorporation Number", rmIdent, "registrationNumber"},
	{"National ID No.", rmIdent, "idNumber"},
	{"National Foreign ID Number", rmIdent, "idNumber"},
	{"Personal ID Card", rmIdent, "idNumber"},
	{"Cedula No.", rmIdent, "idNumber"},
	{"C.U.R.P.", rmIdent, "idNumber"},
	{"CURP #", rmIdent, "idNumber"},
	{"D.N.I.", rmIdent, "idNumber"},
	{"Identification Number", rmIdent, "idNumber"},
	{"Birth Certificate Number", rmIdent, "idNumber"},
	{"Driver's License No.", rmIdent, "idNumber"},
	{"Residency Number", rmIdent, "idNumber"},
	{"Electoral Registry No.", rmIdent, "idNumber"},
	{"Refugee ID Card", rmIdent, "idNumber"},
	{"Kenyan ID No.", rmIdent, "idNumber"},
	{"Social Security Number", rmIdent, "socialSecurityNumber"},
	{"SSN", rmIdent, "socialSecurityNumber"},
})

// longestFirst orders rules so that the longest label is tried first.
func longestFirst(rules []remarkRule) []remarkRule {
	slices.SortStableFunc(rules, func(a, b remarkRule) int { return len(b.label) - len(a.label) })
	return rules
}

// property returns the FtM property called name of the schema called
// schema, or false when the schema has no such property.
func property(schema, name string) (*ftm.Property, bool) {
	s, ok := ftm.GetSchema(schema)
	if !ok {
		return nil, false
	}
	return s.Property(name)
}

// ruleFor returns the rule whose label starts seg at a word boundary, and
// the value after the label.
func ruleFor(seg string) (remarkRule, string, bool) {
	for _, r := range remarkRules {
		if !strings.HasPrefix(seg, r.label) {
			continue
		}
		rest := seg[len(r.label):]
		if rest != "" && !strings.ContainsAny(rest[:1], " :#-(") && !strings.HasSuffix(r.label, ":") && !strings.HasSuffix(r.label, ".") {
			continue
		}
		return r, strings.TrimSpace(strings.TrimLeft(rest, " :")), true
	}
	return remarkRule{}, "", false
}

// splitIdent splits "123 (Iran) issued 2010" into number, country text and
// the rest. The number ends at the first parenthesis or date keyword.
func splitIdent(s string) (num, place, rest string) {
	num = s
	if i := strings.IndexByte(s, '('); i >= 0 {
		num, rest = s[:i], s[i+1:]
		place, rest, _ = strings.Cut(rest, ")")
	}
	if loc := docDateRE.FindStringIndex(num); loc != nil {
		num, rest = num[:loc[0]], num[loc[0]:]+" "+rest
	}
	return strings.TrimSpace(num), strings.TrimSpace(place), strings.TrimSpace(rest)
}

// parseRemarks turns OFAC's free-text Remarks ("DOB 1962; alt. DOB 1963;
// POB Cairo, Egypt; ...") into typed properties and derived entities. What
// it does not recognise stays in notes, so nothing is lost.
func (p *ofacParty) parseRemarks(text string) {
	e := p.party
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, seg := range strings.Split(text, ";") {
		seg = strings.TrimSpace(seg)
		seg = strings.TrimSpace(strings.TrimPrefix(seg, "alt."))
		if seg == "" {
			continue
		}
		r, val, ok := ruleFor(seg)
		if ok && r.kind != rmLink && r.kind != rmAlias {
			val = strings.TrimSuffix(val, ".")
		}
		if !ok || val == "" || !p.applyRemark(r, val) {
			e.Add("notes", seg)
		}
	}
}

// applyRemark stores one recognised segment; false sends it to notes.
func (p *ofacParty) applyRemark(r remarkRule, val string) bool {
	e := p.party
	var prop *ftm.Property
	if r.prop != "" {
		var ok bool
		if prop, ok = property(e.Schema, r.prop); !ok {
			return false
		}
	}
	switch r.kind {
	case rmText:
		whole := true
		if prop.Type == ftm.TypeURL {
			// OFAC sometimes runs a description on after the address
			// ("www.example.org. Offices Worldwide"); a URL has no spaces, so
			// the address is the first word and the segment also goes to
			// notes.
			var rest string
			val, rest, _ = strings.Cut(val, " ")
			val, whole = strings.TrimSuffix(val, "."), rest == ""
		}
		if prop.Type.Check(val) != nil {
			return false
		}
		e.Add(r.prop, val)
		if r.prop == "birthPlace" {
			parts := strings.Split(val, ",")
			if c := country(parts[len(parts)-1]); c != "" {
				e.Add("birthCountry", c)
			}
		}
		return whole
	case rmDate:
		ds := dobDates(val)
		if len(ds) == 0 {
			return false
		}
		e.Add(r.prop, ds...)
	case rmCountry:
		c := country(val)
		if c == "" {
			return false
		}
		e.Add(r.prop, c)
	case rmGender:
		switch strings.ToLower(val) {
		case "male", "female":
			e.Add("gender", strings.ToLower(val))
		default:
			return false
		}
	case rmAlias:
		name := strings.Trim(strings.TrimSuffix(strings.TrimSpace(val), "."), "'\"")
		if name == "" {
			return false
		}
		e.Add(r.prop, name)
	case rmLink:
		name := strings.TrimSpace(val)
		if name == "" {
			return false
		}
		p.links = append(p.links, ofacLink{name: name, role: "Linked To"})
	case rmWallet:
		sym, key, _ := strings.Cut(val, " ")
		key = strings.TrimSpace(key)
		if key == "" {
			return false
		}
		w := p.derived("CryptoWallet", "wallet")
		w.Add("publicKey", key)
		w.Add("currencySymbol", sym)
		w.Add("holder", e.ID)
		p.docs = append(p.docs, w)
	case rmIdent, rmPassport:
		num, place, rest := splitIdent(val)
		if num == "" {
			return false
		}
		e.Add(r.prop, num)
		schema, kind := "Identification", "id"
		if r.kind == rmPassport {
			schema, kind = "Passport", "passport"
		}
		d := p.derived(schema, kind)
		d.Add("holder", e.ID)
		d.Add("number", num)
		d.Add("type", strings.TrimSuffix(r.label, ":"))
		if c := country(place); c != "" {
			d.Add("country", c)
		}
		p.docDates(d, rest)
		p.docs = append(p.docs, d)
	}
	return true
}

var docDateRE = regexp.MustCompile(`(?i)(issued|expires)\s+(\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|[A-Za-z]{3}\s+\d{4}|\d{4})`)

// docDates reads "issued 01 Jan 2010 expires 31 Dec 2020" after a document
// number; whatever else follows goes to the description.
func (p *ofacParty) docDates(d *ftm.Entity, rest string) {
	rest = strings.TrimSpace(rest)
	for _, m := range docDateRE.FindAllStringSubmatch(rest, -1) {
		prop := "startDate"
		if strings.EqualFold(m[1], "expires") {
			prop = "endDate"
		}
		d.Add(prop, isoDate(m[2]))
	}
	if left := strings.TrimSpace(docDateRE.ReplaceAllString(rest, "")); left != "" {
		d.Add("description", left)
	}
}
