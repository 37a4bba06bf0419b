"""Percolation: cluster statistics, Newman-Ziff sweeps, the Bethe lattice, critical exponents and
Brill's percolation model of neural scaling laws (arXiv 2412.07942).  See each module's docstring:

- ``lattice``: site/bond/graph cluster labelling, periodic merge, spanning and wrapping;
- ``newman_ziff``: the O(N) occupation sweep and the binomial convolution;
- ``bethe``: exact Bethe-lattice cluster numbers, mean size, cluster growth;
- ``exponents``: critical exponents, thresholds and finite-size-scaling estimators;
- ``brill``: Brill's exponents, regimes and the model-/data-scaling loss curves.
"""
from nsl.theory.percolation.bethe import (
    BetheCluster,
    bethe_cluster_numbers,
    bethe_mean_cluster_size,
    bethe_pc,
    grow_bethe_cluster,
    sample_bethe_cluster_sizes,
)
from nsl.theory.percolation.brill import (
    BrillExponents,
    brill_alpha,
    brill_data_loss,
    brill_exponents,
    brill_model_loss,
    brill_supercritical_exponents,
    dof_allocation,
    dof_exponent_b,
    k_break,
    n_clusters_kept,
)
from nsl.theory.percolation.exponents import (
    CORRECTION_OMEGA,
    CriticalExponents,
    PcEstimate,
    TauFSS,
    critical_exponents,
    estimate_fractal_dimension,
    estimate_pc,
    estimate_tau,
    estimate_tau_binned,
    estimate_tau_fss,
    hypercubic_threshold,
    log_binned_cluster_numbers,
)
from nsl.theory.percolation.lattice import (
    ClusterLabels,
    bond_clusters,
    cluster_size_distribution,
    graph_clusters,
    label_clusters,
    largest_cluster,
    lattice_edges,
    mean_cluster_size,
    spanning_clusters,
    wrapping_clusters,
)
from nsl.theory.percolation.newman_ziff import (
    NewmanZiffSweep,
    binomial_convolution,
    binomial_weights,
    newman_ziff_sweep,
)

__all__ = [
    "ClusterLabels", "bond_clusters", "cluster_size_distribution", "graph_clusters", "label_clusters",
    "largest_cluster", "lattice_edges", "mean_cluster_size", "spanning_clusters", "wrapping_clusters",
    "NewmanZiffSweep", "binomial_convolution", "binomial_weights", "newman_ziff_sweep",
    "BetheCluster", "bethe_cluster_numbers", "bethe_mean_cluster_size", "bethe_pc", "grow_bethe_cluster",
    "sample_bethe_cluster_sizes",
    "CORRECTION_OMEGA", "CriticalExponents", "PcEstimate", "TauFSS", "critical_exponents",
    "estimate_fractal_dimension", "estimate_pc", "estimate_tau", "estimate_tau_binned", "estimate_tau_fss",
    "hypercubic_threshold", "log_binned_cluster_numbers",
    "BrillExponents", "brill_alpha", "brill_data_loss", "brill_exponents", "brill_model_loss",
    "brill_supercritical_exponents", "dof_allocation", "dof_exponent_b", "k_break", "n_clusters_kept",
]
