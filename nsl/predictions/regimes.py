"""``nsl predict spectrum`` (alias ``regimes``): what exponent does my spectrum (or my data) predict?

:func:`predict_spectrum` is the library call (arrays and numbers in, a frozen
:class:`SpectrumPrediction` out); the CLI only loads files and prints the result.

Theory (Bahri, Dyer, Kaplan, Lee & Sharma 2024, arXiv 2102.06701, eq. 3 and Sec. 2.2; Bordelon,
Canatar & Pehlevan 2020, arXiv 2002.02561, eqs. for κ, γ, E_g; Spigler, Geiger & Wyart 2020,
arXiv 1905.10843):

- kernel eigenvalues λ_i ∝ i^−(1+α_K) =: i^−b; target power per mode v_k ∝ k^−a;
- resolution-limited exponent of kernel regression in the number of samples D:
  α_D = min(a − 1, 2b); without targets the isotropic teacher a = b gives α_D = α_K;
- variance-limited exponents 1 (in D and in P for linear / random-feature models);
- a d-dimensional data manifold: α ≈ 4/d for deep nets (a heuristic, Sec. 2.2).

Intervals: α_K's comes from the spectrum fit (:func:`nsl.theory.spectra.fit_spectrum_exponent`),
a's from the target-power fit; α_D's is the percentile interval of min(a_r − 1, 2 b_r) over the
paired bootstrap replicates of the two fits (they are independent fits, so pairing replicates by
index draws from the product of their sampling distributions).

Sample versus population.  A spectrum measured on n samples (a data or Gram matrix) is the exact
spectrum of the *pool*: the empirical distribution of those n points.  The spectral learning curve
on it predicts the error of ridgeless kernel regression trained on D points of the pool and
averaged over all n pool points.  The D training points are interpolated (error 0), and the n − D
others are, like fresh test points, independent of the training set, so the expected error on
unseen points is

    E_unseen(D) = n/(n − D) · E_pool(D)                           (ridgeless, D < rank)

which removes the artefact E_pool(D) → 0 as D → n.  The pool cannot resolve modes beyond n, and
its last modes (beyond the fit window, n/2 at most) are distorted by the sampling, so the curve
is trusted for D <= n/2 and flagged beyond (``learning_curve_trusted_D_max``, ``warnings``).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nsl.predictions.result import Quantity, TextRows, fmt_ci, fmt_num, percentile_ci, plain
from nsl.registry import prediction

__all__ = ["SpectrumPrediction", "predict_spectrum", "configure", "from_args", "KERNELS", "MAX_GRAM_SAMPLES",
           "SYNTHETIC_MODES", "pool_learning_curve"]

KERNELS = ("linear", "nngp-relu", "ntk-relu", "nngp-erf", "ntk-erf")
#: largest data / Gram matrix accepted (an n x n Gram matrix and its eigenvectors: 2 n^2 doubles)
MAX_GRAM_SAMPLES = 8000
#: modes of the synthetic spectrum i^-(1+alpha_K) used for a learning curve from a number
SYNTHETIC_MODES = 200_000


@dataclass(frozen=True)
class SpectrumPrediction(TextRows):
    """Predicted exponents (with 95 % intervals), regime, window of validity, learning curve, warnings.

    JSON fields (``to_dict()``, the ``--json`` output): ``input``, ``n_samples``, ``alpha_K``,
    ``alpha_K_ci``, ``fit_window``, ``target_exponent`` (a), ``target_exponent_ci``, ``alpha_D``,
    ``alpha_D_ci``, ``alpha_D_rule``, ``alpha_D_limited_by``, ``alpha_D_eigenvalues_only`` and its
    ``_ci`` (the isotropic-teacher rule α_D = α_K, shown beside the target-based value),
    ``regimes`` (four regimes: ``{"alpha": x, "ci": [lo, hi]}``), ``regime``, ``valid_D`` (D window
    where α_D applies, ``null`` = unbounded), ``learning_curve`` (``{"D": [...], "error": [...]}``,
    excess test error; ``null`` entries where it cannot be predicted), ``learning_curve_method``,
    ``learning_curve_trusted_D_max``, ``two_layer`` and ``warnings``.
    """

    input: str
    n_samples: int | None = None
    alpha_K: float | None = None
    alpha_K_ci: tuple[float, float] | None = None
    fit_window: tuple[int, int] | None = None
    target_exponent: float | None = None
    target_exponent_ci: tuple[float, float] | None = None
    alpha_D: float | None = None
    alpha_D_ci: tuple[float, float] | None = None
    alpha_D_rule: str = ""
    alpha_D_limited_by: str = ""
    alpha_D_eigenvalues_only: float | None = None
    alpha_D_eigenvalues_only_ci: tuple[float, float] | None = None
    regimes: dict = field(default_factory=dict)
    regime: str = ""
    valid_D: tuple[float | None, float | None] | None = None
    learning_curve: dict | None = None
    learning_curve_method: str = ""
    learning_curve_trusted_D_max: float | None = None
    two_layer: dict | None = None
    warnings: tuple[str, ...] = ()
    #: bootstrap replicates behind ``alpha_D_ci`` (for combining predictions; not in ``to_dict``)
    alpha_D_replicates: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

    def to_dict(self) -> dict:
        return {k: plain(getattr(self, k)) for k in self.__dataclass_fields__ if k != "alpha_D_replicates"}

    def items(self):
        """(label, text) rows for the CLI's text output."""
        rows = [("input", self.input)]
        if self.alpha_K is not None:
            rows.append(("alpha_K (lambda_i ~ i^-(1+alpha_K))", f"{fmt_num(self.alpha_K)} {fmt_ci(self.alpha_K_ci)}"))
        if self.fit_window is not None:
            rows.append(("fit window (modes)", fmt_num(list(self.fit_window))))
        if self.target_exponent is not None:
            rows.append(("target power exponent a (v_k ~ k^-a)",
                         f"{fmt_num(self.target_exponent)} {fmt_ci(self.target_exponent_ci)}"))
        if self.alpha_D is not None:
            rows.append((f"alpha_D = {self.alpha_D_rule}", f"{fmt_num(self.alpha_D)} {fmt_ci(self.alpha_D_ci)}"
                         + (f"  (set by {self.alpha_D_limited_by})" if self.alpha_D_limited_by else "")))
        if self.alpha_D_eigenvalues_only is not None and self.target_exponent is not None:
            rows.append(("alpha_D, eigenvalues only (isotropic teacher: alpha_K)",
                         f"{fmt_num(self.alpha_D_eigenvalues_only)} {fmt_ci(self.alpha_D_eigenvalues_only_ci)}"))
        for name, q in self.regimes.items():
            rows.append((f"alpha {name}", f"{fmt_num(q['alpha'])} {fmt_ci(q['ci'])}".rstrip()))
        if self.regime:
            rows.append(("regime of alpha_D", self.regime))
        if self.valid_D is not None:
            lo, hi = self.valid_D
            rows.append(("valid for D in", f"[{fmt_num(lo)}, {'inf' if hi is None else fmt_num(hi)}]"))
        if self.learning_curve is not None:
            rows.append(("learning curve D", fmt_num(self.learning_curve["D"])))
            rows.append(("learning curve error (excess)", fmt_num(self.learning_curve["error"])))
            rows.append(("learning curve method", self.learning_curve_method))
            rows.append(("learning curve trusted up to D", fmt_num(self.learning_curve_trusted_D_max)))
        if self.two_layer:
            for k, q in self.two_layer.items():
                rows.append((k, Quantity(**q).text()))
        for w in self.warnings:
            rows.append(("warning", w))
        return rows


