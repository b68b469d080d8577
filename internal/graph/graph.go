// Package graph is Nexus's in-memory link-analysis engine: a compact
// adjacency (CSR) graph built from an edge stream, and the algorithms analysts
// run on it — centralities, paths, neighbourhoods, components, communities,
// time slices and disruption analysis. It is pure: it does no I/O, and it
// follows networkx's definitions and default normalisations so its figures
// compare with the literature.
package graph

import (
	"fmt"
	"math"
)

// Open marks an open end of an edge period (no start or no end).
const (
	OpenStart int64 = math.MinInt64
	OpenEnd   int64 = math.MaxInt64
)

// Edge is one edge of the stream a Builder consumes. Weight 0 is read as 1.
// Start and End bound the period in which the edge is active, in whatever
// unit the caller chooses (days since the epoch from Day, a wiretap phase
// number, a year); Dated false means the edge is always active.
type Edge struct {
	Source, Target string
	Weight         float64
	Type           string
	Dated          bool
	Start, End     int64
}

// Merge says how parallel edges between the same pair are folded into one.
type Merge int

const (
	// MergeSum adds the weights of parallel edges (the default).
	MergeSum Merge = iota
	// MergeLast keeps the weight of the last edge, as networkx's add_edge does.
	MergeLast
	// MergeMax keeps the largest weight.
	MergeMax
	// MergeMin keeps the smallest weight.
	MergeMin
)

// Builder collects an edge stream and builds a Graph. Nodes are interned in
// order of first appearance and each node's neighbours are kept in order of
// first appearance, as networkx keeps them, so that results that depend on
// order (tie-breaking, floating-point summation order) match networkx.
type Builder struct {
	directed bool
	merge    Merge
	names    []string
	index    map[string]int32
	src, dst []int32
	w        []float64
	weighted bool
	// per-edge metadata, kept only once an edge carries some
	meta  bool
	types []int32
	tname []string
	tidx  map[string]int32
	start []int64
	end   []int64
	dated []bool
}

// NewBuilder returns a Builder for a directed or undirected graph whose
// parallel edges are folded with merge.
func NewBuilder(directed bool, merge Merge) *Builder {
	return &Builder{directed: directed, merge: merge, index: make(map[string]int32), tidx: make(map[string]int32)}
}

// Grow reserves room for about n nodes and m edges.
func (b *Builder) Grow(n, m int) {
	if n > 0 && len(b.index) == 0 {
		b.index = make(map[string]int32, n)
		b.names = make([]string, 0, n)
	}
	b.src = append(make([]int32, 0, len(b.src)+m), b.src...)
	b.dst = append(make([]int32, 0, len(b.dst)+m), b.dst...)
	b.w = append(make([]float64, 0, len(b.w)+m), b.w...)
}

// Node interns name and returns its id; ids are dense from 0 in order of
// first appearance.
func (b *Builder) Node(name string) int32 {
	if id, ok := b.index[name]; ok {
		return id
	}
	id := int32(len(b.names))
	b.names = append(b.names, name)
	b.index[name] = id
	return id
}

// Add adds one edge.
func (b *Builder) Add(e Edge) {
	s, t := b.Node(e.Source), b.Node(e.Target)
	if e.Type != "" || e.Dated {
		b.enableMeta()
	}
	b.addIDs(s, t, e.Weight)
	if b.meta {
		ti := int32(-1)
		if e.Type != "" {
			var ok bool
			if ti, ok = b.tidx[e.Type]; !ok {
				ti = int32(len(b.tname))
				b.tname = append(b.tname, e.Type)
				b.tidx[e.Type] = ti
			}
		}
		st, en := OpenStart, OpenEnd
		if e.Dated {
			st, en = e.Start, e.End
		}
		b.types = append(b.types, ti)
		b.start = append(b.start, st)
		b.end = append(b.end, en)
		b.dated = append(b.dated, e.Dated)
	}
}

// AddIDs adds an untyped, undated edge between nodes already interned with
// Node; it is the fast path for generated graphs.
func (b *Builder) AddIDs(s, t int32, w float64) {
	if b.meta {
		b.types = append(b.types, -1)
		b.start = append(b.start, OpenStart)
		b.end = append(b.end, OpenEnd)
		b.dated = append(b.dated, false)
	}
	b.addIDs(s, t, w)
}

func (b *Builder) addIDs(s, t int32, w float64) {
	if w == 0 {
		w = 1
	}
	if w != 1 {
		b.weighted = true
	}
	b.src = append(b.src, s)
	b.dst = append(b.dst, t)
	b.w = append(b.w, w)
}

func (b *Builder) enableMeta() {
	if b.meta {
		return
	}
	b.meta = true
	n := len(b.src)
	b.types = make([]int32, n)
	b.start = make([]int64, n)
	b.end = make([]int64, n)
	b.dated = make([]bool, n)
	for i := range n {
		b.types[i], b.start[i], b.end[i] = -1, OpenStart, OpenEnd
	}
}

