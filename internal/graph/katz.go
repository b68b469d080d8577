package graph

import "math"

// KatzOptions tune Katz; zero fields take networkx's defaults.
type KatzOptions struct {
	Alpha    float64 // attenuation (default 0.1); must be below 1/λmax to converge
	Beta     float64 // weight every node starts with (default 1)
	Weighted bool
	MaxIter  int     // default 1000
	Tol      float64 // default 1e-6
	Workers  int
}

// Katz returns Katz centrality as networkx's katz_centrality computes it:
// x ← α·Aᵀx + β from x = 0 (in-arcs count for a directed graph), until the
// L1 change is below N·Tol, then L2-normalised. It returns ErrNotConverged
// (and the last iterate) when α is too large for the graph.
func Katz(g *Graph, o KatzOptions) ([]float64, error) {
	if o.Alpha == 0 {
		o.Alpha = 0.1
	}
	if o.Beta == 0 {
		o.Beta = 1
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if o.Tol <= 0 {
		o.Tol = 1e-6
	}
	n := g.N()
	x := make([]float64, n)
	next := make([]float64, n)
	weighted := o.Weighted && g.w != nil
	for it := 0; it < o.MaxIter; it++ {
		parallelRange(n, o.Workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				s := 0.0
				nb, ws := g.In(int32(v))
				for j, u := range nb {
					if weighted {
						s += x[u] * ws[j]
					} else {
						s += x[u]
					}
				}
				next[v] = o.Alpha*s + o.Beta
			}
		})
		diff := 0.0
		for i := range next {
			diff += math.Abs(next[i] - x[i])
		}
		x, next = next, x
		if diff < float64(n)*o.Tol {
			norm := 0.0
			for _, v := range x {
				norm += v * v
			}
			norm = math.Sqrt(norm)
			for i := range x {
				x[i] /= norm
			}
			return x, nil
		}
	}
	return x, ErrNotConverged{o.MaxIter}
}