# ------------------------------------------------------------------------------ helpers
def _ci_pair(v: float) -> tuple[float, float]:
    return (float(v), float(v))


def _parse_D(D) -> np.ndarray | None:
    if D is None:
        return None
    try:
        d = np.atleast_1d(np.asarray(D, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"D must be numbers (sample sizes), got {D!r}") from None
    if d.ndim != 1 or d.size == 0 or not np.all(np.isfinite(d)) or np.any(d < 1) or np.any(d != np.round(d)):
        raise ValueError(f"D must be integers >= 1 (sample sizes), got {D!r}")
    if d.size > 1000:
        raise ValueError(f"D must hold at most 1000 sample sizes, got {d.size}")
    return np.unique(d)


def pool_learning_curve(eigenvalues: np.ndarray, target_power: np.ndarray, D: np.ndarray, n_samples: int | None):
    """Ridgeless learning curve on a spectrum, with the pool-to-unseen factor when it came from n samples.

    Parameters
    ----------
    eigenvalues, target_power : the pool's (or population's) spectrum and target power per mode.
    D : sample sizes (>= 1).
    n_samples : the number n of samples the spectrum was measured on, or ``None`` for a population
        spectrum (no correction).

    Returns
    -------
    (error, computable): the predicted excess test error on unseen points (NaN where D >= the number
    of modes, where ridgeless regression has no prediction) and the mask of computable D.

    References
    ----------
    Bordelon, Canatar & Pehlevan 2020 (arXiv 2002.02561), the κ, γ, E_g equations; the factor
    n/(n − D) is exact for ridgeless interpolation (module docstring).

    Example
    -------
    >>> err, ok = pool_learning_curve(np.arange(1, 201.0) ** -2, np.arange(1, 201.0) ** -2, np.array([10, 50]), 200)
    """
    from nsl.theory.learning_curves import learning_curve

    eigenvalues = np.asarray(eigenvalues, float)
    D = np.asarray(D, float)
    S = eigenvalues.size
    ok = D < S
    err = np.full(D.size, np.nan)
    if np.any(ok):
        lc = learning_curve(eigenvalues, target_power, D[ok])
        e = np.asarray(lc.error, float)
        if n_samples is not None:
            e = e * n_samples / (n_samples - D[ok])
        err[ok] = e
    return err, ok


def _regimes(alpha: float, ci, *, deep: bool = False) -> dict:
    from nsl.theory.regimes import predict_regimes

    pr = predict_regimes(d=alpha, model="deep") if deep else predict_regimes(alpha_K=alpha, model="linear")
    out = {}
    for k, v in pr.to_dict().items():
        if k in ("source", "model"):
            continue
        c = ci if k.startswith("resolution") else _ci_pair(v)
        out[k] = {"alpha": float(v), "ci": None if c is None else [float(c[0]), float(c[1])]}
    return out


def _two_layer(alpha_K: float, ci) -> dict:
    """The linear two-layer network's exponents for β = α_K (Worschech & Rosenow 2024, Sec. 4)."""
    from nsl.theory.two_layer.exponents import linear_decay_exponent as f  # monotone: the interval maps through

    return {
        "two-layer linear net, online SGD: eps_g ~ alpha^-x, x = beta/(1+beta)":
            Quantity(f(alpha_K), None if ci is None else (f(ci[0]), f(ci[1])), "derived",
                     "gradient-flow continuum limit, beta = alpha_K (arXiv 2410.09005 Sec. 4)").to_dict(),
        "two-layer linear net: eps_g ~ N_trainable^-x, x = beta":
            Quantity(alpha_K, ci, "derived", "training the top N_l eigendirections (arXiv 2410.09005 Sec. 4.3)").to_dict(),
    }


def _check_positive_decay(fit, what: str) -> None:
    if not fit.alpha > 0:
        raise ValueError(
            f"{what} do not decay fast enough for the four-regime theory: over modes {fit.window[0]}-{fit.window[1]} "
            f"they fall as i^-{fit.decay:.3g}, i.e. alpha_K = {fit.decay:.3g} - 1 = {fit.alpha:.3g}; the theory needs "
            f"lambda_i ~ i^-(1+alpha_K) with alpha_K > 0 (faster than 1/i). A flat (isotropic) spectrum has no "
            f"resolution-limited power law.")


# ------------------------------------------------------------------------------ library call
def predict_spectrum(*, alpha_K: float | None = None, eigenvalues=None, data=None, gram=None, d: float | None = None,
                     targets=None, kernel: str = "linear", depth: int = 2, n_samples: int | None = None,
                     window: tuple[int, int] | None = None, D=None, n_boot: int = 400,
                     seed: int = 0, progress: Callable[[str], None] | None = None) -> SpectrumPrediction:
    """Predicted exponents in the four regimes, α_D with its interval and, on request, the learning curve.

    Parameters
    ----------
    alpha_K : a spectrum exponent (λ_i ∝ i^−(1+α_K)), > 0; exact, so its interval is [α_K, α_K].
    eigenvalues : 1-D positive eigenvalues (any order); α_K is fitted.  ``n_samples``: how many
        samples they were estimated from (fit window capped at n/2); for a Gram spectrum (K/n on n
        samples) the curve also gets the n/(n − D) factor of the module docstring.
    data : 2-D data matrix (rows = samples, n x p): the spectrum of ``kernel`` on it.
    gram : an n x n kernel Gram matrix on n samples.
    d : a data-manifold dimension > 0 (deep nets, α ≈ 4/d; heuristic).
    targets : labels (n,) or (n, m) for ``data``/``gram``: the target power per mode and a = its
        decay exponent, so α_D = min(a − 1, 2b) (Bordelon et al. 2020; Spigler et al. 2020).
    kernel : one of :data:`KERNELS` (``linear``: the covariance / linear-kernel spectrum).
    depth : hidden layers of the NNGP/NTK kernels (>= 1).
    window : fit window (first, last), 1-based mode indices; default automatic.
    D : sample sizes for the predicted learning curve (excess test error).
    n_boot : bootstrap replicates of the fits (0: no intervals); seed : their seed.
    progress : called with a line of text before long steps (an n x n eigendecomposition, n >= 2000).

    Returns
    -------
    SpectrumPrediction

    References
    ----------
    Bahri et al. 2024 (arXiv 2102.06701) eq. 3 and Sec. 2.2; Bordelon, Canatar & Pehlevan 2020
    (arXiv 2002.02561); Spigler, Geiger & Wyart 2020 (arXiv 1905.10843).

    Example
    -------
    >>> p = predict_spectrum(alpha_K=0.5, D=[10, 100])
    >>> p.alpha_D, p.learning_curve["D"]
    (0.5, [10.0, 100.0])
    """
    given = [name for name, v in (("alpha_K", alpha_K), ("eigenvalues", eigenvalues), ("data", data), ("gram", gram),
                                  ("d", d)) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of alpha_K (a number), eigenvalues (1-D), data (2-D, rows = samples), "
                         f"gram (n x n) or d (a manifold dimension); got {given or 'none'}")
    if not (isinstance(n_boot, (int, np.integer)) and n_boot >= 0):
        raise ValueError(f"n_boot must be an integer >= 0, got {n_boot!r}")
    if n_boot and n_boot < 20:
        raise ValueError(f"n_boot must be 0 (no intervals) or >= 20, got {n_boot}")
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    if not (isinstance(depth, (int, np.integer)) and depth >= 1):
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    if targets is not None and data is None and gram is None:
        raise ValueError("targets need a data matrix or a Gram matrix (one label per sample), not "
                         + ("a list of eigenvalues" if eigenvalues is not None else given[0]))
    Dv = _parse_D(D)
    warnings: list[str] = []

    if d is not None:
        try:
            d = float(d)
        except (TypeError, ValueError):
            raise ValueError(f"d must be a number, got {d!r}") from None
        if not (math.isfinite(d) and d > 0):
            raise ValueError(f"d (manifold dimension) must be finite and > 0, got {d!r}")
        if Dv is not None:
            raise ValueError("D (a learning curve) needs a spectrum: give alpha_K, eigenvalues, data or gram, not d")
        reg = _regimes(d, None, deep=True)
        a = 4.0 / d
        warnings.append("alpha ~ 4/d is a heuristic (Bahri et al. Sec. 2.2: n/d with n = 4 for piecewise-linear "
                        "fits, n >= 2 in general; Thms 2-3 bound it by 1/d): no interval")
        return SpectrumPrediction(input=f"manifold dimension d = {d:g}", alpha_D=a, alpha_D_ci=None,
                                  alpha_D_rule="4/d (deep nets, heuristic)", regimes=reg,
                                  regime="resolution-limited (data), D << model size", valid_D=(None, None),
                                  warnings=tuple(warnings))

    n = n_samples
    v = None  # target power per mode
    fit: Any = None
    tf: Any = None
    aK: float | None
    aK_ci: tuple[float, float] | None
    valid: tuple[float, float | None] | None
    if alpha_K is not None:
        try:
            aK = float(alpha_K)
        except (TypeError, ValueError):
            raise ValueError(f"alpha_K must be a number, got {alpha_K!r}") from None
        if not (math.isfinite(aK) and aK > 0):
            raise ValueError(f"alpha_K must be finite and > 0, got {alpha_K!r}")
        if n_samples is not None:
            raise ValueError("n_samples goes with eigenvalues measured on n samples, not with an exact alpha_K")
        aK_ci = _ci_pair(aK)
        inp = f"alpha_K = {aK:g} (exact)"
        ev = None
        valid = (1.0, None)
    else:
        from nsl.theory.spectra import check_eigenvalues, fit_spectrum_exponent

        if n_samples is not None and not (isinstance(n_samples, (int, np.integer)) and n_samples >= 2):
            raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}")
        if eigenvalues is not None:
            ev = check_eigenvalues(eigenvalues, "eigenvalues")
            inp = f"{ev.size} eigenvalues" + (f" from n = {n} samples" if n else "")
        else:
            ev, v, n, inp = _spectrum_from_matrix(data, gram, targets, kernel, depth,
                                                  need_vectors=targets is not None or Dv is not None,
                                                  progress=progress)
            if n_samples is not None and n_samples != n:
                raise ValueError(f"n_samples={n_samples} disagrees with the {n} rows of the matrix")
        from nsl.theory.spectra import NoPowerLawWindow

        try:
            fit = fit_spectrum_exponent(ev, window=None if window is None else (int(window[0]), int(window[1])), n_samples=n,
                                        n_boot=n_boot, rng=seed)
        except NoPowerLawWindow as exc:
            if Dv is None:
                raise
            warnings.append(f"no exponents: {exc}; the learning curve below uses the spectrum itself")
            fit = None
        if fit is not None and not fit.alpha > 0 and Dv is not None:
            try:
                _check_positive_decay(fit, "the eigenvalues")
            except ValueError as exc:
                warnings.append(f"no exponents: {exc} The learning curve below uses the spectrum itself")
            fit = None
        if fit is not None:
            _check_positive_decay(fit, "the eigenvalues")
            aK = fit.alpha
            aK_ci = None if n_boot == 0 else (float(fit.alpha_ci[0]), float(fit.alpha_ci[1]))
            valid = (float(fit.window[0]), float(fit.window[1]))
        else:
            aK = aK_ci = valid = None
    reg = {} if aK is None else _regimes(aK, aK_ci)
    b = None if aK is None else 1.0 + aK
    out: dict = {"input": inp, "n_samples": n, "alpha_K": aK, "alpha_K_ci": aK_ci,
                 "fit_window": None if fit is None else tuple(fit.window), "regimes": reg,
                 "alpha_D_eigenvalues_only": aK, "alpha_D_eigenvalues_only_ci": aK_ci}
    if aK is None:
        out["alpha_D"] = None
    elif v is not None and targets is not None:
        from nsl.theory.learning_curves import asymptotic_exponent
        from nsl.theory.spectra import fit_target_exponent

        tf = fit_target_exponent(v, fit.window, n_boot=n_boot, rng=seed)
        a = float(tf.alpha)
        out["target_exponent"] = a
        out["target_exponent_ci"] = None if n_boot == 0 else tuple(tf.alpha_ci)
        if a > 1:
            assert b is not None  # aK is set in this branch
            ae = asymptotic_exponent(b, a)
            assert ae.exponent is not None  # noiseless, ridgeless: a power law, no floor
            out["alpha_D"] = float(ae.exponent)
            out["alpha_D_limited_by"] = ae.limited_by
            if n_boot:
                m = min(fit.fit.alpha_boot.size, tf.alpha_boot.size)
                reps = np.minimum(tf.alpha_boot[:m] - 1.0, 2.0 * fit.fit.alpha_boot[:m])
                out["alpha_D_ci"] = percentile_ci(reps)
                out["alpha_D_replicates"] = reps
        else:
            warnings.append(f"the target power decays as k^-{a:.3g} (a <= 1): no power law in D (the unlearned tail "
                            f"sum diverges), so no alpha_D is predicted")
        out["alpha_D_rule"] = "min(a-1, 2b), b = 1 + alpha_K, a from the targets"
    else:
        out["alpha_D"] = aK
        out["alpha_D_ci"] = aK_ci
        if fit is not None and n_boot:
            out["alpha_D_replicates"] = fit.fit.alpha_boot - 1.0
        out["alpha_D_rule"] = "alpha_K (isotropic teacher: target power ~ eigenvalues, a = b)"
        out["alpha_D_limited_by"] = "unlearned tail sum_{k>D} v_k ~ D^-alpha_K"
    if aK is not None:
        out["regime"] = "resolution-limited (data): 1 << D << model size (kernel limit: model size infinite)"
    if n is not None and valid is not None:
        valid = (valid[0], n / 2 if valid[1] is None else min(valid[1], n / 2))
    out["valid_D"] = valid
    if Dv is not None:
        if ev is None:  # exact alpha_K: a long synthetic spectrum stands for the population
            assert b is not None
            S = SYNTHETIC_MODES
            if Dv.max() >= S / 10:
                raise ValueError(f"D must be < {S // 10} for a curve from an exact alpha_K (the synthetic spectrum "
                                 f"has {S} modes), got {Dv.max():g}")
            ev_c = np.arange(1, S + 1, dtype=float) ** (-b)
            v_c = ev_c.copy()
            trusted = S / 10
            method = f"spectral learning curve on lambda_i = i^-(1+alpha_K), {S} modes, isotropic teacher"
        else:
            ev_c = ev
            v_c = ev.copy() if v is None or targets is None else v
            teacher = "target power from the labels" if targets is not None else "isotropic teacher (v_k = lambda_k)"
            if n is not None:
                trusted = n / 2
                method = (f"spectral learning curve on the {n}-sample spectrum, {teacher}, times n/(n-D) "
                          f"(error on unseen points; ridgeless)")
            else:
                trusted = ev.size / 2
                method = f"spectral learning curve on the {ev.size} eigenvalues as the population, {teacher}"
        err, ok = pool_learning_curve(ev_c, v_c, Dv, n)
        if np.any(~ok):
            warnings.append(f"no prediction for D >= {ev_c.size} (the number of modes): ridgeless regression "
                            f"interpolates and the spectrum has no more modes to learn")
        beyond = Dv[ok & (Dv > trusted)]
        if beyond.size:
            warnings.append(f"learning curve beyond D = {trusted:g} (D = {', '.join(f'{x:g}' for x in beyond)}) rests "
                            f"on the last, sampling-distorted modes of the spectrum: not trusted")
        out["learning_curve"] = {"D": Dv.tolist(), "error": [None if not np.isfinite(x) else float(x) for x in err]}
        out["learning_curve_method"] = method
        out["learning_curve_trusted_D_max"] = float(trusted)
    if ev is not None and n is None:
        warnings.append("the eigenvalues are treated as the whole population; pass n_samples (--n-samples) if they "
                        "were measured on n samples")
    out["two_layer"] = None if aK is None else _two_layer(aK, aK_ci)
    out["warnings"] = tuple(warnings)
    return SpectrumPrediction(**out)


