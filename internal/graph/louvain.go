package graph

import (
	"math/rand/v2"
)

// LouvainOptions tunes Louvain.
type LouvainOptions struct {
	// Weighted uses edge weights (networkx's default weight="weight").
	Weighted bool
	// Resolution is γ in the modularity (default 1).
	Resolution float64
	// Seed orders the node visits.
	Seed uint64
	// Threshold stops a level when a pass improves modularity by less (default 1e-7).
	Threshold float64
}

// Communities is a partition of the nodes.
type Communities struct {
	// Of[v] is v's community, numbered 0.. by first node in id order.
	Of []int32
	// Count is the number of communities.
	Count int
	// Modularity is Newman's modularity of the partition with the
	// resolution used.
	Modularity float64
}

// Louvain partitions the graph into communities by Blondel et al.'s method:
// repeated local moves of single nodes to the neighbouring community with the
// best modularity gain, then aggregation of communities into nodes, until no
// move helps. A directed graph is read as undirected (arc weights summed).
func Louvain(g *Graph, o LouvainOptions) Communities {
	if o.Resolution == 0 {
		o.Resolution = 1
	}
	if o.Threshold == 0 {
		o.Threshold = 1e-7
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x6c6f7576))
	lg := undirectedWeights(g, o.Weighted)
	n := g.N()
	of := make([]int32, n)
	for i := range of {
		of[i] = int32(i)
	}
	for {
		part, moved := lg.localMoves(o.Resolution, o.Threshold, r)
		if !moved {
			break
		}
		for i := range of {
			of[i] = part[of[i]]
		}
		lg = lg.aggregate(part)
	}
	c := Communities{Of: renumber(of)}
	for _, x := range c.Of {
		c.Count = max(c.Count, int(x)+1)
	}
	c.Modularity = Modularity(g, c.Of, o.Weighted, o.Resolution)
	return c
}

// renumber numbers the communities of of (ids in 0..len(of)) densely by
// first appearance.
func renumber(of []int32) []int32 {
	id := make([]int32, len(of))
	for i := range id {
		id[i] = -1
	}
	out := make([]int32, len(of))
	next := int32(0)
	for i, c := range of {
		if id[c] < 0 {
			id[c] = next
			next++
		}
		out[i] = id[c]
	}
	return out
}

// lgraph is the undirected weighted graph Louvain works on.
type lgraph struct {
	off  []int
	nbr  []int32
	w    []float64
	self []float64
	k    []float64 // weighted degree, self-loops counted twice
	m2   float64   // 2m
}

func undirectedWeights(g *Graph, weighted bool) *lgraph {
	n := g.N()
	lg := &lgraph{off: make([]int, n+1), self: make([]float64, n), k: make([]float64, n)}
	if !g.directed {
		for u := range int32(n) {
			nb, ws := g.Out(u)
			for j, v := range nb {
				x := 1.0
				if weighted {
					x = weightOf(ws, j)
				}
				if v == u {
					lg.self[u] += x
					continue
				}
				lg.nbr = append(lg.nbr, v)
				lg.w = append(lg.w, x)
			}
			lg.off[u+1] = len(lg.nbr)
		}
	} else {
		acc := map[int32]float64{}
		var order []int32
		for u := range int32(n) {
			clear(acc)
			order = order[:0]
			add := func(nb []int32, ws []float64) {
				for j, v := range nb {
					x := 1.0
					if weighted {
						x = weightOf(ws, j)
					}
					if v == u {
						lg.self[u] += x / 2
						continue
					}
					if _, ok := acc[v]; !ok {
						order = append(order, v)
					}
					acc[v] += x
				}
			}
			add(g.Out(u))
			add(g.In(u))
			for _, v := range order {
				lg.nbr = append(lg.nbr, v)
				lg.w = append(lg.w, acc[v])
			}
			lg.off[u+1] = len(lg.nbr)
		}
	}
	lg.degrees()
	return lg
}

func (lg *lgraph) degrees() {
	lg.m2 = 0
	for u := range lg.k {
		s := 2 * lg.self[u]
		for j := lg.off[u]; j < lg.off[u+1]; j++ {
			s += lg.w[j]
		}
		lg.k[u] = s
		lg.m2 += s
	}
}

