"""Suite ``fitting``: parameter recovery and interval coverage of :mod:`nsl.theory.fitting`.

Targets (issue "The spine", item 6):

- noise-free L = 10·x^(−1.5), 10 points on 10²..10⁵: α recovered to 1e−6, with and without offset;
- E = 1e−4, B = 5, α = 1.3, multiplicative log-normal noise σ = 0.05, 5 seeds × 10 points:
  the 95 % bootstrap interval covers α in 90–98 % of replicates (200 in ``full``; in
  ``quick`` fewer, so the row passes when the Wilson interval of the observed coverage meets
  90–98 %), and the median |α̂ − α| < 0.05;
- 10⁴ continuous power-law samples (α = 2.5, x_min = 1): α̂ within 3σ of 2.5 and equal to
  ``powerlaw.Fit(data, xmin=1)`` to 1e−6; the exact discrete likelihood on discrete samples,
  and the bias of the x_min − ½ shortcut it replaces;
- a broken power law and a fit window recovered on synthetic curves;
- one-curve coverage (studentized residual bootstrap) on three laws, passing when the Wilson
  interval of the observed coverage meets [0.93, 0.97];
- scale invariance (x -> 1e15 x, y -> 1e8 y) and flat / rising input flagged;
- the joint law L(N, D) at Besiroglu et al.'s published parameters (arXiv 2404.10102), and on
  their 240 runs when ``$NSL_CHINCHILLA_CSV`` points at their CSV (not shipped: no licence):
  their L-BFGS-B optimum to 3 significant digits and their bootstrap percentiles within
  Monte-Carlo error;
- CSN 2009 Table 6.1 (x_min, alpha) on words, cities and blackouts as shipped by ``powerlaw``,
  with the likelihood-ratio tests as information;
- broken power law: the final exponent in its bootstrap interval, breaks chosen by held-out
  extrapolation.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nsl.registry import suite
from nsl.rows import Row
from nsl.theory import fitting as F

NAME = "fitting"
TRUE = {"E": 1e-4, "B": 5.0, "alpha": 1.3, "sigma": 0.05, "seeds": 5, "points": 10}
@dataclass(frozen=True)
class Preset:
    """Sizes of the suite (the only place they live)."""

    replicates: int  # many-seed coverage replicates
    n_boot: int  # bootstrap resamples of each of them
    chunk: int  # replicates per sweep cell
    single_replicates: int  # one-curve coverage replicates per law
    single_boot: int
    joint_boot: int  # bootstrap resamples of the joint L(N, D) fit
    max_breaks: int  # largest number of breaks tried by select_n_breaks
    tail_boot: int  # CSN bootstrap of sigma (0: asymptotic only)
    # the synthetic laws: the same in every preset
    clean: tuple[float, float] = (10.0, 1.5)  # noise-free L = B x^-alpha: (B, alpha) on X
    coverage_seed: int = 20241
    tail_alpha: float = 2.5  # continuous and discrete tail samples with x_min = 1
    tail_samples: int = 10_000
    ks_xmin: float = 10.0  # power-law tail above, uniform body below: x_min chosen by KS
    ks_samples: int = 3000  # of the tail and of the body each
    broken: F.BrokenPowerLawFit = F.BrokenPowerLawFit(a=0.01, b=2.0, c0=0.3, c=(0.9,), d=(1e3,), f=(0.5,), rmsle=0.0,
                                                      n_breaks=1)  # Caballero et al.'s form, one break
    broken_x: tuple[float, float, int] = (1.0, 1e6, 30)  # geomspace of the broken power law's x
    broken_noise: float = 0.02  # multiplicative noise of the broken-law interval rows
    window_law: tuple[float, float, float] = (5.0, 1.3, 1e3)  # B x^-alpha (1 + (x_b/x)^2)^-1/2: (B, alpha, x_b)
    single_seed: int = 7331


PRESETS: dict[str, Preset] = {
    "quick": Preset(replicates=100, n_boot=300, chunk=10, single_replicates=100, single_boot=400, joint_boot=400,
                    max_breaks=1, tail_boot=0),
    "full": Preset(replicates=200, n_boot=1000, chunk=10, single_replicates=400, single_boot=1000, joint_boot=4000,
                   max_breaks=2, tail_boot=100),
}
# medium: this suite's quick sizes already give the statistics its rows need (medium exists for deep regression)
PRESETS["medium"] = PRESETS["quick"]
X = np.geomspace(1e2, 1e5, 10)


def noisy_curve(rng: np.random.Generator, x: np.ndarray = X) -> np.ndarray:
    """One replicate: ``seeds`` × points of (E + B x^−α)·exp(σ ξ)."""
    clean = TRUE["E"] + TRUE["B"] * x ** (-TRUE["alpha"])
    return clean * np.exp(TRUE["sigma"] * rng.standard_normal((int(TRUE["seeds"]), x.size)))


#: one-curve laws (a single seed, residual bootstrap): the issue's case, a pure power law
#: fitted with a free offset, and an offset law over three decades
SINGLE = {"chinchilla-like": {"E": 1.7, "B": 400.0, "alpha": 0.35, "x": (1e7, 1e9, 6), "sigma": 0.03},
          "pure, free offset": {"E": 0.0, "B": 5.0, "alpha": 1.0, "x": (10.0, 1e4, 8), "sigma": 0.05},
          "offset, 3 decades": {"E": 0.05, "B": 2.0, "alpha": 0.7, "x": (1.0, 1e3, 8), "sigma": 0.02}}


def single_curve(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """One noisy curve of law ``name`` in :data:`SINGLE`: x, y = (E + B x^−α)·exp(σ ξ), true α."""
    law: dict = SINGLE[name]
    lo, hi, n = law["x"]
    x = np.geomspace(lo, hi, int(n))
    a = float(law["alpha"])
    y = (law["E"] + law["B"] * x ** -a) * np.exp(law["sigma"] * rng.standard_normal(x.size))
    return x, y, a


def single_coverage_chunk(config: dict) -> tuple[dict, dict]:
    """Fit ``config['count']`` one-curve replicates of law ``config['law']`` (seeded by index)."""
    lo, hi, a = [], [], []
    for i in range(config["start"], config["start"] + config["count"]):
        rng = np.random.default_rng([config["seed"], i])
        x, y, _ = single_curve(config["law"], rng)
        fit = F.fit_power_law(x, y, n_boot=config["n_boot"], rng=rng)
        a.append(fit.alpha)
        lo.append(fit.alpha_ci[0])
        hi.append(fit.alpha_ci[1])
    return {"alpha": np.array(a), "lo": np.array(lo), "hi": np.array(hi)}, {"count": config["count"]}


def coverage_chunk(config: dict) -> tuple[dict, dict]:
    """Fit ``config['count']`` replicates starting at ``config['start']`` (seeded by index)."""
    a, lo, hi = [], [], []
    for i in range(config["start"], config["start"] + config["count"]):
        rng = np.random.default_rng([config["seed"], i])
        fit = F.fit_power_law(X, noisy_curve(rng), n_boot=config["n_boot"], rng=rng)
        a.append(fit.alpha)
        lo.append(fit.alpha_ci[0])
        hi.append(fit.alpha_ci[1])
    return {"alpha": np.array(a), "lo": np.array(lo), "hi": np.array(hi)}, {"count": config["count"]}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k/n."""
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


