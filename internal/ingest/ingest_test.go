package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// listsDir holds the real lists shared by the project, outside the repo.
const listsDir = "../../../shared/data/lists"

func realFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(listsDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real list data not available: %v", err)
	}
	return p
}

// result is everything one Read emitted.
type result struct {
	byID     map[string]*ftm.Entity
	origins  map[string]string
	schemata map[string]int
	targets  int
	// statements counts 1 + number of values per entity, as the store
	// would write them.
	statements int
	problems   []Problem
	// invalid holds the Validate error of each emitted entity that fails
	// its schema.
	invalid []error
}

func read(t testing.TB, format, path string, opts Options) (*result, error) {
	t.Helper()
	r := &result{byID: map[string]*ftm.Entity{}, origins: map[string]string{}, schemata: map[string]int{}}
	opts.Skipped = func(p Problem) { r.problems = append(r.problems, p) }
	err := Read(context.Background(), format, path, opts, func(e *ftm.Entity, origin string) error {
		if e.ID == "" || e.Schema == "" {
			t.Errorf("emitted entity with id %q schema %q", e.ID, e.Schema)
		}
		if _, dup := r.byID[e.ID]; dup {
			t.Errorf("entity %s emitted twice", e.ID)
		}
		if err := e.Validate(); err != nil {
			r.invalid = append(r.invalid, fmt.Errorf("%s: %w", origin, err))
		}
		r.byID[e.ID] = e
		r.origins[e.ID] = origin
		r.schemata[e.Schema]++
		if e.Target {
			r.targets++
		}
		r.statements += len(e.Statements("test", origin))
		return nil
	})
	return r, err
}

func mustRead(t testing.TB, format, path string, opts Options) *result {
	t.Helper()
	r, err := read(t, format, path, opts)
	if err != nil {
		t.Fatalf("Read(%s, %s): %v", format, path, err)
	}
	return r
}

// checkValid fails the test for each emitted entity that does not validate
// against its FtM schema.
func (r *result) checkValid(t *testing.T) {
	t.Helper()
	for _, err := range r.invalid {
		t.Errorf("invalid entity: %v", err)
	}
}

// problemLines returns the line of each problem reported, in order.
func (r *result) problemLines() []int {
	var lines []int
	for _, p := range r.problems {
		lines = append(lines, p.Line)
	}
	return lines
}

// entity returns the entity with id or fails the test.
func (r *result) entity(t *testing.T, id string) *ftm.Entity {
	t.Helper()
	e, ok := r.byID[id]
	if !ok {
		t.Fatalf("no entity %s", id)
	}
	return e
}

// checkProps compares the listed properties of e with want; properties not
// listed are not checked.
func checkProps(t *testing.T, e *ftm.Entity, want map[string][]string) {
	t.Helper()
	for p, vs := range want {
		if diff := cmp.Diff(vs, e.Get(p)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", e.ID, p, diff)
		}
	}
}

