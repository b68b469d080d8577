"""Times networkx on the edge list given as argv[1] (CSV source,target) for
benchgraph; prints JSON of seconds. argv: edges k closeness_nodes pairs_file."""
import json
import sys
import time

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

edges, k, cnodes, pairs_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
g = nx.Graph()
t = time.perf_counter()
with open(edges) as f:
    next(f)
    for line in f:
        a, b = line.rstrip("\n").split(",")
        g.add_edge(a, b)
out = {"build": time.perf_counter() - t, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}

t = time.perf_counter()
nx.betweenness_centrality(g, k=k, seed=1)
out["betweenness"] = time.perf_counter() - t

nodes = cnodes.split(";")
t = time.perf_counter()
for u in nodes:
    nx.closeness_centrality(g, u=u)
out["closeness_per_node"] = (time.perf_counter() - t) / len(nodes)

t = time.perf_counter()
try:
    _pagerank_python(g, max_iter=20, tol=1e-300)
except nx.PowerIterationFailedConvergence:
    pass
out["pagerank20"] = time.perf_counter() - t

pairs = [line.split(",") for line in open(pairs_file).read().split()]
t = time.perf_counter()
for a, b in pairs:
    nx.shortest_path(g, a, b)
out["path_per_pair"] = (time.perf_counter() - t) / len(pairs)
json.dump(out, sys.stdout)
