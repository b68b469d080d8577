// Package puretest checks from a package's own tests that the package stays
// pure: no database, network, NATS or file access outside its tests.
package puretest

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// forbidden reports whether a pure package may not import path.
func forbidden(path string) bool {
	switch path {
	case "database/sql", "net", "net/http", "os", "os/exec", "io/fs", "io/ioutil", "syscall":
		return true
	}
	return strings.HasPrefix(path, "database/sql/") || strings.HasPrefix(path, "net/http/") || strings.HasPrefix(path, "os/") ||
		strings.Contains(path, "nats-io/") || strings.Contains(path, "/nats")
}

// CheckImports fails tb for every non-test Go file in the current directory
// (a test's package directory) that imports I/O, or a package in also or
// below one; pkg names the package in the messages. It fails too when there
// is no file to check.
func CheckImports(tb testing.TB, pkg string, also ...string) {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			tb.Fatal(err)
		}
		checked++
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if forbidden(path) || slices.ContainsFunc(also, func(a string) bool { return path == a || strings.HasPrefix(path, a+"/") }) {
				tb.Errorf("%s imports %s; package %s must stay pure", f, path, pkg)
			}
		}
	}
	if checked == 0 {
		tb.Fatal("no source files checked")
	}
}
