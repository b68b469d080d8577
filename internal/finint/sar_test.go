package finint

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const fincenSamples = "../../../shared/data/transactions/fincen-bsa-xml-samples"

// xmllintValid validates doc against the XSD with xmllint (Debian's
// libxml2-utils; .ci/run installs it).
func xmllintValid(t *testing.T, xsd string, doc []byte) {
	t.Helper()
	schema := filepath.Join(fincenSamples, xsd)
	if _, err := os.Stat(schema); err != nil {
		t.Skip("shared data not present:", err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint not found: install libxml2-utils (.ci/run does)")
	}
	path := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", schema, path).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s\n%s", err, out, doc)
	}
}

var testFiler = Institution{Name: "First Test Bank, N.A.", EIN: "12-3456789", TCC: "PTCC1234", Regulator: "4",
	Street: "1 Main Street", City: "Laredo", State: "TX", ZIP: "78040", Phone: "(956) 555-0100", Contact: "BSA Officer"}

// alertsFrom runs rules over csv transactions and returns the final alerts.
func alertsFrom(t *testing.T, rules, csv string, designated ...string) []Alert {
	t.Helper()
	rs, err := ParseRules([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(rs.Rules, designated)
	if err != nil {
		t.Fatal(err)
	}
	final := map[string]Alert{}
	if err := Read(strings.NewReader(csv), "csv", func(tx Transaction) error {
		as, err := e.Process(tx)
		for _, a := range as {
			final[a.ID] = a
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range e.Flush() {
		final[a.ID] = a
	}
	var out []Alert
	for _, a := range final {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Alert) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func TestSARDraftValidates(t *testing.T) {
	csv := "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n" +
		"d1,2024-03-01T09:00:00Z,,ACC-1,9500,USD,cash_deposit,branch-1,Ann\n" +
		"d2,2024-03-02T09:00:00Z,,ACC-1,9400,USD,cash_deposit,branch-2,Ann\n" +
		"d3,2024-03-03T09:00:00Z,,ACC-1,9700,USD,cash_deposit,branch-3,Ann\n" +
		"x1,2024-03-04T09:00:00Z,ACC-2,ACC-3,5000,USD,wire,,\n" +
		"x2,2024-03-05T09:00:00Z,ACC-3,SDN-1,4800,USD,wire,,\n"
	alerts := alertsFrom(t, `{"rules": [{"typology": "structuring", "window": "4d", "threshold": "10000", "floor": "8000", "min_count": 3},
		{"typology": "exposure", "window": "30d", "max_hops": 2, "ordered": true}]}`, csv, "SDN-1")
	if len(alerts) < 2 {
		t.Fatalf("got %d alerts, want structuring and exposure", len(alerts))
	}
	now := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	for _, a := range alerts {
		d, err := DraftSAR(a, testFiler, map[string]string{"ACC-1": "Ann Example", "ACC-3": "Acme Trading"}, now)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := d.XML()
		if err != nil {
			t.Fatal(err)
		}
		xmllintValid(t, "EFL_SARXBatchSchema.xsd", doc)
		s := string(doc)
		for _, want := range []string{"<FormTypeCode>SARX</FormTypeCode>", "<FilingDateText>20240320</FilingDateText>", "WHO: "} {
			if !strings.Contains(s, want) {
				t.Errorf("%s SAR lacks %q", a.Typology, want)
			}
		}
		if a.Typology == Structuring {
			for _, want := range []string{"<SuspiciousActivitySubtypeID>114</SuspiciousActivitySubtypeID>", "<RawEntityIndividualLastName>Ann Example</RawEntityIndividualLastName>",
				"<AccountNumberText>ACC-1</AccountNumberText>", "<TotalSuspiciousAmountText>28600</TotalSuspiciousAmountText>",
				"<SuspiciousActivityFromDateText>20240301</SuspiciousActivityFromDateText>", "- d2: $9,400 cash deposit from cash to ACC-1"} {
				if !strings.Contains(s, want) {
					t.Errorf("structuring SAR lacks %q", want)
				}
			}
		}
	}

	// A long narrative is split into FinCEN's blocks and still validates; one too long is refused.
	d, _ := DraftSAR(alerts[0], testFiler, nil, now)
	d.Narrative = strings.Repeat("Analyst edit. ", 1100)
	doc, err := d.XML()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(doc), "<ActivityNarrativeSequenceNumber>"); n != 4 {
		t.Errorf("narrative of %d chars: %d blocks, want 4", len(d.Narrative), n)
	}
	xmllintValid(t, "EFL_SARXBatchSchema.xsd", doc)
	d.Narrative = strings.Repeat("x", MaxNarrative+1)
	if _, err := d.XML(); err == nil {
		t.Error("narrative over 17,000 characters accepted")
	}
	d.Filer.EIN = ""
	d.Narrative = "short"
	if _, err := d.XML(); err == nil || !strings.Contains(err.Error(), "ein") {
		t.Errorf("filer without EIN: got %v", err)
	}
	ctr := Alert{ID: "ctr-1", Typology: CTR}
	if _, err := DraftSAR(ctr, testFiler, nil, now); err == nil {
		t.Error("a CTR alert drafted as a SAR")
	}
}

func TestCTRDraftValidates(t *testing.T) {
	csv := "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n" +
		"c1,2024-03-01T09:00:00Z,,ACC-1,6000,USD,cash_deposit,branch-1,Ann\n" +
		"c2,2024-03-01T15:00:00Z,,ACC-2,5500,USD,cash_deposit,branch-2,Ann\n" +
		"w1,2024-03-02T10:00:00Z,ACC-3,,12000,USD,cash_withdrawal,branch-1,\n"
	alerts := alertsFrom(t, `{"rules": [{"typology": "ctr", "threshold": "10000"}]}`, csv)
	if len(alerts) != 2 {
		t.Fatalf("got %d CTR alerts, want 2", len(alerts))
	}
	now := time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, a := range alerts {
		d, err := DraftCTR(a, testFiler, map[bool]string{true: "Ann Example", false: ""}[len(a.Accounts) == 2], now)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := d.XML()
		if err != nil {
			t.Fatal(err)
		}
		xmllintValid(t, "EFL_CTRXBatchSchema.xsd", doc)
		s := string(doc)
		if d.CashIn {
			for _, want := range []string{"<TotalCashInReceiveAmountText>11500</TotalCashInReceiveAmountText>", "<AggregateTransactionIndicator>Y</AggregateTransactionIndicator>",
				"<TransactionDateText>20240301</TransactionDateText>", "<AccountNumberText>ACC-2</AccountNumberText>", "<RawEntityIndividualLastName>Ann Example</RawEntityIndividualLastName>"} {
				if !strings.Contains(s, want) {
					t.Errorf("cash-in CTR lacks %q", want)
				}
			}
		} else if !strings.Contains(s, "<TotalCashOutAmountText>12000</TotalCashOutAmountText>") || !strings.Contains(s, "<EntityLastNameUnknownIndicator>Y</EntityLastNameUnknownIndicator>") {
			t.Errorf("cash-out CTR:\n%s", s)
		}
	}
	if _, err := DraftCTR(Alert{ID: "x", Typology: FanIn}, testFiler, "", now); err == nil {
		t.Error("a fan-in alert drafted as a CTR")
	}
}
