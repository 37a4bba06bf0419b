"""Suite ``real-data``: `nsl predict spectrum` on data nobody tuned to (scikit-learn's bundled digits).

Data: ``sklearn.datasets.load_digits`` (1797 images of 8 x 8 pixels, bundled with scikit-learn: no
download), standardised per pixel (the 3 constant pixels dropped), one-hot labels centred by the
pool's mean.  Kernel: the infinite-width ReLU NTK of depth 2 (:func:`nsl.theory.kernels.fc_kernels`,
σ_w² = 2, σ_b² = 0).

Strictly held out: each split draws a pool of n = 1297 digits and 500 unseen test digits.  The
prediction (:func:`nsl.predictions.predict_spectrum`) sees only the pool: its Gram spectrum,
α_K, the target power of the pool's labels and a; the measurement trains ridgeless kernel
regression on D digits of the pool (nested random subsets) and scores the 500 unseen digits.

Rows (each can fail):

1. predicted α_D = min(a − 1, 2b) against the measured exponent of the test error over
   D = 25..1000: the intervals must overlap.  The predicted interval pools the bootstrap replicates
   of every split's fits (fit uncertainty and pool-to-pool sampling); the measured one is the case
   bootstrap over splits of :func:`nsl.theory.fitting.fit_power_law`.
2. the predicted learning curve (spectral theory on the pool's spectrum and target power, times
   n/(n − D)) within 15 % of the measured mean test error for every D <= n/2.

Information (notes, outside the pass count): the eigenvalues-only rule α_D = α_K beside the
measurement, the ratio beyond n/2, and the uncorrected pool-as-population curve.

Reference numbers from issue 12 (40 splits, D = 25-1000): measured exponent 0.52 [0.518, 0.529].
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nsl.registry import suite
from nsl.rows import Row

SUITE = "real-data"


@dataclass(frozen=True)
class Preset:
    """Sizes of the suite (the only place they live)."""

    n_splits: int  # pool/test splits
    draws: int  # nested training draws per split
    n_boot: int  # bootstrap resamples of every fit
    n_pool: int = 1297  # digits the prediction sees; the other 500 are the unseen test set
    depth: int = 2  # ReLU NTK depth
    D_grid: tuple[int, ...] = (25, 50, 100, 200, 400, 648, 800, 1000)  # 648 = n/2
    tol: float = 0.15  # curve: predicted/measured within 1 +- tol for D <= n/2


PRESETS: dict[str, Preset] = {
    "quick": Preset(n_splits=6, draws=2, n_boot=200),
    "medium": Preset(n_splits=20, draws=3, n_boot=500),
    "full": Preset(n_splits=40, draws=5, n_boot=1000),
}
# kept for callers of the old module constants
N_POOL = PRESETS["quick"].n_pool
D_GRID = list(PRESETS["quick"].D_grid)
TOL = PRESETS["quick"].tol


def load_digits_data() -> tuple[np.ndarray, np.ndarray]:
    """(pixels 1797 x 64, labels 1797) of scikit-learn's bundled digits.

    Read straight from ``sklearn/datasets/data/digits.csv.gz`` (what ``load_digits`` reads), which
    spares each worker the seconds of importing scikit-learn; falls back to ``load_digits``.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ValueError("the real-data suite needs scikit-learn (pip install scikit-learn): its bundled digits")
    f = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if f.is_file():
        a = np.loadtxt(f, delimiter=",")
        return a[:, :-1], a[:, -1].astype(int)
    from sklearn.datasets import load_digits  # pragma: no cover - a layout without the csv

    X, lab = load_digits(return_X_y=True)  # pragma: no cover
    return np.asarray(X, float), np.asarray(lab, int)  # pragma: no cover


def load_standardised_digits() -> tuple[np.ndarray, np.ndarray]:
    """(X, Y): standardised digits (1797 x 61, constant pixels dropped) and one-hot labels (1797 x 10)."""
    X, lab = load_digits_data()
    sd = X.std(0)
    keep = sd > 0
    X = (X[:, keep] - X[:, keep].mean(0)) / sd[keep]
    return X, np.eye(10)[lab]


@functools.lru_cache(maxsize=2)
def digits_ntk(depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, Y): the ReLU NTK Gram matrix of all standardised digits and the one-hot labels (cached per process)."""
    from nsl.theory.kernels import fc_kernels

    X, Y = load_standardised_digits()
    K = fc_kernels(X, depth=depth, activation="relu", sigma_w2=2.0, sigma_b2=0.0).ntk
    K.setflags(write=False)
    return K, Y


def run_cell(cfg: dict):
    """One pool/test split: the prediction from the pool, the measured test error on unseen digits."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one BLAS thread per worker: the pool already fills the cores
        return _cell(cfg)


