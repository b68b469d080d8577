package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

var (
	// The API's viewers come from accounts; Part 23 training is built in
	// directly here, as it would come from the account.
	aliceV = access.Viewer{UserID: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}, Roles: []string{"analyst"}}
	samV   = access.Viewer{UserID: "sam", Agency: "fbi", CUI: true, Caveats: []string{"LES"}, Roles: []string{"supervisor"}, Part23Trained: true}
	ciMark = access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "fbi"}
)

// intelFixture is the API fixture with an FBI criminal-intelligence dataset
// holding one approved record about "Hector Salas", a privacy officer
// account, and a NATS bus the server publishes notices on.
func intelFixture(t *testing.T) (*fixture, *events.Bus) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.store.PutUser(ctx, store.User{Name: "pia", Agency: "fbi", Roles: []string{access.RolePrivacyOfficer}, CUI: true, Caveats: []string{"LES"}}))
	secret, _, err := f.store.CreateToken(ctx, "pia", "test", time.Time{})
	must(err)
	f.tokens["pia"] = secret
	must(f.store.PutDataset(ctx, store.Dataset{Name: "fbi_ci", Class: store.ClassCriminalIntel, Owner: "fbi", DefaultMarking: ciMark}))
	subj := ftm.NewEntity("Person", "ci-1")
	subj.Add("name", "Hector Salas")
	subj.Add("birthDate", "1980-02-03")
	_, err = f.store.SubmitIntel(ctx, aliceV, intel.Submission{Dataset: "fbi_ci", Subject: subj,
		Predicate:   intel.Predicate{Narrative: "controlled buys", OffenceCodes: []string{"35A"}},
		Reliability: "B", Validity: "2", Pointer: intel.Pointer{Allowed: true, Contact: "FBI PHX duty agent"}})
	must(err)
	_, err = f.store.ApproveIntel(ctx, samV, "ci-1")
	must(err)

	bus, err := events.Open(ctx, events.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	must(err)
	t.Cleanup(func() { bus.Close() })
	api := httpapi.New(httpapi.Config{Store: f.store, Bus: bus, Logger: quietLogger(), Now: func() time.Time { return fixedNow },
		Registry: prometheus.NewRegistry(), Version: "test"})
	f.server.Close()
	f.server = httptest.NewServer(api.Handler())
	t.Cleanup(f.server.Close)
	return f, bus
}

var needHeaders = http.Header{httpapi.HeaderPurpose: {"investigation"}, httpapi.HeaderCase: {"24-117"}}

func (f *fixture) send(method, path, user string, v any, header http.Header, wantStatus int) []byte {
	f.t.Helper()
	var body *bytes.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			f.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	} else {
		body = bytes.NewReader(nil)
	}
	status, out := f.do(method, path, user, body, header)
	if status != wantStatus {
		f.t.Fatalf("%s %s as %s: got %d, want %d; body %s", method, path, user, status, wantStatus, out)
	}
	return out
}

// TestNeedToKnow: a search that can reach criminal intelligence the viewer
// may see is refused without a purpose code and a case number, and both are
// recorded in the audit event when given.
func TestNeedToKnow(t *testing.T) {
	f, _ := intelFixture(t)
	for _, h := range []http.Header{nil, {httpapi.HeaderPurpose: {"investigation"}}, {httpapi.HeaderCase: {"24-117"}}} {
		body := f.send("GET", "/api/v1/entities?q=salas", "alice", nil, h, http.StatusForbidden)
		if e := decodeError(t, body); !strings.Contains(e.Error.Message, "need to know") {
			t.Errorf("refusal: %s", body)
		}
	}
	if ev := f.lastAudit(); ev.Outcome != audit.Denied || ev.Actor != "alice" {
		t.Errorf("refused search audited as %+v", ev)
	}
	var page struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(f.send("GET", "/api/v1/entities?q=salas", "alice", nil, needHeaders, http.StatusOK), &page); err != nil || page.Total != 1 {
		t.Errorf("search with purpose and case: total %d, %v", page.Total, err)
	}
	if ev := f.lastAudit(); ev.Purpose != "investigation" || ev.CaseNumber != "24-117" || ev.Outcome != audit.Success {
		t.Errorf("audit event lacks purpose/case: %+v", ev)
	}
	// bob (DEA) cannot see any criminal intelligence: his search needs
	// neither, and a search limited to a public list needs neither either.
	f.send("GET", "/api/v1/entities?q=salas", "bob", nil, nil, http.StatusOK)
	f.send("GET", "/api/v1/entities?dataset=us_ofac_sdn", "alice", nil, nil, http.StatusOK)
	// The intelligence search itself always needs both.
	f.send("GET", "/api/v1/intel/search?q=hector+salas", "bob", nil, nil, http.StatusForbidden)
}

