package graph

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Scale says how a centrality is normalised.
type Scale int

const (
	// Normalized is networkx's default normalisation (a fraction, 0..1 for
	// degree, closeness and betweenness).
	Normalized Scale = iota
	// Raw leaves the scores unnormalised (networkx's normalized=False).
	Raw
	// Standardized is UCINET's "standardized" scores: Normalized × 100.
	Standardized
)

func (s Scale) apply(x []float64) {
	if s == Standardized {
		for i := range x {
			x[i] *= 100
		}
	}
}

// Degree returns degree centrality as networkx defines it: the number of
// neighbours (in+out for a directed graph) divided by N−1. With weighted it
// uses the sum of edge weights (strength) instead of the count.
func Degree(g *Graph, weighted bool, scale Scale) []float64 {
	n := g.N()
	out := make([]float64, n)
	for u := range int32(n) {
		out[u] = g.outStrength(u, weighted)
		if g.directed {
			out[u] += g.inStrength(u, weighted)
		}
	}
	if scale != Raw && n > 1 {
		s := 1.0 / float64(n-1)
		for i := range out {
			out[i] *= s
		}
	}
	scale.apply(out)
	return out
}

// InDegree and OutDegree centralities of a directed graph, normalised by N−1.
func InDegree(g *Graph, weighted bool, scale Scale) []float64 {
	return oneSidedDegree(g, weighted, scale, true)
}

// OutDegree is InDegree's counterpart for out-arcs.
func OutDegree(g *Graph, weighted bool, scale Scale) []float64 {
	return oneSidedDegree(g, weighted, scale, false)
}

func oneSidedDegree(g *Graph, weighted bool, scale Scale, in bool) []float64 {
	n := g.N()
	out := make([]float64, n)
	for u := range int32(n) {
		if in {
			out[u] = g.inStrength(u, weighted)
		} else {
			out[u] = g.outStrength(u, weighted)
		}
		if scale != Raw && n > 1 {
			out[u] /= float64(n - 1)
		}
	}
	scale.apply(out)
	return out
}

func strength(nb []int32, w []float64, weighted bool) float64 {
	if !weighted || w == nil {
		return float64(len(nb))
	}
	s := 0.0
	for _, x := range w {
		s += x
	}
	return s
}

// workers returns how many goroutines to use for n units of work.
func workers(want, n int) int {
	if want <= 0 {
		want = 1
	}
	if want > runtime.GOMAXPROCS(0) {
		want = runtime.GOMAXPROCS(0)
	}
	if want > n {
		want = max(n, 1)
	}
	return want
}

// Closeness returns closeness centrality as networkx defines it (with its
// default wf_improved=True): for node u, (r−1)/Σd(v,u) over the r−1 other
// nodes that reach u, times (r−1)/(N−1). Distances are into u (in-arcs) for a
// directed graph. With weighted, edge weights are distances (Dijkstra).
func Closeness(g *Graph, weighted bool, scale Scale, nworkers int) []float64 {
	n := g.N()
	out := make([]float64, n)
	weighted = weighted && g.w != nil
	nw := workers(nworkers, n)
	var wg sync.WaitGroup
	next := make(chan int32, 256)
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !weighted {
				closenessBFS(g, n, scale, next, out)
				return
			}
			sp := newSSSP(n)
			for u := range next {
				sum, reached := 0.0, 0
				if weighted {
					sp.dijkstra(g, u, true, nil)
				} else {
					sp.bfs(g, u, true, nil)
				}
				for _, v := range sp.order {
					sum += sp.dist[v]
					reached++
				}
				r := float64(reached - 1)
				if sum > 0 && n > 1 {
					c := r / sum
					if scale != Raw {
						c *= r / float64(n-1)
					}
					out[u] = c
				}
			}
		}()
	}
	for u := range int32(n) {
		next <- u
	}
	close(next)
	wg.Wait()
	scale.apply(out)
	return out
}

