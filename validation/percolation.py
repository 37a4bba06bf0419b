"""Suite ``percolation``: cluster statistics, Brill's percolation scaling laws and the toy regression.

``nsl validate percolation --preset quick|full``.  Rows:

- known numbers: square-bond cluster density at p = 1/2 (Ziff et al. 1997), the Bethe
  subcritical mean size, Brill's loss tables and asymptotic exponents (Brill 2024, arXiv 2412.07942);
- Newman–Ziff exactness against labelling at every n, the L = 128 crossing probability near
  Cardy's 1/2, p_c from torus wrapping (Pinson's R^(h));
- Fisher exponent tau and fractal dimension D at p_c on 2-D and 3-D lattices: the
  effective exponent of a plain power law, and tau with a correction to scaling
  n_s = A s^-tau (1 + B s^-Omega) (Omega fixed at its literature value), tolerance 0.01 (2-D) and
  0.02 (3-D) in ``full``, 0.03 and 0.05 in ``quick``; D_f with its interval and a row requiring
  that interval to be at most +-0.1; and the sampled size law of the toy's Bethe clusters
  (tau - 1 = 3/2);
- the toy regression: single-cluster 1-NN exponent c/D = 0.5, the aggregate model-
  and data-size curves of several seeds against Brill's closed forms (exponent), and their
  level against Brill's per-cluster law summed over each seed's own clusters (geometric mean
  of measured/predicted over the window, interval by a bootstrap over seeds, tolerance 5 %), with
  a precision row: the smallest offset of the level that fails the row is at most 10 %.  The
  interval comes from the seed-to-seed scatter (sd of the per-seed log ratio about 0.07), which
  does not shrink with the test fraction (p_valid 0.01 -> 0.03 left it at 0.06-0.07): quick runs
  20 seeds for it (10x the author's p_valid, 0.01, is kept);
- the regime switch: Euclidean 1-NN on the largest cluster of a 2-D / 3-D lattice, loss averaged
  over random linear targets (the mean squared 1-NN distance), at p_c (exponent c/D_f, D_f
  fractal) and above p_c (c/d, the dominant d-dimensional manifold), with τ(d)'s α and the
  predicted regime side by side; the exponent shift between the two with a bootstrap interval
  and a tolerance (0.01) below the predicted shift, and a precision row requiring that the
  interval's half-width + tolerance stay below the predicted shift, so a zero shift fails;
- the second learner: ReLU MLP (c = 4) vs 1-NN (c = 2) on a branching-random-walk embedding, with
  a precision row requiring the MLP row to tell c/D = 4/4 from 2/4.

Every exponent comes with a bootstrap interval from ``nsl.theory.fitting``.

Shape: :class:`Preset` (the only place sizes and physics parameters live) → :func:`grid` (the
sweep's configs, by group) → :func:`run_config` (one cell) → one rows function per check →
:func:`run`.  The checks draw their bootstrap resamples from one generator, in the order of
:data:`CHECKS`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from nsl.registry import suite
from nsl.rows import Row
from nsl.store import Run
from nsl.theory.percolation import (
    bond_clusters,
    brill_data_loss,
    brill_exponents,
    brill_model_loss,
    brill_supercritical_exponents,
    critical_exponents,
    hypercubic_threshold,
    k_break,
    label_clusters,
    n_clusters_kept,
    newman_ziff_sweep,
    sample_bethe_cluster_sizes,
    spanning_clusters,
    wrapping_clusters,
)

SUITE = "percolation"


@dataclass(frozen=True)
class Preset:
    """Sizes and physics of the suite; every lattice, window, tolerance of a finite-size effect and
    model parameter is read from here."""

    # sizes
    bond_L: int
    bond_samples: int
    nz_L: int  # Newman-Ziff exactness lattice
    cross_sweeps: int
    pc_L: tuple[int, ...]
    pc_sweeps: int
    fisher_L: int
    fisher_tori: int
    fisher_s: tuple[float, float]  # 2-D log-binned and MLE window
    fss_s2: tuple[float, float]  # 2-D window with the correction to scaling
    df_L: tuple[int, ...]
    df_reps: int
    d3_L: int
    d3_tori: int
    fss_s3: tuple[float, float]
    d3_df_L: tuple[int, ...]
    d3_df_reps: int
    bethe_n: int
    single_s: tuple[int, int]  # size window of the single critical cluster
    single_ntest: int
    single_reps: int
    toy_seeds: int
    toy_smax: int
    toy_points: int
    toy_pvalid: float  # test fraction: the author's 0.001 (full); quick takes 10x the test sites
    toy_window: tuple[float, float]  # DOF window of the toy's exponent and level rows
    toy_cal_points: int
    reg_L2: int
    reg_L3: int
    reg_reps: int
    mlp_s: tuple[int, int]
    mlp_steps: int
    mlp_width: int
    mlp_nmax: int
    tau_tol2: float  # tau with correction to scaling: tolerance 2-D / 3-D
    tau_tol3: float
    # physics: the same in every preset
    cross_L: int = 128
    cross_p: float = 0.5927
    fisher_s3: tuple[float, float] = (16, 2048)  # 3-D log-binned and MLE window
    bethe_sub: tuple[float, int] = (0.25, 4)  # (p, z) of the subcritical Bethe mean size
    bethe_smax: int = 10**6
    bethe_fit_s: tuple[int, int] = (30, 10**5)  # window of the sampled size law
    toy_d: int = 100  # Bethe lattice z = 2d (the paper's d = 100)
    toy_smin: int = 300
    toy_alpha: float = 1.0  # Brill's alpha = (3 - tau)/(tau - 2) at tau = 5/2
    toy_c_over_D: float = 0.5  # shrinkage 1-NN on tree distance
    level_tol: float = 0.05  # level row: measured / predicted within the bootstrap interval +- this
    level_boot: int = 2000
    level_max_offset: float = 0.10  # the level row must fail on a 10 % offset (issue 15)
    reg_p_super: tuple[float, float] = (0.75, 0.5)  # supercritical p of the 2-D and 3-D regime runs
    # training-set sizes of the lattice regime runs, as fractions of the cluster: from 1e-3 (below, the
    # nearest training site is as far as the cluster's extent) to 3e-2 (above, the lattice spacing)
    reg_fractions: tuple[float, float] = (1e-3, 3e-2)
    reg_c: float = 2.0  # Euclidean 1-NN on a smooth target
    mlp_dim: int = 8  # branching-random-walk embedding dimension
    brw_D: float = 4.0  # intrinsic dimension of the embedded tree cluster (Brill 2024, arXiv 2412.07942 §5)
    mlp_c: float = 4.0  # piecewise-linear learner (the 1-NN's c is reg_c = 2)
    mlp_lr: float = 1e-2
    mlp_tol: float = 0.1  # optimisation allowance of the MLP exponent; interval + this stays below 1/2 = 1 - 2/4
    n_boot: int = 1000  # bootstrap resamples of every fit_power_law
    pc_boot: int = 200
    fss_boot: int = 200


PRESETS: dict[str, Preset] = {
    "quick": Preset(bond_L=512, bond_samples=4, nz_L=40, cross_sweeps=80, pc_L=(64, 128), pc_sweeps=100,
                    fisher_L=2048, fisher_tori=8, fisher_s=(32, 4096), fss_s2=(8, 2000),
                    df_L=(32, 64, 128, 256, 512), df_reps=60, d3_L=128, d3_tori=8, fss_s3=(8, 500),
                    d3_df_L=(16, 24, 32, 48, 64, 96), d3_df_reps=80, bethe_n=100_000, single_s=(200_000, 600_000),
                    single_ntest=2000, single_reps=4, toy_seeds=20, toy_smax=300_000, toy_points=20, toy_pvalid=0.01,
                    toy_window=(3.0, 300.0), toy_cal_points=20, reg_L2=512, reg_L3=96, reg_reps=4,
                    mlp_s=(30_000, 300_000), mlp_steps=1500, mlp_width=32, mlp_nmax=1600, tau_tol2=0.03,
                    tau_tol3=0.05),
    "full": Preset(bond_L=1024, bond_samples=5, nz_L=64, cross_sweeps=100, pc_L=(64, 128, 256), pc_sweeps=200,
                   fisher_L=4096, fisher_tori=24, fisher_s=(64, 16384), fss_s2=(16, 4000),
                   df_L=(64, 128, 256, 512, 1024), df_reps=60, d3_L=256, d3_tori=16, fss_s3=(16, 4000),
                   d3_df_L=(16, 24, 32, 48, 64, 96, 128), d3_df_reps=100, bethe_n=400_000,
                   single_s=(300_000, 3_000_000), single_ntest=2000, single_reps=4, toy_seeds=10,
                   toy_smax=30_000_000, toy_points=50, toy_pvalid=0.001, toy_window=(1000.0, 30000.0),
                   toy_cal_points=50, reg_L2=1024, reg_L3=128, reg_reps=8, mlp_s=(100_000, 1_000_000),
                   mlp_steps=3000, mlp_width=64, mlp_nmax=10_000, tau_tol2=0.01, tau_tol3=0.02),
}
# medium: this suite's quick sizes (medium exists for deep regression; full is the finite-size-scaling preset)
PRESETS["medium"] = PRESETS["quick"]

R_H_TORUS = 0.521058290  # Pinson 1994: horizontal wrapping probability at p_c, square torus
BOND_DENSITY = (3 * np.sqrt(3) - 5) / 2  # Ziff, Finch, Adamchik 1997
BOND_DENSITY_FINITE_L = 0.8835  # ... + this / L^2 on the torus (same reference)
#: the author's ScalingLaw at alpha = 1, c/D = 1/2 (Brill 2024, arXiv 2412.07942, reference table):
#: N or D -> (model loss, data loss)
BRILL_TABLE = {10: (0.6846, 0.6803), 100: (0.3341, 0.3303), 1e3: (0.1333, 0.1408), 1e4: (0.0478, 0.0561),
               3e4: (0.0287, 0.0355)}


# ============================================================================ the grid and its cells
# Module level (picklable): config -> (arrays, result).

def grid(P: Preset, device: str = "cpu") -> dict[str, list[dict]]:
    """The sweep's configs by group."""
    base = {"suite": SUITE}
    pc = {2: hypercubic_threshold(2), 3: hypercubic_threshold(3)}
    return {
        "lattice_numbers": [{**base, "kind": "lattice_numbers", "seed": 1, "bond_L": P.bond_L,
                             "bond_samples": P.bond_samples, "nz_L": P.nz_L, "cross_L": P.cross_L,
                             "cross_p": P.cross_p, "cross_sweeps": P.cross_sweeps}],
        "wrapping": [{**base, "kind": "wrapping", "seed": 50 + i, "L": L, "sweeps": P.pc_sweeps}
                     for i, L in enumerate(P.pc_L)],
        "fisher": [{**base, "kind": "fisher", "seed": 2, "d": 2, "L": P.fisher_L, "tori": P.fisher_tori,
                    "df_L": list(P.df_L), "df_reps": P.df_reps},
                   {**base, "kind": "fisher", "seed": 3, "d": 3, "L": P.d3_L, "tori": P.d3_tori,
                    "df_L": list(P.d3_df_L), "df_reps": P.d3_df_reps}],
        "bethe": [{**base, "kind": "bethe", "seed": 4, "n": P.bethe_n, "sub": list(P.bethe_sub), "z": 2 * P.toy_d,
                   "s_max": P.bethe_smax}],
        "single": [{**base, "kind": "single", "seed": 5, "s_window": list(P.single_s), "z": 2 * P.toy_d,
                    "n_test": P.single_ntest, "reps": P.single_reps}],
        "toy": [{**base, "kind": "toy", "seed": 100 + sd, "d": P.toy_d, "s_min": P.toy_smin, "s_max": P.toy_smax,
                 "points": P.toy_points, "cal_points": P.toy_cal_points, "p_valid": P.toy_pvalid}
                for sd in range(P.toy_seeds)],
        "regime": [{**base, "kind": "regime", "seed": 7 + d, "d": d, "L": L, "p": p, "reps": P.reg_reps,
                    "fractions": list(P.reg_fractions)}
                   for d, L, p in [(2, P.reg_L2, pc[2]), (2, P.reg_L2, P.reg_p_super[0]),
                                   (3, P.reg_L3, pc[3]), (3, P.reg_L3, P.reg_p_super[1])]],
        "mlp": [{**base, "kind": "mlp", "seed": 11, "s_window": list(P.mlp_s), "z": 2 * P.toy_d, "dim": P.mlp_dim,
                 "width": P.mlp_width, "steps": P.mlp_steps, "n_max": P.mlp_nmax, "lr": P.mlp_lr, "device": device}],
    }


