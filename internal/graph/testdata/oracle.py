"""networkx oracle for internal/graph tests.

Reads a JSON list of graphs on stdin:
  {"name", "directed", "weighted", "nodes": [...], "edges": [[u, v, w], ...], "pairs": [[s, t], ...]}
and writes, per graph, networkx's answers (node order = the given order).
"""
import itertools
import json
import sys

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python  # pure Python: numpy is not installed


def vec(g, d):
    return [d[v] for v in g.nodes]


def safe(f):
    try:
        return f()
    except nx.PowerIterationFailedConvergence:
        return None


def one(spec):
    g = nx.DiGraph() if spec["directed"] else nx.Graph()
    g.add_nodes_from(spec["nodes"])
    for u, v, w in spec["edges"]:
        g.add_edge(spec["nodes"][u], spec["nodes"][v], weight=w)
    out = {"name": spec["name"]}
    out["degree"] = vec(g, nx.degree_centrality(g))
    out["closeness"] = vec(g, nx.closeness_centrality(g))
    out["betweenness"] = vec(g, nx.betweenness_centrality(g))
    out["betweenness_raw"] = vec(g, nx.betweenness_centrality(g, normalized=False))
    ev = safe(lambda: nx.eigenvector_centrality(g, max_iter=100000, tol=1e-12))
    out["eigenvector"] = vec(g, ev) if ev else None
    out["pagerank"] = vec(g, _pagerank_python(g, weight=None, tol=1e-13, max_iter=10000))
    if spec.get("katz_alpha"):
        out["katz"] = vec(g, nx.katz_centrality(g, alpha=spec["katz_alpha"], tol=1e-12, max_iter=100000))
    if spec["weighted"]:
        out["closeness_w"] = vec(g, nx.closeness_centrality(g, distance="weight"))
        out["betweenness_w"] = vec(g, nx.betweenness_centrality(g, weight="weight"))
        evw = safe(lambda: nx.eigenvector_centrality(g, max_iter=100000, tol=1e-12, weight="weight"))
        out["eigenvector_w"] = vec(g, evw) if evw else None
        out["pagerank_w"] = vec(g, _pagerank_python(g, weight="weight", tol=1e-13, max_iter=10000))
    index = {v: i for i, v in enumerate(g.nodes)}
    comps = nx.weakly_connected_components(g) if spec["directed"] else nx.connected_components(g)
    out["components"] = sorted(sorted(index[v] for v in c) for c in comps)
    if not spec["directed"]:
        w = "weight" if spec["weighted"] else None
        best = None
        for seed in (1, 2, 3):
            parts = nx.community.louvain_communities(g, weight=w, seed=seed)
            q = nx.community.modularity(g, parts, weight=w)
            if best is None or q > best[0]:
                best = (q, parts)
        out["louvain_modularity"] = best[0]
        of = [0] * len(index)
        for ci, c in enumerate(best[1]):
            for v in c:
                of[index[v]] = ci
        out["louvain_partition"] = of
    paths = []
    for s, t in spec["pairs"]:
        a, b = spec["nodes"][s], spec["nodes"][t]
        p = {}
        try:
            p["hops"] = nx.shortest_path_length(g, a, b)
            p["wlen"] = nx.shortest_path_length(g, a, b, weight="weight")
            ks = list(itertools.islice(nx.shortest_simple_paths(g, a, b), 5))
            p["k_hops"] = [len(x) - 1 for x in ks]
            ksw = list(itertools.islice(nx.shortest_simple_paths(g, a, b, weight="weight"), 5))
            p["k_wlen"] = [nx.path_weight(g, x, "weight") for x in ksw]
            p["simple4"] = sum(1 for _ in nx.all_simple_paths(g, a, b, cutoff=4))
        except nx.NetworkXNoPath:
            p["hops"] = None
        paths.append(p)
    out["paths"] = paths
    return out


def main():
    specs = json.load(sys.stdin)
    json.dump([one(s) for s in specs], sys.stdout)


if __name__ == "__main__":
    main()
