package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// authFixture is a server with a movable clock and users who log on with
// passwords and TOTP.
type authFixture struct {
	t     *testing.T
	clk   *testClock
	store *store.Store
	srv   *httptest.Server
	totp  map[string]auth.TOTP
}

const testPassword = "a long enough passphrase"

func newAuthFixture(t *testing.T, cfg httpapi.Config) *authFixture {
	t.Helper()
	ctx := context.Background()
	clk := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: quietLogger(), Now: clk.Now})
	f := &authFixture{t: t, clk: clk, store: st, totp: map[string]auth.TOTP{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutAgency(ctx, store.Agency{Code: "fbi"}))
	cheap := auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	for _, u := range []store.User{
		{Name: "alice", Agency: "fbi", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}},
		{Name: "audrey", Agency: "fbi", Roles: []string{"auditor"}},
	} {
		must(st.PutUser(ctx, u))
		h, err := auth.HashPassword(testPassword, cheap)
		must(err)
		must(st.SetPassword(ctx, u.Name, h))
		tp := auth.TOTP{Secret: auth.NewTOTPSecret()}
		must(st.EnrollTOTP(ctx, u.Name, auth.EncodeSecret(tp.Secret)))
		f.totp[u.Name] = tp
	}
	cfg.Store, cfg.Logger, cfg.Now, cfg.Registry, cfg.Version = st, quietLogger(), clk.Now, prometheus.NewRegistry(), "test"
	f.srv = httptest.NewServer(httpapi.New(cfg).Handler())
	t.Cleanup(f.srv.Close)
	return f
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (f *authFixture) do(method, path string, body any, header map[string]string) resp {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	r, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, b}
}

// login logs user on and returns the cookie header and CSRF token.
func (f *authFixture) login(user string) (cookie, csrf string) {
	f.t.Helper()
	r := f.do("POST", "/api/v1/login", map[string]any{"user": user, "password": testPassword,
		"totp": f.totp[user].Code(f.clk.Now()), "acknowledge_banner": true}, nil)
	if r.status != 200 {
		f.t.Fatalf("login %s: got %d %s", user, r.status, r.body)
	}
	var sc *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == httpapi.SessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteStrictMode {
		f.t.Fatalf("session cookie: got %+v, want HttpOnly, Secure, SameSite=Strict", sc)
	}
	var body struct {
		Session struct {
			CSRF string `json:"csrf_token"`
		} `json:"session"`
	}
	json.Unmarshal(r.body, &body)
	return httpapi.SessionCookie + "=" + sc.Value, body.Session.CSRF
}

func (f *authFixture) lastAudit() audit.Event {
	f.t.Helper()
	var last audit.Event
	f.store.EachAuditEvent(context.Background(), 0, func(e audit.Event) error { last = e; return nil })
	return last
}