// TestIntelPointerOverAPI: bob may not read the FBI record and gets a
// pointer with the FBI's contact, nothing else.
func TestIntelPointerOverAPI(t *testing.T) {
	f, _ := intelFixture(t)
	body := f.send("GET", "/api/v1/intel/search?q=Hector+Salas", "bob", nil, needHeaders, http.StatusOK)
	var res store.IntelSearch
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 0 || len(res.Pointers) != 1 || res.Pointers[0].Agency != "fbi" || res.Pointers[0].Contact != "FBI PHX duty agent" {
		t.Fatalf("bob's search: %s", body)
	}
	for _, leak := range []string{"ci-1", "Hector", "1980", "35A"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("pointer leaks %q: %s", leak, body)
		}
	}
	body = f.send("GET", "/api/v1/intel/search?q=Hector+Salas", "alice", nil, needHeaders, http.StatusOK)
	if !strings.Contains(string(body), `"id":"ci-1"`) || !strings.Contains(string(body), `"pointers":[]`) {
		t.Errorf("alice's search: %s", body)
	}
	// Reading the record itself is refused to bob as if it did not exist.
	f.send("GET", "/api/v1/intel/records/ci-1", "bob", nil, nil, http.StatusNotFound)
	f.send("GET", "/api/v1/entities/ci-1", "bob", nil, nil, http.StatusNotFound)
}

