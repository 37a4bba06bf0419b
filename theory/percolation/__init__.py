"""Percolation: cluster statistics, Newman-Ziff sweeps, the Bethe lattice, critical exponents and
Brill's percolation model of neural scaling laws (arXiv 2412.07942).  See each module's docstring."""
from nsl.theory.percolation.lattice import (ClusterLabels, bond_clusters, cluster_size_distribution, graph_clusters,
                                            label_clusters, largest_cluster, lattice_edges, mean_cluster_size,
                                            spanning_clusters, wrapping_clusters)

__all__ = [
    "ClusterLabels", "bond_clusters", "cluster_size_distribution", "graph_clusters", "label_clusters",
    "largest_cluster", "lattice_edges", "mean_cluster_size", "spanning_clusters", "wrapping_clusters",
]
from nsl.theory.percolation.newman_ziff import (NewmanZiffSweep, binomial_convolution, binomial_weights,
                                                newman_ziff_sweep)

__all__ += ["NewmanZiffSweep", "binomial_convolution", "binomial_weights", "newman_ziff_sweep"]