// localMoves runs passes of single-node moves; it returns each node's
// community (renumbered densely) and whether any node moved.
//
// The gain of moving u is accumulated in wto, a dense array indexed by
// community that touched resets. After the first pass only nodes with a
// neighbour that moved since their last visit are revisited (the pruning of
// Ozaki et al. and of Leiden's fast local move): a node none of whose
// neighbours changed community rarely has a better move, and skipping it
// makes the long tail of nearly idle passes cheap.
func (lg *lgraph) localMoves(gamma, threshold float64, r *rand.Rand) ([]int32, bool) {
	n := len(lg.k)
	comm := make([]int32, n)
	tot := make([]float64, n)
	for i := range comm {
		comm[i] = int32(i)
		tot[i] = lg.k[i]
	}
	if lg.m2 == 0 {
		return comm, false
	}
	order := r.Perm(n)
	wto := make([]float64, n)
	stale := make([]bool, n) // no neighbour has moved since u's last visit
	var touched []int32
	moved := false
	for {
		movesThisPass := 0
		gain := 0.0 // the pass's modularity gain, ·m2/2
		for _, ui := range order {
			u := int32(ui)
			if stale[u] {
				continue
			}
			stale[u] = true
			cu := comm[u]
			touched = touched[:0]
			lo, hi := lg.off[u], lg.off[u+1]
			for j := lo; j < hi; j++ {
				c := comm[lg.nbr[j]]
				if wto[c] == 0 {
					touched = append(touched, c)
				}
				wto[c] += lg.w[j]
			}
			ku := lg.k[u]
			tot[cu] -= ku
			stay := wto[cu] - gamma*tot[cu]*ku/lg.m2
			best, bestGain := cu, stay
			for _, c := range touched {
				if gain := wto[c] - gamma*tot[c]*ku/lg.m2; gain > bestGain {
					best, bestGain = c, gain
				}
			}
			tot[best] += ku
			if best != cu {
				comm[u] = best
				movesThisPass++
				gain += bestGain - stay
				for _, v := range lg.nbr[lo:hi] {
					stale[v] = false
				}
			}
			for _, c := range touched {
				wto[c] = 0
			}
			wto[cu] = 0
		}
		if movesThisPass == 0 {
			break
		}
		moved = true
		// moving u from a to b changes modularity by
		// 2/m2·(gain(b) − gain(a)), with a's totals taken without u
		if 2*gain/lg.m2 < threshold {
			break
		}
	}
	return renumber(comm), moved
}

// modularity of the partition comm; scratch holds twice as many floats as
// there are community ids.
func (lg *lgraph) modularity(comm []int32, gamma float64, scratch []float64) float64 {
	h := len(scratch) / 2
	in, tot := scratch[:h], scratch[h:2*h]
	clear(in)
	clear(tot)
	for u := range lg.k {
		c := comm[u]
		tot[c] += lg.k[u]
		in[c] += 2 * lg.self[u]
		for j := lg.off[u]; j < lg.off[u+1]; j++ {
			if comm[lg.nbr[j]] == c {
				in[c] += lg.w[j]
			}
		}
	}
	q := 0.0
	for c, t := range tot {
		if t != 0 || in[c] != 0 {
			q += in[c]/lg.m2 - gamma*(t/lg.m2)*(t/lg.m2)
		}
	}
	return q
}

// aggregate makes one node per community.
func (lg *lgraph) aggregate(part []int32) *lgraph {
	nc := 0
	for _, c := range part {
		nc = max(nc, int(c)+1)
	}
	members := make([][]int32, nc)
	for u, c := range part {
		members[c] = append(members[c], int32(u))
	}
	ng := &lgraph{off: make([]int, nc+1), self: make([]float64, nc), k: make([]float64, nc)}
	acc := make([]float64, nc)
	var touched []int32
	for c := range nc {
		touched = touched[:0]
		for _, u := range members[c] {
			ng.self[c] += lg.self[u]
			for j := lg.off[u]; j < lg.off[u+1]; j++ {
				d := part[lg.nbr[j]]
				if int(d) == c {
					ng.self[c] += lg.w[j] / 2
					continue
				}
				if acc[d] == 0 {
					touched = append(touched, d)
				}
				acc[d] += lg.w[j]
			}
		}
		for _, d := range touched {
			ng.nbr = append(ng.nbr, d)
			ng.w = append(ng.w, acc[d])
			acc[d] = 0
		}
		ng.off[c+1] = len(ng.nbr)
	}
	ng.degrees()
	return ng
}

// Modularity returns Newman's modularity of the partition of (as networkx's
// community.modularity computes it for an undirected graph; a directed graph
// is read as undirected).
func Modularity(g *Graph, of []int32, weighted bool, resolution float64) float64 {
	if resolution == 0 {
		resolution = 1
	}
	lg := undirectedWeights(g, weighted)
	n := 0
	for _, c := range of {
		n = max(n, int(c)+1)
	}
	return lg.modularity(of, resolution, make([]float64, 2*n))
}
