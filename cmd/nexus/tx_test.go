package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const amlsimDir = "../../../shared/data/transactions/amlsim-ibm-20k"

func TestTxCommands(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "feed.csv")
	body := "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n" +
		"d1,2024-03-01T09:00:00Z,,ACC1,9500,USD,cash_deposit,branch-1,Ann\n" +
		"d2,2024-03-02T09:00:00Z,,ACC1,9400,USD,cash_deposit,branch-2,Ann\n" +
		"d3,2024-03-03T09:00:00Z,,ACC1,9700,USD,cash_deposit,branch-3,Ann\n"
	if err := os.WriteFile(csvPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := nexusCmd(t, dir, false, "tx", "import", "--format", "csv", "--dataset", "bank_a", csvPath)
	if !strings.Contains(out, "bank_a: 3 transactions over 1 accounts stored; 1 alerts raised") {
		t.Errorf("tx import: %q", out)
	}
	// The same file again is older than what is stored: refused, naming the line.
	_, errOut := nexusBin(t, dir, true, "tx", "import", "--dataset", "bank_a", csvPath)
	if !strings.Contains(errOut, "feed.csv:2") {
		t.Errorf("re-import: %q does not name feed.csv:2", errOut)
	}
	out, _ = nexusCmd(t, dir, false, "tx", "alerts", "--dataset", "bank_a")
	if !strings.Contains(out, "structuring") || !strings.Contains(out, "3 cash deposits of $9,400–$9,700 into acct ACC1") || !strings.Contains(out, "1 alerts") {
		t.Errorf("tx alerts: %q", out)
	}
	alertsPath := filepath.Join(dir, "alerts.jsonl")
	nexusCmd(t, dir, false, "tx", "detect", "--dataset", "bank_a", "--typology", "structuring", "--out", alertsPath)
	lines := readJSONL(t, alertsPath)
	if len(lines) != 1 || lines[0]["typology"] != "structuring" || len(lines[0]["transactions"].([]any)) != 3 {
		t.Errorf("tx detect: %v", lines)
	}
	for _, k := range []string{"id", "typology", "accounts", "transactions", "score", "explanation"} {
		if len(lines) > 0 && lines[0][k] == nil {
			t.Errorf("tx detect line lacks %q", k)
		}
	}
	out, _ = nexusCmd(t, dir, false, "audit", "export")
	for _, want := range []string{"transactions dataset:bank_a", "tx alerts dataset:bank_a", "tx detect dataset:bank_a"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
}

// TestTxImportAMLSim imports a whole AMLSim 20K set with the built binary
// and the set's own rule file.
func TestTxImportAMLSim(t *testing.T) {
	path := filepath.Join(amlsimDir, "20K_fanin200", "transactions.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared data not present:", err)
	}
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.json")
	os.WriteFile(rules, []byte(`{"rules": [{"typology": "fan_in", "window": "150d", "min_counterparties": 2, "max_amount": "30"}]}`), 0o600)
	out, _ := nexusBin(t, dir, false, "tx", "import", "--format", "amlsim", "--dataset", "amlsim", "--rules", rules, path)
	if !strings.Contains(out, "amlsim: 118250 transactions over 19980 accounts stored") {
		t.Errorf("tx import: %q", out)
	}
	out, _ = nexusBin(t, dir, false, "tx", "alerts", "--dataset", "amlsim", "--typology", "fan_in", "--limit", "1")
	if !strings.Contains(out, "fan_in") || strings.Contains(out, "\n0 alerts") {
		t.Errorf("tx alerts: %q", out)
	}
}

func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
