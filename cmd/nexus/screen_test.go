package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type screenLine struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	Matches []struct {
		EntityID    string   `json:"entity_id"`
		Score       float64  `json:"score"`
		Caption     string   `json:"caption"`
		Schema      string   `json:"schema"`
		Datasets    []string `json:"datasets"`
		Explanation string   `json:"explanation"`
		Cleared     bool     `json:"cleared"`
		ClearedBy   string   `json:"cleared_by"`
	} `json:"matches"`
}

func readResults(t *testing.T, path string) map[string]screenLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]screenLine{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l screenLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("result line %q: %v", sc.Text(), err)
		}
		out[l.ID] = l
	}
	return out
}

// TestScreenCLI screens a small CSV against the UN list through the built
// binary: good rows give ranked matches with explanations, a bad row is
// named by line and skipped, the exit status says a row failed, the run is
// audited once, and a clearance made with "screen clear" shows on the next
// run.
func TestScreenCLI(t *testing.T) {
	t.Parallel()
	needShared(t)
	dir := t.TempDir()
	un := filepath.Join(shared, "un_sc_consolidated/2026-02-27/UN_consolidated.xml")
	importJSON(t, nexusBin, dir, "--dataset", "un_sc", "--format", "unsc", un)

	in := filepath.Join(dir, "queries.csv")
	out := filepath.Join(dir, "results.jsonl")
	csv := "id,schema,name,birth_date,nationality,gender,id_number\n" +
		"zawahiri,Person,Ayman al-Zawahiri,1951,EG,male,\n" +
		"nobody,Person,Wilhelmina Quetzalcoatl Brzezinski,,,,\n" +
		"bad,Person,Some Name,03/1990,,,\n" +
		"shabaab,Organization,Al-Shabaab,,,,\n" +
		"badcountry,Person,Other Name,,Egypt,,\n"
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := nexusBin(t, dir, true, "screen", "--in", in, "--out", out, "--limit", "3")
	if !strings.Contains(stderr, "queries.csv:4:") || !strings.Contains(stderr, "birth_date") {
		t.Errorf("stderr %q: want the bad date named with line 4", stderr)
	}
	if !strings.Contains(stderr, "queries.csv:6:") || !strings.Contains(stderr, "nationality") {
		t.Errorf("stderr %q: want the bad country named with line 6", stderr)
	}
	res := readResults(t, out)
	if len(res) != 3 {
		t.Fatalf("got %d result lines, want 3 (bad rows skipped): %v", len(res), res)
	}
	z := res["zawahiri"]
	if len(z.Matches) == 0 || z.Matches[0].EntityID != "unsc-QDi.006" || z.Matches[0].Score < 0.9 ||
		z.Matches[0].Schema != "Person" || z.Matches[0].Datasets[0] != "un_sc" || z.Matches[0].Explanation == "" || z.Matches[0].Caption == "" {
		t.Errorf("zawahiri: got %+v, want unsc-QDi.006 first", z)
	}
	if len(z.Matches) > 3 {
		t.Errorf("zawahiri: %d matches, want at most --limit 3", len(z.Matches))
	}
	for i := 1; i < len(z.Matches); i++ {
		if z.Matches[i].Score > z.Matches[i-1].Score {
			t.Errorf("matches not sorted by score: %+v", z.Matches)
		}
	}
	for _, l := range res {
		for _, m := range l.Matches {
			if m.Score < 0.7 {
				t.Errorf("%s: match %s below the threshold: %v", l.ID, m.EntityID, m.Score)
			}
		}
	}
	if len(res["nobody"].Matches) != 0 {
		t.Errorf("nobody: got %+v, want no match", res["nobody"])
	}
	if s := res["shabaab"]; len(s.Matches) == 0 || s.Matches[0].Schema != "Organization" {
		t.Errorf("shabaab: got %+v", s)
	}

	// Clear the top match and screen again: it shows as cleared.
	nexusBin(t, dir, false, "screen", "clear", "--subject", z.Subject, "--entity", "unsc-QDi.006", "--reason", "test subject, not the listed party")
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("id,schema,name,birth_date,nationality,gender\nz2,Person,Ayman  AL-ZAWAHIRI,1951,eg,M\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "again.jsonl")
	nexusBin(t, dir, false, "screen", "--in", good, "--out", out2, "--threshold", "0.75", "--dataset", "un_sc")
	if m := readResults(t, out2)["z2"].Matches; len(m) == 0 || m[0].EntityID != "unsc-QDi.006" || !m[0].Cleared || m[0].ClearedBy == "" {
		t.Errorf("after clearing: got %+v, want unsc-QDi.006 cleared", m)
	}
	nexusBin(t, dir, false, "screen", "--in", good, "--out", out2, "--dataset", "us_ofac_sdn")
	if m := readResults(t, out2)["z2"].Matches; len(m) != 0 {
		t.Errorf("--dataset us_ofac_sdn: got %+v, want nothing from the UN list", m)
	}

	audit, _ := nexusBin(t, dir, false, "audit", "export")
	if n := strings.Count(audit, "screen file:"); n != 3 {
		t.Errorf("audit: %d screen events, want 3 (one per run)", n)
	}
	if !strings.Contains(audit, "queries:3 failed:2") {
		t.Errorf("audit: want the first run's counts (queries:3 failed:2)")
	}
}