def _cell(cfg: dict):
    from nsl.predictions.regimes import predict_spectrum

    K, Y = digits_ntk(cfg["depth"])
    rng = np.random.default_rng(cfg["seed"])
    perm = rng.permutation(K.shape[0])
    n = cfg["n_pool"]
    pool, test = perm[:n], perm[n:]
    D = np.asarray(cfg["D"], float)
    ym = Y[pool].mean(0)
    p = predict_spectrum(gram=K[np.ix_(pool, pool)], targets=Y[pool], D=D, n_boot=cfg["n_boot"], seed=cfg["seed"])
    pred = np.array([np.nan if e is None else e for e in p.learning_curve["error"]], float)
    pop = pred * (n - D) / n  # the same spectrum read as the population (no n/(n-D) factor)
    meas = np.empty((cfg["draws"], D.size))
    yt = Y[test] - ym
    for r in range(cfg["draws"]):
        order = rng.permutation(pool)
        for j, d in enumerate(D.astype(int)):
            tr = order[:d]
            coef = np.linalg.solve(K[np.ix_(tr, tr)], Y[tr] - ym)
            meas[r, j] = np.mean(np.sum((K[np.ix_(test, tr)] @ coef - yt) ** 2, axis=1))
    arrays = {"D": D, "measured": meas, "predicted": pred, "pool_as_population": pop,
              "alpha_D_replicates": np.asarray(p.alpha_D_replicates, float)}
    meta = {k: p.to_dict()[k] for k in ("alpha_K", "alpha_K_ci", "fit_window", "target_exponent", "target_exponent_ci",
                                        "alpha_D", "alpha_D_ci", "learning_curve_trusted_D_max")}
    return arrays, meta


def grid(P: Preset) -> list[dict]:
    """One config per pool/test split."""
    return [{"kind": "digits", "seed": 100 + s, "n_pool": P.n_pool, "depth": P.depth, "D": list(P.D_grid),
             "draws": P.draws, "n_boot": P.n_boot} for s in range(P.n_splits)]


def rows(P: Preset, runs: list, ctx) -> list[Row]:
    """The exponent row, one curve row per D <= n/2, the notes and the figure's record."""
    from nsl.theory.fitting import fit_power_law

    D = np.asarray(P.D_grid, float)
    meas = np.array([r.arrays["measured"].mean(0) for r in runs])  # (splits, D)
    pred = np.array([r.arrays["predicted"] for r in runs])
    pop = np.array([r.arrays["pool_as_population"] for r in runs])
    reps = np.concatenate([r.arrays["alpha_D_replicates"] for r in runs])
    fm = fit_power_law(D, meas, offset=False, n_boot=P.n_boot, rng=0)
    a_pt = float(np.median([r.result["alpha_D"] for r in runs]))
    lo_p, hi_p = (float(x) for x in np.quantile(reps[np.isfinite(reps)], [0.025, 0.975]))
    lo_m, hi_m = fm.alpha_ci
    out = [Row(SUITE, "digits alpha_D: predicted min(a-1, 2b) vs measured KRR test-error exponent (D=25-1000)",
               a_pt, fm.alpha, lo_m, hi_m, None, bool(lo_p <= hi_m and lo_m <= hi_p),
               f"intervals overlap: predicted [{lo_p:.3g}, {hi_p:.3g}]",
               f"{P.n_splits} pool/test splits; predicted = median over splits, interval from all splits' bootstrap "
               f"replicates; measured over {P.draws} training draws per split")]
    m_mean, p_mean = meas.mean(0), pred.mean(0)
    ratio = p_mean / m_mean
    half = P.n_pool / 2
    for d, rt in zip(D, ratio):
        if d <= half:
            out.append(Row.in_range(SUITE, f"digits E(D={d:g}): predicted / measured (held out, n={P.n_pool})", rt,
                                    1 - P.tol, 1 + P.tol))
    aK = np.array([r.result["alpha_K"] for r in runs])
    aK_lo = np.median([r.result["alpha_K_ci"][0] for r in runs])
    aK_hi = np.median([r.result["alpha_K_ci"][1] for r in runs])
    ctx.note(f"real-data digits: measured alpha_D = {fm.alpha:.3f} [{lo_m:.3f}, {hi_m:.3f}] (D = 25-1000); "
             f"predicted with targets min(a-1, 2b) = {a_pt:.3f} [{lo_p:.3f}, {hi_p:.3f}]; eigenvalues-only rule "
             f"alpha_D = alpha_K = {np.median(aK):.3f} (median per-split interval [{aK_lo:.3f}, {aK_hi:.3f}]): "
             f"{'agrees' if aK_lo <= hi_m and lo_m <= aK_hi else 'does not agree'} with the measurement (information).")
    beyond = [f"D={d:g}: {rt:.3f}" for d, rt in zip(D, ratio) if d > half]
    pr = pop.mean(0) / m_mean
    ctx.note("real-data digits: predicted/measured beyond n/2 (flagged as untrusted by the prediction) "
             + ", ".join(beyond) + "; the uncorrected pool-as-population curve gives "
             + ", ".join(f"D={d:g}: {x:.3f}" for d, x in zip(D, pr)) + " (information).")
    ctx.save_artifact("digits", {"D": D, "measured": m_mean, "measured_splits": meas, "predicted": p_mean,
                                 "pool_as_population": pop.mean(0)},
                      {"alpha_D_measured": fm.alpha, "alpha_D_measured_ci": list(fm.alpha_ci),
                       "alpha_D_predicted": a_pt, "alpha_D_predicted_ci": [lo_p, hi_p],
                       "alpha_K": float(np.median(aK)), "alpha_K_ci": [float(aK_lo), float(aK_hi)],
                       "n_pool": P.n_pool, "n_splits": P.n_splits, "fit_window": runs[0].result["fit_window"]})
    return out


@suite(SUITE, description="nsl predict spectrum on held-out digits (scikit-learn): alpha_D and the learning curve",
       budget_s={"quick": 60.0, "medium": 300.0, "full": 600.0})
def run(ctx) -> list[Row]:
    """Preset -> grid -> one sweep of splits -> rows."""
    P = PRESETS[ctx.preset]
    return rows(P, ctx.sweep(run_cell, grid(P), desc=SUITE), ctx)
