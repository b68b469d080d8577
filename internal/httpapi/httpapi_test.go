package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// fixture is a server over a real SQLite store holding a public list and an
// FBI case file, with users in two agencies.
type fixture struct {
	t      *testing.T
	store  *store.Store
	server *httptest.Server
	tokens map[string]string // user name -> token secret
	// imports records the requests the fake Import received.
	imports []importCall
	// importErr, when set, is what the fake Import returns.
	importErr error
}

type importCall struct {
	Req   httpapi.ImportRequest
	Files map[string]string // base name -> content, read during the call
}

var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// caseMarking is the handling of the FBI case file: CUI, law-enforcement
// sensitive, FBI only.
var caseMarking = access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "fbi"}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: quietLogger(), Now: func() time.Time { return fixedNow }})
	f := &fixture{t: t, store: st, tokens: map[string]string{}}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutAgency(ctx, store.Agency{Code: "fbi", Name: "Federal Bureau of Investigation"}))
	must(st.PutAgency(ctx, store.Agency{Code: "dea", Name: "Drug Enforcement Administration"}))
	users := []store.User{
		{Name: "alice", Agency: "fbi", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}},
		{Name: "bob", Agency: "dea", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}},
		{Name: "ivan", Agency: "fbi", Roles: []string{"importer"}},
		{Name: "root", Agency: "fbi", Roles: []string{"administrator"}},
	}
	for _, u := range users {
		must(st.PutUser(ctx, u))
		secret, _, err := st.CreateToken(ctx, u.Name, "test", time.Time{})
		must(err)
		f.tokens[u.Name] = secret
	}

	must(st.PutDataset(ctx, store.Dataset{Name: "us_ofac_sdn", Title: "OFAC SDN", Class: store.ClassPublicList, DefaultMarking: access.PublicMarking()}))
	_, err := st.Import(ctx, "us_ofac_sdn", func(ctx context.Context, emit store.Emit) error {
		for i := 1; i <= 5; i++ {
			e := ftm.NewEntity("Person", fmt.Sprintf("ofac-%d", i))
			e.Add("name", fmt.Sprintf("Public Person %d", i))
			e.Add("topics", "sanction")
			e.Target = true
			if err := emit(e, fmt.Sprintf("sdn.csv:%d", i)); err != nil {
				return err
			}
		}
		return nil
	}, store.ImportOptions{})
	must(err)

	must(st.PutDataset(ctx, store.Dataset{Name: "fbi_case", Class: store.ClassCase, Owner: "fbi", DefaultMarking: caseMarking}))
	secret := ftm.NewEntity("Person", "case-1")
	secret.Add("name", "Hidden Smuggler")
	secret.Target = true
	var stmts []store.Statement
	for _, s := range secret.Statements("fbi_case", "case-file:1") {
		stmts = append(stmts, store.Statement{Statement: s, Marking: caseMarking})
	}
	// A marked alias on a public entity: field-level redaction.
	alias := ftm.NewEntity("Person", "ofac-1")
	alias.Add("alias", "Secret Alias")
	alias.Target = true
	for _, s := range alias.Statements("fbi_case", "case-file:2") {
		stmts = append(stmts, store.Statement{Statement: s, Marking: caseMarking})
	}
	must(st.PutStatements(ctx, stmts))

	api := httpapi.New(httpapi.Config{
		Store: st, Logger: quietLogger(), Now: func() time.Time { return fixedNow },
		Registry: prometheus.NewRegistry(), Version: "test", Import: f.fakeImport, MaxUpload: 1 << 20,
	})
	f.server = httptest.NewServer(api.Handler())
	t.Cleanup(f.server.Close)
	return f
}

// fakeImport stands in for the ingest+store pipeline main wires in; it
// reads the uploaded files while they exist.
func (f *fixture) fakeImport(ctx context.Context, req httpapi.ImportRequest) (store.Delta, error) {
	files, err := readTree(req.Path)
	if err != nil {
		return store.Delta{}, err
	}
	f.imports = append(f.imports, importCall{Req: req, Files: files})
	if f.importErr != nil {
		return store.Delta{}, f.importErr
	}
	return store.Delta{Dataset: req.Dataset, Version: 2, Time: fixedNow, Added: []string{"ofac-9"}, Entities: 6, Statements: 20}, nil
}

