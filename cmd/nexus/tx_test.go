package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
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
	// Links are checked: the holder must exist and be a legal entity.
	_, errOut = nexusBin(t, dir, true, "tx", "link", "--dataset", "bank_a", "--account", "ACC1", "--holder", "nobody")
	if !strings.Contains(errOut, "--holder nobody: no such entity") {
		t.Errorf("link to a missing holder: %q", errOut)
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

const fincenXSD = "../../../shared/data/transactions/fincen-bsa-xml-samples"

func xmllint(t *testing.T, xsd, path string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(fincenXSD, xsd)); err != nil {
		t.Skip("shared data not present:", err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint not found: install libxml2-utils (.ci/run does)")
	}
	if out, err := exec.Command("xmllint", "--noout", "--schema", filepath.Join(fincenXSD, xsd), path).CombinedOutput(); err != nil {
		t.Fatalf("xmllint %s: %v\n%s", path, err, out)
	}
}

// TestTxReport drafts a SAR for a structuring alert, edits its narrative as
// an analyst would, exports it, and drafts a CTR: both validate against
// FinCEN's schemas.
func TestTxReport(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "feed.csv")
	os.WriteFile(csvPath, []byte("id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n"+
		"d1,2024-03-01T09:00:00Z,,ACC1,9500,USD,cash_deposit,branch-1,Ann\n"+
		"d2,2024-03-01T14:00:00Z,,ACC1,9400,USD,cash_deposit,branch-2,Ann\n"+
		"d3,2024-03-02T09:00:00Z,,ACC1,9700,USD,cash_deposit,branch-3,Ann\n"), 0o600)
	filer := filepath.Join(dir, "filer.json")
	os.WriteFile(filer, []byte(`{"name":"First Test Bank","ein":"12-3456789","tcc":"PTCC1234","regulator":"4","street":"1 Main St",
		"city":"Laredo","state":"TX","zip":"78040","phone":"9565550100","contact":"BSA Officer"}`), 0o600)
	nexusCmd(t, dir, false, "tx", "import", "--dataset", "bank_a", csvPath)
	// The bank's customer record for ACC1's holder, linked so the SAR names her.
	kyc := filepath.Join(dir, "kyc.json")
	os.WriteFile(kyc, []byte(`{"id":"kyc-1","schema":"Person","properties":{"name":["Ann Example"],"birthDate":["1980-10-25"]}}`+"\n"), 0o600)
	nexusCmd(t, dir, false, "import", "--dataset", "kyc", "--format", "ftm", "--class", "case", "--owner", "local", kyc)
	nexusCmd(t, dir, false, "tx", "link", "--dataset", "bank_a", "--account", "ACC1", "--holder", "kyc-1")
	out, _ := nexusCmd(t, dir, false, "tx", "alerts", "--dataset", "bank_a", "--json")
	ids := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var a struct{ ID, Typology string }
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		ids[a.Typology] = a.ID
	}
	if ids["structuring"] == "" || ids["ctr"] == "" {
		t.Fatalf("alerts: %v, want structuring and ctr", ids)
	}
	draft, _ := nexusCmd(t, dir, false, "tx", "report", "--alert", ids["structuring"], "--filer", filer, "--json")
	var d map[string]any
	if err := json.Unmarshal([]byte(draft), &d); err != nil {
		t.Fatal(err)
	}
	if n, _ := d["narrative"].(string); !strings.Contains(n, "WHY: cash kept just under") || !strings.Contains(n, "WHO: Ann Example (account ACC1)") {
		t.Errorf("draft narrative: %q", n)
	}
	d["narrative"] = "Edited by the analyst: Ann deposited $28,600 in three cash deposits under $10,000 over two days."
	b, _ := json.Marshal(d)
	edited := filepath.Join(dir, "draft.json")
	os.WriteFile(edited, b, 0o600)
	sar := filepath.Join(dir, "sar.xml")
	nexusCmd(t, dir, false, "tx", "report", "--alert", ids["structuring"], "--draft", edited, "--out", sar)
	xmllint(t, "EFL_SARXBatchSchema.xsd", sar)
	if body, _ := os.ReadFile(sar); !strings.Contains(string(body), "Edited by the analyst") {
		t.Error("exported SAR lacks the edited narrative")
	}
	ctr := filepath.Join(dir, "ctr.xml")
	nexusCmd(t, dir, false, "tx", "report", "--alert", ids["ctr"], "--filer", filer, "--out", ctr)
	xmllint(t, "EFL_CTRXBatchSchema.xsd", ctr)
	if body, _ := os.ReadFile(ctr); !strings.Contains(string(body), "<TotalCashInReceiveAmountText>18900</TotalCashInReceiveAmountText>") {
		t.Errorf("CTR: %s", body)
	}
}
