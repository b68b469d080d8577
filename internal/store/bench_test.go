package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

// syntheticList is n list entries shaped like OFAC's: about ten statements
// per entity.
func syntheticList(n int) []*ftm.Entity {
	es := make([]*ftm.Entity, n)
	for i := range es {
		e := ftm.NewEntity("Person", fmt.Sprintf("bench-%d", i))
		e.Target = true
		e.Add("name", fmt.Sprintf("Person Number %d", i))
		e.Add("alias", fmt.Sprintf("Alias %d", i), fmt.Sprintf("Other Alias %d", i))
		e.Add("birthDate", fmt.Sprintf("19%02d-01-%02d", i%100, i%28+1))
		e.Add("nationality", "mx")
		e.Add("idNumber", fmt.Sprintf("ID%08d", i))
		e.Add("topics", "sanction", "crime.traffick")
		e.Add("notes", fmt.Sprintf("Linked to cartel %d; designated under program SDNTK.", i%50))
		es[i] = e
	}
	return es
}

func reportRate(b *testing.B, d store.Delta, elapsed time.Duration) {
	sec := elapsed.Seconds() / float64(b.N)
	b.ReportMetric(float64(d.Entities)/sec, "entities/s")
	b.ReportMetric(float64(d.Statements)/sec, "statements/s")
}

// BenchmarkImport imports 15,000 synthetic entities (~150k statements, the
// size of the OFAC list): into an empty dataset, and again unchanged.
func BenchmarkImport(b *testing.B) {
	es := syntheticList(15000)
	for _, be := range backends(b) {
		b.Run(be.name+"/new", func(b *testing.B) {
			s := be.open(b, store.Options{})
			var d store.Delta
			start := time.Now()
			for i := 0; i < b.N; i++ {
				name := fmt.Sprintf("bench%d", i)
				if err := s.PutDataset(ctx, store.Dataset{Name: name, Class: store.ClassPublicList}); err != nil {
					b.Fatal(err)
				}
				var err error
				if d, err = s.Import(ctx, name, source(es...), store.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, d, time.Since(start))
		})
		b.Run(be.name+"/unchanged", func(b *testing.B) {
			s := be.open(b, store.Options{})
			if err := s.PutDataset(ctx, store.Dataset{Name: "bench", Class: store.ClassPublicList}); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Import(ctx, "bench", source(es...), store.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var d store.Delta
			start := time.Now()
			for i := 0; i < b.N; i++ {
				var err error
				if d, err = s.Import(ctx, "bench", source(es...), store.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				if !d.Empty() {
					b.Fatalf("unchanged import: got %d added, %d changed, %d removed", len(d.Added), len(d.Changed), len(d.Removed))
				}
			}
			reportRate(b, d, time.Since(start))
		})
	}
}
