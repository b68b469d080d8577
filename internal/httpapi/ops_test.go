package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// These tests sit inside the package because they read the route table.

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: testLogger()})
	return st
}

func getBody(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", path, nil)
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestReadyz(t *testing.T) {
	st := openStore(t)
	bus, err := events.Open(context.Background(), events.Options{DataDir: t.TempDir(), Logger: testLogger()})
	if err != nil {
		t.Fatalf("open bus: %v", err)
	}
	defer bus.Close()
	h := New(Config{Store: st, Bus: bus, Logger: testLogger()}).Handler()

	status, body := getBody(t, h, "/readyz")
	if status != http.StatusOK || !strings.Contains(body, `"bus":"ok"`) {
		t.Errorf("ready: got %d %s, want 200 with bus ok", status, body)
	}
	if status, body := getBody(t, h, "/healthz"); status != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: got %d %s, want 200 ok", status, body)
	}

	bus.Close()
	status, body = getBody(t, h, "/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"bus":"unavailable"`) {
		t.Errorf("bus down: got %d %s, want 503 with bus unavailable", status, body)
	}
	st.Close()
	status, body = getBody(t, h, "/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"store":"unavailable"`) {
		t.Errorf("store down: got %d %s, want 503 with store unavailable", status, body)
	}
	// Liveness does not depend on the store.
	if status, _ := getBody(t, h, "/healthz"); status != http.StatusOK {
		t.Errorf("healthz with store down: got %d, want 200", status)
	}
}

func TestMetrics(t *testing.T) {
	st := openStore(t)
	reg := prometheus.NewRegistry()
	h := New(Config{Store: st, Logger: testLogger(), Registry: reg}).Handler()
	// A second server on the same registry must not panic.
	New(Config{Store: st, Logger: testLogger(), Registry: reg})

	getBody(t, h, "/healthz")
	getBody(t, h, "/api/v1/entities/ofac-1") // 401
	status, body := getBody(t, h, "/metrics")
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200", status)
	}
	for _, want := range []string{
		`nexus_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`nexus_http_requests_total{method="GET",route="/api/v1/entities/{id}",status="401"} 1`,
		`nexus_http_request_duration_seconds_bucket{method="GET",route="/healthz"`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// openAPIDocument is the part of an OpenAPI document the drift test reads.
type openAPIDocument struct {
	OpenAPI  string                                `json:"openapi"`
	Security []map[string][]string                 `json:"security"`
	Paths    map[string]map[string]json.RawMessage `json:"paths"`
	Comps    struct {
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
	} `json:"components"`
}

// TestOpenAPIMatchesRoutes keeps openapi.json and routes() in step: every
// route is documented with the right security, and every documented
// operation is routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("got openapi %q, want 3.1.0", doc.OpenAPI)
	}
	if s := doc.Comps.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("got bearer scheme %+v, want http bearer", s)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearer"] == nil {
		t.Errorf("got global security %v, want bearer", doc.Security)
	}

	s := New(Config{Logger: testLogger()})
	routed := map[string]bool{}
	for _, rt := range s.routes() {
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		routed[key] = true
		if (rt.API == nil) == (rt.Public == nil) {
			t.Errorf("route %s: want exactly one of API and Public", key)
		}
		if rt.API != nil && rt.Action == "" {
			t.Errorf("route %s: API route without an audit action", key)
		}
		raw, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("route %s is not in openapi.json", key)
			continue
		}
		var op struct {
			Security   *[]map[string][]string `json:"security"`
			Parameters []struct {
				Ref  string `json:"$ref"`
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]json.RawMessage `json:"responses"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatalf("operation %s: %v", key, err)
		}
		// Public routes override the global bearer requirement with an
		// empty list; API routes inherit it.
		public := op.Security != nil && len(*op.Security) == 0
		if public != (rt.API == nil) {
			t.Errorf("route %s: documented public %v, routed public %v", key, public, rt.API == nil)
		}
		if rt.API != nil && op.Responses["401"] == nil {
			t.Errorf("route %s: 401 response not documented", key)
		}
		// Path parameters in the pattern are documented.
		for _, seg := range strings.Split(rt.Pattern, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				if !slices.ContainsFunc(op.Parameters, func(p struct {
					Ref  string `json:"$ref"`
					Name string `json:"name"`
					In   string `json:"in"`
				}) bool {
					return p.Name == name && p.In == "path"
				}) {
					t.Errorf("route %s: path parameter %s not documented", key, name)
				}
			}
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not routed", strings.ToUpper(method), path)
			}
		}
	}

	// Every $ref points at something in the document.
	var tree any
	if err := json.Unmarshal(openAPIDoc, &tree); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				var at any = tree
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := at.(map[string]any)
					at = m[part]
				}
				if at == nil {
					t.Errorf("openapi.json: $ref %s does not resolve", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)

	// The document is served as is.
	h := s.Handler()
	if status, body := getBody(t, h, "/api/openapi.json"); status != http.StatusOK || body != string(openAPIDoc) {
		t.Errorf("GET /api/openapi.json: got status %d and %d bytes, want 200 and the embedded document", status, len(body))
	}
}

// TestGracefulShutdown: a request in flight when the context is cancelled
// completes, and Serve returns once it has.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h, testLogger()) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	cancel()
	// Serve must wait for the in-flight request; poll that it has not
	// returned while the handler is still blocked, then let it finish.
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a request in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	// New connections are refused once shutdown has begun.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("listener still accepting after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "done" {
		t.Errorf("in-flight request: got %q, %v; want done", r.body, r.err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: got %v, want nil", err)
	}
}
