package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/store"
)

// newTxFixture is the fixture's server with a transaction feed over its
// store and an FBI-only transaction dataset.
func newTxFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	rs, err := finint.ParseRules([]byte(finint.DefaultRules))
	if err != nil {
		t.Fatal(err)
	}
	fd, err := feed.New(feed.Config{Store: f.store, Rules: rs.Rules, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutDataset(context.Background(), store.Dataset{Name: "fbi_bank", Class: store.ClassCase, Owner: "fbi",
		DefaultMarking: access.Marking{Classification: access.Unclassified, Originator: "fbi"}}); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Store: f.store, Logger: quietLogger(), Now: func() time.Time { return fixedNow },
		Registry: prometheus.NewRegistry(), Version: "test", Transactions: fd})
	f.server.Close()
	f.server = httptest.NewServer(api.Handler())
	t.Cleanup(f.server.Close)
	return f
}

type txAlertPageJSON struct {
	Kind    string `json:"kind"`
	Total   int    `json:"total"`
	Results []struct {
		ID           string   `json:"id"`
		Kind         string   `json:"kind"`
		Typology     string   `json:"typology"`
		Accounts     []string `json:"accounts"`
		Transactions []string `json:"transactions"`
		Total        string   `json:"total"`
		Explanation  string   `json:"explanation"`
		Status       string   `json:"status"`
	} `json:"results"`
}

