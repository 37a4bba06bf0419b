"""Percolation: cluster statistics, Newman-Ziff sweeps, the Bethe lattice, critical exponents and
Brill's percolation model of neural scaling laws (arXiv 2412.07942).  See each module's docstring:

- ``lattice``: site/bond/graph cluster labelling, periodic merge, spanning and wrapping;
- ``newman_ziff``: the O(N) occupation sweep and the binomial convolution;
- ``bethe``: exact Bethe-lattice cluster numbers, mean size, cluster growth;
- ``exponents``: critical exponents, thresholds and finite-size-scaling estimators;
- ``brill``: Brill's exponents, regimes and the model-/data-scaling loss curves.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names load from their submodules on first use (PEP 562 __getattr__ below), so `nsl predict percolation`
# imports only what it needs; the imports here tell type checkers and IDEs what the names are.
if TYPE_CHECKING:
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

_MODULE_OF = {
    "BetheCluster": "bethe",
    "bethe_cluster_numbers": "bethe",
    "bethe_mean_cluster_size": "bethe",
    "bethe_pc": "bethe",
    "grow_bethe_cluster": "bethe",
    "sample_bethe_cluster_sizes": "bethe",
    "BrillExponents": "brill",
    "brill_alpha": "brill",
    "brill_data_loss": "brill",
    "brill_exponents": "brill",
    "brill_model_loss": "brill",
    "brill_supercritical_exponents": "brill",
    "dof_allocation": "brill",
    "dof_exponent_b": "brill",
    "k_break": "brill",
    "n_clusters_kept": "brill",
    "CORRECTION_OMEGA": "exponents",
    "CriticalExponents": "exponents",
    "PcEstimate": "exponents",
    "TauFSS": "exponents",
    "critical_exponents": "exponents",
    "estimate_fractal_dimension": "exponents",
    "estimate_pc": "exponents",
    "estimate_tau": "exponents",
    "estimate_tau_binned": "exponents",
    "estimate_tau_fss": "exponents",
    "hypercubic_threshold": "exponents",
    "log_binned_cluster_numbers": "exponents",
    "ClusterLabels": "lattice",
    "bond_clusters": "lattice",
    "cluster_size_distribution": "lattice",
    "graph_clusters": "lattice",
    "label_clusters": "lattice",
    "largest_cluster": "lattice",
    "lattice_edges": "lattice",
    "mean_cluster_size": "lattice",
    "spanning_clusters": "lattice",
    "wrapping_clusters": "lattice",
    "NewmanZiffSweep": "newman_ziff",
    "binomial_convolution": "newman_ziff",
    "binomial_weights": "newman_ziff",
    "newman_ziff_sweep": "newman_ziff",
}


def __getattr__(name: str) -> Any:
    """Import ``name`` from its submodule on first use (module-level ``__getattr__``, PEP 562)."""
    mod = _MODULE_OF.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
