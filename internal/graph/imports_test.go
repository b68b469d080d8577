package graph

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPureImports keeps the graph engine free of I/O: no database, network, NATS or
// file access outside tests; the store-backed graph lives in internal/network.
func TestPureImports(t *testing.T) {
	forbidden := func(path string) bool {
		switch path {
		case "database/sql", "net", "net/http", "os", "os/exec", "io/fs", "io/ioutil", "syscall":
			return true
		}
		return strings.HasPrefix(path, "database/sql/") || strings.HasPrefix(path, "net/http/") ||
			strings.Contains(path, "nats-io/") || strings.Contains(path, "/nats")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if forbidden(path) {
				t.Errorf("%s imports %s; package graph must stay pure", f, path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no source files checked")
	}
}