func TestReadOFAC2024(t *testing.T) {
	r := mustRead(t, "ofac", realFile(t, "us_ofac_sdn/2024-05-03/sdn.csv"), Options{})
	r.checkValid(t)
	t.Logf("schemata %v, statements %d, notices %d", r.schemata, r.statements, len(r.problems))
	if r.targets != 14965 {
		t.Errorf("got %d targets, want 14965", r.targets)
	}
	wantSchemata := map[string]int{"Person": 6854, "Organization": 6884, "Vessel": 851, "Airplane": 376, "Sanction": 14965}
	for s, n := range wantSchemata {
		if r.schemata[s] != n {
			t.Errorf("got %d %s, want %d", r.schemata[s], s, n)
		}
	}
	for _, p := range r.problems {
		if !strings.Contains(p.Msg, "link dropped") || !p.Warning {
			t.Errorf("unexpected problem: %v", &p)
		}
	}

	zawahiri := r.entity(t, "ofac-2676")
	checkProps(t, zawahiri, map[string][]string{
		"name":           {"Dr. Ayman AL ZAWAHIRI"},
		"lastName":       {"AL ZAWAHIRI"},
		"birthDate":      {"1951-06-19"},
		"birthPlace":     {"Giza, Egypt"},
		"birthCountry":   {"eg"},
		"passportNumber": {"1084010", "19820215"},
		"program":        {"SDGT"},
		"topics":         {"sanction", "crime.terror"},
		"position":       {"Operational and Military Leader of JIHAD GROUP"},
	})
	if r.origins["ofac-2676"] == "" || !strings.HasPrefix(r.origins["ofac-2676"], "sdn.csv:") {
		t.Errorf("got origin %q, want sdn.csv:<line>", r.origins["ofac-2676"])
	}
	checkProps(t, r.entity(t, "ofac-2676-passport-1"), map[string][]string{
		"holder": {"ofac-2676"}, "number": {"1084010"}, "country": {"eg"},
	})
	checkProps(t, r.entity(t, "ofac-2676-sanction"), map[string][]string{
		"entity": {"ofac-2676"}, "authority": {ofacAuthority}, "program": {"SDGT"}, "country": {"us"},
	})

	pkk := r.entity(t, "ofac-4702")
	if pkk.Schema != "Organization" || !pkk.Target {
		t.Errorf("got %s target=%v, want Organization target", pkk.Schema, pkk.Target)
	}
	checkProps(t, pkk, map[string][]string{
		"program":   {"SDNTK", "FTO", "SDGT"},
		"topics":    {"sanction", "crime", "crime.traffick", "crime.terror"},
		"weakAlias": {"HSK", "KHK"},
	})

	checkProps(t, r.entity(t, "ofac-4243"), map[string][]string{
		"name": {"EBANO"}, "imoNumber": {"7406784"}, "flag": {"pa"}, "type": {"General Cargo"},
		"tonnage": {"2595"}, "grossRegisteredTonnage": {"1865"}, "previousName": {"ANA I", "SAND SWAN"},
	})

	gomez := r.entity(t, "ofac-8155")
	checkProps(t, gomez, map[string][]string{
		"idNumber": {"21446537"}, "passportNumber": {"21446537"}, "topics": {"sanction", "crime", "crime.traffick"},
	})
	link := r.entity(t, "ofac-8155-link-1")
	obj := r.entity(t, link.First("object"))
	checkProps(t, link, map[string][]string{"subject": {"ofac-8155"}, "role": {"Linked To"}})
	if got, want := obj.First("name"), "FUNDACION PARA LA PAZ DE CORDOBA"; got != want {
		t.Errorf("link object name: got %q, want %q", got, want)
	}
	for id, e := range r.byID {
		if e.Target != ftm.IsTargetSchema(e.Schema) {
			t.Errorf("%s (%s): got target %v", id, e.Schema, e.Target)
		}
	}
}

