"""Cluster labelling against networkx (an independent implementation) and known numbers."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from nsl.theory.percolation import (
    bond_clusters,
    cluster_size_distribution,
    graph_clusters,
    label_clusters,
    largest_cluster,
    mean_cluster_size,
    spanning_clusters,
    wrapping_clusters,
)
from nsl.theory.percolation.lattice import lattice_edges


def _nx_sizes(occ, periodic):
    g = nx.grid_graph(dim=list(occ.shape[::-1]), periodic=periodic)
    keep = [n for n in g.nodes if occ[n]]
    sub = g.subgraph(keep)
    return sorted(len(c) for c in nx.connected_components(sub)), sub


@pytest.mark.parametrize("shape", [(17, 23), (9, 11, 7)])
@pytest.mark.parametrize("periodic", [False, True])
def test_label_clusters_matches_networkx(shape, periodic):
    rng = np.random.default_rng(1)
    for p in (0.3, 0.5, 0.6, 0.8):
        occ = rng.random(shape) < p
        cl = label_clusters(occ, periodic=periodic)
        ref, sub = _nx_sizes(occ, periodic)
        assert sorted(cl.sizes.tolist()) == ref
        assert (cl.labels > 0).sum() == occ.sum() and np.all((cl.labels > 0) == occ)
        # same partition: every networkx component has a single label
        for comp in nx.connected_components(sub):
            labs = {int(cl.labels[n]) for n in comp}
            assert len(labs) == 1


def test_periodic_merges_across_wrap():
    occ = np.zeros((5, 6), bool)
    occ[2, 0] = occ[2, 5] = True  # neighbours only across the horizontal wrap
    assert label_clusters(occ).n_clusters == 2
    assert label_clusters(occ, periodic=True).n_clusters == 1
    assert label_clusters(occ, periodic=(True, False)).n_clusters == 2
    assert label_clusters(occ, periodic=(False, True)).sizes.tolist() == [2]


def test_wrapping_detection():
    occ = np.zeros((6, 6), bool)
    occ[2, :] = True  # a horizontal line wraps along axis 1 only
    cl, w = wrapping_clusters(occ)
    assert cl.n_clusters == 1 and w.tolist() == [[False, True]]
    occ2 = np.zeros((6, 6), bool)
    occ2[2, :5] = True  # a line with a gap: no wrap
    assert not wrapping_clusters(occ2)[1].any()
    diag = np.eye(6, dtype=bool) | np.roll(np.eye(6, dtype=bool), 1, axis=1)  # a staircase winding (1,1)
    cl, w = wrapping_clusters(diag)
    assert cl.n_clusters == 1 and w.tolist() == [[True, True]]
    # a closed loop that does not wind
    ring = np.zeros((8, 8), bool)
    ring[2, 2:6] = ring[5, 2:6] = ring[2:6, 2] = ring[2:6, 5] = True
    assert not wrapping_clusters(ring)[1].any()
    # a U shape crossing the boundary twice in opposite directions does not wind
    u = np.zeros((6, 6), bool)
    u[1, :2] = u[1, 4:] = u[4, :2] = u[4, 4:] = True
    u[1:5, 4] = True
    cl, w = wrapping_clusters(u)
    assert cl.n_clusters == 1 and not w.any()


def test_wrapping_against_doubled_torus():
    """A cluster wraps along an axis with odd winding iff it stays one cluster on the doubled torus."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        occ = rng.random((12, 12)) < 0.6
        cl, w = wrapping_clusters(occ)
        big = np.concatenate([occ, occ], axis=1)
        lb = label_clusters(big, periodic=True)
        for k in range(1, cl.n_clusters + 1):
            site = tuple(np.argwhere(cl.labels == k)[0])
            a = lb.labels[site]
            b = lb.labels[site[0], site[1] + 12]
            if a == b:  # odd horizontal winding exists -> must be flagged
                assert w[k - 1, 1]


def test_spanning_open():
    occ = np.zeros((5, 5), bool)
    occ[:, 3] = True
    cl = label_clusters(occ)
    assert spanning_clusters(cl.labels, axis=0).tolist() == [cl.labels[0, 3]]
    assert spanning_clusters(cl.labels, axis=1).size == 0


def test_bond_clusters_against_networkx():
    rng = np.random.default_rng(7)
    cl = bond_clusters((13, 9), 0.5, np.random.default_rng(7), periodic=True)
    u, v = lattice_edges((13, 9), periodic=True)
    keep = rng.random(u.size) < 0.5
    g = nx.Graph()
    g.add_nodes_from(range(13 * 9))
    g.add_edges_from(zip(u[keep].tolist(), v[keep].tolist()))
    assert sorted(cl.sizes.tolist()) == sorted(len(c) for c in nx.connected_components(g))
    assert cl.sizes.sum() == 13 * 9


def test_lattice_edges_count():
    assert lattice_edges((4, 5), periodic=True)[0].size == 2 * 20
    assert lattice_edges((4, 5))[0].size == 3 * 5 + 4 * 4


def test_square_bond_cluster_density_at_half():
    """Ziff-Finch-Adamchik 1997: (3 sqrt 3 - 5)/2 = 0.0980762 clusters per site at p = 1/2, plus 0.8835/L^2 on a torus."""
    L = 512
    rng = np.random.default_rng(11)
    dens = [bond_clusters((L, L), 0.5, rng, periodic=True).n_clusters / L**2 for _ in range(4)]
    pred = (3 * np.sqrt(3) - 5) / 2 + 0.8835 / L**2
    assert abs(np.mean(dens) - pred) < 3e-4


def test_graph_clusters_networkx_and_sparse():
    g = nx.erdos_renyi_graph(300, 1.2 / 300, seed=4)
    ref = sorted(len(c) for c in nx.connected_components(g))
    assert sorted(graph_clusters(g).sizes.tolist()) == ref
    a = nx.to_scipy_sparse_array(g, format="csr")
    assert sorted(graph_clusters(sp.csr_matrix(a)).sizes.tolist()) == ref
    occ = np.random.default_rng(0).random(300) < 0.7
    keep = [n for n in g.nodes if occ[n]]
    ref2 = sorted(len(c) for c in nx.connected_components(g.subgraph(keep)))
    assert sorted(graph_clusters(g, occ).sizes.tolist()) == ref2


def test_size_distribution_and_means():
    sizes = np.array([1, 1, 2, 5])
    s, ns = cluster_size_distribution(sizes, 20)
    assert s.tolist() == [1, 2, 5] and np.allclose(ns, [0.1, 0.05, 0.05])
    assert np.isclose((s * ns).sum(), 9 / 20)
    assert np.isclose(mean_cluster_size(sizes), (1 + 1 + 4 + 25) / 9)
    assert np.isclose(mean_cluster_size(sizes, exclude_largest=True), (1 + 1 + 4) / 4)
    assert largest_cluster(sizes) == 5 and largest_cluster(np.array([], int)) == 0


def test_bad_input():
    with pytest.raises(TypeError, match="occupied"):
        label_clusters(np.zeros((3, 3), int))
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        bond_clusters((4, 4), 1.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="periodic"):
        label_clusters(np.zeros((3, 3), bool), periodic=(True,))
