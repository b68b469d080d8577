package screen

import (
	"slices"
	"strings"
	"unicode"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Query describes the party an officer screens. Only one name is needed;
// every other field is identity evidence that can raise or lower the score
// as explained in Match.
type Query struct {
	// Schema is the FtM schema of the party (Person, Organization, Company,
	// LegalEntity, Vessel, Airplane); empty matches any listed party.
	Schema string
	// Names are full names as written, in any script and order
	// ("PUTIN, Vladimir", "Владимир Путин").
	Names []string
	// FirstName, MiddleName, FatherName and LastName give a person's name
	// in parts, which lets the scorer notice a swapped given/family name.
	FirstName, MiddleName, FatherName, LastName string
	// BirthDates are dates of birth (or of incorporation) as "YYYY",
	// "YYYY-MM" or "YYYY-MM-DD" or any form ftm.NormalizeDate reads.
	BirthDates []string
	// Countries are nationalities, citizenships or countries of the party
	// (ISO codes or English names). They only ever lower a score, when they
	// contradict the listed party's, and never raise risk.
	Countries []string
	// Gender is "male", "female" or empty.
	Gender string
	// Identifiers are passport, national id, tax, registration or IMO
	// numbers; an exact match is near-certain.
	Identifiers []string
	// Datasets, when set, restricts results to entities in one of them.
	Datasets []string
}

// QueryFromEntity builds a query from an FtM entity, as yente's /match
// accepts one.
func QueryFromEntity(e *ftm.Entity) Query {
	q := Query{Schema: e.Schema}
	for _, p := range []string{"name", "alias", "previousName", "weakAlias"} {
		q.Names = append(q.Names, e.Get(p)...)
	}
	q.FirstName = strings.Join(e.Get("firstName"), " ")
	q.MiddleName = strings.Join(append(e.Get("middleName"), e.Get("secondName")...), " ")
	q.FatherName = strings.Join(e.Get("fatherName"), " ")
	q.LastName = strings.Join(e.Get("lastName"), " ")
	q.BirthDates = append(q.BirthDates, e.Get("birthDate")...)
	q.BirthDates = append(q.BirthDates, e.Get("incorporationDate")...)
	for _, p := range countryProps {
		q.Countries = append(q.Countries, e.Get(p)...)
	}
	q.Gender = e.First("gender")
	for _, p := range idProps {
		q.Identifiers = append(q.Identifiers, e.Get(p)...)
	}
	return q
}

// countryProps and idProps are the FtM properties read as country and
// identifier evidence.
var (
	countryProps = []string{"nationality", "citizenship", "country", "jurisdiction"}
	idProps      = []string{
		"idNumber", "passportNumber", "taxNumber", "registrationNumber", "imoNumber",
		"mmsi", "innCode", "ogrnCode", "leiCode", "swiftBic", "vatCode", "socialSecurityNumber",
		"icaoCode", "serialNumber", "registrationNumber", "callSign", "dunsCode", "okpoCode",
	}
	nameProps = []string{"name", "alias", "previousName", "weakAlias"}
)

// record is a query or a listed entity, prepared for scoring.
type record struct {
	id, schema, caption string
	nk                  nameKind
	names               []parsedName
	dates               []string
	countries           []string
	gender              string
	ids                 []string
	datasets            []string
	// terms are the distinct terms of all names; parts refer to them by
	// index (see collectTerms).
	terms []*term
	tids  []uint32 // the terms' ids
}

// maxNames bounds the names kept per entity; a few listed parties carry
// hundreds of aliases and the first ones are the main ones.
const maxNames = 48

func kindOfSchema(schema string) nameKind {
	s, ok := ftm.GetSchema(schema)
	if !ok {
		return nameAny
	}
	switch {
	case s.IsA("Person"):
		return namePerson
	case s.IsA("Organization"), s.IsA("PublicBody"):
		return nameOrg
	case s.IsA("Vessel"), s.IsA("Airplane"), s.IsA("Vehicle"):
		return nameObject
	}
	return nameAny
}

func prepareQuery(q Query, terms termSource) *record {
	r := &record{schema: q.Schema, nk: kindOfSchema(q.Schema)}
	for _, n := range q.Names {
		if len(r.names) < maxNames && strings.TrimSpace(n) != "" {
			pn := parseName(n, "name", r.nk, terms)
			markSurnameOnly(&pn)
			if len(pn.parts) > 0 {
				r.names = append(r.names, pn)
			}
		}
	}
	if q.FirstName != "" || q.LastName != "" || q.MiddleName != "" || q.FatherName != "" {
		pn := parseParts(nonEmpty(q.FirstName), nonEmpty(q.MiddleName), nonEmpty(q.FatherName), nonEmpty(q.LastName), terms)
		if len(pn.parts) > 0 {
			r.names = append(r.names, pn)
		}
	}
	r.dates = normDates(q.BirthDates)
	r.countries = normCountries(q.Countries)
	r.gender = normGender(q.Gender)
	r.ids = normIDs(q.Identifiers)
	r.datasets = q.Datasets
	r.collectTerms()
	return r
}

func nonEmpty(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

func prepareEntity(e *ftm.Entity, terms termSource) *record {
	r := &record{id: e.ID, schema: e.Schema, nk: kindOfSchema(e.Schema), datasets: e.Datasets}
	r.caption = e.Caption()
	for _, p := range nameProps {
	names:
		for _, n := range withAlternatives(e.Get(p)) {
			if len(r.names) >= maxNames {
				break
			}
			for i := range r.names {
				if r.names[i].raw == n {
					continue names
				}
			}
			pn := parseName(n, p, r.nk, terms)
			if len(pn.parts) == 0 {
				continue
			}
			// Names equal once normalised add nothing but work.
			for i := range r.names {
				if sameText(&r.names[i], &pn) {
					continue names
				}
			}
			r.names = append(r.names, pn)
		}
	}
	first, last := e.Get("firstName"), e.Get("lastName")
	if len(first)+len(last) > 0 {
		pn := parseParts(first, append(e.Get("middleName"), e.Get("secondName")...), e.Get("fatherName"), last, terms)
		if len(pn.parts) > 0 {
			r.names = append(r.names, pn)
		}
	}
	r.dates = normDates(append(slices.Clone(e.Get("birthDate")), e.Get("incorporationDate")...))
	var cs []string
	for _, p := range countryProps {
		cs = append(cs, e.Get(p)...)
	}
	r.countries = normCountries(cs)
	r.gender = normGender(e.First("gender"))
	var ids []string
	for _, p := range idProps {
		ids = append(ids, e.Get(p)...)
	}
	r.ids = normIDs(ids)
	r.collectTerms()
	r.compact()
	return r
}

// withAlternatives adds, after each name written as alternatives
// separated by a slash ("Al-Qa'ida/Islamic Army"), each alternative as a
// name of its own. A slash inside a short token ("A/S", "S/A") is kept.
func withAlternatives(names []string) []string {
	var out []string
	for i, n := range names {
		if strings.IndexByte(n, '/') < 0 {
			if out != nil {
				out = append(out, n)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(names)+2), names[:i]...)
		}
		out = append(out, n)
		alts := strings.Split(n, "/")
		ok := len(alts) > 1
		for _, a := range alts {
			ok = ok && letterCount(a) >= 4
		}
		if ok {
			for _, a := range alts {
				out = append(out, strings.TrimSpace(a))
			}
		}
	}
	if out == nil {
		return names
	}
	return out
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// compact moves the record's names, parts and term lists into exactly
// sized arrays, the parts of all names into one: an index keeps millions
// of records.
func (r *record) compact() {
	r.names = slices.Clone(r.names)
	total := 0
	for _, n := range r.names {
		total += len(n.parts)
	}
	all := make([]part, 0, total)
	for i := range r.names {
		start := len(all)
		all = append(all, r.names[i].parts...)
		r.names[i].parts = all[start:len(all):len(all)]
	}
	r.terms = slices.Clone(r.terms)
	r.tids = slices.Clone(r.tids)
}

func normDates(in []string) []string {
	var out []string
	for _, d := range in {
		if n, ok := ftm.NormalizeDate(d); ok {
			if len(n) > 10 {
				n = n[:10]
			}
			if len(n) >= 4 && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func normCountries(in []string) []string {
	var out []string
	for _, c := range in {
		if code, ok := ftm.NormalizeCountry(c); ok && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

func normGender(g string) string {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "male", "m", "man":
		return "male"
	case "female", "f", "woman":
		return "female"
	}
	return ""
}

// normIDs keeps letters and digits, upper-cased, so "AB 12-345" meets
// "AB12345". Very short values are dropped as too weak to identify.
func normIDs(in []string) []string {
	var out []string
	for _, v := range in {
		var b strings.Builder
		for _, r := range strings.ToUpper(v) {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		if s := b.String(); len(s) >= 4 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// schemaCompatible reports whether a query of schema qs can be the listed
// entity of schema cs: one descends from the other (a Company is an
// Organization; a LegalEntity may be a Person).
func schemaCompatible(qs, cs string) bool {
	if qs == "" || cs == "" || qs == cs || qs == "Thing" {
		return true
	}
	a, ok1 := ftm.GetSchema(qs)
	b, ok2 := ftm.GetSchema(cs)
	if !ok1 || !ok2 {
		return true
	}
	return a.IsA(cs) || b.IsA(qs)
}
