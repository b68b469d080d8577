package graph

import (
	"math/bits"
	"slices"
)

// dagBFS is the reusable state of the fast unweighted Brandes pass used for
// sampled betweenness and large graphs. It is built for cache, since every
// arc visit reads the state of a random node:
//
//   - levels are one byte per node (unreached = 255), 1 MB for a million
//     nodes, which stays in a core's L2; a search deeper than 254 levels
//     falls back to the networkx-order pass;
//   - path counts, dependencies and scores are separate arrays, so the
//     forward search touches only the path counts;
//   - the forward search marks, in a bit per CSR arc, the arcs that lead one
//     level down (the shortest-path DAG), and the backward pass pulls each
//     node's dependency from its own marked arcs instead of scanning every
//     in-arc and testing the level of its far end.
type dagBFS struct {
	level []uint8
	sigma []float64
	delta []float64
	bc    []float64
	succ  []uint64
	pred  []uint64
	order []int32
	// bottomUp counts levels expanded bottom-up (for tests).
	bottomUp int
	slow     *brandesBFS // for searches deeper than maxLevel
}

const (
	unreached = 255
	maxLevel  = 254
)

func newDagBFS(g *Graph) *dagBFS {
	n := g.N()
	st := &dagBFS{level: make([]uint8, n), sigma: make([]float64, n), delta: make([]float64, n),
		bc: make([]float64, n), succ: make([]uint64, (len(g.nbr)+63)/64),
		pred: make([]uint64, (len(g.nbr)+63)/64), order: make([]int32, 0, n)}
	for i := range st.level {
		st.level[i] = unreached
	}
	return st
}

// source adds source s's dependencies to st.bc. Sums run in arc order, so
// scores agree with networkx's to rounding, not bit for bit.
//
// On an undirected graph a level is expanded bottom-up when that reads
// fewer arcs (Beamer's direction optimisation): every unreached node sums
// the path counts of its neighbours on the frontier. Brandes needs every
// parent, so there is no early exit, but in a scale-free graph the big
// middle level has far more arcs than the nodes still unreached. Arcs found
// top-down are marked in succ on the parent's list (and pulled from by the
// parent in the backward pass); arcs found bottom-up in pred on the child's
// list (and pushed along by the child).
func (st *dagBFS) source(g *Graph, s int32) {
	level, sigma, delta, succ, pred, nbr, off := st.level, st.sigma, st.delta, st.succ, st.pred, g.nbr, g.off
	order := append(st.order[:0], s)
	level[s] = 0
	sigma[s], delta[s] = 1, 0
	// Arcs of nodes not reached yet; each level's nodes are taken off when
	// it becomes the frontier, where their degrees are summed anyway.
	unreachedArcs := int64(len(nbr))
	n := g.N()
	for lo := 0; lo < len(order); {
		hi := len(order)
		lv := level[order[lo]]
		if lv == maxLevel {
			st.order = order
			st.reset(g)
			st.deep(g, s)
			return
		}
		dv := lv + 1
		frontierArcs := int64(0)
		for _, v := range order[lo:hi] {
			frontierArcs += off[v+1] - off[v]
		}
		unreachedArcs -= frontierArcs
		if !g.directed && unreachedArcs+int64(n/8) < frontierArcs {
			st.bottomUp++
			for u := range int32(n) {
				if level[u] != unreached {
					continue
				}
				sg := 0.0
				a, b := off[u], off[u+1]
				for j := a; j < b; j++ {
					if v := nbr[j]; level[v] == lv {
						sg += sigma[v]
						pred[j>>6] |= 1 << (uint64(j) & 63)
					}
				}
				if sg > 0 {
					level[u], sigma[u], delta[u] = dv, sg, 0
					order = append(order, u)
				}
			}
		} else {
			for _, v := range order[lo:hi] {
				sv := sigma[v]
				a, b := off[v], off[v+1]
				for j := a; j < b; j++ {
					w := nbr[j]
					switch level[w] {
					case unreached:
						level[w], sigma[w], delta[w] = dv, sv, 0
						order = append(order, w)
					case dv:
						sigma[w] += sv
					default:
						continue
					}
					succ[j>>6] |= 1 << (uint64(j) & 63)
				}
			}
		}
		lo = hi
	}
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		sv := sigma[v]
		d := delta[v] // pushed by children found bottom-up
		a, b := off[v], off[v+1]
		for j := a; j < b; {
			word := succ[j>>6] >> (uint64(j) & 63)
			if word == 0 {
				j = (j | 63) + 1
				continue
			}
			j += int64(bits.TrailingZeros64(word))
			if j >= b {
				break
			}
			w := nbr[j]
			d += sv * ((1 + delta[w]) / sigma[w])
			j++
		}
		delta[v] = d
		if v != s {
			st.bc[v] += d
		}
		coeff := (1 + d) / sv
		for j := a; j < b; {
			word := pred[j>>6] >> (uint64(j) & 63)
			if word == 0 {
				j = (j | 63) + 1
				continue
			}
			j += int64(bits.TrailingZeros64(word))
			if j >= b {
				break
			}
			u := nbr[j]
			delta[u] += sigma[u] * coeff
			j++
		}
	}
	st.order = order
	st.reset(g)
}