def _sci(x: float) -> str:
    """1e4 for 10000 (a power of ten in a row's name)."""
    return f"{x:.0e}".replace("e+0", "e").replace("e+", "e")


def rows_recovery(ctx, P: Preset) -> list[Row]:
    """1. noise-free recovery of L = B x^-alpha, with and without offset."""
    B, alpha = P.clean
    y0 = B * X ** -alpha
    rows: list[Row] = []
    fits = {}
    for off in (True, False):
        fit = F.fit_power_law(X, y0, offset=off, n_boot=0)
        fits[off] = fit
        rows.append(Row.check(NAME, f"noise-free alpha (offset={off})", alpha, fit.alpha, tolerance=1e-6))
        rows.append(Row.check(NAME, f"noise-free amplitude (offset={off})", B, fit.amplitude, tolerance=1e-6,
                              relative=True))
        rows.append(Row.at_least(NAME, f"gradient check passed at the optimum (offset={off})", float(fit.converged), 1.0))
    ex = noisy_curve(np.random.default_rng([P.coverage_seed, 10**6]))
    exfit = F.fit_power_law(X, ex, n_boot=P.n_boot, rng=1)
    ctx.save_artifact("recovery", {"x": X, "y_clean": y0, "y_noisy": ex},
                      {"fit_offset": fits[True].to_dict(), "fit_no_offset": fits[False].to_dict(),
                       "fit_noisy": exfit.to_dict(), "true": TRUE, "clean_amplitude": B, "clean_alpha": alpha})
    return rows


