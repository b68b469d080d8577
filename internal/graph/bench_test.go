package graph

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// benchGraph is a seeded preferential-attachment graph of n nodes with m
// edges per new node.
func benchGraph(n, m int) *Graph {
	r := rand.New(rand.NewPCG(1, 42))
	b := NewBuilder(false, MergeSum)
	for i := range n {
		b.Node(strconv.Itoa(i))
	}
	var ends []int32
	for u := int32(0); u <= int32(m); u++ {
		for v := int32(0); v < u; v++ {
			b.AddIDs(u, v, 1)
			ends = append(ends, u, v)
		}
	}
	var picked []int32
	for u := int32(m + 1); int(u) < n; u++ {
		picked = picked[:0]
		for len(picked) < m {
			if v := ends[r.IntN(len(ends))]; !slices.Contains(picked, v) {
				picked = append(picked, v)
			}
		}
		for _, v := range picked {
			b.AddIDs(u, v, 1)
			ends = append(ends, u, v)
		}
	}
	return b.Build()
}

func BenchmarkBrandesSource(b *testing.B) {
	g := benchGraph(200_000, 10)
	b.Run("records", func(b *testing.B) {
		st := newBrandesBFS(g.N())
		for i := 0; b.Loop(); i++ {
			st.source(g, int32(i%g.N()))
		}
	})
	b.Run("arrays", func(b *testing.B) {
		sp, delta, bc := newSSSP(g.N()), make([]float64, g.N()), make([]float64, g.N())
		for i := 0; b.Loop(); i++ {
			brandesSource(g, int32(i%g.N()), false, sp, delta, bc)
		}
	})
}
