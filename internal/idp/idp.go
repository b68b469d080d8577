// Package idp signs users on through their agency's own OpenID Connect
// identity provider: the authorization-code flow with PKCE, state and
// nonce, discovery, and the ID-token checks (signature by the provider's
// JWKS, issuer, audience, expiry, nonce, multi-factor). It says who the
// provider vouched for; the store decides whether that is a Nexus account
// of the provider's agency, and the HTTP layer starts the session.
package idp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/nexus-intel/nexus"
)

// SigningAlgs are the ID-token signatures accepted.
var SigningAlgs = []string{oidc.RS256, oidc.ES256}

// Options are what the providers share.
type Options struct {
	// Client makes the requests to the providers; a client with a
	// 15-second timeout when nil.
	Client *http.Client
	// Now is the clock ID-token expiry is checked against; time.Now when
	// nil.
	Now func() time.Time
}

// Providers is the set of configured identity providers, by name.
type Providers struct {
	byName map[string]*Provider
}

// New returns the providers of cfgs, which LoadConfig has checked.
// Discovery happens at the first sign-in through each, and is retried
// until it succeeds, so a provider that is down does not stop the server.
func New(cfgs []ProviderConfig, opts Options) *Providers {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 15 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ps := &Providers{byName: map[string]*Provider{}}
	for _, c := range cfgs {
		ps.byName[c.Name] = &Provider{cfg: c, client: opts.Client, now: opts.Now}
	}
	return ps
}

// Get returns the provider called name.
func (ps *Providers) Get(name string) (*Provider, bool) {
	if ps == nil {
		return nil, false
	}
	p, ok := ps.byName[name]
	return p, ok
}

// Names lists the providers' names, sorted.
func (ps *Providers) Names() []string {
	if ps == nil {
		return nil
	}
	var out []string
	for n := range ps.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Provider is one agency's identity provider.
type Provider struct {
	cfg    ProviderConfig
	client *http.Client
	now    func() time.Time

	mu sync.Mutex
	op *oidc.Provider // nil until discovery succeeds
}

// Config returns the provider's configuration.
func (p *Provider) Config() ProviderConfig { return p.cfg }

func (p *Provider) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.op != nil {
		return p.op, nil
	}
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, p.client), p.cfg.Issuer)
	if err != nil {
		return nil, nexus.Errorf(nexus.EINTERNAL, "oidc provider %s: discovery at %s failed: %v", p.cfg.Name, p.cfg.Issuer, err)
	}
	p.op = op
	return op, nil
}

func (p *Provider) oauth(op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: p.cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, p.cfg.Scopes...)}
}

// Start is a new sign-in: the secrets to keep until the callback and the
// provider URL to send the browser to.
type Start struct {
	State, Nonce, Verifier string
	URL                    string
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a sign-in with a fresh state, nonce and PKCE verifier
// (S256).
func (p *Provider) Start(ctx context.Context) (Start, error) {
	op, err := p.discover(ctx)
	if err != nil {
		return Start{}, err
	}
	s := Start{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	s.URL = p.oauth(op).AuthCodeURL(s.State, oidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier))
	return s, nil
}

// Identity is who a provider vouched for.
type Identity struct {
	// User is the Nexus user name: UserPrefix and the UserClaim's value.
	User    string
	Subject string
	AMR     []string
}

func unauthenticated(p *Provider, format string, args ...any) error {
	return nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc provider %s: %s", p.cfg.Name, fmt.Sprintf(format, args...))
}

// Finish redeems an authorization code with its PKCE verifier and checks
// the ID token: signature (RS256 or ES256, by the provider's JWKS), issuer,
// audience, expiry, nonce, the access-token hash when present, a
// multi-factor "amr" unless the provider enforces it itself, and the user
// claim. EUNAUTHENTICATED for every token the provider should not have
// sent.
func (p *Provider) Finish(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	op, err := p.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx = oidc.ClientContext(ctx, p.client)
	tok, err := p.oauth(op).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Identity{}, unauthenticated(p, "code exchange failed: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, unauthenticated(p, "token response has no id_token")
	}
	v := op.Verifier(&oidc.Config{ClientID: p.cfg.ClientID, SupportedSigningAlgs: SigningAlgs, Now: p.now})
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return Identity{}, unauthenticated(p, "ID token refused: %v", err)
	}
	if idt.Nonce != nonce {
		return Identity{}, unauthenticated(p, "ID token nonce does not match the sign-in's")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Identity{}, unauthenticated(p, "ID token at_hash: %v", err)
		}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, unauthenticated(p, "ID token claims: %v", err)
	}
	id := Identity{Subject: idt.Subject}
	if amr, ok := claims["amr"].([]any); ok {
		for _, a := range amr {
			if s, ok := a.(string); ok {
				id.AMR = append(id.AMR, s)
			}
		}
	}
	if !p.cfg.IdPEnforcesMFA && !slices.ContainsFunc(id.AMR, func(a string) bool { return slices.Contains(p.cfg.MFAValues, a) }) {
		return Identity{}, unauthenticated(p, "sign-in was not multi-factor (amr %v has none of %v); Nexus requires a second factor", id.AMR, p.cfg.MFAValues)
	}
	name, _ := claims[p.cfg.UserClaim].(string)
	if name == "" {
		return Identity{}, unauthenticated(p, "ID token has no %s claim naming the user", p.cfg.UserClaim)
	}
	if p.cfg.UserClaim == "email" {
		if ok, _ := claims["email_verified"].(bool); !ok {
			return Identity{}, unauthenticated(p, "email %s is not verified by the provider", name)
		}
	}
	id.User = p.cfg.UserPrefix + name
	if len(id.User) > 128 || strings.ContainsFunc(id.User, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return Identity{}, unauthenticated(p, "%s claim %q is not a usable user name", p.cfg.UserClaim, name)
	}
	return id, nil
}
