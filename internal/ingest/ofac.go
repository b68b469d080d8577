package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// OFAC's legacy CSV set: sdn.csv holds one party per row; alt.csv, add.csv
// and sdn_comments.csv hold aliases, addresses and the overflow of long
// Remarks, keyed by ent_num. The side files are small next to sdn.csv, so
// they are read into maps first and sdn.csv is then streamed.

const (
	ofacAuthority = "Office of Foreign Assets Control"
	ofacNull      = "-0-"
	ofacEOF       = "\x1a" // OFAC ends each file with a DOS end-of-file byte
)

type ofacAlt struct{ kind, name, remarks string }

type ofacAddr struct {
	num, address, cityLine, country, remarks string
	line                                     int
}

type ofacSide struct {
	alts     map[string][]ofacAlt
	addrs    map[string][]ofacAddr
	comments map[string]string
	addFile  string
}

// ofacLink is a "Linked To:" (or vessel owner) reference kept until every
// name on the list is known.
type ofacLink struct {
	from, name, role, origin string
}

func readOFAC(ctx context.Context, path string, opts Options, emit Emit) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	sdn := path
	side := ofacSide{alts: map[string][]ofacAlt{}, addrs: map[string][]ofacAddr{}, comments: map[string]string{}}
	pr := problems{opts}
	if st.IsDir() {
		sdn = filepath.Join(path, "sdn.csv")
		if err := side.load(ctx, path, pr); err != nil {
			return err
		}
	}
	return streamSDN(ctx, sdn, side, pr, emit)
}

// ofacRows calls fn for each record of an OFAC csv file that has want
// fields, with nulls blanked; other rows go to pr. A missing file is
// skipped when optional.
func ofacRows(ctx context.Context, path string, want int, optional bool, pr problems, fn func(rec []string, line int) error) error {
	c, err := openCSV(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	defer c.Close()
	if err := checkOFACEnd(c.f); err != nil {
		return &Problem{File: c.name, Msg: err.Error()}
	}
	return c.each(ctx, pr, func(rec []string, line int) error {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == ofacEOF {
			return nil
		}
		if len(rec) != want {
			return pr.bad(Problem{File: c.name, Line: line, Msg: fmt.Sprintf("got %d fields, want %d", len(rec), want)})
		}
		for i, v := range rec {
			v = strings.TrimSpace(v)
			if v == ofacNull {
				v = ""
			}
			rec[i] = v
		}
		if _, err := strconv.ParseUint(rec[0], 10, 64); err != nil {
			return pr.bad(Problem{File: c.name, Line: line, Msg: fmt.Sprintf("bad ent_num %q", rec[0])})
		}
		return fn(rec, line)
	})
}

// checkOFACEnd reports a file cut short: OFAC files end with a newline and
// the 0x1A marker, so a last byte that is neither means a partial copy.
func checkOFACEnd(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, st.Size()-1); err != nil {
		return err
	}
	if b[0] != '\n' && b[0] != 0x1a {
		return errors.New("file does not end with a newline or OFAC's 0x1A marker (truncated?)")
	}
	return nil
}

