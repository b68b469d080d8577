package graph

import (
	"container/heap"
	"math"
	"slices"
	"sync"
)

// Path is a sequence of node ids from source to target and its length: the
// number of hops, or the sum of edge weights when weighted.
type Path struct {
	Nodes  []int32
	Length float64
}

// ShortestPath returns a shortest path from s to t along out-arcs, and false
// when t is unreachable. Unweighted it searches breadth-first from both ends
// at once, which touches a small part of a large scale-free graph; weighted
// it runs Dijkstra with edge weights as lengths.
func ShortestPath(g *Graph, s, t int32, weighted bool) (Path, bool) {
	if weighted && g.w != nil {
		return dijkstraPath(g, s, t, nil, nil)
	}
	return bidiBFS(g, s, t)
}

// bidiState is the reusable state of one bidirectional search: for each
// node, the search (stamp) in which each side last reached it and its parent
// there. Stamps make reset free, so a search costs what it touches, not N.
type bidiState struct {
	stamp      uint32
	seenF      []uint32
	seenB      []uint32
	parF, parB []int32
	ff, fb, nx []int32
}

var bidiPool sync.Pool

func getBidi(n int) *bidiState {
	st, _ := bidiPool.Get().(*bidiState)
	if st == nil || len(st.seenF) != n {
		st = &bidiState{seenF: make([]uint32, n), seenB: make([]uint32, n), parF: make([]int32, n), parB: make([]int32, n)}
	}
	st.stamp++
	if st.stamp == 0 {
		clear(st.seenF)
		clear(st.seenB)
		st.stamp = 1
	}
	return st
}

func bidiBFS(g *Graph, s, t int32) (Path, bool) {
	if s == t {
		return Path{Nodes: []int32{s}}, true
	}
	st := getBidi(g.N())
	k := st.stamp
	st.seenF[s], st.parF[s] = k, -1
	st.seenB[t], st.parB[t] = k, -1
	ff, fb := append(st.ff[:0], s), append(st.fb[:0], t)
	next := st.nx[:0]
	meet := int32(-1)
	af, ab := g.OutDegree(s), g.InDegree(t) // arcs out of each frontier
	for len(ff) > 0 && len(fb) > 0 && meet < 0 {
		// expand the side whose frontier has fewer arcs to scan
		if af <= ab {
			next, af, meet = expand(g, ff, next[:0], k, st.seenF, st.parF, st.seenB, false)
			ff, next = next, ff
		} else {
			next, ab, meet = expand(g, fb, next[:0], k, st.seenB, st.parB, st.seenF, true)
			fb, next = next, fb
		}
	}
	st.ff, st.fb, st.nx = ff, fb, next
	if meet < 0 {
		bidiPool.Put(st)
		return Path{}, false
	}
	// One allocation of the exact length: count both halves first.
	nf, nb := 0, 0
	for v := meet; v >= 0; v = st.parF[v] {
		nf++
	}
	for v := st.parB[meet]; v >= 0; v = st.parB[v] {
		nb++
	}
	nodes := make([]int32, nf+nb)
	i := nf - 1
	for v := meet; v >= 0; v = st.parF[v] {
		nodes[i] = v
		i--
	}
	i = nf
	for v := st.parB[meet]; v >= 0; v = st.parB[v] {
		nodes[i] = v
		i++
	}
	bidiPool.Put(st)
	return Path{Nodes: nodes, Length: float64(len(nodes) - 1)}, true
}

// expand advances one BFS level into next and counts the arcs out of it; it stops at the first node the
// other side has seen. Finishing the level first would not shorten the path:
// both sides grow one level at a time, so the first meeting is at minimal
// total depth. A node is seen by a side when its seen entry equals stamp.
func expand(g *Graph, frontier, next []int32, stamp uint32, mine []uint32, par []int32, other []uint32, in bool) ([]int32, int, int32) {
	arcs := 0
	for _, v := range frontier {
		var nb []int32
		if in {
			nb, _ = g.In(v)
		} else {
			nb, _ = g.Out(v)
		}
		for _, w := range nb {
			if mine[w] == stamp {
				continue
			}
			mine[w], par[w] = stamp, v
			if other[w] == stamp {
				return next[:0], 0, w
			}
			next = append(next, w)
			if in {
				arcs += g.InDegree(w)
			} else {
				arcs += g.OutDegree(w)
			}
		}
	}
	return next, arcs, -1
}