def _spectrum_from_matrix(data, gram, targets, kernel: str, depth: int, need_vectors: bool, progress=None):
    """(eigenvalues, target power or None, n, description) from a data matrix or a Gram matrix."""
    from nsl.theory.spectra import covariance_spectrum, gram_spectrum, target_power

    name = "data" if data is not None else "gram"
    try:
        M = np.asarray(data if data is not None else gram, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array") from None
    if M.ndim != 2 or M.shape[0] < 2:
        raise ValueError(f"{name} must be 2-D with >= 2 rows (samples), got shape {M.shape}")
    n = M.shape[0]
    if n > MAX_GRAM_SAMPLES and (gram is not None or need_vectors or kernel != "linear"):
        raise ValueError(f"{name} has {n} samples; at most {MAX_GRAM_SAMPLES} fit in an n x n Gram matrix here "
                         f"(subsample the rows)")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    y = None
    if targets is not None:
        try:
            y = np.asarray(targets, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("targets must be a numeric array") from None
        if y.ndim not in (1, 2) or y.shape[0] != n:
            raise ValueError(f"targets must have {n} rows (one per sample of {name}), got shape {y.shape}")
        if not np.all(np.isfinite(y)):
            raise ValueError("targets must be finite (no NaN or inf)")
    if progress is not None and n >= 2000 and (gram is not None or need_vectors or kernel != "linear"):
        progress(f"spectrum: {n} x {n} Gram matrix and its eigendecomposition (about (n/2000)^3 x 10 s on one "
                 f"core: {10 * (n / 2000) ** 3:.0f} s)")
    if gram is not None:
        gs = gram_spectrum(M, vectors=y is not None)
        desc = f"Gram matrix {M.shape}"
    elif kernel == "linear" and not need_vectors:
        return covariance_spectrum(M).values, None, n, f"data matrix {M.shape}, covariance spectrum"
    else:
        if kernel == "linear":
            K = M @ M.T / M.shape[1]
        else:
            from nsl.theory.kernels import fc_kernels

            which, act = kernel.split("-")
            K = getattr(fc_kernels(M, depth=depth, activation=act, sigma_w2=2.0 if act == "relu" else 1.0), which)
        gs = gram_spectrum(K, vectors=y is not None)
        desc = f"data matrix {M.shape}, kernel {kernel}" + ("" if kernel == "linear" else f" (depth {depth})")
    v = None if y is None else target_power(gs, y - y.mean(0))
    return gs.values, v, n, desc


# ------------------------------------------------------------------------------ CLI
def configure(p: argparse.ArgumentParser) -> None:
    """Arguments of ``nsl predict spectrum``."""
    p.add_argument("source", nargs="?", default=None,
                   help="a spectrum exponent alpha_K, or a .npy/.txt/.csv file: eigenvalues (1-D) or a data matrix (2-D)")
    p.add_argument("--alpha-k", type=float, default=None, help="spectrum exponent alpha_K (lambda_i ~ i^-(1+alpha_K))")
    p.add_argument("--d", type=float, default=None, help="data-manifold dimension d (deep nets: alpha ~ 4/d)")
    p.add_argument("--input", default="auto", choices=["auto", "eigenvalues", "data", "gram"],
                   help="how to read the file (auto: 1-D = eigenvalues, 2-D = data matrix; n x 1 must be named)")
    p.add_argument("--targets", default=None, help="labels for a data matrix (.npy/.txt/.csv): target power per mode")
    p.add_argument("--kernel", default="linear", choices=list(KERNELS),
                   help="kernel for a data matrix (default linear: the covariance spectrum)")
    p.add_argument("--depth", type=int, default=2, help="hidden layers for the NNGP/NTK kernels")
    p.add_argument("--n-samples", type=int, default=None,
                   help="eigenvalues of a Gram matrix K/n on this many samples: fit window <= n/2, curve x n/(n-D)")
    p.add_argument("--window", type=int, nargs=2, default=None, metavar=("FIRST", "LAST"),
                   help="fit window (1-based mode indices, inclusive); default: automatic")
    p.add_argument("--D", default=None, help="sample sizes for the learning curve, e.g. 25,50,100,200")
    p.add_argument("--n-boot", type=int, default=400, help="bootstrap resamples for the intervals (0: none)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")


_configure = configure  # the name the registry decorator below is given


def _load(path: str, what: str) -> np.ndarray:
    if not os.path.exists(path):
        raise ValueError(f"{what}: no such file {path!r}")
    ext = os.path.splitext(path)[1].lower()
    if ext in (".txt", ".csv", ".dat"):
        with open(path, errors="replace") as fh:
            if not any(line.strip() for line in fh):
                raise ValueError(f"{what}: {path!r} is empty (no numbers)")
    try:
        if ext == ".npy":
            return np.asarray(np.load(path, allow_pickle=False), dtype=float)
        if ext in (".txt", ".csv", ".dat"):
            return np.loadtxt(path, delimiter="," if ext == ".csv" else None, ndmin=1)
    except (ValueError, OSError) as exc:
        raise ValueError(f"{what}: cannot read {path!r} as numbers ({exc})") from None
    raise ValueError(f"{what}: file must end in .npy, .txt, .csv or .dat, got {path!r}")


def from_args(args: argparse.Namespace) -> SpectrumPrediction:
    """Parsed CLI arguments -> :func:`predict_spectrum` (files loaded, their shape checked)."""
    src, aK = args.source, args.alpha_k
    if src is not None and aK is None:
        try:
            aK, src = float(src), None
        except ValueError:
            pass
    if sum(x is not None for x in (src, aK, args.d)) != 1:
        raise ValueError("give exactly one of: a spectrum exponent (--alpha-k or a number), a file, or --d")
    D = None
    if args.D is not None:
        try:
            D = [float(x) for x in str(args.D).split(",") if x.strip()]
        except ValueError:
            raise ValueError(f"--D must be comma-separated sample sizes, e.g. 25,50,100; got {args.D!r}") from None
    prog = None if getattr(args, "quiet", False) else (lambda s: print(s, file=sys.stderr, flush=True))
    kw = dict(window=None if args.window is None else tuple(args.window), D=D, n_boot=args.n_boot, seed=args.seed,
              progress=prog)
    y = None if args.targets is None else _load(args.targets, "--targets")
    if args.d is not None or aK is not None:
        if y is not None:
            raise ValueError("--targets needs a data matrix file as the source")
        if args.d is not None:
            return predict_spectrum(d=args.d, **kw)
        return predict_spectrum(alpha_K=aK, **kw)
    arr = _load(src, "source")
    how = args.input
    if how == "auto":
        if arr.ndim == 1:
            how = "eigenvalues"
        elif arr.ndim == 2 and 1 in arr.shape:
            raise ValueError(f"source {src!r} has shape {arr.shape}: a data matrix with one "
                             f"{'feature' if arr.shape[1] == 1 else 'sample'} or a list of eigenvalues? "
                             f"pass --input eigenvalues or --input data")
        elif arr.ndim == 2:
            how = "data"
        else:
            raise ValueError(f"source must be 1-D (eigenvalues) or 2-D (data matrix), got {arr.ndim}-D {arr.shape}")
    if how == "eigenvalues":
        if arr.ndim == 2 and 1 not in arr.shape:
            raise ValueError(f"--input eigenvalues needs a 1-D array (or n x 1), got shape {arr.shape}")
        if y is not None:
            raise ValueError("--targets needs a data matrix (one label per sample), not a list of eigenvalues")
        return predict_spectrum(eigenvalues=arr.ravel(), n_samples=args.n_samples, **kw)
    if arr.ndim == 1:
        arr = arr[:, None]
    if how == "gram":
        return predict_spectrum(gram=arr, targets=y, **kw)
    return predict_spectrum(data=arr, targets=y, kernel=args.kernel, depth=args.depth, **kw)


@prediction("spectrum", configure=_configure,
            description="what exponent does my spectrum predict? the four regimes (Bahri et al. 2024)")
@prediction("regimes", configure=_configure, description="alias of `nsl predict spectrum`")
def compute(args: argparse.Namespace) -> SpectrumPrediction:
    """Predicted exponents from α_K (number or fitted spectrum) or a manifold dimension."""
    return from_args(args)