func TestTransactionsThroughAPI(t *testing.T) {
	f := newTxFixture(t)
	deposits := []map[string]any{
		{"id": "d1", "time": "2024-03-01T09:00:00Z", "to": "ACC1", "amount": "9500", "currency": "USD", "type": "cash_deposit", "location": "b1", "conductor": "Ann"},
		{"id": "d2", "time": "2024-03-02T09:00:00Z", "to": "ACC1", "amount": "9400.50", "currency": "USD", "type": "cash_deposit", "location": "b2", "conductor": "Ann"},
	}
	f.post("/api/v1/transactions?dataset=fbi_bank", "ivan", deposits, http.StatusCreated, nil)

	// The third deposit arrives as CSV and completes the structuring pattern.
	csv := "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n" +
		"d3,2024-03-03T09:00:00Z,,ACC1,9700,USD,cash_deposit,b3,Ann\n"
	status, body := f.do("POST", "/api/v1/transactions?dataset=fbi_bank", "ivan", strings.NewReader(csv), http.Header{"Content-Type": {"text/csv"}})
	if status != http.StatusCreated || !strings.Contains(string(body), `"alerts_raised":1`) {
		t.Fatalf("csv post: %d %s", status, body)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionImport || !strings.Contains(ev.Object, "transactions dataset:fbi_bank transactions:1 raised:1") {
		t.Errorf("audit: %+v", ev)
	}

	// Bad input: refused, naming the element and field; nothing is kept.
	bad := []map[string]any{
		{"id": "d4", "time": "2024-03-04T09:00:00Z", "to": "ACC1", "amount": "9600", "currency": "USD", "type": "cash_deposit"},
		{"id": "d5", "time": "2024-03-04T10:00:00Z", "to": "ACC1", "amount": "9600", "currency": "USD", "type": "barter"},
	}
	b := f.post("/api/v1/transactions?dataset=fbi_bank", "ivan", bad, http.StatusBadRequest, nil)
	if !strings.Contains(string(b), "body[1], field type") {
		t.Errorf("bad element: %s", b)
	}
	// An analyst may not send; another agency may not even see the dataset.
	f.post("/api/v1/transactions?dataset=fbi_bank", "alice", deposits, http.StatusForbidden, nil)
	f.post("/api/v1/transactions?dataset=nope", "ivan", deposits, http.StatusNotFound, nil)

	var page txAlertPageJSON
	f.get("/api/v1/alerts?kind=typology&dataset=fbi_bank", "alice", http.StatusOK, &page)
	if page.Kind != "typology" || page.Total != 1 || len(page.Results) != 1 {
		t.Fatalf("alerts for alice: %+v", page)
	}
	a := page.Results[0]
	if a.Typology != finint.Structuring || len(a.Transactions) != 3 || a.Total != "28600.50" || a.Status != "open" || a.Kind != "typology" {
		t.Errorf("alert: %+v", a)
	}
	if !strings.Contains(a.Explanation, "3 cash deposits") {
		t.Errorf("explanation: %q", a.Explanation)
	}
	// DEA's analyst sees nothing, not even a count.
	f.get("/api/v1/alerts?kind=typology", "bob", http.StatusOK, &page)
	if page.Total != 0 || len(page.Results) != 0 {
		t.Errorf("alerts for bob: %+v", page)
	}
	f.get("/api/v1/alerts?kind=astrology", "alice", http.StatusBadRequest, nil)
	if ev := f.lastAudit(); ev.Action != audit.ActionRead || ev.Actor != "alice" {
		t.Errorf("audit of a bad read: %+v", ev)
	}

	// Review: bob cannot touch it; alice escalates it.
	f.post("/api/v1/alerts/"+a.ID+"/status", "bob", map[string]string{"status": "closed", "note": "x"}, http.StatusNotFound, nil)
	var got struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	f.post("/api/v1/alerts/"+a.ID+"/status", "alice", map[string]string{"status": "escalated", "note": "SAR"}, http.StatusOK, &got)
	if got.Status != "escalated" || got.Note != "SAR" {
		t.Errorf("status: %+v", got)
	}
}

func TestAlertReportThroughAPI(t *testing.T) {
	f := newTxFixture(t)
	csv := "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n" +
		"d1,2024-03-01T09:00:00Z,,ACC1,9500,USD,cash_deposit,b1,Ann\n" +
		"d2,2024-03-02T09:00:00Z,,ACC1,9400,USD,cash_deposit,b2,Ann\n" +
		"d3,2024-03-03T09:00:00Z,,ACC1,9700,USD,cash_deposit,b3,Ann\n"
	if status, body := f.do("POST", "/api/v1/transactions?dataset=fbi_bank", "ivan", strings.NewReader(csv), http.Header{"Content-Type": {"text/csv"}}); status != http.StatusCreated {
		t.Fatalf("post: %d %s", status, body)
	}
	var page txAlertPageJSON
	f.get("/api/v1/alerts?kind=typology&typology=structuring", "alice", http.StatusOK, &page)
	if len(page.Results) != 1 {
		t.Fatalf("alerts: %+v", page)
	}
	id := page.Results[0].ID
	filer := map[string]any{"name": "First Test Bank", "ein": "12-3456789", "street": "1 Main St", "city": "Laredo", "state": "TX",
		"zip": "78040", "phone": "9565550100", "contact": "BSA Officer", "regulator": "4"}
	var rep struct {
		Kind  string         `json:"kind"`
		Draft map[string]any `json:"draft"`
		XML   string         `json:"xml"`
	}
	f.post("/api/v1/alerts/"+id+"/report", "alice", map[string]any{"filer": filer, "narrative": "Edited narrative."}, http.StatusOK, &rep)
	if rep.Kind != "sar" || rep.Draft["narrative"] != "Edited narrative." || !strings.Contains(rep.XML, "<FormTypeCode>SARX</FormTypeCode>") ||
		!strings.Contains(rep.XML, "<ActivityNarrativeText>Edited narrative.</ActivityNarrativeText>") {
		t.Errorf("report: %+v", rep)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionExport || !strings.Contains(ev.Object, "kind:sar") {
		t.Errorf("audit: %+v", ev)
	}
	// Bob cannot see the alert; an incomplete filer is the caller's mistake.
	f.post("/api/v1/alerts/"+id+"/report", "bob", map[string]any{"filer": filer}, http.StatusNotFound, nil)
	f.post("/api/v1/alerts/"+id+"/report", "alice", map[string]any{"filer": map[string]any{"name": "x"}}, http.StatusBadRequest, nil)
}
