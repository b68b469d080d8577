package graph

import (
	"math"
	"strings"
	"testing"
)

func star(t *testing.T, leaves int) *Graph {
	t.Helper()
	b := NewBuilder(false, MergeSum)
	for i := range leaves {
		b.Add(Edge{Source: "hub", Target: "leaf" + string(rune('a'+i))})
	}
	b.Add(Edge{Source: "seed", Target: "hub"})
	return b.Build()
}

func TestKHopHubCap(t *testing.T) {
	g := star(t, 10)
	seed, _ := g.ID("seed")
	hub, _ := g.ID("hub")
	nh := KHop(g, seed, 2, 4)
	if len(nh.Nodes) != 1+1+4 || nh.More[hub] != 6 {
		t.Errorf("got %d nodes and %d more behind the hub, want 6 and 6", len(nh.Nodes), nh.More[hub])
	}
	if nh := KHop(g, seed, 2, 0); len(nh.Nodes) != 12 || len(nh.More) != 0 {
		t.Errorf("uncapped: got %d nodes, want 12", len(nh.Nodes))
	}
}

func TestTimeSlices(t *testing.T) {
	csv := "source,target,from,to\na,b,2001-01-01,2001-12-31\nb,c,2003-01-01,\nc,d,,\n"
	g, err := ReadEdgeCSV(strings.NewReader(csv), CSVOptions{Start: "from", End: "to"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) int64 { d, _ := ParseInstant(s); return d }
	for _, tt := range []struct {
		at   string
		want int
	}{{"2001-06-01", 2}, {"2002-06-01", 1}, {"2010-01-01", 2}} {
		if got := g.ActiveAt(day(tt.at)).M(); got != tt.want {
			t.Errorf("active at %s: %d edges, want %d", tt.at, got, tt.want)
		}
	}
	if got := g.Overlapping(day("2001-12-01"), day("2003-02-01")).M(); got != 3 {
		t.Errorf("window: %d edges, want 3", got)
	}
}

func TestSampledBetweennessWithinBound(t *testing.T) {
	needNetworks(t)
	g := load(t, coverts()[10]) // Noordin person union, 126 nodes
	exact := Betweenness(g, BetweennessOptions{}).Scores
	est := Betweenness(g, BetweennessOptions{Pivots: 64, Seed: 3})
	worst := 0.0
	for i := range exact {
		worst = math.Max(worst, math.Abs(exact[i]-est.Scores[i]))
	}
	if worst > est.UniformErrorBound {
		t.Errorf("largest error %.4f exceeds the stated uniform bound %.4f", worst, est.UniformErrorBound)
	}
	t.Logf("64 of %d pivots: largest error %.4f, per-node bound %.4f, uniform bound %.4f", g.N(), worst, est.ErrorBound, est.UniformErrorBound)
}

func TestDisruptListAndRandom(t *testing.T) {
	g := star(t, 5)
	hub, _ := g.ID("hub")
	steps, err := Disrupt(g, DisruptOptions{Strategy: ByList, List: []int32{hub}, PathLength: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[1].LCC != 1 || steps[1].Components != 6 || steps[0].PathLength == 0 {
		t.Errorf("removing the hub: %+v", steps)
	}
	a, _ := Disrupt(g, DisruptOptions{Strategy: ByRandom, Seed: 9})
	b, _ := Disrupt(g, DisruptOptions{Strategy: ByRandom, Seed: 9})
	if len(a) != g.N()+1 || a[3].Removed[0] != b[3].Removed[0] {
		t.Errorf("random removal is not reproducible from its seed")
	}
}

func FuzzReadEdgeCSV(f *testing.F) {
	f.Add("source,target,weight\na,b,1\nb,c,2\n")
	f.Add("source,target,from,to\na,b,2001-01-01,5\n")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ReadEdgeCSV(strings.NewReader(s), CSVOptions{Weight: "weight"})
		if err != nil {
			return
		}
		Degree(g, true, Normalized)
		Components(g)
	})
}
