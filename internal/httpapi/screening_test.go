package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// newScreeningFixture is the fixture's server with the screening service
// built over its store.
func newScreeningFixture(t *testing.T) (*fixture, *screening.Service) {
	t.Helper()
	f := newFixture(t)
	svc := screening.New(f.store, screening.Options{Logger: quietLogger()})
	if err := svc.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{Store: f.store, Logger: quietLogger(), Now: func() time.Time { return fixedNow },
		Registry: prometheus.NewRegistry(), Version: "test", Screening: svc})
	f.server.Close()
	f.server = httptest.NewServer(api.Handler())
	t.Cleanup(f.server.Close)
	return f, svc
}

// post sends v as JSON and decodes the answer into out, checking the status.
func (f *fixture) post(path, user string, v any, wantStatus int, out any) []byte {
	f.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	status, body := f.do("POST", path, user, bytes.NewReader(b), http.Header{"Content-Type": {"application/json"},
		httpapi.HeaderPurpose: {"screening"}, httpapi.HeaderCase: {"C-1"}})
	if status != wantStatus {
		f.t.Fatalf("POST %s as %q: got status %d, want %d; body %s", path, user, status, wantStatus, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			f.t.Fatalf("POST %s: decode %s: %v", path, body, err)
		}
	}
	return body
}

type screenJSON struct {
	Results []struct {
		ID      string `json:"id"`
		Subject string `json:"subject"`
		Matches []struct {
			EntityID      string   `json:"entity_id"`
			Score         float64  `json:"score"`
			Caption       string   `json:"caption"`
			Schema        string   `json:"schema"`
			Datasets      []string `json:"datasets"`
			Explanation   string   `json:"explanation"`
			Cleared       bool     `json:"cleared"`
			ClearedReason string   `json:"cleared_reason"`
			ClearedBy     string   `json:"cleared_by"`
		} `json:"matches"`
	} `json:"results"`
}

func (s screenJSON) top(i int) string {
	if len(s.Results[i].Matches) == 0 {
		return ""
	}
	return s.Results[i].Matches[0].EntityID
}

func screenBody(names ...string) map[string]any {
	var qs []map[string]any
	for i, n := range names {
		qs = append(qs, map[string]any{"id": fmt.Sprint("q", i+1), "schema": "Person", "name": n})
	}
	return map[string]any{"queries": qs}
}

func TestScreenEndpoint(t *testing.T) {
	f, _ := newScreeningFixture(t)
	var res screenJSON
	f.post("/api/v1/screen", "alice", screenBody("Hidden Smuggler", "Public Person 3"), 200, &res)
	if len(res.Results) != 2 || res.Results[0].ID != "q1" || res.top(0) != "case-1" || res.top(1) != "ofac-3" {
		t.Fatalf("alice: got %+v, want case-1 and ofac-3", res)
	}
	m := res.Results[1].Matches[0]
	if m.Score < 0.99 || m.Caption != "Public Person 3" || m.Schema != "Person" || m.Explanation == "" || len(m.Datasets) != 1 {
		t.Errorf("match fields: got %+v", m)
	}
	ev := f.lastAudit()
	if ev.Action != audit.ActionSearch || ev.Actor != "alice" || ev.Purpose != "screening" || ev.CaseNumber != "C-1" || !strings.Contains(ev.Object, "queries:2") {
		t.Errorf("audit: got %+v, want a search by alice with purpose, case and counts", ev)
	}

	// An LES record of the FBI never matches for the DEA, even with LES.
	res = screenJSON{}
	f.post("/api/v1/screen", "bob", screenBody("Hidden Smuggler", "Secret Alias", "Public Person 1"), 200, &res)
	if res.top(0) != "" || res.top(1) != "" || res.top(2) != "ofac-1" {
		t.Errorf("bob: got %+v, want no match for the FBI's records and ofac-1 on its public name", res)
	}
	res = screenJSON{}
	f.post("/api/v1/screen", "alice", screenBody("Secret Alias"), 200, &res)
	if res.top(0) != "ofac-1" {
		t.Errorf("alice on the FBI's alias: got %+v, want ofac-1", res)
	}

	body := f.post("/api/v1/screen", "alice", map[string]any{"queries": []map[string]any{
		{"id": "ok", "name": "X"}, {"id": "bad", "name": "Y", "birth_date": "03/1990"}}}, 400, nil)
	if e := decodeError(t, body); e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "query 2") || !strings.Contains(e.Error.Message, "birth_date") {
		t.Errorf("bad query: got %+v, want it to name query 2 and its birth_date", e)
	}
	many := make([]string, httpapi.MaxScreenBatch+1)
	for i := range many {
		many[i] = "Name"
	}
	f.post("/api/v1/screen", "alice", screenBody(many...), 400, nil)
	if status, _ := f.do("POST", "/api/v1/screen", "", strings.NewReader(`{"queries":[{"name":"x"}]}`), nil); status != 401 {
		t.Errorf("no token: got %d, want 401", status)
	}
}

