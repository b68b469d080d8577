package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serveDir serves the files of dir at /<name>, or one fixed body for every
// path when body is set.
func serveDir(t *testing.T, dir, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body != "" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(body))
			return
		}
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.URL.Path)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// localSource points src's files at srv.
func localSource(src ListSource, srv *httptest.Server) ListSource {
	files := map[string]string{}
	for n := range src.Files {
		files[n] = srv.URL + "/" + n
	}
	src.Files = files
	return src
}

func TestOfficialSources(t *testing.T) {
	srcs := OfficialSources()
	if len(srcs) != 2 || srcs[0].Dataset != "us_ofac_sdn" || srcs[1].Dataset != "un_sc" {
		t.Fatalf("got %+v, want us_ofac_sdn and un_sc", srcs)
	}
	for _, s := range srcs {
		if _, ok := readers[s.Format]; !ok {
			t.Errorf("%s: format %q is not readable", s.Dataset, s.Format)
		}
		for n, u := range s.Files {
			if !strings.HasPrefix(u, "https://") {
				t.Errorf("%s %s: got URL %q, want https", s.Dataset, n, u)
			}
		}
	}
}

func TestDownload(t *testing.T) {
	srcs := OfficialSources()
	tests := []struct {
		src     ListSource
		dataDir string
		wantN   int // targets Read finds in the download
	}{
		{srcs[0], realFile(t, "us_ofac_sdn/2021-07-07"), 8976},
		{srcs[1], realFile(t, "un_sc_consolidated/2026-02-27"), 1003},
	}
	for _, tt := range tests {
		t.Run(tt.src.Dataset, func(t *testing.T) {
			srv := serveDir(t, tt.dataDir, "")
			out := t.TempDir()
			path, sums, err := Download(context.Background(), srv.Client(), localSource(tt.src, srv), out)
			if err != nil {
				t.Fatal(err)
			}
			for n := range tt.src.Files {
				b, err := os.ReadFile(filepath.Join(tt.dataDir, n))
				if err != nil {
					t.Fatal(err)
				}
				h := sha256.Sum256(b)
				if got, want := sums[n], hex.EncodeToString(h[:]); got != want {
					t.Errorf("%s: got sha256 %s, want %s", n, got, want)
				}
			}
			r := mustRead(t, tt.src.Format, path, Options{})
			if r.targets != tt.wantN {
				t.Errorf("got %d targets from %s, want %d", r.targets, path, tt.wantN)
			}
		})
	}
}

func TestDownloadRejects(t *testing.T) {
	dir := t.TempDir()
	full, err := os.ReadFile("testdata/un_small.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cut.xml"), full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sdn.csv"), []byte("a,b\r\nc,d\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	html := "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"
	tests := []struct {
		name string
		srv  *httptest.Server
		src  ListSource
		want string
	}{
		{"html page", serveDir(t, dir, html), OfficialSources()[1], "HTML"},
		{"html ofac", serveDir(t, dir, html), OfficialSources()[0], "HTML"},
		{"not found", serveDir(t, dir, ""), ListSource{Dataset: "x", Format: "unsc", Files: map[string]string{"UN.xml": "/missing.xml"}}, "404"},
		{"truncated xml", serveDir(t, dir, ""), ListSource{Dataset: "x", Format: "unsc", Files: map[string]string{"UN.xml": "/cut.xml"}}, "XML"},
		{"wrong csv", serveDir(t, dir, ""), ListSource{Dataset: "x", Format: "ofac", Files: map[string]string{"sdn.csv": "/sdn.csv"}}, "want 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if strings.HasPrefix(tt.name, "html") {
				src = localSource(src, tt.srv)
			} else {
				files := map[string]string{}
				for n, p := range src.Files {
					files[n] = tt.srv.URL + p
				}
				src.Files = files
			}
			out := t.TempDir()
			_, _, err := Download(context.Background(), tt.srv.Client(), src, out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
			left, _ := os.ReadDir(out)
			if len(left) != 0 {
				t.Errorf("got %d files left in %s after a failed download, want 0", len(left), out)
			}
		})
	}
}

func TestDownloadCancelled(t *testing.T) {
	srv := serveDir(t, "testdata", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := ListSource{Dataset: "x", Format: "unsc", Files: map[string]string{"un_small.xml": srv.URL + "/un_small.xml"}}
	if _, _, err := Download(ctx, srv.Client(), src, t.TempDir()); err == nil {
		t.Errorf("got no error with a cancelled context")
	}
}