def run_lattice_numbers(cfg: dict):
    """Bond density at 1/2, Newman-Ziff exactness, crossing probability."""
    rng = np.random.default_rng(cfg["seed"])
    L = cfg["bond_L"]
    dens = np.array([bond_clusters((L, L), 0.5, rng, periodic=True).n_clusters / L**2
                     for _ in range(cfg["bond_samples"])])
    mism, checked = _newman_ziff_mismatches(cfg["nz_L"], rng)
    # top-bottom and left-right crossing are equal by symmetry: average both per sweep
    cross = np.array([np.mean([sw.span_probability(cfg["cross_p"], axis=a) for a in (0, 1)])
                      for sw in (newman_ziff_sweep((cfg["cross_L"],) * 2, rng) for _ in range(cfg["cross_sweeps"]))])
    return {"bond_density": dens, "crossing": cross}, {"nz_mismatches": mism, "nz_checked": checked}


def _newman_ziff_mismatches(L: int, rng: np.random.Generator) -> tuple[int, int]:
    """Newman-Ziff against labelling at every n, open and periodic: (mismatching states, states checked)."""
    mism = checked = 0
    for periodic in (False, True):
        shape = (L, L)
        sw = newman_ziff_sweep(shape, rng, periodic=periodic)
        occ = np.zeros(sw.n_sites, bool)
        for n in range(sw.n_sites + 1):
            if n:
                occ[sw.order[n - 1]] = True
            o = occ.reshape(shape)
            if periodic:
                cl, w = wrapping_clusters(o)
                flags = w.any(0)
            else:
                cl = label_clusters(o)
                flags = np.array([spanning_clusters(cl.labels, a).size > 0 for a in range(2)])
            ok = (cl.largest == sw.largest[n] and cl.n_clusters == sw.n_clusters[n]
                  and float((cl.sizes.astype(float) ** 2).sum()) == sw.sum_s2[n]
                  and np.array_equal(flags, n >= sw.first_span))
            mism += int(not ok)
            checked += 1
    return mism, checked