// Build returns the graph of every edge added so far. The Builder may be
// used again afterwards.
func (b *Builder) Build() *Graph {
	names := append([]string(nil), b.names...)
	g := &Graph{directed: b.directed, names: names, merge: b.merge}
	if b.meta {
		g.edges = &edgeList{
			src: append([]int32(nil), b.src...), dst: append([]int32(nil), b.dst...),
			w: append([]float64(nil), b.w...), types: append([]int32(nil), b.types...),
			tname: append([]string(nil), b.tname...), start: append([]int64(nil), b.start...),
			end: append([]int64(nil), b.end...), dated: append([]bool(nil), b.dated...),
		}
	}
	g.fill(b.src, b.dst, b.w, b.weighted, nil)
	return g
}

// edgeList is the raw edge stream, kept when edges carry a type or period so
// that time slices and type filters can rebuild the adjacency.
type edgeList struct {
	src, dst []int32
	w        []float64
	types    []int32
	tname    []string
	start    []int64
	end      []int64
	dated    []bool
}

// Graph is an immutable compact graph: nodes are int32 ids 0..N-1 with names;
// out-arcs (both directions for an undirected graph) are stored as offsets
// into one neighbour array, with weights alongside when any weight differs
// from 1. A directed graph also stores its in-arcs. Safe for concurrent reads.
type Graph struct {
	directed bool
	merge    Merge
	names    []string
	index    map[string]int32
	off      []int64
	nbr      []int32
	w        []float64 // nil when every weight is 1
	inOff    []int64
	inNbr    []int32
	inW      []float64
	edges    *edgeList
	nEdges   int
}

// fill builds the CSR from arcs; keep, when not nil, selects edges.
func (g *Graph) fill(src, dst []int32, w []float64, weighted bool, keep func(i int) bool) {
	n := len(g.names)
	g.off, g.nbr, g.w = csr(n, src, dst, w, weighted, !g.directed, keep, g.merge)
	if g.directed {
		g.inOff, g.inNbr, g.inW = csr(n, dst, src, w, weighted, false, keep, g.merge)
		g.nEdges = len(g.nbr)
	} else {
		loops := 0
		for u := range n {
			for _, v := range g.nbr[g.off[u]:g.off[u+1]] {
				if v == int32(u) {
					loops++
				}
			}
		}
		g.nEdges = (len(g.nbr) + loops) / 2
		g.inOff, g.inNbr, g.inW = g.off, g.nbr, g.w
	}
}

// csr builds offsets and neighbours with a stable counting sort, so each
// node's neighbours stay in order of first appearance, then folds parallel
// arcs in place with a per-node marker array (no hash map).
func csr(n int, src, dst []int32, w []float64, weighted, both bool, keep func(int) bool, merge Merge) ([]int64, []int32, []float64) {
	off := make([]int64, n+1)
	for i := range src {
		if keep != nil && !keep(i) {
			continue
		}
		off[src[i]+1]++
		if both && src[i] != dst[i] {
			off[dst[i]+1]++
		}
	}
	for i := range n {
		off[i+1] += off[i]
	}
	m := off[n]
	nbr := make([]int32, m)
	ws := make([]float64, m)
	pos := make([]int64, n)
	copy(pos, off[:n])
	for i := range src {
		if keep != nil && !keep(i) {
			continue
		}
		s, t := src[i], dst[i]
		nbr[pos[s]], ws[pos[s]] = t, w[i]
		pos[s]++
		if both && s != t {
			nbr[pos[t]], ws[pos[t]] = s, w[i]
			pos[t]++
		}
	}
	// fold parallel arcs
	mark := make([]int64, n)
	for i := range mark {
		mark[i] = -1
	}
	out := int64(0)
	for u := range n {
		start := out
		for j := off[u]; j < off[u+1]; j++ {
			v := nbr[j]
			if p := mark[v]; p >= start {
				switch merge {
				case MergeSum:
					ws[p] += ws[j]
				case MergeLast:
					ws[p] = ws[j]
				case MergeMax:
					ws[p] = max(ws[p], ws[j])
				case MergeMin:
					ws[p] = min(ws[p], ws[j])
				}
				continue
			}
			mark[v] = out
			nbr[out], ws[out] = v, ws[j]
			out++
		}
		off[u] = start
	}
	off[n] = out
	// off[u] now holds the start; shift is already right since we wrote starts.
	nbr = nbr[:out:out]
	ws = ws[:out:out]
	allOne := true
	for _, x := range ws {
		if x != 1 {
			allOne = false
			break
		}
	}
	if allOne && !weighted {
		ws = nil
	} else if allOne {
		ws = nil
	}
	return off, nbr, ws
}

// N returns the number of nodes.
func (g *Graph) N() int { return len(g.names) }

// M returns the number of edges after parallel edges were folded (arcs for a
// directed graph, unordered pairs for an undirected one).
func (g *Graph) M() int { return g.nEdges }

// Directed reports whether the graph is directed.
func (g *Graph) Directed() bool { return g.directed }

// Weighted reports whether any edge weight differs from 1.
func (g *Graph) Weighted() bool { return g.w != nil }

// Name returns the name of node id.
func (g *Graph) Name(id int32) string { return g.names[id] }

// Names returns all node names indexed by id; callers must not modify it.
func (g *Graph) Names() []string { return g.names }

