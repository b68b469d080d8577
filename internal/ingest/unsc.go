package ingest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

const unscAuthority = "United Nations Security Council"

// unscTerrorLists are UN_LIST_TYPE values of the counter-terrorism regimes
// (resolutions 1267/1989/2253 and 1988).
var unscTerrorLists = map[string]bool{"Al-Qaida": true, "ISIL": true, "Taliban": true}

// unscRecord is one INDIVIDUAL or ENTITY element; both share one shape, so
// one struct decodes either.
type unscRecord struct {
	XMLName      xml.Name
	First        string      `xml:"FIRST_NAME"`
	Second       string      `xml:"SECOND_NAME"`
	Third        string      `xml:"THIRD_NAME"`
	Fourth       string      `xml:"FOURTH_NAME"`
	ListType     string      `xml:"UN_LIST_TYPE"`
	Ref          string      `xml:"REFERENCE_NUMBER"`
	ListedOn     string      `xml:"LISTED_ON"`
	Gender       string      `xml:"GENDER"`
	Comments     string      `xml:"COMMENTS1"`
	Original     []string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Titles       []string    `xml:"TITLE>VALUE"`
	Designations []string    `xml:"DESIGNATION>VALUE"`
	Nationality  []string    `xml:"NATIONALITY>VALUE"`
	Updated      []string    `xml:"LAST_DAY_UPDATED>VALUE"`
	Aliases      []unscAlias `xml:"INDIVIDUAL_ALIAS"`
	EntAliases   []unscAlias `xml:"ENTITY_ALIAS"`
	Addresses    []unscAddr  `xml:"INDIVIDUAL_ADDRESS"`
	EntAddresses []unscAddr  `xml:"ENTITY_ADDRESS"`
	Births       []unscDOB   `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
	Places       []unscAddr  `xml:"INDIVIDUAL_PLACE_OF_BIRTH"`
	Documents    []unscDoc   `xml:"INDIVIDUAL_DOCUMENT"`
}

type unscAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unscAddr struct {
	Street  string `xml:"STREET"`
	City    string `xml:"CITY"`
	State   string `xml:"STATE_PROVINCE"`
	Zip     string `xml:"ZIP_CODE"`
	Country string `xml:"COUNTRY"`
	Note    string `xml:"NOTE"`
}

type unscDOB struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
}

type unscDoc struct {
	Type         string `xml:"TYPE_OF_DOCUMENT"`
	Type2        string `xml:"TYPE_OF_DOCUMENT2"`
	Number       string `xml:"NUMBER"`
	Issuer       string `xml:"ISSUING_COUNTRY"`
	IssueCountry string `xml:"COUNTRY_OF_ISSUE"`
	IssueCity    string `xml:"CITY_OF_ISSUE"`
	Issued       string `xml:"DATE_OF_ISSUE"`
	Note         string `xml:"NOTE"`
}

func readUNSC(ctx context.Context, path string, opts Options, emit Emit) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	base := filepath.Base(path)
	pr := problems{opts}
	dec := xml.NewDecoder(f)
	syntax := func(elem string, at int64, err error) error {
		return &Problem{File: base, Element: elem, Err: err,
			Msg: fmt.Sprintf("at byte offset %d: %v", at, err)}
	}
	depth, rootClosed, n := 0, false, 0
	for {
		at := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return syntax("CONSOLIDATED_LIST", at, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && t.Name.Local != "CONSOLIDATED_LIST" {
				return &Problem{File: base, Element: t.Name.Local, Msg: "not a UN consolidated list (root is not CONSOLIDATED_LIST)"}
			}
			if t.Name.Local != "INDIVIDUAL" && t.Name.Local != "ENTITY" {
				depth++
				continue
			}
			n++
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var rec unscRecord
			if err := dec.DecodeElement(&rec, &t); err != nil {
				return syntax(fmt.Sprintf("%s #%d", t.Name.Local, n), at, err)
			}
			if err := emitUNSC(&rec, base, at, pr, emit); err != nil {
				return err
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				rootClosed = true
			}
		}
	}
	if !rootClosed {
		return syntax("CONSOLIDATED_LIST", dec.InputOffset(), errors.New("file ends before the list is closed (truncated?)"))
	}
	return nil
}

func emitUNSC(rec *unscRecord, base string, at int64, pr problems, emit Emit) error {
	kind := rec.XMLName.Local
	ref := strings.TrimSpace(rec.Ref)
	parts := nonEmpty(rec.First, rec.Second, rec.Third, rec.Fourth)
	if ref == "" || len(parts) == 0 {
		msg := "no REFERENCE_NUMBER"
		if ref != "" {
			msg = "no name"
		}
		return pr.bad(Problem{File: base, Element: fmt.Sprintf("%s %s", kind, ref),
			Msg: fmt.Sprintf("at byte offset %d: %s", at, msg)})
	}
	origin := fmt.Sprintf("%s:%s %s", base, kind, ref)
	schema := "Organization"
	if kind == "INDIVIDUAL" {
		schema = "Person"
	}
	e := ftm.NewEntity(schema, "unsc-"+ref)
	e.Target = true
	e.Add("name", strings.Join(parts, " "))
	if schema == "Person" && len(parts) > 1 {
		// UN names are given in order, not as surname plus given names;
		// only the first and last parts are safe to label.
		e.Add("firstName", parts[0])
		e.Add("lastName", parts[len(parts)-1])
		if len(parts) > 2 {
			e.Add("secondName", parts[1])
		}
	}
	for _, a := range append(rec.Aliases, rec.EntAliases...) {
		prop := "alias"
		switch strings.ToLower(strings.TrimSpace(a.Quality)) {
		case "low":
			prop = "weakAlias"
		case "f.k.a.":
			prop = "previousName"
		}
		e.Add(prop, a.Name)
	}
	e.Add("alias", rec.Original...)
	listType := strings.TrimSpace(rec.ListType)
	e.Add("program", listType)
	e.Add("topics", "sanction")
	if unscTerrorLists[listType] {
		e.Add("topics", "crime.terror")
	}
	e.Add("notes", rec.Comments)
	var extra []*ftm.Entity
	if schema == "Person" {
		e.Add("title", rec.Titles...)
		e.Add("position", rec.Designations...)
		for _, n := range rec.Nationality {
			if c := country(n); c != "" {
				e.Add("nationality", c)
			} else {
				e.Add("notes", "Nationality: "+n)
			}
		}
		if g := strings.ToLower(strings.TrimSpace(rec.Gender)); g == "male" || g == "female" {
			e.Add("gender", g)
		}
		for _, b := range rec.Births {
			e.Add("birthDate", unscBirthDates(b)...)
		}
		for _, p := range rec.Places {
			e.Add("birthPlace", joinNonEmpty(", ", p.City, p.State, p.Country))
			e.Add("birthCountry", country(p.Country))
		}
		np, ni := 0, 0
		for _, d := range rec.Documents {
			num := strings.TrimSpace(d.Number)
			if num == "" {
				if t := joinNonEmpty(" ", d.Type, d.Type2, d.Note); t != "" {
					e.Add("notes", "Document: "+t)
				}
				continue
			}
			var doc *ftm.Entity
			if isPassportType(d.Type) {
				np++
				doc = ftm.NewEntity("Passport", fmt.Sprintf("%s-passport-%d", e.ID, np))
				e.Add("passportNumber", num)
			} else {
				ni++
				doc = ftm.NewEntity("Identification", fmt.Sprintf("%s-id-%d", e.ID, ni))
				e.Add("idNumber", num)
			}
			doc.Add("holder", e.ID)
			doc.Add("number", num)
			doc.Add("type", joinNonEmpty(" / ", d.Type, d.Type2))
			doc.Add("country", country(firstNonEmpty(d.Issuer, d.IssueCountry)))
			doc.Add("startDate", isoDate(d.Issued))
			doc.Add("description", joinNonEmpty("; ", d.IssueCity, d.Note))
			extra = append(extra, doc)
		}
	}
	na := 0
	for _, a := range append(rec.Addresses, rec.EntAddresses...) {
		full := joinNonEmpty(", ", a.Street, a.City, a.State, a.Zip, a.Country)
		if full == "" {
			continue
		}
		na++
		addr := ftm.NewEntity("Address", fmt.Sprintf("%s-addr-%d", e.ID, na))
		addr.Add("full", full)
		addr.Add("street", a.Street)
		addr.Add("city", a.City)
		addr.Add("state", a.State)
		addr.Add("postalCode", a.Zip)
		addr.Add("remarks", a.Note)
		if c := country(a.Country); c != "" {
			addr.Add("country", c)
			e.Add("country", c)
		}
		e.Add("addressEntity", addr.ID)
		extra = append(extra, addr)
	}
	s := ftm.NewEntity("Sanction", e.ID+"-sanction")
	s.Add("entity", e.ID)
	s.Add("authority", unscAuthority)
	s.Add("unscId", ref)
	s.Add("program", listType)
	s.Add("listingDate", isoDate(rec.ListedOn))
	s.Add("startDate", isoDate(rec.ListedOn))
	for _, u := range rec.Updated {
		s.Add("modifiedAt", isoDate(u))
	}
	extra = append(extra, s)

	if err := emit(e, origin); err != nil {
		return err
	}
	for _, x := range extra {
		if err := emit(x, origin); err != nil {
			return err
		}
	}
	return nil
}

func isPassportType(t string) bool {
	t = strings.ToLower(t)
	return strings.Contains(t, "passport") || strings.Contains(t, "pasaporte") || strings.Contains(t, "passeport")
}

// unscBirthDates reads one INDIVIDUAL_DATE_OF_BIRTH. A BETWEEN range gives
// every year in it (see yearRange).
func unscBirthDates(b unscDOB) []string {
	if strings.EqualFold(strings.TrimSpace(b.Type), "BETWEEN") {
		from, err1 := strconv.Atoi(strings.TrimSpace(b.FromYear))
		to, err2 := strconv.Atoi(strings.TrimSpace(b.ToYear))
		if err1 == nil && err2 == nil && from > 999 && to > 999 {
			return yearRange(from, to)
		}
	}
	var out []string
	for _, d := range []string{b.Date, b.Year, b.FromYear, b.ToYear} {
		if v := isoDate(d); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	if v := nonEmpty(ss...); len(v) > 0 {
		return v[0]
	}
	return ""
}