def run_wrapping(cfg: dict):
    """First n of horizontal wrapping in periodic Newman-Ziff sweeps (for p_c from R^(h))."""
    rng = np.random.default_rng(cfg["seed"])
    first = np.array([newman_ziff_sweep((cfg["L"], cfg["L"]), rng, periodic=True).first_span[1]
                      for _ in range(cfg["sweeps"])])
    return {"first_wrap": first}, {"L": cfg["L"]}


def run_fisher(cfg: dict):
    """Cluster sizes on tori at p_c (2-D or 3-D) and the largest cluster vs L.

    Arrays: ``sizes`` (every torus's cluster sizes, concatenated), ``torus`` (the torus of each),
    ``largest`` (repeats, len(df_L)) and the axis ``df_L``."""
    rng = np.random.default_rng(cfg["seed"])
    d = cfg["d"]
    pc = hypercubic_threshold(d)
    sizes = [label_clusters(rng.random((cfg["L"],) * d) < pc, periodic=True).sizes for _ in range(cfg["tori"])]
    largest = np.array([[label_clusters(rng.random((Ld,) * d) < pc, periodic=True).largest for Ld in cfg["df_L"]]
                        for _ in range(cfg["df_reps"])], dtype=float)
    torus = np.repeat(np.arange(len(sizes)), [s.size for s in sizes])
    return ({"sizes": np.concatenate(sizes), "torus": torus, "largest": largest,
             "df_L": np.asarray(cfg["df_L"], dtype=float)}, {"n_tori": len(sizes)})


def run_bethe(cfg: dict):
    """Subcritical cluster sizes (mean-size check) and critical ones (size law) on Bethe lattices."""
    rng = np.random.default_rng(cfg["seed"])
    p_sub, z_sub = cfg.get("sub", PRESETS["quick"].bethe_sub)
    z = cfg.get("z", 2 * PRESETS["quick"].toy_d)
    s_sub = sample_bethe_cluster_sizes(p_sub, int(z_sub), rng, cfg["n"])
    s_crit = sample_bethe_cluster_sizes(1 / (z - 1), z, rng, cfg["n"], s_max=cfg.get("s_max", PRESETS["quick"].bethe_smax))
    return {"sub": s_sub, "crit": s_crit}, {}


def _critical_cluster(rng: np.random.Generator, s_min: int, s_max: int, z: int):
    """One complete critical Bethe cluster (p = p_c = 1/(z - 1)) with s_min <= size <= s_max, by rejection
    (the reference's single-cluster protocol)."""
    from nsl.theory.percolation import grow_bethe_cluster

    while True:
        c = grow_bethe_cluster(1 / (z - 1), z, rng, s_max)
        if c.complete and c.size >= s_min:
            return c


def run_single_cluster(cfg: dict):
    """One critical Bethe cluster, shrinkage 1-NN vs n_train."""
    from nsl.sims.percolation_data import random_walk_target
    from nsl.sims.percolation_learners import single_cluster_curve

    rng = np.random.default_rng(cfg["seed"])
    c = _critical_cluster(rng, *cfg["s_window"], z=cfg["z"])
    y = random_walk_target(c, rng)
    n_train = np.unique(np.geomspace(30, 1e4, 10).astype(int))
    mse = single_cluster_curve(c, y, n_train, rng, n_test=cfg["n_test"], repeats=cfg["reps"])
    return {"n_train": n_train, "mse": mse}, {"size": c.size}