// closenessBFS computes unweighted closeness of the nodes from next with a
// breadth-first search that keeps only hop counts; distances are whole, so
// summing them as integers gives the same figures as summing floats.
//
// The search is direction-optimising (Beamer et al.): when the frontier's
// arcs outnumber a fourteenth of the arcs still unexplored, the next level
// is found bottom-up — each unreached node looks for any neighbour on the
// frontier and stops at the first — which on a small-world graph skips most
// arcs of the big middle levels. The search runs along in-arcs (distances
// to the node, as networkx measures closeness), so bottom-up looks along
// out-arcs.
func closenessBFS(g *Graph, n int, scale Scale, next <-chan int32, out []float64) {
	dist := make([]int32, n)
	for i := range dist {
		dist[i] = -1
	}
	queue := make([]int32, 0, n)
	totalArcs := int64(len(g.inNbr))
	for u := range next {
		queue = append(queue[:0], u)
		dist[u] = 0
		var sum int64
		unexplored := totalArcs
		for lo := 0; lo < len(queue); {
			hi := len(queue)
			d := dist[queue[lo]]
			frontierArcs := int64(0)
			for _, v := range queue[lo:hi] {
				frontierArcs += g.inOff[v+1] - g.inOff[v]
			}
			unexplored -= frontierArcs
			dv := d + 1
			if frontierArcs > unexplored/14 && hi-lo > n/64 {
				for w := range int32(n) {
					if dist[w] >= 0 {
						continue
					}
					for _, v := range g.nbr[g.off[w]:g.off[w+1]] {
						if dist[v] == d {
							dist[w] = dv
							sum += int64(dv)
							queue = append(queue, w)
							break
						}
					}
				}
			} else {
				for _, v := range queue[lo:hi] {
					for _, w := range g.inNbr[g.inOff[v]:g.inOff[v+1]] {
						if dist[w] < 0 {
							dist[w] = dv
							sum += int64(dv)
							queue = append(queue, w)
						}
					}
				}
			}
			lo = hi
		}
		if len(queue) > n/4 {
			for i := range dist {
				dist[i] = -1
			}
		} else {
			for _, v := range queue {
				dist[v] = -1
			}
		}
		r := float64(len(queue) - 1)
		if sum > 0 && n > 1 {
			c := r / float64(sum)
			if scale != Raw {
				c *= r / float64(n-1)
			}
			out[u] = c
		}
	}
}

// sssp is the reusable state of one single-source shortest-path search:
// distances, path counts, the nodes in the order they were settled.
type sssp struct {
	dist  []float64
	sigma []float64
	order []int32
	seen  []bool
	pq    distHeap
}

func newSSSP(n int) *sssp {
	s := &sssp{dist: make([]float64, n), sigma: make([]float64, n), seen: make([]bool, n)}
	for i := range s.dist {
		s.dist[i] = math.Inf(1)
	}
	return s
}

func (s *sssp) reset() {
	for _, v := range s.order {
		s.dist[v] = math.Inf(1)
		s.sigma[v] = 0
		s.seen[v] = false
	}
	for _, v := range s.pq.touched {
		s.dist[v] = math.Inf(1)
		s.sigma[v] = 0
		s.seen[v] = false
	}
	s.pq.touched = s.pq.touched[:0]
	s.order = s.order[:0]
}

// bfs runs breadth-first from src over out-arcs (in-arcs when reverse),
// skipping nodes where blocked is true, counting shortest paths in sigma.
func (s *sssp) bfs(g *Graph, src int32, reverse bool, blocked []bool) {
	s.reset()
	s.dist[src], s.sigma[src] = 0, 1
	s.order = append(s.order, src)
	for i := 0; i < len(s.order); i++ {
		v := s.order[i]
		dv := s.dist[v] + 1
		var nb []int32
		if reverse {
			nb, _ = g.In(v)
		} else {
			nb, _ = g.Out(v)
		}
		for _, w := range nb {
			if blocked != nil && blocked[w] {
				continue
			}
			if math.IsInf(s.dist[w], 1) {
				s.dist[w] = dv
				s.order = append(s.order, w)
			}
			if s.dist[w] == dv {
				s.sigma[w] += s.sigma[v]
			}
		}
	}
}

