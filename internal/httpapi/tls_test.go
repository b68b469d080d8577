package httpapi_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"testing"

	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/testcert"
)

func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := testcert.Write(t, t.TempDir())
	tc, err := httpapi.TLSConfig(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := httpapi.TLSConfig(keyFile, certFile); err == nil {
		t.Errorf("TLSConfig with swapped files: got no error")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := newAuthFixture(t, httpapi.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpapi.Serve(ctx, tls.NewListener(ln, tc), f.srv.Config.Handler, quietLogger()) }()
	defer func() {
		cancel()
		<-done
	}()
	url := "https://" + ln.Addr().String() + "/api/v1/login"
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("HTTPS GET: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("HTTPS answer: status %d, TLS %v, HSTS %q", resp.StatusCode, resp.TLS != nil, resp.Header.Get("Strict-Transport-Security"))
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("a TLS 1.1 client was served; want TLS 1.2 at least")
	}
}
