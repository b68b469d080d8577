package idp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"

	"github.com/nexus-intel/nexus"
)

// ProviderConfig is one agency identity provider, as written in the JSON
// file given to `nexus serve --oidc-config`.
type ProviderConfig struct {
	// Name is the provider's URL segment: /api/v1/oidc/{name}/login.
	Name string `json:"name"`
	// Agency is the one agency whose accounts this provider signs on.
	Agency string `json:"agency"`
	// Issuer is the provider's issuer URL; discovery reads
	// Issuer/.well-known/openid-configuration. HTTPS, except on loopback.
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// ClientSecret, or the environment variable ClientSecretEnv holding it.
	ClientSecret    string `json:"client_secret,omitempty"`
	ClientSecretEnv string `json:"client_secret_env,omitempty"`
	// RedirectURL is the absolute URL of this server's callback,
	// …/api/v1/oidc/{name}/callback, as registered at the provider.
	RedirectURL string `json:"redirect_url"`
	// Scopes asked for besides "openid"; default profile and email.
	Scopes []string `json:"scopes,omitempty"`
	// UserClaim names the ID-token claim holding the Nexus user name;
	// default preferred_username. "email" also requires email_verified.
	UserClaim string `json:"user_claim,omitempty"`
	// UserPrefix is put before the claim's value to make the Nexus user
	// name (e.g. "dea." so dea.jdoe cannot collide with another agency's
	// jdoe).
	UserPrefix string `json:"user_prefix,omitempty"`
	// Provision, when set, creates an unknown user in Agency with these
	// defaults and nothing else: the provider's claims never grant roles,
	// caveats or groups. Absent: only existing accounts sign on.
	Provision *Provision `json:"provision,omitempty"`
	// MFAValues are the "amr" claim values (RFC 8176) that count as a
	// multi-factor sign-in; default ["mfa"]. One must be present unless
	// IdPEnforcesMFA records that the agency's provider requires a second
	// factor of every sign-in itself (CJIS IA-2).
	MFAValues      []string `json:"mfa_amr,omitempty"`
	IdPEnforcesMFA bool     `json:"idp_enforces_mfa,omitempty"`
	// AfterLogin is a local path ("/" for the web UI) the callback
	// redirects to once the session cookie is set; empty answers with the
	// session as JSON, as POST /api/v1/login does.
	AfterLogin string `json:"after_login,omitempty"`
}

// Provision is what a user created by a federated sign-in gets.
type Provision struct {
	Roles []string `json:"roles,omitempty"`
}

// fileConfig is the --oidc-config file.
type fileConfig struct {
	Providers []ProviderConfig `json:"providers"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// LoadConfig reads the providers of a JSON file ({"providers": […]}),
// looking client_secret_env up with getenv. Errors name the file and the
// line or field.
func LoadConfig(path string, getenv func(string) string) ([]ProviderConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nexus.Errorf(nexus.EINVALID, "oidc config: %v", err)
	}
	var fc fileConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		line := 1 + bytes.Count(b[:min(int(dec.InputOffset()), len(b))], []byte("\n"))
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		}
		return nil, nexus.Errorf(nexus.EINVALID, "oidc config %s:%d: %v", path, line, err)
	}
	if len(fc.Providers) == 0 {
		return nil, nexus.Errorf(nexus.EINVALID, "oidc config %s: no providers", path)
	}
	seen := map[string]bool{}
	for i := range fc.Providers {
		p := &fc.Providers[i]
		if p.ClientSecret == "" && p.ClientSecretEnv != "" {
			p.ClientSecret = getenv(p.ClientSecretEnv)
			if p.ClientSecret == "" {
				return nil, nexus.Errorf(nexus.EINVALID, "oidc config %s: providers[%d].client_secret_env: %s is not set", path, i, p.ClientSecretEnv)
			}
		}
		if err := p.validate(); err != nil {
			return nil, nexus.Errorf(nexus.EINVALID, "oidc config %s: providers[%d].%v", path, i, err)
		}
		if seen[p.Name] {
			return nil, nexus.Errorf(nexus.EINVALID, "oidc config %s: providers[%d].name: %q appears twice", path, i, p.Name)
		}
		seen[p.Name] = true
	}
	return fc.Providers, nil
}

// validate checks p and fills its defaults. Its errors start with the
// field's name.
func (p *ProviderConfig) validate() error {
	if !nameRE.MatchString(p.Name) {
		return fmt.Errorf("name: %q must be 1–63 lower-case letters, digits, '-' or '_'", p.Name)
	}
	if p.Agency == "" {
		return fmt.Errorf("agency: required: a provider signs on the accounts of one agency")
	}
	if err := checkURL(p.Issuer); err != nil {
		return fmt.Errorf("issuer: %v", err)
	}
	if p.ClientID == "" {
		return fmt.Errorf("client_id: required")
	}
	if p.ClientSecret == "" {
		return fmt.Errorf("client_secret: required (or client_secret_env)")
	}
	if err := checkURL(p.RedirectURL); err != nil {
		return fmt.Errorf("redirect_url: %v", err)
	}
	if u, _ := url.Parse(p.RedirectURL); u.Path != "/api/v1/oidc/"+p.Name+"/callback" {
		return fmt.Errorf("redirect_url: path %q must be /api/v1/oidc/%s/callback", u.Path, p.Name)
	}
	if p.UserClaim == "" {
		p.UserClaim = "preferred_username"
	}
	if slices.Contains([]string{"aud", "iss", "exp", "iat", "nonce", "amr", "acr", "azp", "at_hash"}, p.UserClaim) {
		return fmt.Errorf("user_claim: %q does not name a user", p.UserClaim)
	}
	if len(p.Scopes) == 0 {
		p.Scopes = []string{"profile", "email"}
	}
	if len(p.MFAValues) == 0 {
		p.MFAValues = []string{"mfa"}
	}
	if p.AfterLogin != "" {
		if u, err := url.Parse(p.AfterLogin); err != nil || u.IsAbs() || u.Host != "" || len(p.AfterLogin) < 1 || p.AfterLogin[0] != '/' || (len(p.AfterLogin) > 1 && p.AfterLogin[1] == '/') {
			return fmt.Errorf("after_login: %q must be a path on this server such as /", p.AfterLogin)
		}
	}
	return nil
}

// checkURL accepts https URLs, and http ones on loopback addresses (a
// provider on the same host, or a test).
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", s)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
			return nil
		}
	}
	return fmt.Errorf("%q must be https (http only on loopback)", s)
}