// do sends a request as user ("" for none) and returns the status and body.
func (f *fixture) do(method, path, user string, body io.Reader, header http.Header) (int, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.server.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	resp, err := f.server.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// get sends GET and decodes a JSON answer into out, checking the status.
func (f *fixture) get(path, user string, wantStatus int, out any) {
	f.t.Helper()
	status, body := f.do("GET", path, user, nil, nil)
	if status != wantStatus {
		f.t.Fatalf("GET %s as %q: got status %d, want %d; body %s", path, user, status, wantStatus, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			f.t.Fatalf("GET %s: decode %s: %v", path, body, err)
		}
	}
}

// auditEvents returns the audit log.
func (f *fixture) auditEvents() []audit.Event {
	f.t.Helper()
	var out []audit.Event
	if err := f.store.EachAuditEvent(context.Background(), 0, func(e audit.Event) error {
		out = append(out, e)
		return nil
	}); err != nil {
		f.t.Fatalf("read audit log: %v", err)
	}
	return out
}

// lastAudit returns the newest audit event.
func (f *fixture) lastAudit() audit.Event {
	f.t.Helper()
	evs := f.auditEvents()
	if len(evs) == 0 {
		f.t.Fatalf("audit log is empty")
	}
	return evs[len(evs)-1]
}

// auditDiff compares the fields of an audit event a test cares about.
func auditDiff(want, got audit.Event) string {
	got.Seq, got.PrevHash, got.Hash = 0, "", ""
	return cmp.Diff(want, got)
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodeError(t *testing.T, body []byte) apiError {
	t.Helper()
	var e apiError
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e
}

func TestAuthRequired(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		header http.Header
	}{
		{"no header", nil},
		{"unknown token", http.Header{"Authorization": {"Bearer nxs_nope"}}},
		{"wrong scheme", http.Header{"Authorization": {"Basic " + f.tokens["alice"]}}},
		{"empty bearer", http.Header{"Authorization": {"Bearer "}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.do("GET", "/api/v1/entities/ofac-1", "", nil, tc.header)
			if status != http.StatusUnauthorized {
				t.Fatalf("got status %d, want 401; body %s", status, body)
			}
			if got := decodeError(t, body).Error.Code; got != "unauthenticated" {
				t.Errorf("got code %q, want unauthenticated", got)
			}
			if bytes.Contains(body, []byte("Public Person")) {
				t.Errorf("401 body leaks the entity: %s", body)
			}
			got := f.lastAudit()
			want := audit.Event{Time: fixedNow, Actor: "anonymous", Action: audit.ActionRead, Object: "/api/v1/entities/ofac-1",
				Outcome: audit.Failure, SourceAddr: "127.0.0.1", Detail: got.Detail}
			if diff := auditDiff(want, got); diff != "" {
				t.Errorf("audit event (-want +got):\n%s", diff)
			}
		})
	}
	// The requests above left an intact chain.
	if n, err := f.store.VerifyAudit(context.Background()); err != nil || n < 4 {
		t.Errorf("verify audit: got %d events, %v; want at least 4 and no error", n, err)
	}
	// Public endpoints need no token.
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/openapi.json"} {
		if status, body := f.do("GET", path, "", nil, nil); status != http.StatusOK {
			t.Errorf("GET %s without token: got status %d, want 200; body %s", path, status, body)
		}
	}
}

type entityJSON struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Statements []store.Statement   `json:"statements"`
}

func TestEntityRead(t *testing.T) {
	f := newFixture(t)
	var e entityJSON
	f.get("/api/v1/entities/ofac-2", "bob", http.StatusOK, &e)
	want := entityJSON{ID: "ofac-2", Schema: "Person", Properties: map[string][]string{
		"name": {"Public Person 2"}, "topics": {"sanction"}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("entity (-want +got):\n%s", diff)
	}

	// Purpose and case number travel to the audit log.
	status, _ := f.do("GET", "/api/v1/entities/ofac-2?statements=true", "bob", nil, http.Header{
		"X-Nexus-Purpose": {"screening"}, "X-Nexus-Case": {"DEA-2026-17"}})
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200", status)
	}
	wantAudit := audit.Event{Time: fixedNow, Actor: "bob", Agency: "dea", Action: audit.ActionRead, Object: "ofac-2",
		Purpose: "screening", CaseNumber: "DEA-2026-17", Outcome: audit.Success, SourceAddr: "127.0.0.1"}
	if diff := auditDiff(wantAudit, f.lastAudit()); diff != "" {
		t.Errorf("audit event (-want +got):\n%s", diff)
	}

	e = entityJSON{}
	f.get("/api/v1/entities/ofac-2?statements=true", "bob", http.StatusOK, &e)
	if len(e.Statements) == 0 {
		t.Fatalf("got no statements, want some")
	}
	for _, s := range e.Statements {
		if s.Dataset != "us_ofac_sdn" || s.Origin != "sdn.csv:2" || s.FirstSeen.IsZero() || s.LastSeen.IsZero() || !s.Marking.Public {
			t.Errorf("statement lacks provenance or marking: %+v", s)
		}
	}

	status, body := f.do("GET", "/api/v1/entities/no-such-id", "bob", nil, nil)
	if status != http.StatusNotFound {
		t.Fatalf("unknown id: got status %d, want 404", status)
	}
	if got := decodeError(t, body).Error.Code; got != "not_found" {
		t.Errorf("unknown id: got code %q, want not_found", got)
	}
	if got := f.lastAudit().Outcome; got != audit.Failure {
		t.Errorf("unknown id: got audit outcome %q, want failure", got)
	}

	status, body = f.do("GET", "/api/v1/entities/ofac-2?statements=maybe", "bob", nil, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("bad bool: got status %d, want 400", status)
	}
	if e := decodeError(t, body); e.Error.Code != "invalid" || !bytes.Contains(body, []byte("statements")) {
		t.Errorf("bad bool: got %+v, want code invalid naming statements", e)
	}
}