// ofacRowsIn counts the data rows of an OFAC side file independently of
// the reader, for cross-checking.
func ofacRowsIn(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, r := range recs {
		if len(r) > 1 {
			for i := range r {
				if r[i] = strings.TrimSpace(r[i]); r[i] == ofacNull {
					r[i] = ""
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func TestReadOFAC2021Folder(t *testing.T) {
	dir := realFile(t, "us_ofac_sdn/2021-07-07")
	r := mustRead(t, "ofac", dir, Options{})
	r.checkValid(t)
	t.Logf("schemata %v, statements %d, notices %d", r.schemata, r.statements, len(r.problems))
	if r.targets != 8976 {
		t.Errorf("got %d targets, want 8976", r.targets)
	}
	alts := ofacRowsIn(t, filepath.Join(dir, "alt.csv"))
	if len(alts) != 11910 {
		t.Fatalf("alt.csv: got %d rows, want 11910", len(alts))
	}
	attached := 0
	for _, a := range alts {
		e := r.byID["ofac-"+a[0]]
		if e == nil {
			continue
		}
		names := append(append(e.Get("alias"), e.Get("previousName")...), e.Get("weakAlias")...)
		want := a[3]
		if last, first, ok := strings.Cut(want, ", "); ok && e.Schema == "Person" {
			want = first + " " + last
		}
		for _, n := range names {
			if n == strings.TrimSpace(want) {
				attached++
				break
			}
		}
	}
	if attached != 11910 {
		t.Errorf("got %d aliases attached, want 11910", attached)
	}
	adds := ofacRowsIn(t, filepath.Join(dir, "add.csv"))
	withAddr, empty := 0, 0
	for _, a := range adds {
		id := "ofac-" + a[0] + "-addr-" + a[1]
		if a[2] == "" && a[3] == "" && a[4] == "" {
			empty++ // OFAC's placeholder rows: every field -0-
			continue
		}
		if p := r.byID["ofac-"+a[0]]; p != nil && r.byID[id] != nil && strings.Contains(strings.Join(p.Get("addressEntity"), " "), id) {
			withAddr++
		}
	}
	if withAddr+empty != 13837 || r.schemata["Address"] != withAddr {
		t.Errorf("got %d addresses attached + %d empty rows, %d Address entities; want 13837 rows in all, each non-empty one attached",
			withAddr, empty, r.schemata["Address"])
	}
	t.Logf("add.csv: %d addresses attached, %d all-null rows", withAddr, empty)

	// sdn_comments.csv continues Remarks: ent 28263's ends in its link.
	link := r.entity(t, "ofac-28263-link-1")
	if got := r.entity(t, link.First("object")).First("name"); got != "LAZARUS GROUP" {
		t.Errorf("28263 link object: got %q, want LAZARUS GROUP", got)
	}
	checkProps(t, r.entity(t, "ofac-306-addr-199"), map[string][]string{
		"street": {"Zweierstrasse 35"}, "city": {"Zurich"}, "postalCode": {"CH-8022"}, "country": {"ch"},
	})
	if got := r.origins["ofac-306-addr-199"]; !strings.HasPrefix(got, "add.csv:") {
		t.Errorf("address origin: got %q, want add.csv:<line>", got)
	}
}

func TestReadOFACFixture(t *testing.T) {
	r := mustRead(t, "ofac", "testdata/ofac", Options{})
	r.checkValid(t)
	if r.targets != 8 {
		t.Errorf("got %d targets, want 8", r.targets)
	}
	checkProps(t, r.entity(t, "ofac-306"), map[string][]string{
		"alias": {"NATIONAL BANK OF CUBA"}, "weakAlias": {"BNC"}, "program": {"CUBA"}, "topics": {"sanction"},
	})
	checkProps(t, r.entity(t, "ofac-28263"), map[string][]string{
		"email": {"417136259@qq.com"}, "nationality": {"cn"}, "gender": {"male"},
	})
}

func TestReadOFACErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	tests := []struct {
		name, body string
		strict     bool
		wantErr    string // "" for success
		wantSkip   int
	}{
		{"ok", good + "\x1a", false, "", 0},
		{"short row skipped", good + "37,\"X\",-0- \r\n\x1a", false, "", 1},
		{"short row strict", good + "37,\"X\",-0- \r\n\x1a", true, "sdn.csv:2: got 3 fields, want 12", 0},
		{"empty name", good + `38,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", true, "sdn.csv:2: empty SDN_Name", 0},
		{"bad ent_num", good + `x1,"Y",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", true, `sdn.csv:2: bad ent_num "x1"`, 0},
		{"truncated in quote", good + `39,"BANCO NAC`, false, "truncated", 0},
		{"unterminated quote", good + `39,"BANCO NAC` + "\r\n\x1a", false, "sdn.csv:2: quoted field not closed", 0},
		{"truncated mid row", good + `39,"BANCO",-0- ,"CU`, false, "does not end with a newline", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write("sdn.csv", tt.body)
			r, err := read(t, "ofac", p, Options{Strict: tt.strict})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
			} else {
				var pr *Problem
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &pr) {
					t.Fatalf("got error %v, want a *Problem containing %q", err, tt.wantErr)
				}
			}
			if len(r.problems) != tt.wantSkip {
				t.Errorf("got %d skipped, want %d: %v", len(r.problems), tt.wantSkip, r.problems)
			}
		})
	}
}

func TestReadUNSC(t *testing.T) {
	r := mustRead(t, "unsc", realFile(t, "un_sc_consolidated/2026-02-27/UN_consolidated.xml"), Options{})
	r.checkValid(t)
	t.Logf("schemata %v, statements %d", r.schemata, r.statements)
	if r.schemata["Person"] != 730 || r.schemata["Organization"] != 273 || r.targets != 1003 {
		t.Errorf("got %d Person, %d Organization, %d targets; want 730, 273, 1003",
			r.schemata["Person"], r.schemata["Organization"], r.targets)
	}
	if len(r.problems) != 0 {
		t.Errorf("got problems %v, want none", r.problems)
	}
	checkProps(t, r.entity(t, "unsc-CDi.001"), map[string][]string{
		"name": {"ERIC BADEGE"}, "birthDate": {"1971"}, "nationality": {"cd"}, "program": {"DRC"},
		"topics": {"sanction"}, "gender": {"male"}, "country": {"rw"},
	})
	checkProps(t, r.entity(t, "unsc-CDi.030"), map[string][]string{"birthDate": {"1973", "1974"}})
	z := r.entity(t, "unsc-QDi.006")
	checkProps(t, z, map[string][]string{
		"name": {"AIMAN MUHAMMED RABI AL-ZAWAHIRI"}, "firstName": {"AIMAN"}, "secondName": {"MUHAMMED"},
		"lastName": {"AL-ZAWAHIRI"}, "topics": {"sanction", "crime.terror"}, "program": {"Al-Qaida"},
		"nationality": {"eg"}, "title": {"Doctor", "Dr."},
	})
	if !strings.Contains(strings.Join(z.Get("alias"), "|"), "أيمن محمد ربيع الظواهري") {
		t.Errorf("got aliases %v, want the Arabic original-script name", z.Get("alias"))
	}
	checkProps(t, r.entity(t, "unsc-QDi.006-sanction"), map[string][]string{
		"entity": {"unsc-QDi.006"}, "unscId": {"QDi.006"}, "listingDate": {"2001-01-25"},
		"authority": {unscAuthority},
	})
	if got, want := r.origins["unsc-QDi.006"], "UN_consolidated.xml:INDIVIDUAL QDi.006"; got != want {
		t.Errorf("got origin %q, want %q", got, want)
	}
	if r.schemata["Passport"] == 0 || r.schemata["Address"] == 0 {
		t.Errorf("got schemata %v, want Passport and Address entities", r.schemata)
	}
}

func TestReadUNSCTruncated(t *testing.T) {
	full, err := os.ReadFile(realFile(t, "un_sc_consolidated/2026-02-27/UN_consolidated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cutReal := filepath.Join(t.TempDir(), "UN_consolidated.xml")
	if err := os.WriteFile(cutReal, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/un_truncated.xml", cutReal} {
		_, err := read(t, "unsc", path, Options{})
		var pr *Problem
		if !errors.As(err, &pr) {
			t.Fatalf("%s: got error %v, want a *Problem", path, err)
		}
		if pr.Element == "" || !strings.Contains(pr.Msg, "byte offset") || pr.File != filepath.Base(path) {
			t.Errorf("%s: got %+v, want file, element and byte offset", path, pr)
		}
	}
	// Cut between elements: still an error, since the list never closes.
	small, err := os.ReadFile("testdata/un_small.xml")
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Index(string(small), "<ENTITIES>")
	p := filepath.Join(t.TempDir(), "un.xml")
	if err := os.WriteFile(p, small[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := read(t, "unsc", p, Options{}); err == nil {
		t.Errorf("got no error for a list cut between elements")
	}
}

func TestReadUNSCFixture(t *testing.T) {
	r := mustRead(t, "unsc", "testdata/un_small.xml", Options{})
	r.checkValid(t)
	if r.targets != 3 {
		t.Errorf("got %d targets, want 3", r.targets)
	}
}

func TestReadFTM(t *testing.T) {
	tests := []struct {
		file    string
		want    int
		targets int
	}{
		{"opensanctions/ftm/zala_cluster.entities.ftm.json", 91, -1},
		{"opensanctions/ftm/t1.entities.ftm.json", 7, 6},
	}
	for _, tt := range tests {
		r := mustRead(t, "ftm", realFile(t, tt.file), Options{})
		r.checkValid(t)
		n := len(r.byID)
		t.Logf("%s: schemata %v, targets %d, statements %d", tt.file, r.schemata, r.targets, r.statements)
		if n != tt.want {
			t.Errorf("%s: got %d entities, want %d", tt.file, n, tt.want)
		}
		if tt.targets >= 0 && r.targets != tt.targets {
			t.Errorf("%s: got %d targets, want %d", tt.file, r.targets, tt.targets)
		}
	}
	r := mustRead(t, "ftm", realFile(t, "opensanctions/ftm/t1.entities.ftm.json"), Options{})
	if e := r.entity(t, "NK-2GdmHtZTeNXjNVrBGEXZNj"); e.Schema != "Organization" || len(e.Get("name")) < 5 {
		t.Errorf("got %s with names %v, want Organization with its names in several scripts", e.Schema, e.Get("name"))
	}
}

func TestReadFTMBadLines(t *testing.T) {
	r, err := read(t, "ftm", "testdata/bad.ftm.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.checkValid(t)
	// Line 7 is well-formed JSON but fails Validate: a bad date and a
	// property Person does not have.
	if diff := cmp.Diff([]int{2, 4, 7}, r.problemLines()); diff != "" {
		t.Errorf("skipped lines (-want +got):\n%s", diff)
	}
	if len(r.byID) != 3 {
		t.Errorf("got %d entities, want 3", len(r.byID))
	}
	_, err = read(t, "ftm", "testdata/bad.ftm.json", Options{Strict: true})
	if err == nil || !strings.Contains(err.Error(), "bad.ftm.json:2:") {
		t.Errorf("strict: got %v, want an error at bad.ftm.json:2", err)
	}
}

var watchlistMap = map[string]string{
	"name": "full_name", "birthDate": "dob", "nationality": "nationality", "alias": "aliases", "schema": "kind",
}

func TestReadCSV(t *testing.T) {
	r, err := read(t, "csv", "testdata/watchlist.csv", Options{Dataset: "agency", Map: watchlistMap})
	if err != nil {
		t.Fatal(err)
	}
	r.checkValid(t)
	if diff := cmp.Diff([]int{4, 5, 6, 7}, r.problemLines()); diff != "" {
		t.Errorf("skipped lines (-want +got):\n%s\n%v", diff, r.problems)
	}
	checkProps(t, r.entity(t, "agency-W-1"), map[string][]string{
		"name": {"Juan Carlos Ramirez Abadia"}, "birthDate": {"1963-02-16"}, "nationality": {"co"},
		"alias": {"Chupeta", "Juan Carlos Ramirez"},
	})
	if got := r.entity(t, "agency-W-2").Schema; got != "Organization" {
		t.Errorf("W-2: got schema %s, want Organization", got)
	}
	// Organization has no nationality: the value is kept as a note.
	checkProps(t, r.entity(t, "agency-W-2"), map[string][]string{"nationality": nil, "notes": {"nationality: Mexico"}})
	checkProps(t, r.entity(t, "agency-W-7"), map[string][]string{"birthDate": {"1975-01-12"}, "nationality": {"us"}})
	if got := r.origins["agency-W-7"]; got != "watchlist.csv:8" {
		t.Errorf("got origin %q, want watchlist.csv:8", got)
	}

	_, err = read(t, "csv", "testdata/watchlist.csv", Options{Dataset: "agency", Map: watchlistMap, Strict: true})
	if err == nil || !strings.Contains(err.Error(), "watchlist.csv:4: got 3 fields, want 6") {
		t.Errorf("strict: got %v, want an error at line 4", err)
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, path string
		opts       Options
		want       string
	}{
		{"missing column", "testdata/watchlist.csv", Options{Dataset: "a", Map: map[string]string{"name": "full_name", "birthDate": "born"}}, "mapped columns not in header: birthDate=born"},
		{"missing id column", "testdata/watchlist.csv", Options{Dataset: "a", IDColumn: "ref", Map: map[string]string{"name": "full_name"}}, "id column ref"},
		{"no name", "testdata/watchlist.csv", Options{Dataset: "a", Map: map[string]string{"birthDate": "dob"}}, "no name column"},
		{"unknown property", "testdata/watchlist.csv", Options{Dataset: "a", Map: map[string]string{"name": "full_name", "nationalty": "nationality"}}, `property "nationalty" is not in schema Person`},
		{"bad date", "testdata/watchlist.csv", Options{Dataset: "a", Strict: true, Map: map[string]string{"name": "full_name", "birthDate": "nationality"}}, `watchlist.csv:2: birthDate: "Colombia" is not a date`},
		{"no dataset", "testdata/watchlist.csv", Options{Map: watchlistMap}, "dataset"},
		{"truncated", "testdata/watchlist_truncated.csv", Options{Dataset: "a", Map: map[string]string{"name": "full_name"}}, "watchlist_truncated.csv:3: quoted field not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emitted := 0
			err := Read(context.Background(), "csv", tt.path, tt.opts, func(*ftm.Entity, string) error { emitted++; return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
			if tt.name != "truncated" && emitted != 0 {
				t.Errorf("got %d entities before the error, want 0", emitted)
			}
		})
	}
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct{ format, path string }{
		{"ofac", "testdata/ofac"}, {"unsc", "testdata/un_small.xml"}, {"ftm", "testdata/bad.ftm.json"},
		{"csv", "testdata/watchlist.csv"},
	} {
		err := Read(ctx, c.format, c.path, Options{Dataset: "a", Map: watchlistMap}, func(*ftm.Entity, string) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", c.format, err)
		}
	}
}

func TestReadEmitError(t *testing.T) {
	stop := errors.New("stop")
	err := Read(context.Background(), "ofac", "testdata/ofac", Options{}, func(*ftm.Entity, string) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("got %v, want the emit error", err)
	}
}

func TestFormats(t *testing.T) {
	if diff := cmp.Diff([]string{"csv", "edges", "ftm", "ofac", "unsc"}, Formats()); diff != "" {
		t.Errorf("Formats (-want +got):\n%s", diff)
	}
	if err := Read(context.Background(), "xls", "x", Options{}, nil); err == nil {
		t.Errorf("got no error for an unknown format")
	}
}

func TestParseMap(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr bool
	}{
		{"name=full_name,birthDate=dob", map[string]string{"name": "full_name", "birthDate": "dob"}, false},
		{" name = Full Name ", map[string]string{"name": "Full Name"}, false},
		{"", map[string]string{}, false},
		{"name", nil, true},
		{"name=", nil, true},
		{"=x", nil, true},
		{"name=a,name=b", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseMap(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseMap(%q): got error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
			t.Errorf("ParseMap(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "sdn.csv", Line: 12, Msg: "bad"}, "sdn.csv:12: bad"},
		{Problem{File: "UN.xml", Element: "INDIVIDUAL QDi.001", Msg: "bad"}, "UN.xml: element INDIVIDUAL QDi.001: bad"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestCountry(t *testing.T) {
	tests := map[string]string{
		"Egypt": "eg", "Korea, North": "kp", "Democratic People's Republic of Korea": "kp",
		"Burma": "mm", "Russia": "ru", "Russian Federation": "ru", "Congo, Democratic Republic of the": "cd",
		"Democratic Republic of the Congo": "cd", "United Republic of Tanzania": "tz", "Turkey": "tr",
		"Cote d'Ivoire": "ci", "United Kingdom": "gb", "US": "us", "USA": "us", "Iran (Islamic Republic of)": "ir",
		"Syrian Arab Republic": "sy", "Palestinian": "ps", "Bosnia and Herzegovina": "ba", "West Bank": "ps",
		"Kosovo": "xk", "Atlantis": "", "": "",
		// OFAC spellings: "Cote d Ivoire" is ingest's own; the others once
		// failed or resolved wrongly ("Guinea" as Guinea-Bissau).
		"Cote d Ivoire": "ci", "Guinea": "gn", "Guinea-Bissau": "gw", "Hong Kong": "hk",
		"Virgin Islands, British": "vg", "Serbia and Montenegro": "csxx", "DRC": "cd",
	}
	for in, want := range tests {
		if got := country(in); got != want {
			t.Errorf("country(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"1962", []string{"1962"}},
		{"19 Jun 1951", []string{"1951-06-19"}},
		{"Jun 1951", []string{"1951-06"}},
		{"circa 1962", []string{"1962"}},
		{"1960 to 1962", []string{"1960", "1961", "1962"}},
		{"1900 to 1962", []string{"1900", "1962"}},
		{"01 Jan 1960 to 31 Dec 1962", []string{"1960-01-01", "1962-12-31"}},
		{"1971-05-13", []string{"1971-05-13"}},
		{"31 Feb 1970", nil},
		{"29 Feb 2000", []string{"2000-02-29"}},
		{"32 Jan 1970", nil},
		{"circa 1960 to 1962", []string{"1960", "1961", "1962"}},
		{"Jan 1960 to 1962", []string{"1960-01", "1962"}},
		{"unknown", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, dobDates(tt.in)); diff != "" {
			t.Errorf("dobDates(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestReadEdges(t *testing.T) {
	dir := t.TempDir()
	nodes := filepath.Join(dir, "nodes.csv")
	edges := filepath.Join(dir, "edges.csv")
	os.WriteFile(nodes, []byte("id,label,topics,nationality,group\nMohamed Atta,Mohamed Atta,crime.terror,Egypt,AA11\nx,X,not-a-topic,,\n"), 0o644)
	os.WriteFile(edges, []byte("from,to,w,phase,kind\nMohamed Atta,x,2,3,Family\nx,y,,2001-09,courier\nx,,1,,\n"), 0o644)
	var got []*ftm.Entity
	var problems []string
	err := Read(context.Background(), "edges", edges, Options{Dataset: "k", Edges: EdgeOptions{Source: "from", Target: "to",
		Weight: "w", Time: "phase", Type: "kind", Nodes: nodes}, Skipped: func(p Problem) { problems = append(problems, p.Error()) }},
		func(e *ftm.Entity, _ string) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*ftm.Entity{}
	for _, e := range got {
		byID[e.ID] = e
	}
	atta := byID["k-Mohamed_Atta"]
	if atta == nil || atta.First("name") != "Mohamed Atta" || atta.First("topics") != "crime.terror" || atta.First("nationality") != "eg" || atta.First("notes") != "group: AA11" {
		t.Errorf("node with attributes: got %+v", atta)
	}
	fam := byID["k-link-2"]
	if fam == nil || fam.Schema != "Family" || fam.First("person") != "k-Mohamed_Atta" || fam.First("relative") != "k-x" || fam.First("summary") != "weight 2; time 3" {
		t.Errorf("typed link: got %+v", fam)
	}
	other := byID["k-link-3"]
	if other == nil || other.Schema != "UnknownLink" || other.First("role") != "courier" || other.First("date") != "2001-09" {
		t.Errorf("untyped link: got %+v", other)
	}
	want := []string{`nodes.csv:3: topics: "not-a-topic" is not an FtM topic; value dropped`, "edges.csv:4: empty to"}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
