package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/store"
)

// readTree reads the file at path, or every file in the directory at path,
// by base name.
func readTree(path string) (map[string]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if !st.IsDir() {
		b, err := os.ReadFile(path)
		out[filepath.Base(path)] = string(b)
		return out, err
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(path, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = string(b)
	}
	return out, nil
}

func multipartBody(t *testing.T, files [][2]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

func TestImportRawBody(t *testing.T) {
	f := newFixture(t)
	status, body := f.do("POST", "/api/v1/import?dataset=agency_list&format=csv&strict=true&map=name%3Dfull_name,birthDate%3Ddob",
		"ivan", strings.NewReader("full_name,dob\nJane Roe,1970-01-01\n"), http.Header{"Content-Type": {"text/csv"}})
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200; body %s", status, body)
	}
	var delta store.Delta
	if err := json.Unmarshal(body, &delta); err != nil {
		t.Fatal(err)
	}
	if delta.Dataset != "agency_list" || delta.Version != 2 || len(delta.Added) != 1 {
		t.Errorf("got delta %+v, want the fake's", delta)
	}
	if len(f.imports) != 1 {
		t.Fatalf("got %d import calls, want 1", len(f.imports))
	}
	call := f.imports[0]
	if call.Req.Viewer.UserID != "ivan" || call.Req.Dataset != "agency_list" || call.Req.Format != "csv" || !call.Req.Strict {
		t.Errorf("got request %+v, want ivan's strict csv import of agency_list", call.Req)
	}
	if diff := cmp.Diff(map[string]string{"name": "full_name", "birthDate": "dob"}, call.Req.Map); diff != "" {
		t.Errorf("map (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"upload": "full_name,dob\nJane Roe,1970-01-01\n"}, call.Files); diff != "" {
		t.Errorf("uploaded files (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(call.Req.Path); !os.IsNotExist(err) {
		t.Errorf("upload %s still exists after the request (stat error %v)", call.Req.Path, err)
	}
	want := audit.Event{Time: fixedNow, Actor: "ivan", Agency: "fbi", Action: audit.ActionImport, Object: "agency_list",
		Outcome: audit.Success, SourceAddr: "127.0.0.1"}
	if diff := auditDiff(want, f.lastAudit()); diff != "" {
		t.Errorf("audit event (-want +got):\n%s", diff)
	}
}

func TestImportMultipartOFAC(t *testing.T) {
	f := newFixture(t)
	files := [][2]string{{"sdn.csv", "1,\"DOE, John\"\n"}, {"alt.csv", "1,1,\"aka\",\"JD\"\n"}, {"add.csv", "1,1,-0-\n"}, {"sdn_comments.csv", "1,x\n"}}
	body, ctype := multipartBody(t, files)
	status, resp := f.do("POST", "/api/v1/import?dataset=us_ofac_sdn&format=ofac", "root", body, http.Header{"Content-Type": {ctype}})
	if status != http.StatusOK {
		t.Fatalf("got status %d, want 200; body %s", status, resp)
	}
	want := map[string]string{}
	for _, f := range files {
		want[f[0]] = f[1]
	}
	call := f.imports[0]
	if diff := cmp.Diff(want, call.Files); diff != "" {
		t.Errorf("files in the upload directory (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(call.Req.Path); !os.IsNotExist(err) {
		t.Errorf("upload dir %s still exists (stat error %v)", call.Req.Path, err)
	}

	// One multipart file is handed over as a file under its own name.
	body, ctype = multipartBody(t, [][2]string{{"../../sdn.csv", "x"}})
	if status, resp := f.do("POST", "/api/v1/import?dataset=us_ofac_sdn&format=ofac", "root", body, http.Header{"Content-Type": {ctype}}); status != http.StatusOK {
		t.Fatalf("single file: got status %d, want 200; body %s", status, resp)
	}
	if got := f.imports[1]; filepath.Base(got.Req.Path) != "sdn.csv" || got.Files["sdn.csv"] != "x" {
		t.Errorf("single file: got path %s files %v, want sdn.csv holding x", got.Req.Path, got.Files)
	}
}

func TestImportDenied(t *testing.T) {
	f := newFixture(t)
	status, body := f.do("POST", "/api/v1/import?dataset=us_ofac_sdn&format=ofac", "alice", strings.NewReader("x"), nil)
	if status != http.StatusForbidden {
		t.Fatalf("got status %d, want 403; body %s", status, body)
	}
	if got := decodeError(t, body).Error.Code; got != "forbidden" {
		t.Errorf("got code %q, want forbidden", got)
	}
	if len(f.imports) != 0 {
		t.Errorf("got %d import calls, want none", len(f.imports))
	}
	want := audit.Event{Time: fixedNow, Actor: "alice", Agency: "fbi", Action: audit.ActionImport, Object: "us_ofac_sdn",
		Outcome: audit.Denied, SourceAddr: "127.0.0.1", Detail: f.lastAudit().Detail}
	if diff := auditDiff(want, f.lastAudit()); diff != "" {
		t.Errorf("audit event (-want +got):\n%s", diff)
	}
}

func TestImportInvalid(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", 1<<20+1) // the fixture allows 1 MiB
	for _, tc := range []struct {
		name, query, body, want string
	}{
		{"no dataset", "format=csv", "x", "dataset"},
		{"no format", "dataset=d", "x", "format"},
		{"bad strict", "dataset=d&format=csv&strict=perhaps", "x", "strict"},
		{"bad map", "dataset=d&format=csv&map=name", "x", "map"},
		{"empty body", "dataset=d&format=csv", "", "empty"},
		{"too large", "dataset=d&format=csv", big, "larger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.do("POST", "/api/v1/import?"+tc.query, "ivan", strings.NewReader(tc.body), nil)
			if status != http.StatusBadRequest {
				t.Fatalf("got status %d, want 400; body %s", status, body)
			}
			if e := decodeError(t, body); e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, tc.want) {
				t.Errorf("got %+v, want code invalid mentioning %q", e, tc.want)
			}
		})
	}
	if len(f.imports) != 0 {
		t.Errorf("got %d import calls, want none", len(f.imports))
	}

	// An error from the importer keeps its code.
	f.importErr = nexus.Errorf(nexus.ENOTFOUND, "dataset nope not found")
	status, body := f.do("POST", "/api/v1/import?dataset=nope&format=csv", "ivan", strings.NewReader("x"), nil)
	if status != http.StatusNotFound {
		t.Errorf("importer ENOTFOUND: got status %d, want 404; body %s", status, body)
	}
}