// ID returns the id of the node called name.
func (g *Graph) ID(name string) (int32, bool) {
	if g.index == nil {
		g.index = make(map[string]int32, len(g.names))
		for i, s := range g.names {
			g.index[s] = int32(i)
		}
	}
	id, ok := g.index[name]
	return id, ok
}

// Out returns the out-neighbours of u (all neighbours when undirected) and
// their weights (nil when unweighted). Callers must not modify them.
func (g *Graph) Out(u int32) ([]int32, []float64) {
	a, b := g.off[u], g.off[u+1]
	if g.w == nil {
		return g.nbr[a:b], nil
	}
	return g.nbr[a:b], g.w[a:b]
}

// In returns the in-neighbours of u (all neighbours when undirected).
func (g *Graph) In(u int32) ([]int32, []float64) {
	a, b := g.inOff[u], g.inOff[u+1]
	if g.inW == nil {
		return g.inNbr[a:b], nil
	}
	return g.inNbr[a:b], g.inW[a:b]
}

// OutDegree returns the number of out-neighbours of u.
func (g *Graph) OutDegree(u int32) int { return int(g.off[u+1] - g.off[u]) }

// InDegree returns the number of in-neighbours of u.
func (g *Graph) InDegree(u int32) int { return int(g.inOff[u+1] - g.inOff[u]) }

// weightOf returns w[i] or 1.
func weightOf(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// Induced returns the subgraph on the nodes where keep is true, with ids
// renumbered in the same relative order, and the map from new id to old id.
func (g *Graph) Induced(keep []bool) (*Graph, []int32) {
	n := g.N()
	newID := make([]int32, n)
	var old []int32
	var names []string
	for u := range n {
		if keep[u] {
			newID[u] = int32(len(old))
			old = append(old, int32(u))
			names = append(names, g.names[u])
		} else {
			newID[u] = -1
		}
	}
	h := &Graph{directed: g.directed, merge: g.merge, names: names}
	h.off, h.nbr, h.w = inducedCSR(g.off, g.nbr, g.w, old, newID)
	if g.directed {
		h.inOff, h.inNbr, h.inW = inducedCSR(g.inOff, g.inNbr, g.inW, old, newID)
		h.nEdges = len(h.nbr)
	} else {
		h.inOff, h.inNbr, h.inW = h.off, h.nbr, h.w
		loops := 0
		for u := range h.N() {
			for _, v := range h.nbr[h.off[u]:h.off[u+1]] {
				if v == int32(u) {
					loops++
				}
			}
		}
		h.nEdges = (len(h.nbr) + loops) / 2
	}
	return h, old
}

func inducedCSR(off []int64, nbr []int32, w []float64, old, newID []int32) ([]int64, []int32, []float64) {
	noff := make([]int64, len(old)+1)
	var nn []int32
	var nw []float64
	for i, u := range old {
		for j := off[u]; j < off[u+1]; j++ {
			if v := newID[nbr[j]]; v >= 0 {
				nn = append(nn, v)
				if w != nil {
					nw = append(nw, w[j])
				}
			}
		}
		noff[i+1] = int64(len(nn))
	}
	return noff, nn, nw
}

// Filter returns the graph of the edges for which keep returns true, on the
// same node set and ids. It needs the edge stream, which is kept when edges
// carry a type or a period; on a graph without it every edge is kept.
func (g *Graph) Filter(keep func(e EdgeInfo) bool) *Graph {
	el := g.edges
	if el == nil {
		return g
	}
	h := &Graph{directed: g.directed, merge: g.merge, names: g.names, index: g.index, edges: el}
	weighted := false
	for _, x := range el.w {
		if x != 1 {
			weighted = true
			break
		}
	}
	h.fill(el.src, el.dst, el.w, weighted, func(i int) bool {
		info := EdgeInfo{Source: el.src[i], Target: el.dst[i], Weight: el.w[i], Dated: el.dated[i], Start: el.start[i], End: el.end[i]}
		if t := el.types[i]; t >= 0 {
			info.Type = el.tname[t]
		}
		return keep(info)
	})
	return h
}

// EdgeInfo is one edge of the stream as Filter sees it.
type EdgeInfo struct {
	Source, Target int32
	Weight         float64
	Type           string
	Dated          bool
	Start, End     int64
}

// ActiveAt returns the graph of the edges active at t (Start ≤ t ≤ End);
// undated edges are always active.
func (g *Graph) ActiveAt(t int64) *Graph {
	return g.Filter(func(e EdgeInfo) bool { return !e.Dated || (e.Start <= t && t <= e.End) })
}

// Overlapping returns the graph of the edges whose period overlaps the window
// [from, to]; undated edges are always kept.
func (g *Graph) Overlapping(from, to int64) *Graph {
	return g.Filter(func(e EdgeInfo) bool { return !e.Dated || (e.Start <= to && from <= e.End) })
}

// String describes the graph in one line.
func (g *Graph) String() string {
	kind := "undirected"
	if g.directed {
		kind = "directed"
	}
	return fmt.Sprintf("%s graph, %d nodes, %d edges", kind, g.N(), g.M())
}