func TestLoginSessionFlow(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{Banner: "Authorised use only."})

	r := f.do("GET", "/api/v1/login", nil, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "Authorised use only.") {
		t.Errorf("banner: got %d %s", r.status, r.body)
	}
	// The banner must be acknowledged.
	r = f.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": testPassword, "totp": f.totp["alice"].Code(f.clk.Now())}, nil)
	if r.status != 400 || !strings.Contains(string(r.body), "acknowledge") {
		t.Errorf("login without acknowledging the banner: got %d %s", r.status, r.body)
	}
	// MFA: the password alone is not enough.
	r = f.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": testPassword, "acknowledge_banner": true}, nil)
	if r.status != 401 || r.header.Get("Set-Cookie") != "" {
		t.Errorf("login without TOTP: got %d %s (cookie %q), want 401 and no cookie", r.status, r.body, r.header.Get("Set-Cookie"))
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionLogin || ev.Outcome != audit.Failure || ev.Actor != "alice" || ev.SourceAddr != "127.0.0.1" {
		t.Errorf("failed logon audit: got %+v", ev)
	}

	cookie, csrf := f.login("alice")
	if ev := f.lastAudit(); ev.Action != audit.ActionLogin || ev.Outcome != audit.Success || ev.Actor != "alice" || ev.Agency != "fbi" {
		t.Errorf("logon audit: got %+v", ev)
	}
	r = f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie})
	if r.status != 200 || !strings.Contains(string(r.body), `"user_id":"alice"`) {
		t.Fatalf("session: got %d %s", r.status, r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Frame-Options") != "DENY" || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("secure headers missing: %v", r.header)
	}

	// CSRF: a state-changing request with the cookie but no token is refused.
	body := map[string]any{"name": "ci", "scopes": []string{"read"}}
	if r := f.do("POST", "/api/v1/tokens", body, map[string]string{"Cookie": cookie}); r.status != 403 || !strings.Contains(string(r.body), "CSRF") {
		t.Errorf("POST without CSRF token: got %d %s, want 403", r.status, r.body)
	}
	if r := f.do("POST", "/api/v1/tokens", body, map[string]string{"Cookie": cookie, httpapi.HeaderCSRF: "forged"}); r.status != 403 {
		t.Errorf("POST with a wrong CSRF token: got %d %s, want 403", r.status, r.body)
	}
	r = f.do("POST", "/api/v1/tokens", body, map[string]string{"Cookie": cookie, httpapi.HeaderCSRF: csrf})
	if r.status != 201 {
		t.Fatalf("POST with CSRF token: got %d %s", r.status, r.body)
	}
	var tok struct {
		Secret string      `json:"secret"`
		Token  store.Token `json:"token"`
	}
	json.Unmarshal(r.body, &tok)
	bearer := map[string]string{"Authorization": "Bearer " + tok.Secret}

	// Scopes: the read-only token reads but cannot search or list tokens.
	if r := f.do("GET", "/api/v1/datasets", nil, bearer); r.status != 200 {
		t.Errorf("read-scoped token on a read route: got %d %s", r.status, r.body)
	}
	for _, path := range []string{"/api/v1/entities?q=x", "/api/v1/tokens"} {
		if r := f.do("GET", path, nil, bearer); r.status != 403 || !strings.Contains(string(r.body), "scope") {
			t.Errorf("read-scoped token on %s: got %d %s, want 403 naming the scope", path, r.status, r.body)
		}
		if ev := f.lastAudit(); ev.Outcome != audit.Denied || ev.Actor != "alice" {
			t.Errorf("scope denial audit: got %+v", ev)
		}
	}
	// Bearer requests need no CSRF token; revoking ends the token.
	if r := f.do("DELETE", "/api/v1/tokens/"+tok.Token.ID, nil, map[string]string{"Cookie": cookie, httpapi.HeaderCSRF: csrf}); r.status != 200 {
		t.Fatalf("revoke: got %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/api/v1/datasets", nil, bearer); r.status != 401 {
		t.Errorf("revoked token: got %d, want 401", r.status)
	}

	// Idle expiry through the API: 29 minutes keeps it, 30 more end it.
	f.clk.Advance(29 * time.Minute)
	if r := f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); r.status != 200 {
		t.Errorf("after 29 minutes: got %d %s", r.status, r.body)
	}
	f.clk.Advance(30 * time.Minute)
	if r := f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); r.status != 401 || !strings.Contains(string(r.body), "idle") {
		t.Errorf("after 30 idle minutes: got %d %s, want 401 idle", r.status, r.body)
	}

	// Logout ends the session.
	cookie, csrf = f.login("alice")
	if r := f.do("POST", "/api/v1/logout", nil, map[string]string{"Cookie": cookie, httpapi.HeaderCSRF: csrf}); r.status != 200 {
		t.Fatalf("logout: got %d %s", r.status, r.body)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionLogout || ev.Outcome != audit.Success || !strings.HasPrefix(ev.Detail, "session ses_") {
		t.Errorf("logout audit: got %+v", ev)
	}
	if r := f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); r.status != 401 {
		t.Errorf("after logout: got %d, want 401", r.status)
	}
}

