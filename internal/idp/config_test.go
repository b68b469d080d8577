package idp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/idp"
)

const good = `{"providers": [{
  "name": "dea-idp",
  "agency": "dea",
  "issuer": "https://login.dea.example",
  "client_id": "nexus",
  "client_secret_env": "DEA_SECRET",
  "redirect_url": "https://nexus.example/api/v1/oidc/dea-idp/callback",
  "user_prefix": "dea.",
  "provision": {"roles": ["analyst"]}
}]}`

func write(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "oidc.json")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func getenv(k string) string {
	if k == "DEA_SECRET" {
		return "from-env"
	}
	return ""
}

func TestLoadConfig(t *testing.T) {
	ps, err := idp.LoadConfig(write(t, good), getenv)
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	if len(ps) != 1 || p.ClientSecret != "from-env" || p.UserClaim != "preferred_username" || strings.Join(p.MFAValues, ",") != "mfa" ||
		strings.Join(p.Scopes, ",") != "profile,email" || p.Provision == nil || strings.Join(p.Provision.Roles, ",") != "analyst" {
		t.Errorf("got %+v", ps)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, from, to, want string
	}{
		{"syntax", `"agency": "dea",`, `"agency": "dea"`, "oidc.json:4:"},
		{"unknown field", `"agency"`, `"agencies"`, `unknown field "agencies"`},
		{"no agency", `"agency": "dea",`, ``, "providers[0].agency: required"},
		{"bad name", `"name": "dea-idp"`, `"name": "DEA IdP"`, "providers[0].name"},
		{"plain http issuer", `https://login.dea.example`, `http://login.dea.example`, "providers[0].issuer"},
		{"loopback http issuer is fine", `https://login.dea.example`, `http://127.0.0.1:9999`, ""},
		{"secret env unset", `DEA_SECRET`, `NOPE`, "providers[0].client_secret_env: NOPE is not set"},
		{"redirect path", `/api/v1/oidc/dea-idp/callback`, `/cb`, "providers[0].redirect_url"},
		{"user claim", `"user_prefix"`, `"user_claim": "aud", "user_prefix"`, "providers[0].user_claim"},
		{"after login off-site", `"user_prefix"`, `"after_login": "//evil.example/", "user_prefix"`, "providers[0].after_login"},
		{"roles from the IdP", `"provision": {"roles": ["analyst"]}`, `"provision": {"roles_claim": "groups"}`, `unknown field "roles_claim"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(good, c.from, c.to, 1)
			if text == good {
				t.Fatalf("edit %q did not apply", c.from)
			}
			_, err := idp.LoadConfig(write(t, text), getenv)
			if c.want == "" {
				if err != nil {
					t.Errorf("got %v, want no error", err)
				}
				return
			}
			if nexus.ErrorCode(err) != nexus.EINVALID || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "oidc.json") {
				t.Errorf("got %v, want invalid naming the file and %q", err, c.want)
			}
		})
	}
	dup := strings.Replace(good, `}]}`, `}, `+strings.TrimSuffix(strings.TrimPrefix(good, `{"providers": [`), `]}`)+`]}`, 1)
	if _, err := idp.LoadConfig(write(t, dup), getenv); err == nil || !strings.Contains(err.Error(), "providers[1].name") {
		t.Errorf("duplicate name: got %v", err)
	}
	if _, err := idp.LoadConfig(write(t, `{"providers": []}`), getenv); err == nil {
		t.Errorf("no providers: got no error")
	}
}