func (s *ofacSide) load(ctx context.Context, dir string, pr problems) error {
	err := ofacRows(ctx, filepath.Join(dir, "alt.csv"), 5, true, pr, func(r []string, _ int) error {
		if r[3] != "" {
			s.alts[r[0]] = append(s.alts[r[0]], ofacAlt{kind: strings.ToLower(r[2]), name: r[3], remarks: r[4]})
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.addFile = "add.csv"
	err = ofacRows(ctx, filepath.Join(dir, "add.csv"), 6, true, pr, func(r []string, line int) error {
		s.addrs[r[0]] = append(s.addrs[r[0]], ofacAddr{num: r[1], address: r[2], cityLine: r[3], country: r[4], remarks: r[5], line: line})
		return nil
	})
	if err != nil {
		return err
	}
	return ofacRows(ctx, filepath.Join(dir, "sdn_comments.csv"), 2, true, pr, func(r []string, _ int) error {
		// The comment continues Remarks mid-word, so it is appended as is.
		s.comments[r[0]] += r[1]
		return nil
	})
}

func streamSDN(ctx context.Context, path string, side ofacSide, pr problems, emit Emit) error {
	var links []ofacLink
	// primary and aliases map each listed name to its entity id, or to ""
	// when two entities share it. A primary name wins over an alias, since
	// OFAC links by the linked party's listed name.
	primary, aliases := map[string]string{}, map[string]string{}
	addName := func(m map[string]string, n, id string) {
		if n == "" {
			return
		}
		if old, ok := m[n]; ok && old != id {
			m[n] = ""
			return
		}
		m[n] = id
	}
	base := filepath.Base(path)
	err := ofacRows(ctx, path, 12, false, pr, func(r []string, line int) error {
		origin := base + ":" + strconv.Itoa(line)
		p, err := buildOFACParty(r, side)
		if err != nil {
			return pr.bad(Problem{File: base, Line: line, Msg: err.Error()})
		}
		addName(primary, r[1], p.party.ID)
		for _, n := range p.party.Get("name") {
			addName(primary, n, p.party.ID)
		}
		for _, a := range side.alts[r[0]] {
			addName(aliases, a.name, p.party.ID)
		}
		for _, l := range p.links {
			links = append(links, ofacLink{from: p.party.ID, name: l.name, role: l.role, origin: origin})
		}
		for _, e := range p.entities() {
			o := origin
			if ao, ok := p.origins[e.ID]; ok {
				o = ao
			}
			if err := emit(e, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, l := range links {
		obj := resolveOFACName(primary, l.name)
		if obj == "" {
			obj = resolveOFACName(aliases, l.name)
		}
		if obj == "" {
			pr.note(Problem{File: base, Line: lineOf(l.origin), Msg: fmt.Sprintf("%s %q: no single entity of that name on the list; link dropped", l.role, l.name), Warning: true})
			continue
		}
		counts[l.from]++
		e := ftm.NewEntity("UnknownLink", fmt.Sprintf("%s-link-%d", l.from, counts[l.from]))
		e.Add("subject", l.from)
		e.Add("object", obj)
		e.Add("role", l.role)
		if err := emit(e, l.origin); err != nil {
			return err
		}
	}
	return nil
}

func lineOf(origin string) int {
	_, l, _ := strings.Cut(origin, ":")
	n, _ := strconv.Atoi(l)
	return n
}

// resolveOFACName finds the one entity a linked name refers to. The final
// period of Remarks is ambiguous ("... S.A." ends the name and the
// sentence), so both readings are tried.
func resolveOFACName(names map[string]string, n string) string {
	for _, c := range []string{n, n + ".", strings.TrimSuffix(n, ".")} {
		if id, ok := names[c]; ok {
			return id
		}
	}
	return ""
}

// ofacParty is one sdn.csv row turned into entities.
type ofacParty struct {
	ent      string
	party    *ftm.Entity
	sanction *ftm.Entity
	addrs    []*ftm.Entity
	docs     []*ftm.Entity // passports, identifications, wallets
	links    []ofacLink
	origins  map[string]string // entity id -> origin when not the sdn row
	counts   map[string]int    // per-kind numbering of derived entities
}

func (p *ofacParty) entities() []*ftm.Entity {
	out := []*ftm.Entity{p.party}
	out = append(out, p.addrs...)
	out = append(out, p.docs...)
	return append(out, p.sanction)
}

func (p *ofacParty) derived(schema, kind string) *ftm.Entity {
	p.counts[kind]++
	return ftm.NewEntity(schema, fmt.Sprintf("%s-%s-%d", p.party.ID, kind, p.counts[kind]))
}

var ofacSchemata = map[string]string{
	"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization",
}

// Program tags that mark terrorism and trafficking designations; other
// programs are sanctions without a crime topic.
var (
	terrorPrograms   = map[string]bool{"FTO": true, "SDGT": true}
	traffickPrograms = map[string]bool{"SDNTK": true, "SDNT": true, "TCO": true, "ILLICIT-DRUGS-EO14059": true}
)

// buildOFACParty maps one sdn.csv row (nulls blanked) and its side records.
func buildOFACParty(r []string, side ofacSide) (*ofacParty, error) {
	ent, name, typ := r[0], r[1], strings.ToLower(r[2])
	schema, ok := ofacSchemata[typ]
	if !ok {
		return nil, fmt.Errorf("unknown SDN_Type %q", r[2])
	}
	if name == "" {
		return nil, errors.New("empty SDN_Name")
	}
	e := ftm.NewEntity(schema, "ofac-"+ent)
	e.Target = true
	p := &ofacParty{ent: ent, party: e, origins: map[string]string{}, counts: map[string]int{}}
	addOFACName(e, "name", name)
	for _, a := range side.alts[ent] {
		prop := "alias"
		switch {
		case strings.Contains(strings.ToLower(a.remarks), "weak"):
			prop = "weakAlias"
		case a.kind == "fka":
			prop = "previousName"
		}
		addOFACName(e, prop, a.name)
	}
	programs := strings.FieldsFunc(r[3], func(c rune) bool { return c == '[' || c == ']' || c == ' ' })
	e.Add("program", programs...)
	e.Add("topics", "sanction")
	for _, prog := range programs {
		if terrorPrograms[prog] {
			e.Add("topics", "crime.terror")
		}
		if traffickPrograms[prog] {
			e.Add("topics", "crime", "crime.traffick")
		}
	}
	if r[4] != "" {
		if schema == "Person" {
			e.Add("position", r[4])
		} else {
			e.Add("notes", "Title: "+r[4])
		}
	}
	if schema == "Vessel" {
		e.Add("callSign", r[5])
		e.Add("type", r[6])
		e.Add("tonnage", number(r[7]))
		e.Add("grossRegisteredTonnage", number(r[8]))
		if c := country(r[9]); c != "" {
			e.Add("flag", c)
		} else if r[9] != "" {
			e.Add("notes", "Flag: "+r[9])
		}
		if r[10] != "" {
			// Vessel.owner is an entity reference, so the name is kept in
			// notes and linked if it names a listed entity.
			e.Add("notes", "Owner: "+r[10])
			p.links = append(p.links, ofacLink{name: r[10], role: "Owner"})
		}
	}

	s := ftm.NewEntity("Sanction", e.ID+"-sanction")
	s.Add("entity", e.ID)
	s.Add("authority", ofacAuthority)
	s.Add("program", programs...)
	s.Add("country", "us")
	p.sanction = s

	p.parseRemarks(r[11] + side.comments[ent])

	for _, a := range side.addrs[ent] {
		addr := ftm.NewEntity("Address", e.ID+"-addr-"+a.num)
		city, postal := splitCityLine(a.cityLine)
		full := joinNonEmpty(", ", a.address, a.cityLine, a.country)
		addr.Add("full", full)
		addr.Add("street", a.address)
		addr.Add("city", city)
		addr.Add("postalCode", postal)
		addr.Add("remarks", a.remarks)
		if c := country(a.country); c != "" {
			addr.Add("country", c)
			e.Add("country", c)
		}
		if full == "" {
			continue
		}
		e.Add("addressEntity", addr.ID)
		p.addrs = append(p.addrs, addr)
		p.origins[addr.ID] = side.addFile + ":" + strconv.Itoa(a.line)
	}
	return p, nil
}

// addOFACName adds a name, reordering OFAC's "SURNAME, Given Names" for
// people so that the name reads naturally; the parts go to firstName and
// lastName only for the primary name.
func addOFACName(e *ftm.Entity, prop, name string) {
	if e.Schema != "Person" {
		e.Add(prop, name)
		return
	}
	last, first, ok := strings.Cut(name, ", ")
	if !ok || strings.TrimSpace(first) == "" {
		e.Add(prop, name)
		return
	}
	e.Add(prop, strings.TrimSpace(first)+" "+strings.TrimSpace(last))
	if prop == "name" {
		e.Add("firstName", first)
		e.Add("lastName", last)
	}
}

// splitCityLine separates a trailing postal code from OFAC's combined
// "City State Postal" column: the last word counts as a postal code when it
// holds a digit.
func splitCityLine(s string) (city, postal string) {
	f := strings.Fields(s)
	if len(f) > 1 && strings.ContainsAny(f[len(f)-1], "0123456789") {
		// "London EC3N 1DY": take the digit-bearing words at the end.
		i := len(f) - 1
		for i > 1 && strings.ContainsAny(f[i-1], "0123456789") {
			i--
		}
		return strings.Join(f[:i], " "), strings.Join(f[i:], " ")
	}
	return s, ""
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// number strips thousands separators from an OFAC tonnage, or returns ""
// when it is not a number.
func number(s string) string {
	if _, ok := ftm.ParseNumber(s); !ok {
		return ""
	}
	return strings.ReplaceAll(s, ",", "")
}