def run_toy_seed(cfg: dict):
    """One seed of the author's protocol: dataset, DOF calibration, model- and data-scaling curves."""
    from nsl.sims.percolation_data import make_percolation_dataset
    from nsl.sims.percolation_learners import TreeLevels, calibrate_dof, data_scaling_curve, model_scaling_curve

    rng = np.random.default_rng(cfg["seed"])
    ds = make_percolation_dataset(rng, d=cfg["d"], s_min=cfg["s_min"], s_max=cfg["s_max"])
    levels = [TreeLevels.of(c) for c in ds.clusters]
    cal = [calibrate_dof(c, y, rng, levels=lv, n_points=cfg["cal_points"]) for c, y, lv in
           zip(ds.clusters, ds.targets, levels)]
    sf = np.array([c["sf"] for c in cal])
    dof = np.geomspace(1, 3e4, cfg["points"])
    pv = cfg["p_valid"]
    Lm = model_scaling_curve(ds.clusters, ds.targets, sf, dof, rng, levels=levels, p_valid=pv)
    Ld = data_scaling_curve(ds.clusters, ds.targets, sf, dof, rng, levels=levels, p_valid=pv)
    arrays = {"grid": dof, "model_loss": Lm, "data_loss": Ld, "sf": sf, "sizes": ds.sizes}
    return arrays, {"n_clusters": len(ds.clusters), "n_sites": ds.n_sites, "n_rejected_small": ds.n_rejected_small,
                    "n_rejected_large": ds.n_rejected_large}


def _largest_cluster_coords(d: int, L: int, p: float, rng: np.random.Generator) -> np.ndarray:
    cl = label_clusters(rng.random((L,) * d) < p)  # open boundaries: Euclidean coordinates stay valid
    k = int(np.argmax(cl.sizes)) + 1
    return np.argwhere(cl.labels == k).astype(float)


def run_lattice_regime(cfg: dict):
    """Euclidean 1-NN on the largest cluster: mean squared distance from test sites to their nearest
    training site vs n_train.  For a random linear target f(x) = g.x with g ~ N(0, I) the 1-NN test
    MSE averaged over the target's draws is exactly that mean squared distance (and it is the
    small-distance limit for any smooth target), so ``msd`` is the learner's expected loss without
    the target-to-target noise; ``mse`` is the MSE of one random smooth (cosine) target, kept for
    comparison.  Training sizes are 8 log-spaced fractions ``cfg['fractions']`` of the cluster."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(cfg["seed"])
    d, L, p = cfg["d"], cfg["L"], cfg["p"]
    fr = np.geomspace(*cfg["fractions"], 8)
    msd, mse = [], []
    for _ in range(cfg["reps"]):
        x = _largest_cluster_coords(d, L, p, rng)
        s = x.shape[0]
        w = rng.standard_normal((d, 3)) * (2 * np.pi / L)
        y = np.cos(x @ w + rng.uniform(0, 2 * np.pi, 3)).sum(1)
        test = rng.choice(s, size=min(2000, s // 10), replace=False)
        rest = np.setdiff1d(np.arange(s), test)
        r_msd, r_mse = [], []
        for f in fr:
            tr = rng.choice(rest, size=max(2, int(round(f * s))), replace=False)
            dist, j = cKDTree(x[tr]).query(x[test], k=1)
            r_msd.append(float(np.mean(dist**2)))
            r_mse.append(float(np.mean((y[tr][j] - y[test]) ** 2)))
        msd.append(r_msd)
        mse.append(r_mse)
    return {"fraction": fr, "msd": np.array(msd), "mse": np.array(mse)}, {"d": d, "p": p}


def run_mlp(cfg: dict):
    """1-NN (c = 2) and a ReLU MLP (c = 4) on a branching-random-walk embedding of a critical cluster."""
    from nsl.sims.torch_state import torch_settings

    with torch_settings(threads=1):  # one sweep worker per core
        return _run_mlp(cfg)


def _run_mlp(cfg: dict):
    from nsl.sims.percolation_learners import brw_embedding, knn_fit_mse, mlp_fit_mse, smooth_target

    rng = np.random.default_rng(cfg["seed"])
    c = _critical_cluster(rng, *cfg["s_window"], z=cfg["z"])
    x = brw_embedding(c, cfg["dim"], rng)
    y = smooth_target(x, rng)
    s = c.size
    test = rng.choice(s, size=2000, replace=False)
    rest = np.setdiff1d(np.arange(s), test)
    n_train = np.unique(np.geomspace(100, min(0.3 * s, cfg["n_max"]), 5).astype(int))  # before the optimisation floor
    knn, mlp = [], []
    for n in n_train:
        tr = rng.choice(rest, size=int(n), replace=False)
        knn.append(knn_fit_mse(x[tr], y[tr], x[test], y[test]))
        mlp.append(mlp_fit_mse(x[tr], y[tr], x[test], y[test], width=cfg["width"], steps=cfg["steps"],
                               lr=cfg["lr"], seed=cfg["seed"], device=cfg.get("device", "cpu")))
    return {"n_train": n_train, "knn": np.array(knn), "mlp": np.array(mlp)}, {"size": s}


_CELLS: dict[str, Callable[[dict], tuple[dict, dict]]] = {
    "lattice_numbers": run_lattice_numbers, "wrapping": run_wrapping, "fisher": run_fisher, "bethe": run_bethe,
    "single": run_single_cluster, "toy": run_toy_seed, "regime": run_lattice_regime, "mlp": run_mlp}


def run_config(cfg: dict):
    """Dispatch one config of the suite's grid to its sweep function."""
    cell = _CELLS.get(cfg.get("kind", ""))
    if cell is None:
        raise ValueError(f"unknown config kind {cfg.get('kind')!r}; expected one of {', '.join(_CELLS)}")
    return cell(cfg)


# ============================================================================ rows, one function per check
# each gets the preset, the finished cells, the context and the suite's generator

Cells = dict[str, list[Run]]


def _fit(x, y, rng, n_boot, offset=False):
    from nsl.theory.fitting import fit_power_law

    return fit_power_law(np.asarray(x, float), np.asarray(y, float), offset=offset, n_boot=n_boot, rng=rng)