// dijkstra is bfs with edge weights as lengths. Ties in distance are settled
// in the order nodes were first reached, as networkx settles them.
func (s *sssp) dijkstra(g *Graph, src int32, reverse bool, blocked []bool) {
	s.reset()
	s.pq.items = s.pq.items[:0]
	s.pq.seq = 0
	s.dist[src] = 0
	s.sigma[src] = 1
	s.pq.push(0, src)
	for len(s.pq.items) > 0 {
		it := heap.Pop(&s.pq).(distItem)
		v := it.v
		if s.seen[v] {
			continue
		}
		s.seen[v] = true
		s.order = append(s.order, v)
		var nb []int32
		var ws []float64
		if reverse {
			nb, ws = g.In(v)
		} else {
			nb, ws = g.Out(v)
		}
		for j, w := range nb {
			if blocked != nil && blocked[w] {
				continue
			}
			d := it.d + weightOf(ws, j)
			switch {
			case s.seen[w]:
			case d < s.dist[w]:
				s.dist[w] = d
				s.sigma[w] = s.sigma[v]
				s.pq.push(d, w)
			case d == s.dist[w]:
				s.sigma[w] += s.sigma[v]
			}
		}
	}
}

type distItem struct {
	d   float64
	seq uint64
	v   int32
}

type distHeap struct {
	items   []distItem
	seq     uint64
	touched []int32
}

func (h *distHeap) push(d float64, v int32) {
	h.seq++
	h.touched = append(h.touched, v)
	heap.Push(h, distItem{d, h.seq, v})
}
func (h distHeap) Len() int { return len(h.items) }
func (h distHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return a.d < b.d || (a.d == b.d && a.seq < b.seq)
}
func (h distHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *distHeap) Push(x any)   { h.items = append(h.items, x.(distItem)) }
func (h *distHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}

// BetweennessOptions tunes Betweenness.
type BetweennessOptions struct {
	// Weighted uses edge weights as lengths (Dijkstra), as networkx does with
	// weight="weight".
	Weighted bool
	// Scale is the normalisation (networkx's default by default).
	Scale Scale
	// Pivots, when > 0 and < N, estimates betweenness from that many source
	// nodes drawn without replacement with Seed (networkx's k and seed).
	Pivots int
	Seed   uint64
	// Workers spreads sources over goroutines. 1 (or 0) sums in source order,
	// which gives bit-for-bit the floating-point results of networkx.
	Workers int
}

// BetweennessResult holds betweenness scores and, for a sampled estimate,
// its error bound.
type BetweennessResult struct {
	Scores []float64
	// Pivots is the number of sources used (N when exact).
	Pivots int
	// ErrorBound is, for a sampled estimate, ε such that each node's
	// normalised score is within ε of its exact value with probability at
	// least 0.95 (Hoeffding's inequality, which holds for sampling without
	// replacement): ε = N/(N−1)·sqrt(ln(2/0.05)/(2k)). UniformErrorBound is
	// the same for all nodes at once (a union bound, ln(2N/0.05)). Both are 0
	// when exact. Scaled like Scores.
	ErrorBound, UniformErrorBound float64
}

// fastBrandesNodes is the size from which exact unweighted betweenness uses
// the DAG-marking pass (dagBFS) too; below it, and for every exact run on a
// small graph, sums follow networkx's order, so disruption rankings with
// tied scores break ties exactly as networkx does.
const fastBrandesNodes = 100_000