def rows_coverage(ctx, P: Preset) -> list[Row]:
    """2. coverage of the 95 % interval over replicates, through the sweep runner (resumable)."""
    grid = [{"kind": "fitting-coverage", "seed": P.coverage_seed, "start": s, "count": P.chunk, "n_boot": P.n_boot,
             **TRUE} for s in range(0, P.replicates, P.chunk)]
    runs = ctx.sweep(coverage_chunk, grid, desc="fitting coverage")
    a, lo, hi = (np.concatenate([r.arrays[k] for r in runs]) for k in ("alpha", "lo", "hi"))
    covered = (lo <= TRUE["alpha"]) & (TRUE["alpha"] <= hi)
    k, n = int(covered.sum()), int(covered.size)
    cov, wl = k / n, wilson(k, n)
    if ctx.preset != "full":
        row = Row.check(NAME, f"95% interval coverage of alpha ({n} replicates)", 0.94, cov, tolerance=0.04, ci=wl,
                        note="quick: passes if the Wilson interval of the coverage meets [0.90, 0.98]")
    else:
        row = Row.in_range(NAME, f"95% interval coverage of alpha ({n} replicates)", cov, 0.90, 0.98, ci=wl)
    ctx.save_artifact("coverage", {"alpha": a, "lo": lo, "hi": hi},
                      {"true_alpha": TRUE["alpha"], "coverage": cov, "wilson": wl, "n_boot": P.n_boot})
    return [row, Row.at_most(NAME, "median |alpha_hat - alpha|", float(np.median(np.abs(a - TRUE["alpha"]))), 0.05)]


def rows_tails(ctx, P: Preset) -> list[Row]:
    """3. tail exponents: continuous (vs powerlaw.Fit), the exact discrete likelihood, x_min by KS."""
    rng = np.random.default_rng(7)
    ta = P.tail_alpha
    s = (1.0 - rng.random(P.tail_samples)) ** (-1.0 / (ta - 1))  # continuous, x_min = 1
    tf = F.fit_tail_exponent(s, discrete=False, xmin=1.0)
    rows = [Row.check(NAME, f"continuous tail alpha ({_sci(P.tail_samples)} samples)", ta, tf.alpha,
                      tolerance=0.0, ci=(tf.alpha - 3 * tf.sigma, tf.alpha + 3 * tf.sigma), note="interval = 3 sigma")]
    try:
        import powerlaw  # cross-check only (test extra)

        pf = powerlaw.Fit(s, xmin=1.0, verbose=False)
        rows.append(Row.check(NAME, "continuous tail alpha vs powerlaw.Fit", float(pf.power_law.alpha), tf.alpha,
                              tolerance=1e-6))
    except ImportError:
        ctx.note("powerlaw is not installed: the cross-check against powerlaw.Fit was skipped "
                 "(pip install powerlaw: a dependency of nsl)")
    sd = F.sample_power_law(P.tail_samples, ta, rng=np.random.default_rng(8))
    td = F.fit_tail_exponent(sd, discrete=True, xmin=1)
    rows.append(Row.check(NAME, "discrete tail alpha, exact zeta likelihood (x_min = 1)", ta, td.alpha, tolerance=0.0,
                          ci=(td.alpha - 3 * td.sigma, td.alpha + 3 * td.sigma), note="interval = 3 sigma"))
    approx = 1.0 + sd.size / np.sum(np.log(sd / 0.5))
    rows.append(Row.at_least(NAME, "x_min - 1/2 shortcut bias at x_min = 1 (in sigma units)",
                             abs(approx - ta) / td.sigma, 3.0,
                             note=f"shortcut gives {approx:.3f}: biased, hence the exact likelihood"))
    # x_min chosen by KS: uniform body below ks_xmin, power-law tail above
    tail = P.ks_xmin * (1.0 - rng.random(P.ks_samples)) ** (-1.0 / (ta - 1))
    body = 1.0 + (P.ks_xmin - 1.0) * rng.random(P.ks_samples)
    ts = F.fit_tail_exponent(np.concatenate([body, tail]), discrete=False)
    rows.append(Row.check(NAME, f"x_min chosen by KS (true {P.ks_xmin:g})", P.ks_xmin, ts.xmin, tolerance=1.0))
    rows.append(Row.check(NAME, "tail alpha with KS-chosen x_min", ta, ts.alpha, tolerance=0.0,
                          ci=(ts.alpha - 3 * ts.sigma, ts.alpha + 3 * ts.sigma), note="interval = 3 sigma"))
    return rows