// dijkstraPath finds a shortest s→t path avoiding blocked nodes and the
// arcs in blockedArc (keyed u<<32|v).
func dijkstraPath(g *Graph, s, t int32, blocked map[int32]bool, blockedArc map[uint64]bool) (Path, bool) {
	dist := map[int32]float64{s: 0}
	parent := map[int32]int32{s: -1}
	done := map[int32]bool{}
	var pq distHeap
	pq.push(0, s)
	weighted := g.w != nil
	for len(pq.items) > 0 {
		it := heap.Pop(&pq).(distItem)
		v := it.v
		if done[v] {
			continue
		}
		done[v] = true
		if v == t {
			var nodes []int32
			for x := t; x >= 0; x = parent[x] {
				nodes = append(nodes, x)
			}
			slices.Reverse(nodes)
			return Path{Nodes: nodes, Length: it.d}, true
		}
		nb, ws := g.Out(v)
		for j, w := range nb {
			if blocked[w] || blockedArc[uint64(v)<<32|uint64(uint32(w))] {
				continue
			}
			d := it.d + 1
			if weighted {
				d = it.d + ws[j]
			}
			if old, ok := dist[w]; !ok || d < old {
				dist[w] = d
				parent[w] = v
				pq.push(d, w)
			}
		}
	}
	return Path{}, false
}

// KShortestPaths returns up to k loopless shortest paths from s to t in
// order of length (Yen's algorithm), with hop counts or weights as lengths.
func KShortestPaths(g *Graph, s, t int32, k int, weighted bool) []Path {
	gw := g
	if !weighted && g.w != nil {
		gw = &Graph{directed: g.directed, names: g.names, off: g.off, nbr: g.nbr, inOff: g.inOff, inNbr: g.inNbr, nEdges: g.nEdges}
	}
	first, ok := dijkstraPath(gw, s, t, nil, nil)
	if !ok || k <= 0 {
		return nil
	}
	found := []Path{first}
	var cands []Path
	seen := map[string]bool{pathKey(first.Nodes): true}
	for len(found) < k {
		last := found[len(found)-1]
		for i := 0; i < len(last.Nodes)-1; i++ {
			spur := last.Nodes[i]
			root := last.Nodes[:i+1]
			blockedArc := map[uint64]bool{}
			for _, p := range found {
				if len(p.Nodes) > i+1 && slices.Equal(p.Nodes[:i+1], root) {
					u, v := p.Nodes[i], p.Nodes[i+1]
					blockedArc[uint64(u)<<32|uint64(uint32(v))] = true
					if !g.directed {
						blockedArc[uint64(v)<<32|uint64(uint32(u))] = true
					}
				}
			}
			blocked := map[int32]bool{}
			for _, v := range root[:i] {
				blocked[v] = true
			}
			sp, ok := dijkstraPath(gw, spur, t, blocked, blockedArc)
			if !ok {
				continue
			}
			nodes := append(append([]int32(nil), root[:i]...), sp.Nodes...)
			key := pathKey(nodes)
			if seen[key] {
				continue
			}
			seen[key] = true
			cands = append(cands, Path{Nodes: nodes, Length: pathLength(gw, nodes)})
		}
		if len(cands) == 0 {
			break
		}
		best := 0
		for i, c := range cands {
			if c.Length < cands[best].Length || (c.Length == cands[best].Length && len(c.Nodes) < len(cands[best].Nodes)) {
				best = i
			}
		}
		found = append(found, cands[best])
		cands = slices.Delete(cands, best, best+1)
	}
	return found
}

