package httpapi_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/idp"
	"github.com/nexus-intel/nexus/internal/store"
)

// testIdP is an in-process OpenID Connect provider: discovery, JWKS, an
// /authorize that signs on whoever the test says and redirects back with
// a code, and a /token that checks the PKCE verifier and returns a signed
// ID token. mint lets a test spoil the token it returns.
type testIdP struct {
	t      *testing.T
	srv    *httptest.Server
	rsaKey *rsa.PrivateKey
	ecKey  *ecdsa.PrivateKey
	// rogue signs with the RSA key id but is not the published key.
	rogue *rsa.PrivateKey

	mu    sync.Mutex
	now   func() time.Time
	user  map[string]any // the claims of whoever signs on next
	codes map[string]pendingCode
	// mint edits the claims and picks the key ("rsa", "ec", "rogue", "hmac").
	mint func(claims map[string]any) string
}

type pendingCode struct {
	clientID, redirect, challenge, nonce string
	claims                               map[string]any
}

const (
	idpClientID = "nexus-test"
	idpSecret   = "s3cret"
)

func newTestIdP(t *testing.T, now func() time.Time) *testIdP {
	t.Helper()
	p := &testIdP{t: t, now: now, codes: map[string]pendingCode{}}
	var err error
	if p.rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if p.rogue, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if p.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		u := p.srv.URL
		json.NewEncoder(w).Encode(map[string]any{"issuer": u, "authorization_endpoint": u + "/authorize",
			"token_endpoint": u + "/token", "jwks_uri": u + "/jwks", "response_types_supported": []string{"code"},
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"}, "code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		pad := func(n *big.Int) string { b := make([]byte, 32); n.FillBytes(b); return b64(b) }
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{
			{"kty": "RSA", "kid": "rsa1", "use": "sig", "alg": "RS256", "n": b64(p.rsaKey.N.Bytes()), "e": b64(big.NewInt(int64(p.rsaKey.E)).Bytes())},
			{"kty": "EC", "kid": "ec1", "use": "sig", "alg": "ES256", "crv": "P-256", "x": pad(p.ecKey.X), "y": pad(p.ecKey.Y)},
		}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != idpClientID || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		code := randomString()
		p.codes[code] = pendingCode{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
			nonce: q.Get("nonce"), claims: p.user}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		pc, found := p.codes[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code")) // a code is redeemed once
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if id != idpClientID || secret != idpSecret || !found || r.PostFormValue("grant_type") != "authorization_code" ||
			r.PostFormValue("redirect_uri") != pc.redirect || base64.RawURLEncoding.EncodeToString(sum[:]) != pc.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		p.mu.Lock()
		now, mint := p.now(), p.mint
		p.mu.Unlock()
		claims := map[string]any{"iss": p.srv.URL, "aud": idpClientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"nonce": pc.nonce, "amr": []string{"pwd", "otp", "mfa"}}
		for k, v := range pc.claims {
			claims[k] = v
		}
		key := "rsa"
		if mint != nil {
			key = mint(claims)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": randomString(), "token_type": "Bearer", "expires_in": 300,
			"id_token": p.sign(claims, key)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testIdP) setMint(mint func(map[string]any) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mint = mint
}

func randomString() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sign makes a compact JWS of claims with key "rsa" (RS256), "ec" (ES256),
// "rogue" (RS256 by an unpublished key under the published key's id) or
// "hmac" (HS256 keyed with the client secret).
func (p *testIdP) sign(claims map[string]any, key string) string {
	alg, kid := "RS256", "rsa1"
	switch key {
	case "ec":
		alg, kid = "ES256", "ec1"
	case "hmac":
		alg = "HS256"
	}
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch key {
	case "rsa":
		sig, err = rsa.SignPKCS1v15(rand.Reader, p.rsaKey, crypto.SHA256, sum[:])
	case "rogue":
		sig, err = rsa.SignPKCS1v15(rand.Reader, p.rogue, crypto.SHA256, sum[:])
	case "hmac":
		// The classic confusion: a MAC keyed with the client secret.
		m := hmac.New(sha256.New, []byte(idpSecret))
		m.Write([]byte(input))
		sig = m.Sum(nil)
	case "ec":
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, p.ecKey, sum[:])
		if err == nil {
			sig = make([]byte, 64)
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
		}
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// oidcFixture is an authFixture whose server signs agency fbi on through
// the test provider "fbi-idp" and agency dea through "dea-idp", which
// provisions unknown users and redirects to /app/ after signing on.
type oidcFixture struct {
	*authFixture
	idp    *testIdP
	client *http.Client // follows no redirects
}

func newOIDCFixture(t *testing.T) *oidcFixture {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	ip := newTestIdP(t, clk.Now)
	cfg := func(name, agency string) idp.ProviderConfig {
		return idp.ProviderConfig{Name: name, Agency: agency, Issuer: ip.srv.URL, ClientID: idpClientID, ClientSecret: idpSecret,
			RedirectURL: "https://nexus.example/api/v1/oidc/" + name + "/callback", UserClaim: "preferred_username",
			MFAValues: []string{"mfa"}, Scopes: []string{"profile"}}
	}
	dea := cfg("dea-idp", "dea")
	dea.UserPrefix = "dea."
	dea.Provision = &idp.Provision{Roles: []string{"analyst"}}
	dea.AfterLogin = "/app/"
	providers := idp.New([]idp.ProviderConfig{cfg("fbi-idp", "fbi"), dea}, idp.Options{Client: ip.srv.Client(), Now: clk.Now})
	f := newAuthFixture(t, httpapi.Config{OIDC: providers})
	// The fixture has its own clock: make the provider use it.
	ip.mu.Lock()
	ip.now = f.clk.Now
	ip.mu.Unlock()
	ctx := context.Background()
	if err := f.store.PutAgency(ctx, store.Agency{Code: "dea"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{{Name: "dave", Agency: "dea"}, {Name: "frank", Agency: "fbi", Disabled: true}} {
		if err := f.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return &oidcFixture{authFixture: f, idp: ip,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (f *oidcFixture) get(rawURL string, cookies ...*http.Cookie) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	r, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func cookieNamed(r *http.Response, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name && c.MaxAge >= 0 && c.Value != "" {
			return c
		}
	}
	return nil
}

// signIn runs the browser's side: Nexus's login redirect, the provider's
// authorization (as user), then the callback on Nexus, which it returns
// with its body read. It also returns the callback path and the binding
// cookie, for replays.
func (f *oidcFixture) signIn(provider string, user map[string]any) (resp, string, *http.Cookie) {
	f.t.Helper()
	f.idp.mu.Lock()
	f.idp.user = user
	f.idp.mu.Unlock()
	r := f.get(f.srv.URL + "/api/v1/oidc/" + provider + "/login?acknowledge_banner=true")
	r.Body.Close()
	binding := cookieNamed(r, httpapi.OIDCCookie)
	if r.StatusCode != http.StatusFound || binding == nil || !binding.HttpOnly || !binding.Secure || binding.SameSite != http.SameSiteLaxMode {
		f.t.Fatalf("login redirect: got %d, cookie %+v", r.StatusCode, binding)
	}
	r = f.get(r.Header.Get("Location"))
	r.Body.Close()
	back, err := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != http.StatusFound || err != nil || back.Path != "/api/v1/oidc/"+provider+"/callback" {
		f.t.Fatalf("provider authorize: got %d, location %q", r.StatusCode, r.Header.Get("Location"))
	}
	cb := back.Path + "?" + back.RawQuery
	return f.callback(cb, binding), cb, binding
}

func (f *oidcFixture) callback(pathQuery string, cookies ...*http.Cookie) resp {
	f.t.Helper()
	r := f.get(f.srv.URL+pathQuery, cookies...)
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, b}
}

func sessionCookieOf(r resp) *http.Cookie {
	return cookieNamed(&http.Response{Header: r.header}, httpapi.SessionCookie)
}

func TestOIDCSignIn(t *testing.T) {
	f := newOIDCFixture(t)

	r := f.do("GET", "/api/v1/login", nil, nil)
	if !strings.Contains(string(r.body), `"oidc_providers":["dea-idp","fbi-idp"]`) {
		t.Errorf("banner: got %s, want the providers listed", r.body)
	}

	for _, key := range []string{"rsa", "ec"} {
		f.idp.setMint(func(map[string]any) string { return key })
		r, _, _ := f.signIn("fbi-idp", map[string]any{"sub": "u-1", "preferred_username": "alice"})
		sc := sessionCookieOf(r)
		if r.status != 200 || sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteStrictMode {
			t.Fatalf("%s sign-in: got %d %s, cookie %+v", key, r.status, r.body, sc)
		}
		var body struct {
			User    struct{ Name, Agency string }
			Session store.Session
		}
		json.Unmarshal(r.body, &body)
		if body.User.Name != "alice" || body.User.Agency != "fbi" || body.Session.CSRF == "" ||
			!body.Session.ExpiresAt.Equal(f.clk.Now().Add(12*time.Hour)) || !body.Session.IdleExpiresAt.Equal(f.clk.Now().Add(30*time.Minute)) {
			t.Errorf("%s sign-in body: got %s", key, r.body)
		}
		if ev := f.lastAudit(); ev.Action != audit.ActionLogin || ev.Outcome != audit.Success || ev.Actor != "alice" || ev.Agency != "fbi" ||
			ev.SourceAddr != "127.0.0.1" || !strings.Contains(ev.Detail, "oidc provider fbi-idp") || !strings.Contains(ev.Detail, body.Session.ID) {
			t.Errorf("%s sign-in audit: got %+v", key, ev)
		}
		// The session is the password logon's: it works, needs its CSRF
		// token to change state, and ends after 30 idle minutes.
		cookie := httpapi.SessionCookie + "=" + sc.Value
		if s := f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); s.status != 200 || !strings.Contains(string(s.body), `"alice"`) {
			t.Errorf("%s session: got %d %s", key, s.status, s.body)
		}
		if s := f.do("POST", "/api/v1/logout", nil, map[string]string{"Cookie": cookie}); s.status != 403 {
			t.Errorf("%s logout without CSRF token: got %d %s, want 403", key, s.status, s.body)
		}
		if key == "ec" {
			f.clk.Advance(31 * time.Minute)
			if s := f.do("GET", "/api/v1/session", nil, map[string]string{"Cookie": cookie}); s.status != 401 {
				t.Errorf("session after 31 idle minutes: got %d %s, want 401", s.status, s.body)
			}
		}
	}
	f.idp.setMint(nil)

	// Provisioning: dea-idp creates unknown users in agency dea with the
	// configured role only, whatever the token claims.
	r, _, _ = f.signIn("dea-idp", map[string]any{"sub": "u-2", "preferred_username": "erin", "roles": []string{"administrator"}, "agency": "fbi"})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/app/" || sessionCookieOf(r) == nil {
		t.Fatalf("provisioning sign-in with after_login: got %d %s (location %q), want a redirect to /app/ with the session cookie",
			r.status, r.body, r.header.Get("Location"))
	}
	if ev := f.lastAudit(); ev.Outcome != audit.Success || ev.Actor != "dea.erin" || ev.Agency != "dea" {
		t.Errorf("provisioning audit: got %+v", ev)
	}
	u, err := f.store.GetUser(context.Background(), "dea.erin")
	if err != nil || u.Agency != "dea" || strings.Join(u.Roles, ",") != "analyst" || u.CUI || len(u.Caveats) > 0 {
		t.Errorf("provisioned user: got %+v, %v; want agency dea, role analyst only", u, err)
	}
}

func TestOIDCSignInRefused(t *testing.T) {
	f := newOIDCFixture(t)
	alice := map[string]any{"sub": "u-1", "preferred_username": "alice"}
	for _, c := range []struct {
		name     string
		provider string
		user     map[string]any
		mint     func(map[string]any) string
		want     string // in the answer and the audit detail
	}{
		{"wrong audience", "fbi-idp", alice, func(c map[string]any) string { c["aud"] = "someone-else"; return "rsa" }, "audience"},
		{"wrong issuer", "fbi-idp", alice, func(c map[string]any) string { c["iss"] = "https://evil.example"; return "rsa" }, "issued by a different provider"},
		{"bad signature", "fbi-idp", alice, func(map[string]any) string { return "rogue" }, "signature"},
		{"HS256 with the client secret", "fbi-idp", alice, func(map[string]any) string { return "hmac" }, "HS256"},
		{"expired", "fbi-idp", alice, func(c map[string]any) string {
			c["exp"] = f.clk.Now().Add(-time.Minute).Unix()
			return "ec"
		}, "expired"},
		{"wrong nonce", "fbi-idp", alice, func(c map[string]any) string { c["nonce"] = "replayed-nonce"; return "rsa" }, "nonce"},
		{"single factor", "fbi-idp", alice, func(c map[string]any) string { c["amr"] = []string{"pwd"}; return "rsa" }, "multi-factor"},
		{"no user claim", "fbi-idp", map[string]any{"sub": "u-1"}, nil, "preferred_username"},
		{"unknown user", "fbi-idp", map[string]any{"sub": "u-9", "preferred_username": "mallory"}, nil, "no Nexus account mallory"},
		{"disabled user", "fbi-idp", map[string]any{"sub": "u-3", "preferred_username": "frank"}, nil, "disabled"},
		{"other agency's user", "fbi-idp", map[string]any{"sub": "u-4", "preferred_username": "dave"}, nil, "belongs to agency dea"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.idp.setMint(c.mint)
			r, cb, binding := f.signIn(c.provider, c.user)
			if r.status != 401 || sessionCookieOf(r) != nil || !strings.Contains(string(r.body), c.want) {
				t.Errorf("got %d %s (session cookie %v), want 401 naming %q and no session", r.status, r.body, sessionCookieOf(r) != nil, c.want)
			}
			ev := f.lastAudit()
			if ev.Action != audit.ActionLogin || ev.Outcome != audit.Failure || ev.SourceAddr != "127.0.0.1" || ev.Agency != "fbi" ||
				!strings.Contains(ev.Detail, c.want) || !strings.Contains(ev.Detail, "fbi-idp") {
				t.Errorf("audit: got %+v", ev)
			}
			// A refused sign-in's state is spent.
			if r := f.callback(cb, binding); r.status != 401 || !strings.Contains(string(r.body), "already used") {
				t.Errorf("retry with the same state: got %d %s", r.status, r.body)
			}
		})
	}
	f.idp.setMint(nil)

	t.Run("replayed state", func(t *testing.T) {
		r, cb, binding := f.signIn("fbi-idp", alice)
		if r.status != 200 {
			t.Fatalf("sign-in: got %d %s", r.status, r.body)
		}
		if r := f.callback(cb, binding); r.status != 401 || sessionCookieOf(r) != nil || !strings.Contains(string(r.body), "already used") {
			t.Errorf("replayed callback: got %d %s", r.status, r.body)
		}
		if ev := f.lastAudit(); ev.Outcome != audit.Failure || ev.Action != audit.ActionLogin || !strings.Contains(ev.Detail, "already used") {
			t.Errorf("replay audit: got %+v", ev)
		}
	})
	t.Run("mismatched state", func(t *testing.T) {
		for _, c := range []struct {
			name string
			edit func(q url.Values, b *http.Cookie) []*http.Cookie
			want string
		}{
			{"other state", func(q url.Values, b *http.Cookie) []*http.Cookie {
				q.Set("state", randomString())
				return []*http.Cookie{b}
			}, "already used"},
			{"no cookie", func(q url.Values, b *http.Cookie) []*http.Cookie { return nil }, "browser"},
			{"other browser's cookie", func(q url.Values, b *http.Cookie) []*http.Cookie {
				return []*http.Cookie{{Name: httpapi.OIDCCookie, Value: randomString()}}
			}, "browser"},
		} {
			// Stop at the provider's redirect to edit the callback.
			f.idp.mu.Lock()
			f.idp.user = alice
			f.idp.mu.Unlock()
			lr := f.get(f.srv.URL + "/api/v1/oidc/fbi-idp/login?acknowledge_banner=true")
			lr.Body.Close()
			binding := cookieNamed(lr, httpapi.OIDCCookie)
			ar := f.get(lr.Header.Get("Location"))
			ar.Body.Close()
			back, _ := url.Parse(ar.Header.Get("Location"))
			q := back.Query()
			cookies := c.edit(q, binding)
			r := f.callback(back.Path+"?"+q.Encode(), cookies...)
			if r.status != 401 || sessionCookieOf(r) != nil || !strings.Contains(string(r.body), c.want) {
				t.Errorf("%s: got %d %s, want 401 naming %q", c.name, r.status, r.body, c.want)
			}
			if ev := f.lastAudit(); ev.Outcome != audit.Failure || !strings.Contains(ev.Detail, c.want) {
				t.Errorf("%s audit: got %+v", c.name, ev)
			}
		}
	})
	t.Run("provider error", func(t *testing.T) {
		lr := f.get(f.srv.URL + "/api/v1/oidc/fbi-idp/login?acknowledge_banner=true")
		lr.Body.Close()
		authz, _ := url.Parse(lr.Header.Get("Location"))
		r := f.callback("/api/v1/oidc/fbi-idp/callback?error=access_denied&state="+url.QueryEscape(authz.Query().Get("state")), cookieNamed(lr, httpapi.OIDCCookie))
		if r.status != 401 || !strings.Contains(string(r.body), "access_denied") {
			t.Errorf("got %d %s", r.status, r.body)
		}
		if ev := f.lastAudit(); ev.Outcome != audit.Failure || !strings.Contains(ev.Detail, "access_denied") {
			t.Errorf("audit: got %+v", ev)
		}
	})
	t.Run("banner not acknowledged", func(t *testing.T) {
		r := f.get(f.srv.URL + "/api/v1/oidc/fbi-idp/login")
		r.Body.Close()
		if r.StatusCode != 400 || cookieNamed(r, httpapi.OIDCCookie) != nil || r.Header.Get("Location") != "" {
			t.Errorf("got %d, location %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("unknown provider", func(t *testing.T) {
		if r := f.get(f.srv.URL + "/api/v1/oidc/nope/login?acknowledge_banner=true"); r.StatusCode != 404 {
			t.Errorf("login: got %d", r.StatusCode)
		}
		if r := f.callback("/api/v1/oidc/nope/callback?state=x&code=y"); r.status != 404 {
			t.Errorf("callback: got %d %s", r.status, r.body)
		}
		if ev := f.lastAudit(); ev.Outcome != audit.Failure || !strings.Contains(ev.Detail, `"nope"`) {
			t.Errorf("audit: got %+v", ev)
		}
	})
	t.Run("locked user", func(t *testing.T) {
		// Five wrong passwords lock alice; her provider cannot sign her on.
		for range 5 {
			f.do("POST", "/api/v1/login", map[string]any{"user": "alice", "password": "wrong wrong wrong", "totp": "000000", "acknowledge_banner": true}, nil)
		}
		r, _, _ := f.signIn("fbi-idp", alice)
		if r.status != 401 || !strings.Contains(string(r.body), "locked") {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
}
