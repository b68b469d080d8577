package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/testcert"
)

func TestServeTLSFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A certificate without its key is refused before anything starts.
	nexusIn(t, dir, "", true, "serve", "--tls-cert", filepath.Join(dir, "c.pem"))

	certFile, keyFile, pool := testcert.Write(t, dir)

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--no-starter", "--log-level", "warn", "--tls-cert", certFile, "--tls-key", keyFile},
			getenv, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := client.Get("https://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				if resp.TLS == nil || resp.Header.Get("Strict-Transport-Security") == "" {
					t.Errorf("HTTPS answer without TLS state or HSTS: %v", resp.Header)
				}
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready over HTTPS: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Plain HTTP to the TLS port gets no answer a client would take.
	if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("plain HTTP served on the TLS port")
		}
	}
}