type pageJSON struct {
	Total   int          `json:"total"`
	Limit   int          `json:"limit"`
	Offset  int          `json:"offset"`
	Results []entityJSON `json:"results"`
}

func ids(p pageJSON) []string {
	var out []string
	for _, e := range p.Results {
		out = append(out, e.ID)
	}
	return out
}

func TestEntityListPaged(t *testing.T) {
	f := newFixture(t)
	var p pageJSON
	f.get("/api/v1/entities?dataset=us_ofac_sdn&targets=true&limit=2&offset=2", "bob", http.StatusOK, &p)
	if p.Total != 5 || p.Limit != 2 || p.Offset != 2 {
		t.Errorf("got total %d limit %d offset %d, want 5 2 2", p.Total, p.Limit, p.Offset)
	}
	if diff := cmp.Diff([]string{"ofac-3", "ofac-4"}, ids(p)); diff != "" {
		t.Errorf("page ids (-want +got):\n%s", diff)
	}
	got := f.lastAudit()
	if got.Action != audit.ActionSearch || got.Object != "dataset=us_ofac_sdn&targets=true&limit=2&offset=2" {
		t.Errorf("got audit action %q object %q, want search with the query string", got.Action, got.Object)
	}

	p = pageJSON{}
	f.get("/api/v1/entities?q=person+4", "bob", http.StatusOK, &p)
	if diff := cmp.Diff([]string{"ofac-4"}, ids(p)); diff != "" || p.Limit != 50 {
		t.Errorf("q search: got ids %v limit %d, want [ofac-4] limit 50", ids(p), p.Limit)
	}

	p = pageJSON{}
	f.get("/api/v1/entities?q=nobody", "bob", http.StatusOK, &p)
	if p.Total != 0 || p.Results == nil {
		t.Errorf("empty result: got total %d results %v, want 0 and []", p.Total, p.Results)
	}

	for _, tc := range []struct{ query, param string }{
		{"limit=abc", "limit"},
		{"limit=0", "limit"},
		{"limit=501", "limit"},
		{"offset=-1", "offset"},
		{"offset=x", "offset"},
		{"targets=yes%3F", "targets"},
	} {
		status, body := f.do("GET", "/api/v1/entities?"+tc.query, "bob", nil, nil)
		if status != http.StatusBadRequest {
			t.Errorf("%s: got status %d, want 400", tc.query, status)
			continue
		}
		if e := decodeError(t, body); e.Error.Code != "invalid" || !bytes.Contains([]byte(e.Error.Message), []byte(tc.param)) {
			t.Errorf("%s: got %+v, want code invalid naming %s", tc.query, e, tc.param)
		}
	}
}