func TestIntelSubmissionOverAPI(t *testing.T) {
	f, _ := intelFixture(t)
	sub := map[string]any{"dataset": "fbi_ci", "subject": map[string]any{"id": "ci-2", "schema": "Person",
		"properties": map[string]any{"name": []string{"Rosa Pike"}, "religion": []string{"Example"}}},
		"predicate": map[string]any{"narrative": "", "offence_codes": []string{}}, "source_reliability": "B", "content_validity": "2"}
	body := f.send("POST", "/api/v1/intel/submissions", "alice", sub, nil, http.StatusBadRequest)
	if e := decodeError(t, body); !strings.Contains(e.Error.Message, "predicate.narrative") || !strings.Contains(e.Error.Message, "predicate.offence_codes") {
		t.Errorf("missing predicate: %s", body)
	}
	sub["predicate"] = map[string]any{"narrative": "launders via donations", "offence_codes": []string{"26B"}}
	body = f.send("POST", "/api/v1/intel/submissions", "alice", sub, nil, http.StatusBadRequest)
	if e := decodeError(t, body); !strings.Contains(e.Error.Message, "First-Amendment") && !strings.Contains(e.Error.Message, "23.20(b)") {
		t.Errorf("first-amendment refusal: %s", body)
	}
	sub["first_amendment"] = map[string]any{"criminal_nexus": true, "justification": "the congregation account is the laundering vehicle"}
	var rec store.IntelRecord
	if err := json.Unmarshal(f.send("POST", "/api/v1/intel/submissions", "alice", sub, nil, http.StatusCreated), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.State != intel.StatePending || rec.Submitter != "alice" {
		t.Errorf("submitted: %+v", rec)
	}
	// alice may not approve her own submission; root has no Part 23
	// training on its account.
	f.send("POST", "/api/v1/intel/records/ci-2/approve", "alice", nil, nil, http.StatusForbidden)
	f.send("POST", "/api/v1/intel/records/ci-2/approve", "bob", nil, nil, http.StatusNotFound)
	f.send("POST", "/api/v1/intel/records/ci-2/privacy-approve", "alice", nil, nil, http.StatusForbidden)
	body = f.send("POST", "/api/v1/intel/records/ci-2/privacy-approve", "pia", nil, nil, http.StatusOK)
	if !strings.Contains(string(body), `"privacy_approver":"pia"`) {
		t.Errorf("privacy approval: %s", body)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionWrite || ev.Actor != "pia" || !strings.Contains(ev.Object, "ci-2") {
		t.Errorf("privacy approval audit: %+v", ev)
	}
}

// TestCorrectionNoticeOnNATS: a correction through the API sends a notice
// to every recipient of the record, stored for them and published on
// nexus.intel.notice.
func TestCorrectionNoticeOnNATS(t *testing.T) {
	f, bus := intelFixture(t)
	var mu sync.Mutex
	var got []store.Notice
	stop, err := bus.Subscribe(context.Background(), intel.NoticeSubject, func(_ string, data []byte) {
		var n store.Notice
		if err := json.Unmarshal(data, &n); err == nil {
			mu.Lock()
			got = append(got, n)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	f.send("POST", "/api/v1/intel/records/ci-1/disseminations", "alice",
		map[string]any{"recipient_agency": "dea", "recipient_person": "SA Ortiz", "reason": "joint task force case 24-117", "channel": "portal"},
		nil, http.StatusCreated)
	if ev := f.lastAudit(); ev.Action != audit.ActionExport || !strings.Contains(ev.Object, "to:dea") {
		t.Errorf("dissemination audit: %+v", ev)
	}
	fixed := map[string]any{"id": "ci-1", "schema": "Person", "properties": map[string]any{"name": []string{"Hector Salas"}, "birthDate": []string{"1980-03-02"}}}
	f.send("POST", "/api/v1/intel/records/ci-1/correct", "bob", map[string]any{"entity": fixed, "reason": "dob"}, nil, http.StatusNotFound)
	body := f.send("POST", "/api/v1/intel/records/ci-1/correct", "alice", map[string]any{"entity": fixed, "reason": "date of birth transposed"}, nil, http.StatusOK)
	if !strings.Contains(string(body), `"recipient_agency":"dea"`) {
		t.Fatalf("correction: %s", body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].RecipientAgency != "dea" || got[0].Kind != store.NoticeCorrection || got[0].RecordID != "ci-1" {
		t.Fatalf("published notices: %+v", got)
	}
	body = f.send("GET", "/api/v1/intel/notices", "bob", nil, nil, http.StatusOK)
	if !strings.Contains(string(body), "date of birth transposed") {
		t.Errorf("bob's notices: %s", body)
	}
	f.send("GET", "/api/v1/intel/notices?agency=dea", "alice", nil, nil, http.StatusForbidden)
}

func TestPrivacyReportAndMarkingOverAPI(t *testing.T) {
	f, _ := intelFixture(t)
	f.send("GET", "/api/v1/privacy/report", "alice", nil, nil, http.StatusForbidden)
	body := f.send("GET", "/api/v1/privacy/report?sample=5", "pia", nil, nil, http.StatusOK)
	var rep store.PrivacyReport
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Sample) != 1 || rep.Sample[0].ID != "ci-1" {
		t.Errorf("report sample: %s", body)
	}
	if ev := f.lastAudit(); ev.Actor != "pia" || ev.Object != "privacy report" || ev.Action != audit.ActionRead {
		t.Errorf("report audit: %+v", ev)
	}

	// Only the FBI may lower the FBI's marking on its case file.
	lower := map[string]any{"dataset": "fbi_case", "marking": access.PublicMarking()}
	f.send("POST", "/api/v1/entities/case-1/marking", "bob", lower, nil, http.StatusNotFound)
	raise := map[string]any{"dataset": "fbi_case", "marking": access.Marking{Classification: "CUI", Caveats: []string{"LES"}, TLP: "RED", Originator: "fbi"}}
	f.send("POST", "/api/v1/entities/case-1/marking", "alice", raise, nil, http.StatusOK)
	f.send("POST", "/api/v1/entities/case-1/marking", "alice", lower, nil, http.StatusOK)
	f.send("GET", "/api/v1/entities/case-1", "bob", nil, nil, http.StatusOK)

	// Redress: filed at DEA, routed to the FBI, answered there.
	body = f.send("POST", "/api/v1/redress", "bob", map[string]any{"requester": "Jose Salas", "request": "not me", "routed_to": "fbi"}, nil, http.StatusCreated)
	var rd store.Redress
	if err := json.Unmarshal(body, &rd); err != nil {
		t.Fatal(err)
	}
	f.send("POST", "/api/v1/redress/"+rd.ID+"/answer", "bob", map[string]any{"answer": "x", "outcome": "no_change"}, nil, http.StatusForbidden)
	f.send("POST", "/api/v1/redress/"+rd.ID+"/answer", "alice", map[string]any{"answer": "different person", "outcome": "no_change"}, nil, http.StatusOK)
	if !strings.Contains(string(f.send("GET", "/api/v1/redress", "bob", nil, nil, http.StatusOK)), `"state":"answered"`) {
		t.Errorf("bob does not see the answer")
	}
}