// Betweenness returns betweenness centrality by Brandes' algorithm, exact or
// sampled, normalised as networkx normalises it (endpoints excluded).
func Betweenness(g *Graph, o BetweennessOptions) BetweennessResult {
	n := g.N()
	weighted := o.Weighted && g.w != nil
	sampled := o.Pivots > 0 && o.Pivots < n
	sources := pivotSources(n, o.Pivots, o.Seed)
	// The fast pass runs on a copy of the graph renumbered for locality;
	// its scores are mapped back below.
	fast := !weighted && (sampled || n >= fastBrandesNodes)
	var relabel []int32
	gRun := g
	if fast && n >= fastBrandesNodes && !g.directed {
		var h *Graph
		h, relabel = bfsRelabel(g)
		newID := make([]int32, n)
		for i, u := range relabel {
			newID[u] = int32(i)
		}
		srcs := make([]int32, len(sources))
		for i, s := range sources {
			srcs[i] = newID[s]
		}
		gRun, sources = h, srcs
	}
	nw := workers(o.Workers, len(sources))
	parts := make([][]float64, nw)
	var wg sync.WaitGroup
	chunk := (len(sources) + nw - 1) / nw
	for p := range nw {
		lo, hi := p*chunk, min((p+1)*chunk, len(sources))
		wg.Add(1)
		go func() {
			defer wg.Done()
			bc := make([]float64, n)
			if fast {
				st := newDagBFS(gRun)
				for _, s := range sources[lo:hi] {
					st.source(gRun, s)
				}
				parts[p] = st.bc
				return
			}
			if !weighted {
				st := newBrandesBFS(n)
				for _, s := range sources[lo:hi] {
					st.source(g, s)
				}
				for i := range bc {
					bc[i] = st.nodes[i].bc
				}
				parts[p] = bc
				return
			}
			sp := newSSSP(n)
			delta := make([]float64, n)
			for _, s := range sources[lo:hi] {
				brandesSource(g, s, weighted, sp, delta, bc)
			}
			parts[p] = bc
		}()
	}
	wg.Wait()
	bc := parts[0]
	for _, p := range parts[1:] {
		for i, x := range p {
			bc[i] += x
		}
	}
	if relabel != nil {
		out := make([]float64, n)
		for i, u := range relabel {
			out[u] = bc[i]
		}
		bc = out
		sources = slices.Clone(sources)
		for i, s := range sources {
			sources[i] = relabel[s]
		}
	}
	res := BetweennessResult{Scores: bc, Pivots: len(sources)}
	rescaleBetweenness(bc, n, g.directed, o.Scale, sampled, sources)
	if sampled {
		k := float64(len(sources))
		f := float64(n) / float64(n-1)
		res.ErrorBound = f * math.Sqrt(math.Log(2/0.05)/(2*k))
		res.UniformErrorBound = f * math.Sqrt(math.Log(2*float64(n)/0.05)/(2*k))
		switch o.Scale {
		case Raw:
			c := float64(n-1) * float64(n-2)
			if !g.directed {
				c /= 2
			}
			res.ErrorBound *= c
			res.UniformErrorBound *= c
		case Standardized:
			res.ErrorBound *= 100
			res.UniformErrorBound *= 100
		}
	}
	return res
}

// pivotSources returns the sources of a betweenness run: every node, or k
// drawn without replacement with seed when 0 < k < n.
func pivotSources(n, k int, seed uint64) []int32 {
	sources := make([]int32, n)
	for i := range sources {
		sources[i] = int32(i)
	}
	if k <= 0 || k >= n {
		return sources
	}
	r := rand.New(rand.NewPCG(seed, 0x6e65787573))
	// partial Fisher–Yates: the first k are a uniform sample
	for i := 0; i < k; i++ {
		j := i + r.IntN(n-i)
		sources[i], sources[j] = sources[j], sources[i]
	}
	return sources[:k]
}

// brandesBFS is the reusable state of unweighted Brandes. Distances sit in
// their own compact array, which every arc visit reads and which stays in
// cache; path counts and dependencies sit together in one record per node,
// which only arcs between consecutive levels touch.
type brandesBFS struct {
	dist  []int32 // −1 when not reached from the current source
	nodes []brandesNode
	order []int32 // nodes in BFS order: the stack of the backward pass
}

type brandesNode struct {
	sigma, delta, bc float64
}

func newBrandesBFS(n int) *brandesBFS {
	st := &brandesBFS{dist: make([]int32, n), nodes: make([]brandesNode, n), order: make([]int32, 0, n)}
	for i := range st.dist {
		st.dist[i] = -1
	}
	return st
}

