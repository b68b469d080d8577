package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const sharedNetworks = "../../../shared/data/networks"

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	return rows
}

func writeEdges(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "edges.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGraphCentrality(t *testing.T) {
	// a path a–b–c plus d hanging off b: b is the only broker
	edges := writeEdges(t, "from,to,calls\na,b,2\nb,c,1\nb,d,5\n")
	out, _ := nexusCmd(t, t.TempDir(), false, "graph", "centrality", "--edges", edges,
		"--source-col", "from", "--target-col", "to", "--measures", "degree,betweenness,closeness,eigenvector,pagerank")
	rows := readCSV(t, out)
	if got, want := strings.Join(rows[0], ","), "node,degree,betweenness,closeness,eigenvector,pagerank"; got != want {
		t.Fatalf("header %q, want %q", got, want)
	}
	if len(rows) != 5 {
		t.Fatalf("got %d rows, want 4 nodes + header", len(rows))
	}
	want := map[string][3]string{ // degree, betweenness, closeness (networkx)
		"a": {"0.3333333333333333", "0", "0.6"},
		"b": {"1", "1", "1"},
	}
	for _, r := range rows[1:] {
		if w, ok := want[r[0]]; ok && (r[1] != w[0] || r[2] != w[1] || r[3] != w[2]) {
			t.Errorf("%s: got %v, want degree/betweenness/closeness %v", r[0], r[1:4], w)
		}
	}

	// UCINET scale
	out, _ = nexusCmd(t, t.TempDir(), false, "graph", "centrality", "--edges", edges,
		"--source-col", "from", "--target-col", "to", "--measures", "betweenness", "--scale", "standardized")
	if rows := readCSV(t, out); rows[2][0] != "b" || rows[2][1] != "100" {
		t.Errorf("standardized betweenness of b: got %v, want 100", rows[2])
	}

	nexusCmd(t, t.TempDir(), true, "graph", "centrality", "--edges", edges, "--measures", "nonsense")
}

func TestGraphDatasetNotYet(t *testing.T) {
	for _, args := range [][]string{
		{"graph", "centrality", "--dataset", "us_ofac_sdn"},
		{"graph", "disrupt", "--dataset", "us_ofac_sdn", "--strategy", "degree"},
		{"graph", "paths"},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), "not yet: needs the store-backed graph") {
			t.Errorf("nexus %s: err = %v, want a clear not-yet error", strings.Join(args, " "), err)
		}
	}
}

// TestGraphDisruptMontagna runs the contract command on the Montagna
// meetings network and checks it against Cavallaro et al.'s published
// sequential betweenness curve (unweighted; the CLI reads the summed file,
// which has the same unweighted graph as their raw edge list).
func TestGraphDisruptMontagna(t *testing.T) {
	dir := filepath.Join(sharedNetworks, "montagna_sicilian_mafia")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared networks not present:", err)
	}
	out, _ := nexusCmd(t, t.TempDir(), false, "graph", "disrupt",
		"--edges", filepath.Join(dir, "montagna_meetings_edges_raw.csv"),
		"--strategy", "betweenness", "--mode", "sequential", "--keep", "5")
	rows := readCSV(t, out)
	if got := strings.Join(rows[0], ","); got != "step,removed,lcc_fraction" {
		t.Fatalf("header %q", got)
	}
	if len(rows) != 1+97 {
		t.Fatalf("got %d steps, want 97 (0 and one per removal down to 5 nodes)", len(rows)-1)
	}
	pub, err := os.ReadFile(filepath.Join(dir, "published_results_cavallaro2020", "sequential_meetings_unweighted_lcc_fraction.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range readCSV(t, string(pub))[1:] {
		want, _ := strconv.ParseFloat(r[1], 64)
		got, _ := strconv.ParseFloat(rows[1+i][2], 64)
		if d := got - want; d > 1e-12 || d < -1e-12 {
			t.Errorf("step %s: lcc_fraction %v, published %v", r[0], got, want)
		}
	}

	out, _ = nexusCmd(t, t.TempDir(), false, "graph", "disrupt",
		"--edges", filepath.Join(dir, "montagna_meetings_edges_undirected_summed.csv"),
		"--strategy", "degree", "--mode", "block", "--block-fraction", "0.05")
	rows = readCSV(t, out)
	if n := len(strings.Split(rows[2][1], ";")); n != 5 {
		t.Errorf("block step 1 removed %d nodes (%q), want 5%% of 101 = 5", n, rows[2][1])
	}
	if last := rows[len(rows)-1]; last[2] != "0" {
		t.Errorf("last step %v: want every node removed and lcc_fraction 0", last)
	}
}