type matchJSON struct {
	Responses map[string]struct {
		Status  int `json:"status"`
		Results []struct {
			ID          string              `json:"id"`
			Caption     string              `json:"caption"`
			Schema      string              `json:"schema"`
			Properties  map[string][]string `json:"properties"`
			Datasets    []string            `json:"datasets"`
			Score       float64             `json:"score"`
			Match       bool                `json:"match"`
			Features    map[string]float64  `json:"features"`
			Explanation string              `json:"explanation"`
			Cleared     bool                `json:"cleared"`
		} `json:"results"`
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Query struct {
			Schema     string         `json:"schema"`
			Properties map[string]any `json:"properties"`
		} `json:"query"`
	} `json:"responses"`
	Matcher map[string]struct {
		Description string `json:"description"`
	} `json:"matcher"`
	Limit int `json:"limit"`
}

func yenteQuery(queries map[string]string) map[string]any {
	qs := map[string]any{}
	for k, name := range queries {
		qs[k] = map[string]any{"schema": "Person", "properties": map[string]any{"name": []string{name}, "birthDate": "1970"}}
	}
	return map[string]any{"queries": qs}
}

func TestMatchYenteShape(t *testing.T) {
	f, _ := newScreeningFixture(t)
	var res matchJSON
	f.post("/match/us_ofac_sdn?limit=3&threshold=0.8&algorithm=best", "bob", yenteQuery(map[string]string{"q1": "Public Person 2", "q2": "Nobody Known At All"}), 200, &res)
	q1 := res.Responses["q1"]
	if res.Limit != 3 || q1.Status != 200 || len(q1.Results) == 0 || len(q1.Results) > 3 || q1.Total.Value != len(q1.Results) || q1.Total.Relation != "eq" {
		t.Fatalf("response: got %+v", res)
	}
	top := q1.Results[0]
	if top.ID != "ofac-2" || !top.Match || top.Caption != "Public Person 2" || top.Schema != "Person" ||
		top.Properties["name"][0] != "Public Person 2" || top.Datasets[0] != "us_ofac_sdn" || top.Features["name"] == 0 || top.Explanation == "" {
		t.Errorf("top result: got %+v", top)
	}
	for _, r := range q1.Results[1:] {
		if r.Match != (r.Score >= 0.8) {
			t.Errorf("result %s: match %v with score %v at threshold 0.8", r.ID, r.Match, r.Score)
		}
	}
	if q1.Query.Schema != "Person" || q1.Query.Properties["name"] == nil {
		t.Errorf("query echo: got %+v", q1.Query)
	}
	if q2 := res.Responses["q2"]; q2.Status != 200 || q2.Results == nil {
		t.Errorf("q2: got %+v, want status 200 and a (possibly empty) list", q2)
	}
	if res.Matcher["name"].Description == "" {
		t.Errorf("matcher docs: got %+v", res.Matcher)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionSearch || ev.Actor != "bob" || ev.Purpose != "screening" || !strings.HasPrefix(ev.Object, "match dataset:us_ofac_sdn") {
		t.Errorf("audit: got %+v", ev)
	}

	// Access: the FBI's records shape nothing for the DEA.
	for _, tc := range []struct {
		user, path, name, want string
	}{
		{"bob", "/match/default", "Hidden Smuggler", ""},
		{"alice", "/match/default", "Hidden Smuggler", "case-1"},
		{"bob", "/match/fbi_case", "Hidden Smuggler", ""},
		{"bob", "/match/default", "Secret Alias", ""},
		{"alice", "/match/default", "Secret Alias", "ofac-1"},
		{"alice", "/match/us_ofac_sdn", "Hidden Smuggler", ""},
	} {
		var res matchJSON
		f.post(tc.path, tc.user, yenteQuery(map[string]string{"q": tc.name}), 200, &res)
		got := ""
		for _, r := range res.Responses["q"].Results {
			if r.Match {
				got = r.ID
				break
			}
		}
		if got != tc.want {
			t.Errorf("%s %s %q: got match %q (%+v), want %q", tc.user, tc.path, tc.name, got, res.Responses["q"].Results, tc.want)
		}
	}

	f.post("/match/no_such_list", "alice", yenteQuery(map[string]string{"q": "x"}), 404, nil)
	f.post("/match/default?algorithm=nope", "alice", yenteQuery(map[string]string{"q": "x"}), 400, nil)
	before := len(f.auditEvents())
	if status, _ := f.do("POST", "/match/default", "", strings.NewReader(`{"queries":{}}`), nil); status != 401 {
		t.Errorf("no token: got %d, want 401", status)
	}
	if evs := f.auditEvents(); len(evs) != before+1 || evs[len(evs)-1].Outcome != audit.Failure {
		t.Errorf("unauthenticated /match not audited as a failure: %+v", evs[len(evs)-1])
	}
}

func TestClearedMatchThroughAPI(t *testing.T) {
	f, _ := newScreeningFixture(t)
	var res screenJSON
	f.post("/api/v1/screen", "alice", screenBody("Public Person 4"), 200, &res)
	if res.top(0) != "ofac-4" || res.Results[0].Matches[0].Cleared {
		t.Fatalf("first screening: got %+v", res)
	}
	subject := res.Results[0].Subject
	f.post("/api/v1/clearances", "alice", map[string]any{"subject": subject, "entity_id": "case-1", "reason": "x"}, 201, nil)
	f.post("/api/v1/clearances", "bob", map[string]any{"subject": subject, "entity_id": "case-1", "reason": "x"}, 404, nil)
	f.post("/api/v1/clearances", "alice", map[string]any{"subject": subject, "entity_id": "ofac-4"}, 400, nil)
	var cl struct {
		ClearedBy string `json:"cleared_by"`
		Subject   string `json:"subject"`
	}
	f.post("/api/v1/clearances", "alice", map[string]any{"subject": subject, "entity_id": "ofac-4", "reason": "born 1990, listed party 1961"}, 201, &cl)
	if cl.ClearedBy != "alice" || cl.Subject != subject {
		t.Errorf("clearance: got %+v", cl)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionWrite || !strings.Contains(ev.Object, "entity:ofac-4") {
		t.Errorf("clearance audit: got %+v", ev)
	}

	res = screenJSON{}
	f.post("/api/v1/screen", "alice", screenBody("public person 4"), 200, &res)
	m := res.Results[0].Matches[0]
	if m.EntityID != "ofac-4" || !m.Cleared || m.ClearedBy != "alice" || m.ClearedReason != "born 1990, listed party 1961" {
		t.Errorf("screening again: got %+v, want ofac-4 cleared by alice", m)
	}
	body := f.post("/api/v1/screen", "alice", screenBody("Public Person 4"), 200, nil)
	if !strings.Contains(string(body), `"cleared":true`) || !strings.Contains(string(body), `"cleared_reason"`) {
		t.Errorf("JSON of a cleared match: %s", body)
	}
	res = screenJSON{}
	f.post("/api/v1/screen", "bob", screenBody("Public Person 4"), 200, &res)
	if res.Results[0].Matches[0].Cleared {
		t.Errorf("another agency: got cleared %+v", res.Results[0].Matches[0])
	}
}

func TestMonitorsAndAlertsThroughAPI(t *testing.T) {
	f, svc := newScreeningFixture(t)
	var mon struct {
		ID      int64  `json:"id"`
		Agency  string `json:"agency"`
		Subject string `json:"subject"`
	}
	f.post("/api/v1/monitors", "alice", map[string]any{"query": map[string]any{"schema": "Person", "name": "Rafael Caro Quintero"}, "label": "RCQ"}, 201, &mon)
	if mon.ID == 0 || mon.Agency != "fbi" || mon.Subject == "" {
		t.Fatalf("monitor: got %+v", mon)
	}
	f.post("/api/v1/monitors", "alice", map[string]any{"query": map[string]any{"schema": "Person"}}, 400, nil)
	var mons struct {
		Results []struct {
			ID int64 `json:"id"`
		} `json:"results"`
	}
	f.get("/api/v1/monitors", "bob", 200, &mons)
	if len(mons.Results) != 0 {
		t.Errorf("bob's monitors: got %+v, want none", mons)
	}

	ctx := context.Background()
	d, err := f.store.Import(ctx, "us_ofac_sdn", func(ctx context.Context, emit store.Emit) error {
		for i := 1; i <= 6; i++ {
			e := ftm.NewEntity("Person", fmt.Sprintf("ofac-%d", i))
			e.Add("name", fmt.Sprintf("Public Person %d", i))
			if i == 6 {
				e.Properties["name"] = []string{"CARO QUINTERO, Rafael"}
			}
			e.Add("topics", "sanction")
			e.Target = true
			if err := emit(e, fmt.Sprintf("sdn.csv:%d", i)); err != nil {
				return err
			}
		}
		return nil
	}, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, screening.Update{Dataset: d.Dataset, Version: d.Version, Added: d.Added, Changed: d.Changed, Removed: d.Removed}); err != nil {
		t.Fatal(err)
	}
	type alertsJSON struct {
		Total   int `json:"total"`
		Results []struct {
			ID       int64  `json:"id"`
			EntityID string `json:"entity_id"`
			Status   string `json:"status"`
			Note     string `json:"note"`
		} `json:"results"`
	}
	var alerts alertsJSON
	f.get("/api/v1/alerts", "alice", 200, &alerts)
	if alerts.Total != 1 || alerts.Results[0].EntityID != "ofac-6" || alerts.Results[0].Status != "open" {
		t.Fatalf("alice's alerts: got %+v, want one open alert for ofac-6", alerts)
	}
	var none alertsJSON
	f.get("/api/v1/alerts", "bob", 200, &none)
	if none.Total != 0 {
		t.Errorf("bob's alerts: got %+v, want none", none)
	}
	id := alerts.Results[0].ID
	f.post(fmt.Sprintf("/api/v1/alerts/%d/status", id), "bob", map[string]string{"status": "closed"}, 404, nil)
	f.post(fmt.Sprintf("/api/v1/alerts/%d/status", id), "alice", map[string]string{"status": "gone"}, 400, nil)
	f.post(fmt.Sprintf("/api/v1/alerts/%d/status", id), "alice", map[string]string{"status": "escalated", "note": "task force"}, 200, nil)
	f.get("/api/v1/alerts?status=escalated", "alice", 200, &alerts)
	if alerts.Total != 1 || alerts.Results[0].Note != "task force" {
		t.Errorf("escalated alerts: got %+v", alerts)
	}
}