def rows_brill_exact(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """Brill's closed forms against the author's table and their own asymptotic exponents."""
    rows: list[Row] = []
    N = np.array(list(BRILL_TABLE), float)
    a, m = P.toy_alpha, P.toy_c_over_D
    tag = f"[alpha={Fraction(a)}, c/D={Fraction(m)}]"
    for n, lm, ld, (rm, rd) in zip(N, brill_model_loss(N, a, m), brill_data_loss(N, a, m), BRILL_TABLE.values()):
        rows.append(Row.check(SUITE, f"Brill model L(N={n:g}) {tag}", rm, lm, tolerance=0.01,
                              relative=True, note="author's ScalingLaw (reference table)"))
        rows.append(Row.check(SUITE, f"Brill data L(D={n:g}) {tag}", rd, ld, tolerance=0.01,
                              relative=True, note="author's ScalingLaw (reference table)"))
    e = brill_exponents(2.5, 2, 4)
    rows.append(Row.check(SUITE, "toy alpha = (3-tau)/(tau-2) at tau=5/2", 1.0, e.alpha, tolerance=1e-12))
    rows.append(Row.check(SUITE, "toy DOF exponent b", -1 / 3, e.b, tolerance=1e-12))
    rows.append(Row.check(SUITE, "toy cluster count int((s_max/s_min)^(tau-2))", 316, n_clusters_kept(2.5, 300, 3e7),
                          tolerance=0))
    rows.append(Row.check(SUITE, "k_br(N=500) (DOF-scan optimum)", 58.0, float(k_break(500, 1, 0.5)), tolerance=0.5))
    x = np.array([1e8, 1e10])
    for a, m in [(1.0, 2.0), (1.0, 0.1)]:
        ex = brill_exponents((3 + 2 * a) / (1 + a), 2.0, 2.0 / m)  # tau from alpha
        sN = -np.diff(np.log(brill_model_loss(x, a, m)))[0] / np.log(100)
        sD = -np.diff(np.log(brill_data_loss(x, a, m)))[0] / np.log(100)
        rows.append(Row.check(SUITE, f"asymptotic alpha_N (alpha={a:g}, c/D={m:g})", ex.alpha_N, sN, tolerance=0.02))
        rows.append(Row.check(SUITE, f"asymptotic alpha_D (alpha={a:g}, c/D={m:g})", ex.alpha_D, sD, tolerance=0.02))
    return rows


def rows_lattice_numbers(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """Bond cluster density, Newman-Ziff exactness, crossing probability and p_c from wrapping."""
    from nsl.theory.percolation import estimate_pc

    ln = cells["lattice_numbers"][0]
    dens, cr = ln.arrays["bond_density"], ln.arrays["crossing"]
    Lb = ln.config["bond_L"]
    se = dens.std(ddof=1) / np.sqrt(dens.size)
    se_c = cr.std(ddof=1) / np.sqrt(cr.size)
    firsts = {w.config["L"]: w.arrays["first_wrap"] for w in cells["wrapping"]}
    pce = estimate_pc(firsts, {L: L * L for L in firsts}, R_H_TORUS, n_boot=P.pc_boot, rng=rng)
    return [
        Row.check(SUITE, f"square-bond clusters/site at p=1/2 (torus L={Lb})", BOND_DENSITY + BOND_DENSITY_FINITE_L / Lb**2,
                  float(dens.mean()), ci=(dens.mean() - 3 * se, dens.mean() + 3 * se), tolerance=3e-4,
                  note="Ziff-Finch-Adamchik 1997, + 0.8835/L^2 finite-size term"),
        Row.check(SUITE, "Newman-Ziff vs labelling: mismatching n (largest, count, sum s^2, span/wrap)", 0,
                  ln.result["nz_mismatches"], tolerance=0, note=f"{ln.result['nz_checked']} states checked"),
        Row.in_range(SUITE, f"L={ln.config['cross_L']} top-bottom crossing probability at p={ln.config['cross_p']:g}",
                     float(cr.mean()), 0.43, 0.63, ci=(cr.mean() - 2 * se_c, cr.mean() + 2 * se_c),
                     note="reference 0.53; Cardy limit 1/2"),
        Row.check(SUITE, f"square-site p_c from R^(h)(p)=0.52106 (torus L={pce.L[-1]})", hypercubic_threshold(2),
                  pce.p_c, ci=pce.ci, tolerance=0.0,
                  note="Newman-Ziff 2000 estimator; per-L: " + ", ".join(f"L={L}: {p:.5f}" for L, p in zip(pce.L, pce.p_L))),
    ]


def _fisher_rows(P: Preset, fr: Run, ctx, rng) -> list[Row]:
    """tau (binned, MLE, with the correction to scaling) and D_f on one dimension's tori."""
    from nsl.theory.fitting import fit_tail_exponent
    from nsl.theory.percolation import estimate_fractal_dimension, estimate_tau_binned, estimate_tau_fss

    d, L = fr.config["d"], fr.config["L"]
    ex = critical_exponents(d)
    allsz, torus = fr.arrays["sizes"], fr.arrays["torus"]
    sizes = [allsz[torus == i] for i in range(fr.result["n_tori"])]
    n_sites = L ** d
    s_lo, s_hi = P.fisher_s if d == 2 else P.fisher_s3
    f_lo, f_hi = P.fss_s2 if d == 2 else P.fss_s3
    tol = P.tau_tol2 if d == 2 else P.tau_tol3
    tb = estimate_tau_binned(sizes, n_sites, s_lo=s_lo, s_hi=s_hi, rng=rng)
    tf = fit_tail_exponent(allsz[allsz <= s_hi], discrete=True, xmin=s_lo, xmax=s_hi)
    fss = estimate_tau_fss(sizes, n_sites, d=d, s_lo=f_lo, s_hi=f_hi, n_boot=P.fss_boot, rng=rng)
    df = estimate_fractal_dimension(fr.arrays["df_L"], fr.arrays["largest"], rng=rng)
    half = (df.alpha_ci[1] - df.alpha_ci[0]) / 2
    if d == 2:
        s, cnt = np.unique(allsz, return_counts=True)
        ctx.save_artifact("ns_at_pc", {"s": s, "n_s": cnt / (n_sites * len(sizes))},
                          {"d": 2, "L": L, "tori": len(sizes), "tau": ex.tau, "tau_fit": tb.alpha,
                           "tau_fit_ci": list(tb.alpha_ci)})
    return [
        Row.check(SUITE, f"Fisher tau, {d}-D site p_c, log-binned n_s over [{s_lo:g}, {s_hi:g})", ex.tau,
                  tb.alpha, ci=tb.alpha_ci, tolerance=0.05,
                  note=("finite-s corrections s^-Omega push the slope low (reference: 2.039 in 2-D)"
                        if d == 2 else "finite-s/finite-L corrections push the slope low in 3-D too")),
        Row.check(SUITE, f"Fisher tau, {d}-D, discrete MLE on [{s_lo:g}, {s_hi:g}]", ex.tau, tf.alpha,
                  ci=(tf.alpha - 2 * tf.sigma, tf.alpha + 2 * tf.sigma), tolerance=0.06,
                  note="CSN MLE with x_max in the normalisation; interval +-2 sigma"),
        Row.check(SUITE, f"Fisher tau, {d}-D, with correction to scaling s^-Omega on [{f_lo:g}, {f_hi:g}]",
                  ex.tau, fss.tau, ci=fss.ci, tolerance=tol,
                  note=(f"n_s = A s^-tau (1 + B s^-Omega), Omega = {fss.omega:.3f} fixed (literature), "
                        f"B = {fss.B:.2f}; without the correction the same window gives "
                        f"{fss.tau_uncorrected:.4f}; {len(sizes)} tori of {L}^{d}; tolerance {tol} ({ctx.preset})")),
        Row.check(SUITE, f"fractal dimension D_f, {d}-D (largest cluster at p_c vs L)", ex.D, df.alpha,
                  ci=df.alpha_ci, tolerance=0.02,
                  note=f"L = {', '.join(str(int(v)) for v in fr.arrays['df_L'])}, "
                       f"{fr.arrays['largest'].shape[0]} lattices each; 95 % interval +-{half:.3f}"),
        Row.at_most(SUITE, f"fractal dimension D_f, {d}-D: half-width of the 95 % interval", half, 0.1,
                    note="precision requirement (issue 15): an interval wider than +-0.1 could not "
                         "tell D_f from its neighbours"),
    ]


def rows_fisher(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """Fisher exponent and fractal dimension at p_c, 2-D then 3-D."""
    return [row for fr in cells["fisher"] for row in _fisher_rows(P, fr, ctx, rng)]


def rows_bethe(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """Bethe lattice: subcritical mean size, and the sampled size law of the toy's critical clusters."""
    from nsl.theory.fitting import fit_tail_exponent

    br = cells["bethe"][0]
    p, z = P.bethe_sub
    sub = br.arrays["sub"]
    se = sub.std(ddof=1) / np.sqrt(sub.size)
    crit = br.arrays["crit"]
    crit = crit[crit <= P.bethe_smax]
    lo, hi = P.bethe_fit_s
    tf = fit_tail_exponent(crit[crit <= hi], discrete=True, xmin=lo, xmax=hi)
    return [Row.check(SUITE, f"Bethe z={z}, p={p:g} mean cluster size (1+p)/(1-(z-1)p)", (1 + p) / (1 - (z - 1) * p),
                      float(sub.mean()), ci=(sub.mean() - 3 * se, sub.mean() + 3 * se), tolerance=0.0),
            Row.check(SUITE, f"toy cluster sizes (size-biased, z={2 * P.toy_d}, p_c): exponent tau-1", 1.5, tf.alpha,
                      ci=(tf.alpha - 2 * tf.sigma, tf.alpha + 2 * tf.sigma), tolerance=0.01,
                      note="sampled fraction above s ~ s^(2-tau) = s^(-1/2)")]


def rows_single(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """Single critical cluster: shrinkage 1-NN exponent c/D = 1/2."""
    sc = cells["single"][0]
    f1 = _fit(sc.arrays["n_train"], sc.arrays["mse"], rng, P.n_boot)
    return [Row.check(SUITE, f"single-cluster 1-NN MSE exponent c/D (s={sc.result['size']})", P.toy_c_over_D, f1.alpha,
                      ci=f1.alpha_ci, tolerance=0.08, note="reference measured 0.529 (accept 0.42-0.60)")]


def finite_sample_loss(kind: str, sizes: np.ndarray, dof: np.ndarray, alpha: float, c_over_D: float) -> np.ndarray:
    """Brill's per-cluster law summed over a finite set of clusters (arXiv 2412.07942 §4-5): cluster k
    (ranked by size, data fraction s_k/S) gets n_k degrees of freedom and contributes loss
    max(n_k, 1)^(-c/D) (1 where n_k = 0: the learner predicts 0 on a standardised target).  Model
    scaling: n_k from Eq. 26 (``dof_allocation``); data scaling: n_k = 𝒟 s_k / S."""
    from nsl.theory.percolation import dof_allocation

    s = np.sort(np.asarray(sizes, dtype=float))[::-1]
    w = s / s.sum()
    out = []
    for x in np.asarray(dof, dtype=float):
        n = dof_allocation(x, alpha, c_over_D, s.size) if kind == "model" else x * w
        out.append(np.sum(w * np.where(n > 0, np.maximum(n, 1.0) ** (-c_over_D), 1.0)))
    return np.array(out)


def level_ratio(measured: np.ndarray, predicted: np.ndarray, rng: np.random.Generator,
                n_boot: int) -> tuple[float, tuple[float, float]]:
    """Geometric mean of measured/predicted over a window and the seeds, with a 95 % interval from a
    bootstrap over seeds.  ``measured`` and ``predicted`` are (seeds, points)."""
    lr = np.mean(np.log(measured / predicted), axis=1)
    boot = np.array([lr[rng.integers(0, lr.size, lr.size)].mean() for _ in range(n_boot)])
    lci = (float(np.exp(np.quantile(boot, 0.025))), float(np.exp(np.quantile(boot, 0.975))))
    return float(np.exp(lr.mean())), lci


def smallest_failing_offset(ratio: float, ci: tuple[float, float], tol: float) -> float:
    """The smallest multiplicative offset f of the measured level that the level row fails on, either way.

    The interval is a bootstrap of a geometric mean, so an offset f moves the point and both ends by
    the factor f; a result centred on the prediction, with this interval relative to its point
    ``[lo/ratio, hi/ratio]``, fails for f (1 + f) lo/ratio > 1 + tol (up) or (1 - f) hi/ratio < 1 - tol (down).
    Returns max(f_up, f_down): every larger offset fails in both directions."""
    if not (np.isfinite(ratio) and ratio > 0 and np.all(np.isfinite(ci)) and ci[0] > 0):
        return float("nan")  # no finite level: the precision row fails
    rel_lo, rel_hi = ci[0] / ratio, ci[1] / ratio
    return max((1 + tol) / rel_lo - 1, 1 - (1 - tol) / rel_hi)


def level_rows(name: str, measured: np.ndarray, predicted: np.ndarray, window: tuple[float, float],
               rng: np.random.Generator, *, tol: float, n_boot: int, max_offset: float, note: str = "") -> list[Row]:
    """The toy's level row (measured / Brill's per-cluster law over the window: 1 within the interval +- tol)
    and its precision row (the smallest offset it fails on at most ``max_offset``)."""
    ratio, lci = level_ratio(measured, predicted, rng, n_boot)
    sens = smallest_failing_offset(ratio, lci, tol)
    lo, hi = window
    return [Row.check(SUITE, f"toy {name}-size level: measured / Brill per-cluster law over [{lo:g}, {hi:g}]",
                      1.0, ratio, ci=lci, tolerance=tol,
                      note=f"geometric mean over the window and {measured.shape[0]} seeds; fails on an offset above "
                           f"{100 * sens:.1f} %; " + note),
            Row.at_most(SUITE, f"toy {name}-size level: smallest offset it fails on (95 % interval + tolerance)", sens,
                        max_offset, note=f"precision requirement (issue 15): a {100 * max_offset:g} % offset of the "
                                         "measured level must fail the row above")]


def rows_toy(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """The toy regression's aggregate model- and data-size curves: exponent and level against Brill."""
    toys = cells["toy"]
    dof = toys[0].arrays["grid"]
    a, m = P.toy_alpha, P.toy_c_over_D
    lo, hi = P.toy_window
    win = (dof >= lo) & (dof <= hi)
    rows = []
    curves = {"model": (np.array([t.arrays["model_loss"] for t in toys]), brill_model_loss(dof, a, m)),
              "data": (np.array([t.arrays["data_loss"] for t in toys]), brill_data_loss(dof, a, m))}
    for name, (meas, th) in curves.items():
        fm = _fit(dof[win], meas[:, win], rng, P.n_boot)
        ft = _fit(dof[win], th[win], rng, P.n_boot)
        rows.append(Row.check(SUITE, f"toy {name}-size exponent over [{lo:g}, {hi:g}] vs Brill closed form", ft.alpha,
                              fm.alpha, ci=fm.alpha_ci, tolerance=0.1,
                              note=f"{len(toys)} seeds, s_max={P.toy_smax:g}; asymptote {m:g}"))
        # level: per seed, the mean over the window of ln(measured / prediction), where the prediction is
        # Brill's per-cluster law max(n_k, 1)^(-c/D) summed over that seed's own clusters (the closed
        # form assumes infinitely many); interval by a bootstrap over seeds
        pred = np.array([finite_sample_loss(name, t.arrays["sizes"], dof, a, m) for t in toys])
        mid = int(win.sum()) // 2
        closed = float(th[win][mid] / np.median(pred[:, win], axis=0)[mid])
        rows += level_rows(name, meas[:, win], pred[:, win], P.toy_window, rng, tol=P.level_tol,
                           n_boot=P.level_boot, max_offset=P.level_max_offset,
                           note=f"test fraction p_valid = {P.toy_pvalid:g}; closed form / this prediction at "
                                f"the window's centre: {closed:.3f}")
    sizes_all = np.concatenate([t.arrays["sizes"] for t in toys])
    sf_all = np.concatenate([t.arrays["sf"] for t in toys])
    ctx.save_artifact("toy_curves", {"grid": dof, "model_loss": curves["model"][0], "data_loss": curves["data"][0],
                                     "theory_model": curves["model"][1], "theory_data": curves["data"][1],
                                     "sizes": sizes_all, "sf": sf_all},
                      {"seeds": len(toys), "s_max": P.toy_smax, "alpha": a, "c_over_D": m})
    ctx.note(f"toy: {len(toys)} seeds, {np.mean([t.result['n_clusters'] for t in toys]):.0f} clusters/seed, "
             f"{np.mean([t.result['n_sites'] for t in toys]):.3g} sites/seed; DOF calibration sf mean "
             f"{sf_all.mean():.2f}, size-weighted {np.average(sf_all, weights=sizes_all):.2f} "
             f"(author's seed 0: 5.52 and 9.29)")
    if ctx.preset != "full":
        ctx.note(f"quick preset: s_max = {P.toy_smax:.0e} ({n_clusters_kept(2.5, P.toy_smin, P.toy_smax)} clusters/seed) "
                 f"instead of 3e7 ({n_clusters_kept(2.5, P.toy_smin, 3e7)}); the comparison window is limited to "
                 f"N <= {hi:g} because k_br(N) exceeds the available clusters beyond N ~ 200")
    return rows


def _regime_fit(P: Preset, rr: Run, rng):
    """(label, target exponent, fit, note) of one lattice regime run."""
    d, p = rr.config["d"], rr.config["p"]
    f = _fit(rr.arrays["fraction"], rr.arrays["msd"], rng, P.n_boot)
    ex = critical_exponents(d)
    if abs(p - hypercubic_threshold(d)) < 1e-6:
        pred = brill_exponents(ex.tau, P.reg_c, ex.D)
        label = f"{d}-D at p_c: c/D_f = {P.reg_c:g}/{ex.D:.3f}"
        note = (f"tau={ex.tau:.4f} -> alpha={pred.alpha:.2f}; predicted alpha_N={pred.alpha_N:.3f} "
                f"({pred.regime_N}), alpha_D={pred.alpha_D:.3f} ({pred.regime_D})")
        target = P.reg_c / ex.D
    else:
        sup = brill_supercritical_exponents(P.reg_c, d)
        label = f"{d}-D supercritical p={p}: c/d = {P.reg_c:g}/{d}"
        note = "dominant d-dimensional manifold (Sharma-Kaplan regime)"
        target = sup.alpha_N
    f1 = _fit(rr.arrays["fraction"], rr.arrays["mse"], rng, P.n_boot)
    lo, hi = rr.config["fractions"]
    note += (f"; loss = MSE averaged over random linear targets (mean squared 1-NN distance), n_train/s in "
             f"[{lo:g}, {hi:g}], {rr.arrays['msd'].shape[0]} clusters; one random "
             f"cosine target gives {f1.alpha:.3f} ({f1.alpha_ci[0]:.3f}-{f1.alpha_ci[1]:.3f})")
    return label, target, f, note


def rows_regime(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """The regime switch on lattices: 1-NN exponent at p_c (c/D_f) and above (c/d), and the shift between."""
    rows, tab = [], {}
    for rr in cells["regime"]:
        label, target, f, note = _regime_fit(P, rr, rng)
        rows.append(Row.check(SUITE, f"single-cluster 1-NN exponent, {label}", target, f.alpha, ci=f.alpha_ci,
                              tolerance=0.05, note=note))
        d = rr.config["d"]
        tab[(d, abs(rr.config["p"] - hypercubic_threshold(d)) < 1e-6)] = (target, f)
    for d in (2, 3):
        if (d, True) in tab and (d, False) in tab:
            rows += _shift_rows(d, *tab[(d, True)], *tab[(d, False)])
    return rows


def _shift_rows(d: int, t_c: float, f_c, t_s: float, f_s) -> list[Row]:
    """The exponent shift p_c -> supercritical: difference of the fits, interval from their bootstraps, and
    the requirement that a zero shift fails (interval half-width + tolerance below the predicted shift)."""
    k = min(f_c.alpha_boot.size, f_s.alpha_boot.size)
    diff_boot = f_c.alpha_boot[:k] - f_s.alpha_boot[:k]  # independent lattices: paired draws
    dci = (float(np.quantile(diff_boot, 0.025)), float(np.quantile(diff_boot, 0.975)))
    shift, tol = t_c - t_s, 0.01
    reach = (dci[1] - dci[0]) / 2 + tol
    return [Row.check(SUITE, f"{d}-D exponent shift p_c -> supercritical (2/D_f - 2/d)", shift,
                      f_c.alpha - f_s.alpha, ci=dci, tolerance=tol,
                      note=(f"difference of the two fitted exponents, 95 % interval from their "
                            f"bootstraps; tolerance {tol:g} < predicted shift {shift:.3f}; "
                            f"the interval {'excludes' if dci[0] > 0 or dci[1] < 0 else 'contains'} 0")),
            Row.at_most(SUITE, f"{d}-D exponent shift: interval half-width + tolerance (a zero shift fails below "
                               "the predicted shift)", reach, shift,
                        note="precision requirement (issue 15): the same interval around a zero shift must not "
                             "reach the predicted shift")]


def rows_mlp(P: Preset, cells: Cells, ctx, rng) -> list[Row]:
    """The second learner: ReLU MLP (c = 4) vs 1-NN (c = 2) on a branching-random-walk embedding."""
    ml = cells["mlp"][0]
    dim = ml.config["dim"]
    fk = _fit(ml.arrays["n_train"], ml.arrays["knn"], rng, P.n_boot)
    fm = _fit(ml.arrays["n_train"], ml.arrays["mlp"], rng, P.n_boot)
    if ctx.preset != "full":
        ctx.note("MLP (c = 4) exponent depends on the optimisation: during development, 800 steps at lr 3e-3 gave 0.70 "
                 "(0.58-0.84) on the same cluster, and past n ~ 5e3 the width-32 net hits an error floor ~1e-3; quick "
                 f"uses n <= {P.mlp_nmax}")
    c_knn, c_mlp, D = P.reg_c, P.mlp_c, P.brw_D
    reach = (fm.alpha_ci[1] - fm.alpha_ci[0]) / 2 + P.mlp_tol
    return [Row.check(SUITE, f"BRW embedding, Euclidean 1-NN exponent c/D = {c_knn:g}/{D:g}", c_knn / D, fk.alpha,
                      ci=fk.alpha_ci, tolerance=0.15,
                      note=f"cluster size {ml.result['size']}, smooth target, embedding dim {dim}"),
            Row.check(SUITE, f"BRW embedding, ReLU MLP exponent c/D = {c_mlp:g}/{D:g}", c_mlp / D, fm.alpha,
                      ci=fm.alpha_ci, tolerance=P.mlp_tol,
                      note=f"piecewise-linear learner (c = {c_mlp:g}); width {ml.config['width']}, "
                           f"{ml.config['steps']} full-batch Adam steps, n_train <= {ml.config['n_max']}"),
            Row.at_most(SUITE, f"BRW embedding, ReLU MLP exponent: interval half-width + tolerance (c/D = "
                               f"{c_knn:g}/{D:g} fails below {c_mlp:g}/{D:g} - {c_knn:g}/{D:g})", reach,
                        (c_mlp - c_knn) / D,
                        note=f"precision requirement (issue 15): the row above must tell the MLP's c = {c_mlp:g} "
                             f"from the 1-NN's c = {c_knn:g}")]


CHECKS: tuple[Callable[[Preset, Cells, object, np.random.Generator], list[Row]], ...] = (
    rows_brill_exact, rows_lattice_numbers, rows_fisher, rows_bethe, rows_single, rows_toy, rows_regime, rows_mlp)


@suite(SUITE, budget_s={"quick": 180.0})
def run(ctx) -> list[Row]:
    """Percolation: cluster statistics, Newman-Ziff, Bethe lattice, Brill's scaling laws and the toy regression."""
    P = PRESETS[ctx.preset]
    groups = grid(P, ctx.device)
    runs = ctx.sweep(run_config, [c for g in groups.values() for c in g], desc=SUITE)
    cells: Cells = {}
    for r in runs:
        cells.setdefault(r.config["kind"], []).append(r)
    rng = np.random.default_rng(20241210)  # every check's bootstrap, drawn in CHECKS order
    rows: list[Row] = []
    for check in CHECKS:
        rows += check(P, cells, ctx, rng)
    ctx.save_artifact("phase", {"tau": np.linspace(2.02, 2.98, 97), "c_over_D": np.geomspace(0.05, 5, 100)},
                      {"note": "grid for the alpha_N / alpha_D phase picture"})
    return rows