// reset clears the levels and arc marks the last search set.
func (st *dagBFS) reset(g *Graph) {
	// After a search that reached most nodes, wiping everything is cheaper
	// than finding each node's arcs.
	if len(st.order) > g.N()/4 {
		for i := range st.level {
			st.level[i] = unreached
		}
		clear(st.succ)
		clear(st.pred)
		st.order = st.order[:0]
		return
	}
	for _, v := range st.order {
		st.level[v] = unreached
		lo, hi := g.off[v], g.off[v+1]
		if lo < hi {
			for k := lo >> 6; k <= (hi-1)>>6; k++ {
				st.succ[k], st.pred[k] = 0, 0
			}
		}
	}
	st.order = st.order[:0]
}

// deep runs source s with the networkx-order pass, for graphs with paths
// longer than the byte levels hold.
func (st *dagBFS) deep(g *Graph, s int32) {
	if st.slow == nil {
		st.slow = newBrandesBFS(g.N())
	}
	nd := st.slow.nodes
	for i := range nd {
		nd[i].bc = 0
	}
	st.slow.source(g, s)
	for i := range nd {
		st.bc[i] += nd[i].bc
	}
}

// bfsRelabel returns g's out-arc CSR with nodes renumbered in breadth-first
// order from the node of highest degree (then from each unreached node in
// id order), neighbours sorted by new id, and the map from new id to old.
// Nodes close in the graph get close ids, so a search's random reads of
// per-node state fall on fewer cache lines.
func bfsRelabel(g *Graph) (*Graph, []int32) {
	n := g.N()
	newID := make([]int32, n)
	for i := range newID {
		newID[i] = -1
	}
	old := make([]int32, 0, n)
	start := int32(0)
	for u := range int32(n) {
		if g.OutDegree(u) > g.OutDegree(start) {
			start = u
		}
	}
	visit := func(s int32) {
		newID[s] = int32(len(old))
		head := len(old)
		old = append(old, s)
		for ; head < len(old); head++ {
			for _, w := range g.nbr[g.off[old[head]]:g.off[old[head]+1]] {
				if newID[w] < 0 {
					newID[w] = int32(len(old))
					old = append(old, w)
				}
			}
		}
	}
	visit(start)
	for u := range int32(n) {
		if newID[u] < 0 {
			visit(u)
		}
	}
	h := &Graph{directed: g.directed, names: g.names, off: make([]int64, n+1), nbr: make([]int32, len(g.nbr))}
	pos := int64(0)
	for i, u := range old {
		nb := h.nbr[pos : pos+int64(g.OutDegree(u))]
		for j, w := range g.nbr[g.off[u]:g.off[u+1]] {
			nb[j] = newID[w]
		}
		slices.Sort(nb)
		pos += int64(len(nb))
		h.off[i+1] = pos
	}
	h.inOff, h.inNbr = h.off, h.nbr
	return h, old
}
