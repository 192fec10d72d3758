"""Maximum-cardinality matching in a general graph, fast enough to call again and again.

A graph is a symmetric scipy CSR matrix (no self-loops). The bipartite double cover (every
person once as a row, once as a column) has a maximum matching, found in C by
Hopcroft-Karp, whose size is twice the fractional matching number: an upper bound on any
matching. The same permutation, cut into pairs along its cycles and paths, is a matching
that misses at most one person per odd cycle; Edmonds' blossom search from each single
person then augments it to a maximum matching. A search that fails from someone fails for
good (no later augmentation creates a path from them), so one pass over the singles is
enough, and in the usual case (few odd cycles, many edges) each search is short.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching


def graph(allowed: np.ndarray) -> csr_matrix:
    """The CSR graph of a symmetric boolean matrix (the diagonal is ignored)."""
    g = csr_matrix(allowed, dtype=np.int8)
    g.setdiag(0)
    g.eliminate_zeros()
    return g


def edges_graph(n: int, a: np.ndarray, b: np.ndarray) -> csr_matrix:
    """The CSR graph of n vertices and the undirected edges (a[k], b[k])."""
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    return csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))


def cover_bound(g: csr_matrix) -> tuple[int, np.ndarray]:
    """(upper bound on the matching number, the double cover's matching as row -> column)."""
    if g.nnz == 0:
        return 0, np.full(g.shape[0], -1, dtype=np.int64)
    sigma = maximum_bipartite_matching(g, perm_type="column").astype(np.int64)
    return int((sigma >= 0).sum()) // 2, sigma


def cover_matching(sigma: np.ndarray) -> np.ndarray:
    """A matching from the double cover's permutation: its paths and cycles cut into pairs."""
    n = len(sigma)
    mate = np.full(n, -1, dtype=np.int64)
    has_pred = np.zeros(n, dtype=bool)
    has_pred[sigma[sigma >= 0]] = True
    seen = np.zeros(n, dtype=bool)
    nxt = sigma.tolist()
    starts = [v for v in range(n) if not has_pred[v]] + list(range(n))  # paths first, then cycles
    for start in starts:
        if seen[start]:
            continue
        walk = [start]
        seen[start] = True
        v = nxt[start]
        while v >= 0 and not seen[v]:
            walk.append(v)
            seen[v] = True
            v = nxt[v]
        for k in range(0, len(walk) - 1, 2):
            a, b = walk[k], walk[k + 1]
            mate[a], mate[b] = b, a
    return mate


def augment(g: csr_matrix, mate: np.ndarray, target: int | None = None) -> np.ndarray:
    """Edmonds' augmenting-path search from every single vertex, in place; returns mate.

    Stops early once the matching has `target` pairs. Otherwise the result is maximum:
    a search that fails from a vertex fails after every later augmentation too.
    """
    n = g.shape[0]
    indptr, indices = g.indptr, g.indices
    m = mate.tolist()
    pairs = sum(1 for v in range(n) if m[v] > v)
    for root in range(n):
        if target is not None and pairs >= target:
            break
        if m[root] >= 0 or indptr[root] == indptr[root + 1]:
            continue
        end, parent = _search(indptr, indices, m, root)
        if end < 0:
            continue
        v = end
        while v >= 0:
            pv = parent[v]
            nv = m[pv]
            m[v], m[pv] = pv, v
            v = nv
        pairs += 1
    mate[:] = m
    return mate


def _search(indptr: np.ndarray, indices: np.ndarray, m: list[int], root: int) -> tuple[int, list[int]]:
    """Breadth-first search for an augmenting path from root, contracting blossoms
    (Edmonds; bases kept with their members so a contraction costs its size)."""
    n = len(m)
    used = [False] * n
    parent = [-1] * n
    base = list(range(n))
    members: dict[int, list[int]] = {}
    used[root] = True
    queue = deque([root])

    def lca(a: int, b: int) -> int:
        on_path = set()
        while True:
            a = base[a]
            on_path.add(a)
            if m[a] < 0:
                break
            a = parent[m[a]]
        while True:
            b = base[b]
            if b in on_path:
                return b
            b = parent[m[b]]

    def mark(v: int, b: int, child: int, marked: set[int]) -> None:
        while base[v] != b:
            marked.add(base[v])
            marked.add(base[m[v]])
            parent[v] = child
            child = m[v]
            v = parent[m[v]]

    while queue:
        v = queue.popleft()
        for to in indices[indptr[v] : indptr[v + 1]].tolist():
            if base[v] == base[to] or m[v] == to:
                continue
            if to == root or (m[to] >= 0 and parent[m[to]] >= 0):
                b = lca(v, to)
                marked: set[int] = set()
                mark(v, b, to, marked)
                mark(to, b, v, marked)
                marked.discard(b)
                group = members.setdefault(b, [b])
                for old in marked:
                    for i in members.pop(old, [old]):
                        base[i] = b
                        group.append(i)
                        if not used[i]:
                            used[i] = True
                            queue.append(i)
            elif parent[to] < 0:
                parent[to] = v
                if m[to] < 0:
                    return to, parent
                used[m[to]] = True
                queue.append(m[to])
    return -1, parent


def maximum_matching(g: csr_matrix, target: int | None = None) -> tuple[np.ndarray, int]:
    """(a maximum matching, or one with `target` pairs when that is reached first; its upper bound)."""
    bound, sigma = cover_bound(g)
    mate = cover_matching(sigma)
    goal = bound if target is None else min(bound, target)
    return augment(g, mate, goal), bound


def size(mate: np.ndarray) -> int:
    return int((mate >= 0).sum()) // 2
