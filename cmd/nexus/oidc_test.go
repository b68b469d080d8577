package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOIDCConfig: a bad --oidc-config, or one naming an agency the
// database lacks, stops serve before it listens, with an error naming the
// file and field.
func TestServeOIDCConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf := `{"providers": [{"name": "idp", "agency": "%s", "issuer": "https://idp.example", "client_id": "nexus",
		"client_secret": "s", "redirect_url": "https://nexus.example/api/v1/oidc/idp/callback"}]}`
	for _, c := range []struct{ name, text, want string }{
		{"syntax", `{"providers": [`, "oidc.json:1:"},
		{"field", strings.Replace(conf, "https://idp.example", "http://idp.example", 1), "providers[0].issuer"},
		{"unknown agency", strings.Replace(conf, "%s", "nosuch", 1), `providers[0].agency: unknown agency "nosuch"`},
	} {
		path := filepath.Join(dir, "oidc.json")
		if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		getenv := func(k string) string {
			switch k {
			case "NEXUS_DATA_DIR":
				return filepath.Join(dir, "data")
			case "NEXUS_OIDC_CONFIG":
				return path
			}
			return ""
		}
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--no-starter", "--log-level", "error"},
			getenv, strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming %q", c.name, err, c.want)
		}
	}
}