def rows_broken_and_window(ctx, P: Preset) -> list[Row]:
    """4-5. a noise-free broken power law refitted, and a fit window found on a curve bent below x_b."""
    xb = np.geomspace(P.broken_x[0], P.broken_x[1], int(P.broken_x[2]))
    bf = F.fit_broken_power_law(xb, P.broken.predict(xb), n_breaks=1)
    B, alpha, x_b = P.window_law
    xw = np.geomspace(10, 1e6, 16)
    yw = B * xw ** -alpha * (1 + (x_b / xw) ** 2) ** -0.5
    lo_i, hi_i = F.select_fit_window(xw, yw)
    wf = F.fit_power_law(xw[lo_i:hi_i], yw[lo_i:hi_i], offset=False, n_boot=0)
    return [Row.at_most(NAME, "broken power law: RMS log error of the refit", bf.rmsle, 1e-3),
            Row.check(NAME, "broken power law: break location d1", P.broken.d[0], bf.d[0], tolerance=0.05,
                      relative=True),
            Row.check(NAME, f"alpha on the selected window (head bends below {_sci(x_b)})", alpha,
                      wf.alpha, tolerance=0.02, note=f"window starts at x = {xw[lo_i]:.3g}")]


def rows_single_curve(ctx, P: Preset) -> list[Row]:
    """One-curve coverage (studentized residual bootstrap) on three laws, with Wilson intervals."""
    rows: list[Row] = []
    arrays: dict[str, list] = {"lo": [], "hi": []}  # (law, replicate)
    meta: dict = {"laws": list(SINGLE), "true_alpha": [], "coverage": [], "wilson": [], "n_boot": P.single_boot}
    for law in SINGLE:
        grid = [{"kind": "fitting-single-coverage", "law": law, **SINGLE[law], "seed": P.single_seed, "start": s,
                 "count": P.chunk, "n_boot": P.single_boot} for s in range(0, P.single_replicates, P.chunk)]
        runs = ctx.sweep(single_coverage_chunk, grid, desc=f"one-curve coverage ({law})")
        lo = np.concatenate([r.arrays["lo"] for r in runs])
        hi = np.concatenate([r.arrays["hi"] for r in runs])
        true = SINGLE[law]["alpha"]
        k = int(np.sum((lo <= true) & (true <= hi)))
        n = int(lo.size)
        rows.append(Row.check(NAME, f"one-curve 95% interval coverage of alpha, {law} ({n} replicates)", 0.95, k / n,
                              tolerance=0.02, ci=wilson(k, n),
                              note="passes if the Wilson interval of the coverage meets [0.93, 0.97]; "
                                   f"median width {np.median(hi - lo):.3g}"))
        arrays["lo"].append(lo)
        arrays["hi"].append(hi)
        meta["true_alpha"].append(true)
        meta["coverage"].append(k / n)
        meta["wilson"].append(list(wilson(k, n)))
    ctx.save_artifact("single-coverage", {k: np.array(v) for k, v in arrays.items()}, meta)
    return rows


