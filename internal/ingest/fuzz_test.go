package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// fuzzRead writes data to dir/name and reads it, failing on an entity
// without id or schema; errors are fine, panics are not.
func fuzzRead(t *testing.T, format, dir, name string, data []byte, opts Options) {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if format == "ofac" {
		p = dir
	}
	for _, strict := range []bool{false, true} {
		opts.Strict = strict
		_ = Read(context.Background(), format, p, opts, func(e *ftm.Entity, origin string) error {
			if e.ID == "" || e.Schema == "" {
				t.Fatalf("emitted entity with id %q schema %q from %s", e.ID, e.Schema, origin)
			}
			return nil
		})
	}
}

func seed(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzOFAC(f *testing.F) {
	seed(f, "testdata/ofac/sdn.csv")
	f.Add([]byte("1,\"A, B\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1960 to 1962; Passport 1 (Iran) issued 2010; Linked To: A, B.\"\r\n\x1a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "ofac", t.TempDir(), "sdn.csv", data, Options{})
	})
}

func FuzzUNSC(f *testing.F) {
	seed(f, "testdata/un_small.xml")
	seed(f, "testdata/un_truncated.xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "unsc", t.TempDir(), "UN.xml", data, Options{})
	})
}

func FuzzFTM(f *testing.F) {
	seed(f, "testdata/bad.ftm.json")
	f.Add([]byte(`{"id":"x","schema":"Person","properties":{"name":["A"]},"target":false}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "ftm", t.TempDir(), "e.json", data, Options{})
	})
}

func FuzzCSV(f *testing.F) {
	seed(f, "testdata/watchlist.csv")
	seed(f, "testdata/watchlist_truncated.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "csv", t.TempDir(), "w.csv", data, Options{Dataset: "d", Map: watchlistMap})
	})
}

func BenchmarkReadOFAC2024(b *testing.B) {
	path := realFile(b, "us_ofac_sdn/2024-05-03/sdn.csv")
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Read(context.Background(), "ofac", path, Options{}, func(*ftm.Entity, string) error { n++; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzEdges(f *testing.F) {
	f.Add([]byte("source,target,weight,when,kind\na,b,2,2001-05-01,Associate\nb,c,x,3,courier\n,d,1,,\n"))
	f.Add([]byte("source,target\n\"a b\",a_b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "edges", t.TempDir(), "edges.csv", data, Options{Dataset: "d",
			Edges: EdgeOptions{Weight: "weight", Time: "when", Type: "kind"}})
	})
}