// source adds source s's dependencies to the nodes' bc. Path counts and
// dependencies are summed in the order networkx sums them, so one worker
// gives networkx's figures bit for bit.
func (st *brandesBFS) source(g *Graph, s int32) {
	nd, dist := st.nodes, st.dist
	order := append(st.order[:0], s)
	dist[s] = 0
	nd[s].sigma, nd[s].delta = 1, 0
	for i := 0; i < len(order); i++ {
		v := order[i]
		dv, sv := dist[v]+1, nd[v].sigma
		for _, w := range g.nbr[g.off[v]:g.off[v+1]] {
			switch dist[w] {
			case -1:
				dist[w] = dv
				nd[w].sigma, nd[w].delta = sv, 0
				order = append(order, w)
			case dv:
				nd[w].sigma += sv
			}
		}
	}
	// predecessors of w are its in-neighbours one level up
	for i := len(order) - 1; i >= 0; i-- {
		w := order[i]
		xw := &nd[w]
		coeff := (1 + xw.delta) / xw.sigma
		up := dist[w] - 1
		nb, _ := g.In(w)
		for _, v := range nb {
			if dist[v] == up {
				x := &nd[v]
				x.delta += x.sigma * coeff
			}
		}
		if w != s {
			xw.bc += xw.delta
		}
	}
	for _, v := range order {
		dist[v] = -1
	}
	st.order = order
}

// brandesSource adds source s's dependencies to bc.
func brandesSource(g *Graph, s int32, weighted bool, sp *sssp, delta, bc []float64) {
	if weighted {
		sp.dijkstra(g, s, false, nil)
	} else {
		sp.bfs(g, s, false, nil)
	}
	for _, v := range sp.order {
		delta[v] = 0
	}
	for i := len(sp.order) - 1; i >= 0; i-- {
		w := sp.order[i]
		coeff := (1 + delta[w]) / sp.sigma[w]
		nb, ws := g.In(w)
		dw := sp.dist[w]
		for j, v := range nb {
			var pred bool
			if weighted {
				pred = sp.dist[v]+weightOf(ws, j) == dw && sp.seen[v]
			} else {
				pred = sp.dist[v] == dw-1
			}
			if pred && v != w {
				delta[v] += sp.sigma[v] * coeff
			}
		}
		if w != s {
			bc[w] += delta[w]
		}
	}
}

// rescaleBetweenness applies networkx's normalisation (endpoints excluded).
func rescaleBetweenness(bc []float64, n int, directed bool, scale Scale, sampled bool, sources []int32) {
	N := n - 1
	if N < 2 {
		return
	}
	K := float64(N)
	if sampled {
		K = float64(len(sources))
	}
	corr := 1.0
	if !directed {
		corr = 2
	}
	if !sampled {
		var s float64
		if scale == Raw {
			s = float64(N) / (K * corr)
		} else {
			s = 1 / (K * float64(N-1))
		}
		if s != 1 {
			for i := range bc {
				bc[i] *= s
			}
		}
		scale.apply(bc)
		return
	}
	var ss, sn float64
	if scale == Raw {
		ss, sn = float64(N)/((K-1)*corr), float64(N)/(K*corr)
	} else {
		ss, sn = 1/((K-1)*float64(N-1)), 1/(K*float64(N-1))
	}
	if K <= 1 {
		ss = math.NaN()
	}
	isSrc := make([]bool, n)
	for _, s := range sources {
		isSrc[s] = true
	}
	for i := range bc {
		if isSrc[i] {
			bc[i] *= ss
		} else {
			bc[i] *= sn
		}
	}
	scale.apply(bc)
}

// IterOptions bounds an iterative centrality. Zero values take networkx's
// defaults (MaxIter 100, Tol 1e-6; PageRank's Alpha 0.85).
type IterOptions struct {
	Weighted bool
	MaxIter  int
	Tol      float64
	Alpha    float64
	Workers  int
}

func (o IterOptions) defaults() IterOptions {
	if o.MaxIter <= 0 {
		o.MaxIter = 100
	}
	if o.Tol <= 0 {
		o.Tol = 1e-6
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.85
	}
	return o
}

// ErrNotConverged is returned when a power iteration did not converge
// within MaxIter iterations; the last iterate is returned with it.
type ErrNotConverged struct{ Iterations int }

func (e ErrNotConverged) Error() string {
	return "power iteration did not converge"
}