def rows_robustness(ctx, P: Preset) -> list[Row]:
    """Scale invariance and degenerate input (issue: never confident nonsense)."""
    rows: list[Row] = []
    x = np.geomspace(1e3, 1e6, 10)
    y = (1.7 + 300 * x ** -0.6) * np.exp(0.01 * np.random.default_rng(4).standard_normal(10))
    ref = F.fit_power_law(x, y, n_boot=200, rng=1)
    for label, xx, yy in (("x -> 1e15 x", x * 1e15, y), ("y -> 1e8 y", x, y * 1e8)):
        f = F.fit_power_law(xx, yy, n_boot=200, rng=1)
        rows.append(Row.check(NAME, f"scale invariance: alpha after {label}", ref.alpha, f.alpha, tolerance=1e-6))
        rows.append(Row.check(NAME, f"scale invariance: interval upper end after {label}", ref.alpha_ci[1],
                              f.alpha_ci[1], tolerance=1e-5))
    for label, yy in (("flat", np.full(10, 2.0)), ("rising", x ** 0.3)):
        f = F.fit_power_law(x, yy, n_boot=100, rng=0)
        flagged = (not f.converged) and f.alpha_ci == (0.0, math.inf) and bool(f.message)
        rows.append(Row.at_least(NAME, f"{label} input flagged (converged=False, interval (0, inf))", float(flagged),
                                 1.0, note=f.message))
    return rows


def rows_joint(ctx, P: Preset) -> list[Row]:
    """Besiroglu et al.'s replication: their data when available, else their published law."""
    from nsl.theory.fitting_joint import fit_joint_power_law
    from nsl.validation import fitting_chinchilla as ch

    rows: list[Row] = []
    d = ch.synthetic_runs(3)
    f = fit_joint_power_law(d["N"], d["D"], d["loss"], n_boot=P.joint_boot, rng=1)
    for k, v in ch.PUBLISHED.items():
        rows.append(Row.check(NAME, f"joint L(N,D), synthetic at Besiroglu et al.'s published law: {k}", v,
                              getattr(f, k), tolerance=0.0, ci=getattr(f, f"{k}_ci"),
                              note="240 runs over their N and FLOP ranges, log-normal noise 0.0075"))
    path = ch.find_csv()
    source = "synthetic runs at Besiroglu et al.'s published law"
    if path is not None:
        source = "Besiroglu et al.'s 240 runs"
    if path is None:
        ctx.save_artifact("joint", {"N": d["N"], "D": d["D"], "loss": d["loss"], "boot": f.boot},
                          {"fit": f.to_dict(), "source": source, "compute_optimal": f.compute_optimal([1e21, 1e24])})
        ctx.note("Besiroglu et al.'s CSV (github:epoch-research/analyzing-chinchilla) carries no licence and is not "
                 f"shipped: set ${ch.ENV} to its path to check the real replication; the joint-law rows above use "
                 "synthetic runs at their published parameters and noise level")
        return rows
    r = ch.load_runs(path)
    g = fit_joint_power_law(r["N"], r["D"], r["loss"], n_boot=P.joint_boot, rng=42)
    for j, k in enumerate(("A", "B", "E", "alpha", "beta")):
        theirs = ch.LBFGSB_OPTIMUM[k]
        rows.append(Row.check(NAME, f"Chinchilla replication (their 240 runs): {k} to 3 significant digits", theirs,
                              getattr(g, k), tolerance=0.0005 * abs(theirs), note="their notebook's L-BFGS-B optimum"))
        bv = g.boot[:, j]
        for q, t in zip((0.025, 0.975), ch.BOOT_CI[k]):
            s_ = math.sqrt(q * (1 - q) / bv.size)
            mc = (np.quantile(bv, min(q + s_, 1)) - np.quantile(bv, max(q - s_, 0))) / 2 * math.sqrt(2)
            rows.append(Row.check(NAME, f"Chinchilla replication: {k} bootstrap {q * 100:.1f}% point", t,
                                  float(np.quantile(bv, q)), tolerance=3 * mc + 5e-4,
                                  note=f"{bv.size} resamples; tolerance 3 Monte-Carlo SE + their 3-decimal rounding"))
    co = g.compute_optimal([1e21, 1e24])
    ctx.save_artifact("joint", {"N": r["N"], "D": r["D"], "loss": r["loss"], "boot": g.boot},
                      {"fit": g.to_dict(), "source": source, "compute_optimal": co})
    rows.append(Row.information(NAME, "Chinchilla replication: compute-optimal exponent a (N_opt ~ C^a)", co.a,
                                ci=co.a_ci, note=f"b = {co.b:.4f} [{co.b_ci[0]:.4f}, {co.b_ci[1]:.4f}]"))
    return rows