func pathKey(nodes []int32) string {
	b := make([]byte, 0, 4*len(nodes))
	for _, v := range nodes {
		b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return string(b)
}

// pathLength sums the weights (or hops) along nodes.
func pathLength(g *Graph, nodes []int32) float64 {
	l := 0.0
	for i := 0; i+1 < len(nodes); i++ {
		nb, ws := g.Out(nodes[i])
		best := math.Inf(1)
		for j, w := range nb {
			if w == nodes[i+1] {
				best = min(best, weightOf(ws, j))
			}
		}
		l += best
	}
	return l
}

// SimplePaths returns the simple paths from s to t with at most maxHops
// edges, in depth-first order, stopping after limit paths (limit ≤ 0: no
// limit). The second result is false when the limit cut the listing short.
func SimplePaths(g *Graph, s, t int32, maxHops, limit int) ([][]int32, bool) {
	var out [][]int32
	onPath := map[int32]bool{s: true}
	path := []int32{s}
	complete := true
	var walk func(v int32) bool
	walk = func(v int32) bool {
		if len(path)-1 >= maxHops {
			return true
		}
		nb, _ := g.Out(v)
		for _, w := range nb {
			if onPath[w] {
				continue
			}
			if w == t {
				if limit > 0 && len(out) >= limit {
					complete = false
					return false
				}
				out = append(out, append(append([]int32(nil), path...), t))
				continue
			}
			onPath[w] = true
			path = append(path, w)
			ok := walk(w)
			path = path[:len(path)-1]
			delete(onPath, w)
			if !ok {
				return false
			}
		}
		return true
	}
	if s == t {
		return [][]int32{{s}}, true
	}
	walk(s)
	return out, complete
}

// Neighbourhood is the result of a k-hop expansion around a node.
type Neighbourhood struct {
	// Nodes lists the nodes reached, the seed first, in breadth-first order.
	Nodes []int32
	// Hops[i] is the distance of Nodes[i] from the seed.
	Hops []int
	// More maps a node whose neighbours were capped to how many of them
	// were left out ("and 240 more").
	More map[int32]int
}

// KHop returns the nodes within hops steps of seed along out- and in-arcs.
// A node with more than hubCap neighbours (hubCap > 0) contributes only its
// first hubCap neighbours and is listed in More with the rest's count; the
// seed itself is never capped.
func KHop(g *Graph, seed int32, hops, hubCap int) Neighbourhood {
	nh := Neighbourhood{Nodes: []int32{seed}, Hops: []int{0}, More: map[int32]int{}}
	seen := map[int32]bool{seed: true}
	visit := func(v int32, h int, nb []int32, budget *int) {
		for _, w := range nb {
			if seen[w] {
				continue
			}
			if *budget == 0 {
				nh.More[v]++
				continue
			}
			if *budget > 0 {
				*budget--
			}
			seen[w] = true
			nh.Nodes = append(nh.Nodes, w)
			nh.Hops = append(nh.Hops, h+1)
		}
	}
	for i := 0; i < len(nh.Nodes); i++ {
		v, h := nh.Nodes[i], nh.Hops[i]
		if h >= hops {
			continue
		}
		budget := -1
		if hubCap > 0 && v != seed {
			budget = hubCap
		}
		out, _ := g.Out(v)
		visit(v, h, out, &budget)
		if g.directed {
			in, _ := g.In(v)
			visit(v, h, in, &budget)
		}
	}
	return nh
}

// Components returns the connected components (weakly connected for a
// directed graph): comp[v] is v's component number, numbered by first node
// in id order, and sizes[c] the size of component c.
func Components(g *Graph) (comp []int32, sizes []int) {
	n := g.N()
	comp = make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	var stack []int32
	for s := range int32(n) {
		if comp[s] >= 0 {
			continue
		}
		c := int32(len(sizes))
		comp[s] = c
		size := 0
		stack = append(stack[:0], s)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			nb, _ := g.Out(v)
			for _, w := range nb {
				if comp[w] < 0 {
					comp[w] = c
					stack = append(stack, w)
				}
			}
			if g.directed {
				nb, _ = g.In(v)
				for _, w := range nb {
					if comp[w] < 0 {
						comp[w] = c
						stack = append(stack, w)
					}
				}
			}
		}
		sizes = append(sizes, size)
	}
	return comp, sizes
}

// LargestComponent returns the size of the largest connected component.
func LargestComponent(g *Graph) int {
	_, sizes := Components(g)
	m := 0
	for _, s := range sizes {
		m = max(m, s)
	}
	return m
}
