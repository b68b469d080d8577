package main

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screen"
)

// The benchmarks here run on the shared list data when it is present:
//
//	go test ./tools/benchscreen -run '^$' -bench . -cpuprofile cpu.prof

const dataDir = "../../../shared/data"

var (
	loadOnce sync.Once
	loaded   []*ftm.Entity
	loadedQs []screen.Query
	loadErr  error
)

func benchData(b *testing.B) ([]*ftm.Entity, []screen.Query) {
	b.Helper()
	if _, err := os.Stat(dataDir); err != nil {
		b.Skip("no shared data")
	}
	loadOnce.Do(func() {
		un, err := readList("unsc", filepath.Join(dataDir, "lists/un_sc_consolidated/2026-02-27/UN_consolidated.xml"), "un_sc_sanctions")
		if err != nil {
			loadErr = err
			return
		}
		sdn, err := readList("ofac", filepath.Join(dataDir, "lists/us_ofac_sdn/2024-05-03"), "us_ofac_sdn")
		if err != nil {
			loadErr = err
			return
		}
		loaded = append(slices.Clone(sdn), un...)
		loadedQs, loadErr = speedQueries(filepath.Join(dataDir, "name-matching-benchmarks"), 2000)
	})
	if loadErr != nil {
		b.Fatal(loadErr)
	}
	return loaded, loadedQs
}

func BenchmarkNewIndex(b *testing.B) {
	ents, _ := benchData(b)
	for b.Loop() {
		screen.NewIndex(ents, screen.Options{})
	}
}

func BenchmarkMatch(b *testing.B) {
	ents, qs := benchData(b)
	ix := screen.NewIndex(ents, screen.Options{})
	i := 0
	for b.Loop() {
		ix.Match(qs[i%len(qs)], screen.MatchOptions{})
		i++
	}
}

func BenchmarkMatchParallel(b *testing.B) {
	ents, qs := benchData(b)
	ix := screen.NewIndex(ents, screen.Options{})
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ix.Match(qs[i%len(qs)], screen.MatchOptions{})
			i++
		}
	})
}