def rows_csn(ctx, P: Preset) -> list[Row]:
    """CSN 2009 Table 6.1 on the data sets shipped with the powerlaw package (MIT licence)."""
    import os

    from nsl.theory.fitting_tails import compare_tail

    rows: list[Row] = []
    try:
        import powerlaw
    except ImportError:
        ctx.note("powerlaw is not installed: the CSN data-set rows were skipped (pip install powerlaw: a dependency of nsl)")
        return rows
    base = os.path.join(os.path.dirname(powerlaw.__file__), "reference_data")
    table = {"words": (True, 7, 1.95, 0.02), "cities": (False, 52457, 2.37, 0.08), "blackouts": (False, 230000, 2.3, 0.3)}
    for name, (disc, xmin, alpha, err) in table.items():
        path = os.path.join(base, f"{name}.txt")
        if not os.path.exists(path):
            ctx.note(f"powerlaw does not ship {name}.txt: row skipped")
            continue
        x = np.loadtxt(path).ravel()
        x = x[x > 0]
        # blackouts (211 samples) is cheap enough to bootstrap in every preset
        nb = 200 if name == "blackouts" else (P.tail_boot if name != "cities" else min(P.tail_boot, 50))
        f = F.fit_tail_exponent(x, discrete=disc, n_boot=nb, rng=0)
        rows.append(Row.check(NAME, f"CSN {name}: x_min (Table 6.1)", xmin, f.xmin, tolerance=1e-3, relative=True))
        rows.append(Row.check(NAME, f"CSN {name}: alpha (Table 6.1, +- their error)", alpha, f.alpha, tolerance=err))
        if nb:
            rows.append(Row.check(NAME, f"CSN {name}: bootstrap sigma with x_min uncertainty vs their quoted error",
                                  err, f.sigma, tolerance=0.5, relative=True,
                                  note=f"{nb} resamples; asymptotic sigma {f.sigma_asymptotic:.3g}; x_min sigma "
                                       f"{f.xmin_sigma:.3g}; their error is itself a 1-digit bootstrap figure"))
        for alt in ("exponential", "lognormal"):
            lr = compare_tail(x, f, alt)
            rows.append(Row.information(NAME, f"CSN {name}: log-likelihood ratio vs {alt}", lr.R,
                                        note=f"Vuong p = {lr.p_value:.3g}; favours {lr.favours}"))
    return rows


def rows_bnsl(ctx, P: Preset) -> list[Row]:
    """The broken power law with noise: the final exponent in its interval, breaks by held-out extrapolation."""
    from nsl.theory.fitting_bnsl import broken_power_law_intervals, select_n_breaks

    rows: list[Row] = []
    xb = np.geomspace(P.broken_x[0], P.broken_x[1], int(P.broken_x[2]))
    y = P.broken.predict(xb) * np.exp(P.broken_noise * np.random.default_rng(0).standard_normal(xb.size))
    r = broken_power_law_intervals(xb, y, n_breaks=1, n_boot=100, rng=0)
    rows.append(Row.check(NAME, f"broken power law, {100 * P.broken_noise:g}% noise: final exponent c0 + c1 in its "
                                "95% interval", P.broken.final_exponent(), r.fit.final_exponent(), tolerance=0.0,
                          ci=r.final_exponent_ci))
    sel = select_n_breaks(xb, y, max_breaks=P.max_breaks)
    rows.append(Row.check(NAME, f"broken power law: breaks chosen by held-out extrapolation (0-{P.max_breaks})",
                          1, sel.n_breaks, tolerance=0.0,
                          note="held-out RMS log errors " + ", ".join(f"{k}: {v:.3g}" for k, v in sel.errors.items())))
    return rows


CHECKS: tuple[Callable[[object, Preset], list[Row]], ...] = (
    rows_recovery, rows_coverage, rows_tails, rows_broken_and_window, rows_single_curve, rows_robustness, rows_joint,
    rows_csn, rows_bnsl)


@suite(NAME, description="recovery and coverage of the exponent fits", budget_s={"quick": 300, "full": 1800})
def run(ctx) -> list[Row]:
    """Every check in turn; the coverage checks run their replicates through the sweep (store, executor)."""
    P = PRESETS[ctx.preset]
    rows: list[Row] = []
    for check in CHECKS:
        rows += check(ctx, P)
    return rows
