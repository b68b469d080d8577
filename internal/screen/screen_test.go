package screen

import (
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// TestPureImports keeps the package free of I/O: no database, network,
// message bus or file access outside tests.
func TestPureImports(t *testing.T) {
	forbidden := []string{"database/sql", "net/http", "net", "os", "os/exec", "io/ioutil", "github.com/nats-io"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pf.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			for _, bad := range forbidden {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s, want no I/O in package screen", f, p)
				}
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Владимир Путин", "vladimir putin"},            // Cyrillic
		{"Путін Володимир", "putin volodimir"},          // Ukrainian и read as Russian и
		{"Қасым-Жомарт Тоқаев", "kasym zhomart tokaev"}, // Kazakh
		{"Αλέξανδρος Τσίπρας", "alexandros tsipras"},    // Greek
		{"Վլադիմիր Պուտին", "vladimir poutin"},          // Armenian
		{"ვლადიმერ პუტინი", "vladimer putini"},          // Georgian
		{"משה", "msh"}, // Hebrew, final he silent
		{"ולדימיר פוטין", "wldymyr pwtyn"},               // Hebrew vav as w
		{"محمد علي", "mhmd ly"},                          // Arabic consonant frame
		{"ولادیمیر پوتین", "wladymyr pwtyn"},             // Persian
		{"김정은", "gim jeong eun"},                         // Hangul
		{"ウラジーミル・プーチン", "urajimiru puchin"},              // katakana
		{"やまだ", "yamada"},                                // hiragana
		{"习近平", "xi jin ping"},                           // Han via pinyin
		{"व्लादिमीर पुतिन", "vladimir putin"},            // Devanagari
		{"O'Brien, J.P.", "obrien j p"},                  // apostrophes and periods
		{"Nicolás MADURO Moros", "nicolas maduro moros"}, // diacritics, case
		{"Straße Øresund Łódź", "strasse oresund lodz"},  // special letters
		{"مسعود پزشک\u200cفر", "mswd pzshkfr"},           // Persian zero-width non-joiner inside a word
		{"สมชาย", "somchai"},                             // Thai: inherent o, final y read i
		{"ทักษิณ ชินวัตร", "thaksin chinwatra"},          // Thai: final consonant values
		{"ปูติน", "putin"},                               // Thai: vowel signs after and over
		{"ប៉ុល ពត", "pol pot"},                           // Khmer: musikatoan, inherent o
		{"វ៉្លាឌីមៀរ", "vladimier"},                      // Khmer: subscript cluster
		{"  ", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func person(name string, props ...string) *ftm.Entity {
	e := ftm.NewEntity("Person", "p1")
	e.Add("name", name)
	for i := 0; i+1 < len(props); i += 2 {
		e.Add(props[i], props[i+1])
	}
	return e
}

func TestNameScores(t *testing.T) {
	tests := []struct {
		name     string
		q        Query
		listed   *ftm.Entity
		min, max float64
	}{
		{"exact name-only reaches the threshold", Query{Names: []string{"Usama BIN LADIN"}}, person("BIN LADIN, Usama"), 0.99, 1},
		{"known variants", Query{Names: []string{"Osama bin Laden"}}, person("BIN LADIN, Usama"), DefaultThreshold, 1},
		{"Arabic script", Query{Names: []string{"أسامة بن لادن"}}, person("BIN LADIN, Usama"), DefaultThreshold, 1},
		{"Cyrillic script", Query{Names: []string{"Владимир Путин"}}, person("PUTIN, Vladimir Vladimirovich"), DefaultThreshold, 1},
		{"George Bush is not George Habash", Query{Names: []string{"George Bush"}}, person("George HABASH"), 0, 0.5},
		{"reversed parts given separately", Query{FirstName: "Putin", LastName: "Vladimir"}, person("PUTIN, Vladimir"), 0, 0.9},
		{"same parts given separately", Query{FirstName: "Vladimir", LastName: "Putin"}, person("PUTIN, Vladimir"), 0.99, 1},
		{"numbers must agree", Query{Schema: "Vessel", Names: []string{"Vessel 1"}}, &ftm.Entity{ID: "v", Schema: "Vessel", Properties: map[string][]string{"name": {"Vessel 2"}}}, 0, 0.6},
		{"legal forms", Query{Schema: "Company", Names: []string{"Romashka Limited Liability Company"}}, &ftm.Entity{ID: "c", Schema: "Company", Properties: map[string][]string{"name": {"ООО Ромашка"}}}, 0.99, 1},
		{"person is not a company", Query{Schema: "Person", Names: []string{"Emma Daniels"}}, &ftm.Entity{ID: "c", Schema: "Company", Properties: map[string][]string{"name": {"EMMA LLC"}}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Compare(tt.q, tt.listed, AlgorithmDefault)
			if m.Score < tt.min || m.Score > tt.max {
				t.Errorf("got %.3f, want in [%.2f, %.2f]; %s", m.Score, tt.min, tt.max, m.Explanation)
			}
		})
	}
}

func TestFeatures(t *testing.T) {
	listed := person("Ivan Petrov", "birthDate", "1960-05-01", "nationality", "ru", "gender", "male", "passportNumber", "AB 123456")
	base := Compare(Query{Names: []string{"Ivan Petrov"}}, listed, AlgorithmDefault).Score
	tests := []struct {
		name    string
		q       Query
		feature string
		delta   float64
	}{
		{"birth date agrees", Query{BirthDates: []string{"1960-05-01"}}, "birthDate", dobDayBonus},
		{"birth year agrees", Query{BirthDates: []string{"1960"}}, "birthDate", dobYearBonus},
		{"birth date disjoint", Query{BirthDates: []string{"1975"}}, "birthDate", dobDisjoint},
		{"country contradicts", Query{Countries: []string{"Ukraine"}}, "country", countryMismatch},
		{"country agrees adds nothing", Query{Countries: []string{"RU"}}, "country", 0},
		{"gender contradicts", Query{Gender: "female"}, "gender", genderMismatch},
		{"identifier matches", Query{Identifiers: []string{"ab123456"}}, "identifier", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Names = []string{"Ivan Petrov"}
			m := Compare(tt.q, listed, AlgorithmDefault)
			var f *Feature
			for i := range m.Features {
				if m.Features[i].Name == tt.feature {
					f = &m.Features[i]
				}
			}
			if f == nil {
				t.Fatalf("got no %s feature in %q", tt.feature, m.Explanation)
			}
			if f.Contribution != tt.delta && tt.feature != "identifier" {
				t.Errorf("got contribution %.2f, want %.2f", f.Contribution, tt.delta)
			}
			if want := min(1, max(0, base+tt.delta)); tt.feature != "identifier" && math.Abs(m.Score-want) > 1e-9 {
				t.Errorf("got score %.3f, want %.3f", m.Score, want)
			}
			if tt.feature == "identifier" && m.Score < 0.95 {
				t.Errorf("got score %.3f with matching identifier, want >= 0.95", m.Score)
			}
		})
	}
}

func TestExplanation(t *testing.T) {
	m := Compare(Query{Names: []string{"Usama bin Laden"}, BirthDates: []string{"1957"}},
		person("Osama BIN LADIN", "birthDate", "1957-03-10"), AlgorithmDefault)
	want := `name 0.94: "Usama bin Laden" vs listed name "Osama BIN LADIN": "bin" = "bin", "usama" ≈ "osama" (known variant), "laden" ≈ "ladin" (close spelling, 0.90); birth date 1957 agrees with 1957-03-10 (+0.02)`
	if m.Explanation != want {
		t.Errorf("got  %s\nwant %s", m.Explanation, want)
	}
}

func TestIndex(t *testing.T) {
	ents := []*ftm.Entity{
		{ID: "a", Schema: "Person", Properties: map[string][]string{"name": {"BIN LADIN, Usama"}}, Datasets: []string{"un_sc"}},
		{ID: "b", Schema: "Person", Properties: map[string][]string{"name": {"PUTIN, Vladimir Vladimirovich"}}, Datasets: []string{"us_ofac_sdn"}},
		{ID: "c", Schema: "Organization", Properties: map[string][]string{"name": {"AL QAIDA"}}, Datasets: []string{"un_sc"}},
		{ID: "d", Schema: "Address", Properties: map[string][]string{"full": {"Somewhere"}}},
	}
	ix := NewIndex(ents, Options{})
	if got := ix.Len(); got != 3 {
		t.Fatalf("got Len %d, want 3", got)
	}
	if ms := ix.Match(Query{Names: []string{"Vladimr Putni"}}, MatchOptions{}); len(ms) == 0 || ms[0].EntityID != "b" {
		t.Errorf("typo query: got %+v, want b first", ms)
	}
	if ms := ix.Match(Query{Names: []string{"Al-Qaeda"}}, MatchOptions{}); len(ms) == 0 || ms[0].EntityID != "c" {
		t.Errorf("org query: got %+v, want c", ms)
	}
	if ms := ix.Match(Query{Names: []string{"Vladimir Putin"}}, MatchOptions{Allow: func(id string) bool { return id != "b" }}); len(ms) != 0 {
		t.Errorf("Allow refused b: got %+v, want nothing", ms)
	}
	if ms := ix.Match(Query{Names: []string{"Vladimir Putin"}, Datasets: []string{"un_sc"}}, MatchOptions{}); len(ms) != 0 {
		t.Errorf("dataset filter: got %+v, want nothing", ms)
	}
	if !ix.Remove("b") || ix.Remove("b") {
		t.Errorf("Remove: want true then false")
	}
	if ms := ix.Match(Query{Names: []string{"Vladimir Putin"}}, MatchOptions{}); len(ms) != 0 {
		t.Errorf("after Remove: got %+v, want nothing", ms)
	}
	ix.Add(ents[1])
	if ms := ix.Match(Query{Names: []string{"Vladimir Putin"}}, MatchOptions{}); len(ms) != 1 {
		t.Errorf("after Add: got %d matches, want 1", len(ms))
	}
}

func TestMatchBatch(t *testing.T) {
	var ents []*ftm.Entity
	for i := range 300 {
		e := ftm.NewEntity("Person", "p"+itoa(i))
		e.Add("name", []string{"Ivan", "Maria", "Ahmed"}[i%3]+" "+[]string{"Petrov", "Garcia", "Hassan", "Smith"}[i%4]+" "+itoa(i))
		ents = append(ents, e)
	}
	ix := NewIndex(ents, Options{})
	var qs []Query
	for i := range 100 {
		qs = append(qs, Query{Schema: "Vessel", Names: []string{"x"}}, Query{Names: []string{[]string{"Ivan Petrov", "Maria Garsia", "Ahmad Hasan"}[i%3] + " " + itoa(i)}})
	}
	got := ix.MatchBatch(qs, MatchOptions{Threshold: 0.5})
	if len(got) != len(qs) {
		t.Fatalf("got %d results, want %d", len(got), len(qs))
	}
	for i, q := range qs {
		want := ix.Match(q, MatchOptions{Threshold: 0.5})
		if !slices.EqualFunc(got[i], want, func(a, b Match) bool { return a.EntityID == b.EntityID && a.Score == b.Score }) {
			t.Errorf("query %d: MatchBatch and Match differ: %v vs %v", i, got[i], want)
		}
	}
}

func TestOFACScore(t *testing.T) {
	tests := []struct {
		q, listed string
		want      float64
	}{
		{"VLADIMIR PUTIN", "PUTIN, Vladimir", 100},
		{"KIM JONG UN", "KIM, Jong Man", 100},
		{"GEORGE BUSH", "HASWANI, George", 50},
		{"AL QAEDA", "AL QAEDA", 100},
		{"ALQAEDA", "AL QAEDA", 0}, // not pre-selected: no term shares a first letter and half its letters
		// The whole-name comparison also applies when the first terms differ
		// in their first letter but are half similar by edit distance ...
		{"PUTIN VLADIMIR", "TURIN, Vladimir", 92},
		// ... and not when they are not: by parts only, george 100 and bush 0.
		{"BUSH GEORGE", "HASWANI, George", 50},
		// The whole-name comparison keeps hyphens: "al-qaeda" and "al qaida"
		// share two leading characters, not five; by parts "qaeda" ≈ "qaida".
		{"AL-QAEDA", "AL QAIDA", 90},
		// SimMetrics' prefix bonus counts six characters ("pablo ").
		{"PABLO ESCOBAR", "PABLO LANUSSE GERMAN GUSTAVO MARIANO", 90},
	}
	for _, tt := range tests {
		if got := OFACScore(tt.q, tt.listed) * 100; math.Abs(got-tt.want) > 5 {
			t.Errorf("OFACScore(%q, %q) = %.1f, want %.0f ± 5", tt.q, tt.listed, got, tt.want)
		}
	}
}

func TestOFACJaroWinklerPrefix(t *testing.T) {
	// Six common leading characters earn the bonus, with no 0.7 gate:
	// Jaro("vladimir putin", "vladimir biliy") = 0.810 → 0.810 + 0.6·0.190.
	a, b := "vladimir putin", "vladimir biliy"
	j := jaro(a, b)
	if got, want := ofacJaroWinkler(a, b), j+0.6*(1-j); math.Abs(got-want) > 1e-12 {
		t.Errorf("ofacJaroWinkler(%q, %q) = %.4f, want %.4f", a, b, got, want)
	}
	// A low Jaro still gets the bonus (standard Jaro-Winkler would not).
	a, b = "george bush", "gorge limited"
	if j := jaro(a, b); j >= 0.7 || ofacJaroWinkler(a, b) <= j {
		t.Errorf("jaro %.3f, ofacJaroWinkler %.3f: want the bonus below 0.7", j, ofacJaroWinkler(a, b))
	}
	if ofacJaroWinkler("", "x") != 0 || ofacJaroWinkler("abc", "xyz") != 0 {
		t.Error("no common characters must score 0")
	}
}

func TestOFACNameWhole(t *testing.T) {
	for _, tt := range []struct{ in, whole, parts string }{
		{"AL-QAEDA", "al-qaeda", "al qaeda"},
		{"MAHMOOD, Sultan Bashir-Ud-Din", "mahmood sultan bashir-ud-din", "mahmood sultan bashir ud din"},
		{"O'BRIEN - J.P.", "obrien jp", "obrien jp"},
		{"--", "", ""},
	} {
		n := newOFACName(tt.in)
		if n.whole != tt.whole || strings.Join(n.parts, " ") != tt.parts {
			t.Errorf("newOFACName(%q) = %q / %q, want %q / %q", tt.in, n.whole, n.parts, tt.whole, tt.parts)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Владимир Путин", "محمد", "김정은", "习近平", "O'Brien", "ウラジーミル", "\xff\xfe", "व्लादिमीर", "MADURO MOROS, Nicolás", "A.B.C. Co-op `x' 42"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
		// The ASCII fast path cuts words as the general one does.
		if fast, ok := splitASCII(s); ok {
			slow := splitUnicode(s)
			if len(fast) != len(slow) {
				t.Fatalf("splitASCII(%q) = %v, splitUnicode = %v", s, fast, slow)
			}
			for i := range fast {
				if fast[i] != slow[i] {
					t.Fatalf("splitASCII(%q) = %v, splitUnicode = %v", s, fast, slow)
				}
			}
		}
	})
}

func FuzzScore(f *testing.F) {
	f.Add("Usama bin Laden", "BIN LADIN, Usama")
	f.Add("Владимир Путин", "PUTIN, Vladimir")
	f.Add("ACME LLC", "ООО Акме")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		// Both sides are people, so both names are parsed alike: a query
		// without a schema is parsed as any party ("i a a" is then the
		// acronym "iaa"), a listed person's as a person's (three initials).
		ea, eb := person(a), person(b)
		ab := Compare(Query{Schema: "Person", Names: []string{a}}, eb, AlgorithmDefault).Score
		ba := Compare(Query{Schema: "Person", Names: []string{b}}, ea, AlgorithmDefault).Score
		for _, s := range []float64{ab, ba, OFACScore(a, b)} {
			if s < 0 || s > 1 || math.IsNaN(s) {
				t.Fatalf("score %v out of [0,1] for %q, %q", s, a, b)
			}
		}
		// Equal names score the same both ways.
		if Normalize(a) == Normalize(b) && math.Abs(ab-ba) > 1e-9 {
			t.Errorf("asymmetric on equal names %q, %q: %v vs %v", a, b, ab, ba)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	// A synthetic list, so the benchmark needs no files.
	given := []string{"Vladimir", "Usama", "Mohammed", "Ali", "Ivan", "Kim", "Jose", "Maria", "Ahmed", "Sergei"}
	family := []string{"Putin", "Ladin", "Hassan", "Petrov", "Jong", "Garcia", "Rahman", "Ivanov", "Khan", "Smith"}
	var ents []*ftm.Entity
	for i := 0; i < 20000; i++ {
		e := ftm.NewEntity("Person", "p"+itoa(i))
		e.Add("name", given[i%10]+" "+family[(i/10)%10]+" "+family[(i/100)%10]+itoa(i%97))
		ents = append(ents, e)
	}
	ix := NewIndex(ents, Options{})
	q := Query{Names: []string{"Vladimir Putin"}}
	b.ResetTimer()
	for b.Loop() {
		ix.Match(q, MatchOptions{})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestNicknames(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"ted", "theodore", true},
		{"theodore", "ted", true},
		{"ted", "edward", true},
		{"bill", "william", true},
		{"bill", "wilhelm", true}, // a variant of the formal name
		{"sasha", "alexander", true},
		{"pepe", "jose", true},
		{"vova", "vladimir", true},
		{"vova", "volodymyr", true},
		{"ted", "thomas", false},
		{"bill", "robert", false},
		{"ted", "ted", false}, // equal parts are "same", not nicknames
	}
	for _, tt := range tests {
		if got := isNickname(newTerm(tt.a, false), newTerm(tt.b, false)); got != tt.want && tt.a != tt.b {
			t.Errorf("isNickname(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	m := Compare(Query{Names: []string{"Ted Doe"}}, person("Theodore Doe"), AlgorithmDefault)
	if m.Score < DefaultThreshold || !strings.Contains(m.Explanation, `"ted" ≈ "theodore" (nickname)`) {
		t.Errorf("Ted Doe vs Theodore Doe: got %.2f, %s", m.Score, m.Explanation)
	}
}

func TestNameParsingRules(t *testing.T) {
	tests := []struct {
		name     string
		q        Query
		listed   *ftm.Entity
		min, max float64
		explain  string
	}{
		{"digits standing for letters", Query{Schema: "Person", Names: []string{"I9or Sech1n"}}, person("Igor Sechin"), 0.99, 1, ""},
		{"joined initials", Query{Schema: "Person", Names: []string{"JC Juncker"}}, person("Jean-Claude Juncker"), DefaultThreshold, 1, `"j" ≈ "jean" (initial)`},
		{"same Hangul, different syllable", Query{Names: []string{"김종은"}}, person("김정은"), 0, 0.69, ""},
		{"same Han, different character", Query{Names: []string{"习近朋"}}, person("习近平"), 0, 0.69, ""},
		{"Hangul against Latin variant still agrees", Query{Names: []string{"김정은"}}, person("Kim Jong Un"), DefaultThreshold, 1, ""},
		{"roman numeral is a number", Query{Schema: "Company", Names: []string{"Acme Fund II Ltd"}}, company("Acme Fund 2 Limited"), 0.99, 1, ""},
		{"numeral on one side only", Query{Schema: "Company", Names: []string{"Acme Fund"}}, company("Acme Fund II"), 0, 0.6, "numbers differ"},
		{"numeral before lettered legal form", Query{Schema: "Company", Names: []string{"Acme Partners V L.P."}}, company("Acme Partners VI L.P."), 0, 0.6, "numbers differ"},
		{"tens word and digit", Query{Schema: "Organization", Names: []string{"Brigade Forty 4"}}, company("Brigade 44"), 0.99, 1, ""},
		{"legal forms differ", Query{Schema: "Company", Names: []string{"Deutsche Bank AG"}}, company("Deutsche Bank GmbH"), 0, 0.69, "legal forms differ"},
		{"listed short form of a long name", Query{Names: []string{"Janan Mohammad Ahmed Agha"}}, person("Janan Agha"), DefaultThreshold, 1, ""},
		{"one part differs in a long name", Query{Names: []string{"Hani Abd al-Latif Tilfah al-Rawi"}}, person("Hani Abd al-Latif Tilfah al-Tikriti"), 0, 0.69, "each name has a part the other lacks"},
		{"father and son", Query{Names: []string{"Salman bin Muhammad al-Rawi"}}, person("Muhammad bin Salman al-Rawi"), 0, 0.69, "a father's name on one side is the person's own on the other"},
		{"father's name after an article", Query{Names: []string{"Ibrahim bin al-Din al-Masri"}}, person("Saif al-Din bin Ibrahim al-Masri"), 0, 0.69, "a father's name"},
		{"a typo in bin is no swap", Query{Names: []string{"Tarek Been Habib Ben al-Toumi"}}, person("Tarek Ben Habib Ben al-Toumi"), DefaultThreshold, 1, ""},
		{"repeated ibn kept", Query{Names: []string{"Osama bin Laden"}}, person("Usāma bin Muhammad ibn Awad ibn Lādin"), DefaultThreshold, 1, ""},
		{"title and family name", Query{Names: []string{"President Erdoğan"}}, person("Recep Tayyip Erdoğan"), DefaultThreshold, 1, ""},
		{"title after family name", Query{Names: []string{"Putyin elnök"}}, person("Vladimir Vladimirovich PUTIN"), DefaultThreshold, 1, ""},
		{"different initials conflict", Query{Names: []string{"Hans O Friedrich"}}, person("Hans Joachim Friedrich"), 0, 0.69, ""},
		{"Hangul syllables in another order", Query{Names: []string{"영수 이"}}, person("Ri Su Yong"), 0, 0.85, "swapped"},
		{"Hangul given name in order", Query{Names: []string{"이민호"}}, person("Lee Min Ho"), DefaultThreshold, 1, ""},
		{"Arabic written apart, Latin together", Query{Names: []string{"عبد الله"}}, person("Abdullah"), DefaultThreshold, 1, "written together"},
		{"Greek patronymic", Query{Names: []string{"Βλαντίμιρ Βλαντίμιροβιτς Πούτιν"}}, person("Vladimir Vladimirovich PUTIN"), DefaultThreshold, 1, ""},
		{"misspelt legal form", Query{Schema: "Company", Names: []string{"Siemens Aktiengeselschaft"}}, company("Siemens AG"), DefaultThreshold, 1, "same legal form"},
		{"misspelt legal form of three words", Query{Schema: "Company", Names: []string{"Tactical Missiles Corporation Joynt Stock Company"}}, company("Tactical Missiles Corporation JSC"), DefaultThreshold, 1, "same legal form"},
		{"legal form glued on", Query{Schema: "Company", Names: []string{"Siemens AG"}}, company("SiemensAG"), DefaultThreshold, 1, ""},
		{"lower-case ending is no legal form", Query{Schema: "Company", Names: []string{"Bag"}}, company("Bag"), 0.99, 1, ""},
		{"abbreviated word", Query{Schema: "Company", Names: []string{"First Bank Int'l"}}, company("First International Bank"), DefaultThreshold, 1, ""},
		{"generic designators are one class", Query{Schema: "Company", Names: []string{"Homs Refinery Corporation"}}, company("The Homs Refinery Company"), DefaultThreshold, 1, "same legal form"},
		{"qualifier in parentheses", Query{Schema: "Company", Names: []string{"Deutsche Bank (Schweiz) AG"}}, company("Deutsche Bank AG"), DefaultThreshold, 1, ""},
		{"two different qualifiers", Query{Schema: "Company", Names: []string{"Bowne Global Solutions II (Sweden) AB"}}, company("Bowne Global Solutions II (Finland) AB"), 0, 0.69, "each name has a part the other lacks"},
		{"a country marks a branch", Query{Schema: "Company", Names: []string{"Banco Santander S.A."}}, company("Banco Santander México S.A."), 0, 0.69, ""},
		{"alternatives after a slash", Query{Schema: "Organization", Names: []string{"Al Qaeda"}}, company("Al-Qa'ida/Islamic Army"), DefaultThreshold, 1, ""},
		{"a repeated given name is kept", Query{Names: []string{"Abdul Kabir Abdul Jan"}}, person("Abdul Kabir Mohammad Jan"), 0, 0.69, ""},
		{"a repeated surname is a slip", Query{Names: []string{"Shoigu Shoigu Sergey"}}, person("Sergey Shoigu"), 0.99, 1, ""},
		{"Wade-Giles and pinyin", Query{Names: []string{"Mao Tse-tung"}}, person("Mao Zedong"), DefaultThreshold, 1, "another romanisation"},
		{"Wade-Giles given name written apart", Query{Names: []string{"Hsi Chin-ping"}}, person("Xi Jinping"), DefaultThreshold, 1, ""},
		{"Cantonese is not Mandarin", Query{Names: []string{"Chiang Kai-shek"}}, person("Jiang Jieshi"), 0, 0.69, ""},
		{"differing middle initials", Query{Names: []string{"Frost, William G."}}, person("William W Frost"), 0, 0.69, ""},
		{"generic words only", Query{Schema: "Company", Names: []string{"Management Company"}}, company("Westminister Management Company"), 0, 0.69, ""},
		{"Hebrew nickname", Query{Names: []string{"Bibi Netanyahu"}}, person("Benjamin Netanyahu"), DefaultThreshold, 1, "nickname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Compare(tt.q, tt.listed, AlgorithmDefault)
			if m.Score < tt.min || m.Score > tt.max {
				t.Errorf("got %.3f, want in [%.2f, %.2f]; %s", m.Score, tt.min, tt.max, m.Explanation)
			}
			if !strings.Contains(m.Explanation, tt.explain) {
				t.Errorf("got explanation %q, want it to contain %q", m.Explanation, tt.explain)
			}
		})
	}
}

func company(name string) *ftm.Entity {
	return &ftm.Entity{ID: "c", Schema: "Company", Properties: map[string][]string{"name": {name}}}
}

func TestSpansAndAcronyms(t *testing.T) {
	for _, tc := range []struct {
		schema, q, c string
		want         bool
		explain      string
	}{
		{"Company", "vanderbilt corp", "van der bilt corp", true, "written together"},
		{"Person", "Nikolai Plat Ono Vich Patrushev", "Nikolai Platonovich Patrushev", true, "written together"},
		{"Organization", "PLA", "People’s Liberation Army", true, `"pla" ≈ "peoples liberation army" (acronym)`},
		{"Organization", "U.S. Department of State", "United States Department of State", true, "acronym"},
		{"Organization", "PLA", "Polish Liquor Association Army", false, ""},
		{"Person", "Pla Smith", "Peter Lee Adams", false, ""},
	} {
		e := ftm.NewEntity(tc.schema, "c")
		e.Add("name", tc.c)
		m := Compare(Query{Schema: tc.schema, Names: []string{tc.q}}, e, AlgorithmDefault)
		if got := m.Score >= DefaultThreshold; got != tc.want {
			t.Errorf("%q vs %q: score %.2f, want match %v (%s)", tc.q, tc.c, m.Score, tc.want, m.Explanation)
		}
		if tc.explain != "" && !strings.Contains(m.Explanation, tc.explain) {
			t.Errorf("%q vs %q: explanation %q, want it to contain %q", tc.q, tc.c, m.Explanation, tc.explain)
		}
	}
}

func TestSkeleton(t *testing.T) {
	for _, tt := range []struct {
		in         string
		semivowels bool
		want       string
	}{
		{"mohammed", false, "mhmd"},
		{"mhmd", false, "mhmd"},
		{"vladimir", false, "fldmr"},
		{"wladymyr", false, "fldmr"}, // Persian و at the start is a consonant
		{"mahmwd", false, "mhmd"},    // inside a word it may be a long vowel
		{"yusuf", false, "ysf"},
		{"ywsf", false, "ysf"},
	} {
		if got := skeleton(tt.in, tt.semivowels); got != tt.want {
			t.Errorf("skeleton(%q, %v) = %q, want %q", tt.in, tt.semivowels, got, tt.want)
		}
	}
}

func TestEmptyIndex(t *testing.T) {
	ix := NewIndex(nil, Options{})
	if got := ix.Match(Query{Names: []string{"Ivan Petrov"}}, MatchOptions{}); len(got) != 0 {
		t.Errorf("empty index: got %v, want no matches", got)
	}
	ix.Add(person("Ivan Petrov"))
	if got := ix.Match(Query{Names: []string{"Ivan Petrov"}}, MatchOptions{}); len(got) != 1 {
		t.Errorf("after Add: got %d matches, want 1", len(got))
	}
}