// TestMarkingThroughHTTP checks the access policy end to end: a CUI//LES
// statement from the FBI is invisible to a DEA analyst with the same
// clearance, in reads, listings and totals, and visible to an FBI analyst.
func TestMarkingThroughHTTP(t *testing.T) {
	f := newFixture(t)

	// The FBI-only entity.
	f.get("/api/v1/entities/case-1", "bob", http.StatusNotFound, nil)
	var e entityJSON
	f.get("/api/v1/entities/case-1", "alice", http.StatusOK, &e)
	if got := e.Properties["name"]; !slices.Equal(got, []string{"Hidden Smuggler"}) {
		t.Errorf("alice: got name %v, want [Hidden Smuggler]", got)
	}

	// The FBI-only alias on a public entity.
	e = entityJSON{}
	f.get("/api/v1/entities/ofac-1?statements=true", "bob", http.StatusOK, &e)
	if got := e.Properties["alias"]; got != nil {
		t.Errorf("bob: got alias %v, want none", got)
	}
	for _, s := range e.Statements {
		if s.Dataset == "fbi_case" {
			t.Errorf("bob: got statement from fbi_case: %+v", s)
		}
	}
	e = entityJSON{}
	f.get("/api/v1/entities/ofac-1?statements=true", "alice", http.StatusOK, &e)
	if got := e.Properties["alias"]; !slices.Equal(got, []string{"Secret Alias"}) {
		t.Errorf("alice: got alias %v, want [Secret Alias]", got)
	}
	if !slices.ContainsFunc(e.Statements, func(s store.Statement) bool {
		return s.Dataset == "fbi_case" && s.Marking.Originator == "fbi" && slices.Contains(s.Marking.Caveats, "LES")
	}) {
		t.Errorf("alice: no fbi_case statement with its marking in %+v", e.Statements)
	}

	// Listings and totals.
	for _, tc := range []struct {
		user      string
		query     string
		wantTotal int
		wantIDs   []string
	}{
		{"bob", "q=smuggler", 0, nil},
		{"alice", "q=smuggler", 1, []string{"case-1"}},
		{"bob", "q=secret+alias", 0, nil},
		{"alice", "q=secret+alias", 1, []string{"ofac-1"}},
		{"bob", "targets=true", 5, []string{"ofac-1", "ofac-2", "ofac-3", "ofac-4", "ofac-5"}},
		{"alice", "targets=true", 6, []string{"case-1", "ofac-1", "ofac-2", "ofac-3", "ofac-4", "ofac-5"}},
		{"bob", "dataset=fbi_case", 0, nil},
	} {
		var p pageJSON
		f.get("/api/v1/entities?"+tc.query, tc.user, http.StatusOK, &p)
		if p.Total != tc.wantTotal || !slices.Equal(ids(p), tc.wantIDs) {
			t.Errorf("%s %s: got total %d ids %v, want %d %v", tc.user, tc.query, p.Total, ids(p), tc.wantTotal, tc.wantIDs)
		}
	}

	// Dataset counts are per viewer.
	counts := func(user string) map[string]int {
		var out struct {
			Results []store.Dataset `json:"results"`
		}
		f.get("/api/v1/datasets", user, http.StatusOK, &out)
		m := map[string]int{}
		for _, d := range out.Results {
			m[d.Name] = d.Entities
		}
		return m
	}
	if diff := cmp.Diff(map[string]int{"us_ofac_sdn": 5, "fbi_case": 0}, counts("bob")); diff != "" {
		t.Errorf("bob dataset counts (-want +got):\n%s", diff)
	}
	if got := counts("alice")["fbi_case"]; got < 1 {
		t.Errorf("alice: got fbi_case count %d, want at least 1", got)
	}
}

func TestErrorShape(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		method, path, user string
		wantStatus         int
		wantCode           string
	}{
		{"GET", "/api/v1/entities/nope", "alice", 404, "not_found"},
		{"GET", "/api/v1/entities?limit=-5", "alice", 400, "invalid"},
		{"GET", "/api/v1/entities", "", 401, "unauthenticated"},
		{"POST", "/api/v1/import?dataset=x&format=csv", "alice", 403, "forbidden"},
		{"GET", "/no/such/route", "", 404, "not_found"},
	} {
		status, body := f.do(tc.method, tc.path, tc.user, nil, nil)
		if status != tc.wantStatus {
			t.Errorf("%s %s: got status %d, want %d", tc.method, tc.path, status, tc.wantStatus)
		}
		e := decodeError(t, body)
		if e.Error.Code != tc.wantCode || e.Error.Message == "" {
			t.Errorf("%s %s: got error %+v, want code %q with a message", tc.method, tc.path, e, tc.wantCode)
		}
	}
}

// TestAuditFailureFailsRequest: when the audit log cannot be written, the
// request fails rather than answering unaudited.
func TestAuditFailureFailsRequest(t *testing.T) {
	f := newFixture(t)
	f.store.Close()
	status, body := f.do("GET", "/api/v1/entities/ofac-1", "alice", nil, nil)
	if status != http.StatusInternalServerError {
		t.Fatalf("got status %d, want 500", status)
	}
	e := decodeError(t, body)
	if e.Error.Code != "internal" || e.Error.Message != "internal error" {
		t.Errorf("got %+v, want internal with a generic message", e)
	}
}