// Eigenvector returns eigenvector centrality as networkx computes it: power
// iteration on (A+I)ᵀ from the uniform vector (so in-arcs count for a
// directed graph), L2-normalised, until the L1 change is below N·Tol.
func Eigenvector(g *Graph, o IterOptions) ([]float64, error) {
	o = o.defaults()
	n := g.N()
	x := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	weighted := o.Weighted && g.w != nil
	for it := 0; it < o.MaxIter; it++ {
		parallelRange(n, o.Workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				s := x[v]
				nb, ws := g.In(int32(v))
				for j, u := range nb {
					if weighted {
						s += x[u] * ws[j]
					} else {
						s += x[u]
					}
				}
				next[v] = s
			}
		})
		norm := 0.0
		for _, v := range next {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		diff := 0.0
		for i := range next {
			next[i] /= norm
			diff += math.Abs(next[i] - x[i])
		}
		x, next = next, x
		if diff < float64(n)*o.Tol {
			return x, nil
		}
	}
	return x, ErrNotConverged{o.MaxIter}
}

// PageRank returns PageRank as networkx computes it: damping Alpha, uniform
// teleport, dangling nodes' rank spread uniformly, each undirected edge
// followed both ways, out-weights normalised per node when weighted; power
// iteration from the uniform vector until the L1 change is below N·Tol.
func PageRank(g *Graph, o IterOptions) ([]float64, error) {
	o = o.defaults()
	n := g.N()
	weighted := o.Weighted && g.w != nil
	outW := make([]float64, n)
	for u := range int32(n) {
		outW[u] = g.outStrength(u, weighted)
	}
	var dangling []int32
	for u, s := range outW {
		if s == 0 {
			dangling = append(dangling, int32(u))
		}
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	// share[u] = x[u]/outW[u], recomputed each iteration
	share := make([]float64, n)
	next := make([]float64, n)
	tele := (1 - o.Alpha) / float64(n)
	for it := 0; it < o.MaxIter; it++ {
		dsum := 0.0
		for _, u := range dangling {
			dsum += x[u]
		}
		for u := range share {
			if outW[u] != 0 {
				share[u] = x[u] / outW[u]
			}
		}
		base := o.Alpha*dsum/float64(n) + tele
		parallelRange(n, o.Workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				s := 0.0
				nb, ws := g.In(int32(v))
				if weighted {
					for j, u := range nb {
						s += share[u] * ws[j]
					}
				} else {
					for _, u := range nb {
						s += share[u]
					}
				}
				next[v] = o.Alpha*s + base
			}
		})
		diff := 0.0
		for i := range next {
			diff += math.Abs(next[i] - x[i])
		}
		x, next = next, x
		if diff < float64(n)*o.Tol {
			return x, nil
		}
	}
	return x, ErrNotConverged{o.MaxIter}
}

// parallelRange calls f on contiguous slices of [0,n) on up to w goroutines.
func parallelRange(n, w int, f func(lo, hi int)) {
	w = workers(w, n/1024+1)
	if w <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for p := range w {
		lo, hi := p*chunk, min((p+1)*chunk, n)
		wg.Add(1)
		go func() { defer wg.Done(); f(lo, hi) }()
	}
	wg.Wait()
}

// CollectiveInfluence returns Morone and Makse's collective influence at
// radius 1 as Cavallaro et al. (2020) compute it: (k(u)−1)·Σ_{v∈N(u)} (k(v)−1),
// with k the degree, or the strength when weighted.
func CollectiveInfluence(g *Graph, weighted bool) []float64 {
	n := g.N()
	k := make([]float64, n)
	for u := range int32(n) {
		k[u] = g.outStrength(u, weighted)
	}
	out := make([]float64, n)
	for u := range int32(n) {
		nb, _ := g.Out(u)
		s := 0.0
		for _, v := range nb {
			s += k[v] - 1
		}
		out[u] = (k[u] - 1) * s
	}
	return out
}

func (g *Graph) outStrength(u int32, weighted bool) float64 {
	nb, w := g.Out(u)
	return strength(nb, w, weighted)
}

func (g *Graph) inStrength(u int32, weighted bool) float64 {
	nb, w := g.In(u)
	return strength(nb, w, weighted)
}