func TestLoginLockoutThroughAPI(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{})
	for i := 1; i <= 5; i++ {
		r := f.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": "not the password", "totp": "000000", "acknowledge_banner": true}, nil)
		if r.status != 401 {
			t.Fatalf("failure %d: got %d %s", i, r.status, r.body)
		}
	}
	r := f.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": testPassword, "totp": f.totp["alice"].Code(f.clk.Now()), "acknowledge_banner": true}, nil)
	if r.status != 401 || !strings.Contains(string(r.body), "locked") {
		t.Errorf("right credentials after five failures: got %d %s, want locked", r.status, r.body)
	}
	var failures int
	f.store.EachAuditEvent(context.Background(), 0, func(e audit.Event) error {
		if e.Action == audit.ActionLogin && e.Outcome == audit.Failure && e.Actor == "alice" {
			failures++
		}
		return nil
	})
	if failures != 6 {
		t.Errorf("failed logons audited: got %d, want 6", failures)
	}
}

func TestAuditLogAuditorsOnly(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{})
	alice, _ := f.login("alice")
	if r := f.do("GET", "/api/v1/audit", nil, map[string]string{"Cookie": alice}); r.status != 403 {
		t.Errorf("analyst reading the audit log: got %d %s, want 403", r.status, r.body)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionAuditRead || ev.Outcome != audit.Denied || ev.Actor != "alice" {
		t.Errorf("denied audit access not recorded: %+v", ev)
	}
	audrey, _ := f.login("audrey")
	r := f.do("GET", "/api/v1/audit?limit=2", nil, map[string]string{"Cookie": audrey})
	var page struct {
		Results []audit.Event `json:"results"`
		Next    int64         `json:"next"`
	}
	if err := json.Unmarshal(r.body, &page); r.status != 200 || err != nil {
		t.Fatalf("auditor: got %d %s", r.status, r.body)
	}
	if len(page.Results) != 2 || page.Results[0].Seq != 1 || page.Next != 2 {
		t.Errorf("first page: got %d events, next %d", len(page.Results), page.Next)
	}
	if ev := f.lastAudit(); ev.Action != audit.ActionAuditRead || ev.Outcome != audit.Success || ev.Actor != "audrey" {
		t.Errorf("audit access not recorded: %+v", ev)
	}
}

func TestRateLimitsAndBodyLimit(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{RatePerAddr: 1, BurstPerAddr: 3, MaxBody: 1024})
	var last resp
	for i := 0; i < 4; i++ {
		last = f.do("GET", "/api/v1/login", nil, nil)
	}
	if last.status != 429 || last.header.Get("Retry-After") != "1" {
		t.Errorf("fourth request in a burst of 3: got %d Retry-After %q, want 429 and 1", last.status, last.header.Get("Retry-After"))
	}
	if r := f.do("GET", "/healthz", nil, nil); r.status != 200 {
		t.Errorf("health checks are not rate limited: got %d", r.status)
	}
	f.clk.Advance(time.Second)
	big := map[string]any{"user": strings.Repeat("x", 2048), "password": "p", "acknowledge_banner": true}
	if r := f.do("POST", "/api/v1/login", big, nil); r.status != 400 || !strings.Contains(string(r.body), "larger") {
		t.Errorf("oversized body: got %d %s, want 400", r.status, r.body)
	}
	// Upload routes are bounded by MaxUpload in their handlers, not by
	// MaxBody: the same body reaches authentication there.
	f.clk.Advance(time.Second)
	if r := f.do("POST", "/api/v1/transactions", big, nil); strings.Contains(string(r.body), "larger") {
		t.Errorf("transaction feed body held to MaxBody: got %d %s", r.status, r.body)
	}

	g := newAuthFixture(t, httpapi.Config{RatePerToken: 1, BurstPerToken: 2})
	cookie, _ := g.login("alice")
	for i := 0; i < 2; i++ {
		if r := g.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); r.status != 200 {
			t.Fatalf("request %d: got %d", i, r.status)
		}
	}
	r := g.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie})
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("third request on a session with burst 2: got %d, want 429 with Retry-After", r.status)
	}
	if ev := g.lastAudit(); ev.Outcome != audit.Denied || !strings.Contains(ev.Detail, "too many") {
		t.Errorf("rate-limited request audit: got %+v", ev)
	}
}
