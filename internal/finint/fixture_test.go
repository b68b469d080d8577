package finint

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A fixture in testdata/*.txt has sections, each opened by a line "name:":
//
//	rules:        a JSON rule file
//	designated:   account ids, one per line
//	transactions: csv-format transactions with header
//	alerts:       one expected alert per line: "typology accounts=a,b transactions=t1,t2"
//	              optionally followed by lines "  says: text" the explanation must contain
//
// Lines starting with # are comments. The engine sees the transactions in order and the
// final version of every alert is compared (accounts and transactions as sets).
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runFixture(t, f) })
	}
}

type wantAlert struct {
	Typology     string
	Accounts     []string
	Transactions []string
}

func runFixture(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string][]string{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if name, ok := strings.CutSuffix(strings.TrimSpace(line), ":"); ok && !strings.ContainsAny(name, " ,{") {
			cur = name
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		sections[cur] = append(sections[cur], line)
	}
	rs, err := ParseRules([]byte(strings.Join(sections["rules"], "\n")))
	if err != nil {
		t.Fatal(err)
	}
	var designated []string
	for _, l := range sections["designated"] {
		designated = append(designated, strings.TrimSpace(l))
	}
	e, err := NewEngine(rs.Rules, designated)
	if err != nil {
		t.Fatal(err)
	}
	final := map[string]Alert{}
	err = Read(strings.NewReader(strings.Join(sections["transactions"], "\n")), "csv", func(tx Transaction) error {
		as, err := e.Process(tx)
		for _, a := range as {
			final[a.ID] = a
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range e.Flush() {
		final[a.ID] = a
	}
	var got, want []wantAlert
	var says [][]string // parallel to want until sorting, so keyed below
	for _, a := range final {
		got = append(got, wantAlert{a.Typology, sorted(a.Accounts), sorted(a.Transactions)})
		if a.Score < 0 || a.Score > 1 {
			t.Errorf("alert %s: score %v outside [0,1]", a.ID, a.Score)
		}
	}
	for _, l := range sections["alerts"] {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "says:"); ok {
			says[len(says)-1] = append(says[len(says)-1], strings.TrimSpace(s))
			continue
		}
		fs := strings.Fields(l)
		w := wantAlert{Typology: fs[0]}
		for _, kv := range fs[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "accounts":
				w.Accounts = sorted(strings.Split(v, ","))
			case "transactions":
				w.Transactions = sorted(strings.Split(v, ","))
			default:
				t.Fatalf("bad expectation %q", kv)
			}
		}
		want = append(want, w)
		says = append(says, nil)
	}
	less := func(a, b wantAlert) int {
		return strings.Compare(a.Typology+strings.Join(a.Accounts, ",")+strings.Join(a.Transactions, ","),
			b.Typology+strings.Join(b.Accounts, ",")+strings.Join(b.Transactions, ","))
	}
	type pair struct {
		w wantAlert
		s []string
	}
	pairs := make([]pair, len(want))
	for i := range want {
		pairs[i] = pair{want[i], says[i]}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return less(a.w, b.w) })
	for i := range pairs {
		want[i], says[i] = pairs[i].w, pairs[i].s
	}
	slices.SortFunc(got, less)
	if diff := cmp.Diff(want, got); diff != "" {
		for _, a := range final {
			t.Logf("got %s: %s", a.ID, a.Explanation)
		}
		t.Fatalf("alerts (-want +got):\n%s", diff)
	}
	for i, w := range want {
		for _, s := range says[i] {
			found := false
			for _, a := range final {
				if a.Typology == w.Typology && slices.Equal(sorted(a.Transactions), w.Transactions) && strings.Contains(a.Explanation, s) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s alert: no explanation contains %q", w.Typology, s)
			}
		}
	}
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
