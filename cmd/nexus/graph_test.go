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

// runErr runs nexus in process and returns its error.
func runErr(dir string, args ...string) error {
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	return run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
}

func TestGraphStoreErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"graph", "centrality", "--dataset", "no_such"}, "dataset no_such"},
		{[]string{"graph", "centrality"}, "--edges FILE.csv or --dataset D is required"},
		{[]string{"graph", "paths"}, "usage: nexus graph paths FROM_ID TO_ID"},
		{[]string{"graph", "nexus", "--from", "2020", "--to", "2019"}, "is after --to"},
		{[]string{"graph", "export", "--format", "dot"}, `--format "dot"`},
	} {
		err := runErr(dir, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("nexus %s: err = %v, want %q", strings.Join(c.args, " "), err, c.want)
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

// TestGraphOnStore imports Krebs' 9/11 network with `import --format edges`
// and checks the store-backed graph gives the same betweenness as the file.
func TestGraphOnStore(t *testing.T) {
	dir := filepath.Join(sharedNetworks, "krebs_911")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared networks not present:", err)
	}
	data := t.TempDir()
	out, _ := nexusCmd(t, data, false, "import", "--dataset", "krebs", "--format", "edges",
		"--nodes", filepath.Join(dir, "krebs_full_network_nodes.csv"), filepath.Join(dir, "krebs_full_network_edges.csv"))
	if !strings.Contains(out, "added") {
		t.Fatalf("import: %s", out)
	}
	fromFile, _ := nexusCmd(t, data, false, "graph", "centrality", "--edges", filepath.Join(dir, "krebs_full_network_edges.csv"), "--measures", "betweenness,degree")
	fromStore, _ := nexusCmd(t, data, false, "graph", "centrality", "--dataset", "krebs", "--measures", "betweenness,degree")
	want := map[string][]string{}
	for _, r := range readCSV(t, fromFile)[1:] {
		want["krebs-"+strings.Join(strings.Fields(r[0]), "_")] = r[1:]
	}
	rows := readCSV(t, fromStore)[1:]
	if len(rows) != 62 || len(want) != 62 {
		t.Fatalf("got %d nodes from the store and %d from the file, want 62", len(rows), len(want))
	}
	for _, r := range rows {
		w := want[r[0]]
		for i := range w {
			a, _ := strconv.ParseFloat(r[1+i], 64)
			b, _ := strconv.ParseFloat(w[i], 64)
			if d := a - b; d > 1e-12 || d < -1e-12 {
				t.Errorf("%s: store gives %v, file %v", r[0], r[1:], w)
			}
		}
	}

	out, _ = nexusCmd(t, data, false, "graph", "paths", "krebs-Mohamed_Atta", "krebs-Hani_Hanjour", "--mode", "k-shortest", "--k", "3")
	if !strings.Contains(out, "1. krebs-Mohamed_Atta > ") || !strings.Contains(out, "is linked to") {
		t.Errorf("paths: got\n%s", out)
	}
	out, _ = nexusCmd(t, data, false, "graph", "neighbours", "krebs-Mohamed_Atta", "--hops", "1", "--format", "csv")
	if rows := readCSV(t, out); len(rows) < 2 {
		t.Errorf("neighbours csv: got %d rows", len(rows))
	}
	out, errOut := nexusCmd(t, data, false, "graph", "communities", "--dataset", "krebs")
	if rows := readCSV(t, out); len(rows) != 63 || !strings.Contains(errOut, "modularity") {
		t.Errorf("communities: got %d rows, stderr %q", len(rows), errOut)
	}
	nexusCmd(t, data, true, "graph", "paths", "krebs-Mohamed_Atta", "nobody")
	nexusCmd(t, data, true, "graph", "nexus", "--as-of", "2001-13")
}

// TestGraphNexusCLI loads a small smuggling network with topics from a node
// file and typed, dated links, and asks for nexus paths as of two dates.
func TestGraphNexusCLI(t *testing.T) {
	data := t.TempDir()
	nodes := writeEdges(t, "id,name,topics\nvega,Ramon Vega,crime.traffick\nhassan,Ali Hassan,\nfront,Northern Front,crime.terror\n")
	edges := writeEdges(t, "a,b,kind,when\nvega,hassan,Associate,2018-05-01\nhassan,front,Membership,2020\n")
	nexusCmd(t, data, false, "import", "--dataset", "op", "--format", "edges", "--nodes", nodes,
		"--source-col", "a", "--target-col", "b", "--type-col", "kind", "--time-col", "when", edges)
	out, _ := nexusCmd(t, data, false, "graph", "nexus")
	for _, w := range []string{"1 with crime.terror; 1 nexus paths", "1. op-vega > op-hassan > op-front (2 hops)",
		"Ramon Vega (op-vega) is an associate of Ali Hassan (op-hassan) on 2018-05-01 [op]",
		"Ali Hassan (op-hassan) is a member of Northern Front (op-front) from 2020-01-01 to 2020-12-31 [op]"} {
		if !strings.Contains(out, w) {
			t.Errorf("nexus output lacks %q:\n%s", w, out)
		}
	}
	// Only links active in 2019: the associate link is dated 2018, so no
	// path remains.
	out, _ = nexusCmd(t, data, false, "graph", "nexus", "--as-of", "2019")
	if !strings.Contains(out, "0 nexus paths") {
		t.Errorf("as of 2019: got\n%s", out)
	}
	out, _ = nexusCmd(t, data, false, "graph", "export", "--format", "gexf")
	if !strings.Contains(out, `<gexf xmlns="http://gexf.net/1.3"`) || strings.Count(out, "<edge ") != 2 {
		t.Errorf("export gexf:\n%s", out)
	}
	// A bad row names its file and line and the rest still loads.
	bad := writeEdges(t, "a,b,kind,when\nx,,Associate,\ny,z,Associate,\n")
	_, errOut := nexusCmd(t, data, false, "import", "--dataset", "op2", "--format", "edges",
		"--source-col", "a", "--target-col", "b", "--type-col", "kind", bad)
	if !strings.Contains(errOut, "edges.csv:2: empty b") {
		t.Errorf("bad row: stderr %q, want the file, line and column", errOut)
	}
	if err := runErr(data, "import", "--dataset", "op3", "--format", "edges", "--weight-col", "w", bad); err == nil || !strings.Contains(err.Error(), `edges.csv:1: columns not in header: source-col "source", target-col "target", weight-col "w" (header: a,b,kind,when)`) {
		t.Errorf("missing column: err = %v", err)
	}
}
