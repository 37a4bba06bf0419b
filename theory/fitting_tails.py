"""Is the tail a power law, or something else?  CSN's likelihood-ratio tests (§5, Vuong's p-value).

For the tail x ≥ x_min of a :class:`nsl.theory.fitting.TailFit`, each alternative is fitted by
maximum likelihood on the same tail and the pointwise log-likelihood ratios
ℓᵢ = ln p_pl(xᵢ) − ln p_alt(xᵢ) are summed: R = Σ ℓᵢ (> 0 favours the power law).  Vuong's
test of R = 0 uses σ² = var(ℓᵢ): p = erfc(|R| / √(2nσ²)) (Clauset, Shalizi & Newman 2009,
arXiv 0706.1062, Eqs. 5.1–5.5 and Appendix C).  A small p means the sign of R is
significant; a large p means the data cannot tell the two apart.

Alternatives, each normalised on [x_min, ∞):

- ``exponential``: p(x) = λ e^(−λ(x − x_min)) (MLE in closed form);
- ``lognormal``: p(x) ∝ exp(−(ln x − μ)²/2σ²)/x (MLE numerical, σ > 0; μ may be negative);
- ``stretched_exponential`` (Weibull): p(x) ∝ x^(β−1) e^(−λx^β) (MLE numerical).

Discrete data use the exact power law (Hurwitz zeta) and, for the alternatives, the
continuous law binned on the integers, P(k) = [S(k − ½) − S(k + ½)] / S(x_min − ½) with S the
survival function (exact for the exponential, which then is geometric).  Only the
continuous case is expected to agree closely with ``powerlaw.Fit.distribution_compare``,
whose discrete alternatives are approximated differently.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special

from nsl.theory.fitting import TailFit, discrete_power_law_norm

__all__ = ["LikelihoodRatio", "compare_tail", "ALTERNATIVES"]

ALTERNATIVES = ("exponential", "lognormal", "stretched_exponential")


@dataclass(frozen=True)
class LikelihoodRatio:
    """Power law against ``alternative`` on the tail: R = Σ ln(p_pl/p_alt), Vuong's p-value,
    the normalised ratio R/(σ√n), the alternative's fitted parameters and its log-likelihood."""

    alternative: str
    R: float
    p_value: float
    normalized_R: float
    n_tail: int
    params: dict
    loglik_power_law: float
    loglik_alternative: float

    @property
    def favours(self) -> str:
        """"power_law" or the alternative when p < 0.1 (CSN's threshold), else "neither"."""
        if self.p_value >= 0.1:
            return "neither"
        return "power_law" if self.R > 0 else self.alternative

    def to_dict(self) -> dict:
        d = asdict(self)
        d["favours"] = self.favours
        return d


# --------------------------------------------------------------- log survival functions
def _logS(name: str, x: np.ndarray, th: np.ndarray) -> np.ndarray:
    if name == "exponential":
        return -th[0] * x
    if name == "lognormal":
        return special.log_ndtr(-(np.log(x) - th[0]) / th[1])
    return -th[0] * x ** th[1]  # stretched exponential: S = exp(−λ x^β)


def _logpdf(name: str, x: np.ndarray, th: np.ndarray, xmin: float) -> np.ndarray:
    """Continuous log-density on [x_min, ∞)."""
    if name == "exponential":
        return math.log(th[0]) - th[0] * (x - xmin)
    if name == "lognormal":
        mu, s = th
        z = (np.log(x) - mu) / s
        return -np.log(x) - math.log(s) - 0.5 * math.log(2 * math.pi) - 0.5 * z * z - _logS(name, np.array([xmin]), th)[0]
    lam, beta = th
    return math.log(beta) + math.log(lam) + (beta - 1) * np.log(x) - lam * (x ** beta - xmin ** beta)


def _logpmf(name: str, k: np.ndarray, th: np.ndarray, xmin: float) -> np.ndarray:
    """Binned continuous law on the integers k ≥ x_min."""
    a = _logS(name, k - 0.5, th)
    b = _logS(name, k + 0.5, th)
    with np.errstate(divide="ignore"):
        out = a + np.log(-np.expm1(b - a)) - _logS(name, np.array([xmin - 0.5]), th)[0]
    return out


def _fit_alt(name: str, t: np.ndarray, xmin: float, discrete: bool) -> tuple[np.ndarray, np.ndarray]:
    """MLE of the alternative on the tail; returns its parameters and pointwise log-likelihoods."""
    if name == "exponential" and not discrete:
        lam = 1.0 / float(np.mean(t - xmin))
        th = np.array([lam])
        return th, _logpdf(name, t, th, xmin)
    if name == "exponential":  # geometric on k ≥ x_min: e^{−λ} = m/(1 + m), m = mean(k − x_min)
        m = float(np.mean(t - xmin))
        th = np.array([-math.log(m / (1.0 + m))])
        return th, _logpmf(name, t, th, xmin)
    lt = np.log(t)
    if name == "lognormal":
        x0 = np.array([float(lt.mean()), math.log(max(float(lt.std()), 1e-3))])
        unpack = lambda z: np.array([z[0], math.exp(z[1])])  # noqa: E731
    else:
        # Weibull start: β = 1 (exponential), λ from the mean excess, in units of x_min
        x0 = np.array([math.log(1.0 / float(np.mean(t - xmin + 1e-12 * xmin)) * xmin), 0.0])
        unpack = lambda z: np.array([math.exp(z[0]) * xmin ** -math.exp(z[1]), math.exp(z[1])])  # noqa: E731

    def nll(z):
        th = unpack(z)
        with np.errstate(all="ignore"):
            ll = _logpmf(name, t, th, xmin) if discrete else _logpdf(name, t, th, xmin)
            v = -float(np.sum(ll))
        return v if np.isfinite(v) else 1e300

    starts = [x0] + ([x0 + np.array([0.0, 0.7]), x0 + np.array([-2.0, 0.5])] if name == "lognormal"
                     else [x0 + np.array([0.0, -1.0]), x0 + np.array([1.0, -2.0])])
    runs = [optimize.minimize(nll, s, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
            for s in starts]
    th = unpack(min(runs, key=lambda r: r.fun).x)
    with np.errstate(all="ignore"):
        ll = _logpmf(name, t, th, xmin) if discrete else _logpdf(name, t, th, xmin)
    return th, ll


def compare_tail(samples, fit: TailFit, alternative: str) -> LikelihoodRatio:
    """Likelihood-ratio test of the fitted power-law tail against ``alternative`` (CSN §5).

    Parameters
    ----------
    samples : the data the tail was fitted on (values below ``fit.xmin`` are ignored).
    fit : the :class:`~nsl.theory.fitting.TailFit` (its x_min, α, x_max and ``discrete``).
    alternative : one of :data:`ALTERNATIVES`.

    Returns
    -------
    LikelihoodRatio

    References
    ----------
    Clauset, Shalizi & Newman 2009, SIAM Rev. 51, 661, arXiv 0706.1062, §5.1 and Eqs. 5.1–5.5
    (Vuong 1989, Econometrica 57, 307).

    Examples
    --------
    >>> s = (1.0 - np.random.default_rng(0).random(3000)) ** (-1 / 1.5)
    >>> from nsl.theory.fitting import fit_tail_exponent
    >>> compare_tail(s, fit_tail_exponent(s, discrete=False, xmin=1.0), "exponential").favours
    'power_law'
    """
    if not isinstance(alternative, str) or alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(ALTERNATIVES)}, got {alternative!r:.60}")
    if not isinstance(fit, TailFit):
        raise ValueError(f"fit must be a TailFit, got {type(fit).__name__}")
    if fit.xmax is not None:
        raise ValueError("fit.xmax must be None: the alternatives are normalised on [x_min, inf)")
    try:
        x = np.asarray(samples, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("samples must be a numeric array") from None
    if x.size == 0 or not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("samples must be non-empty, finite and > 0")
    t = x[x >= fit.xmin]
    if t.size < 10:
        raise ValueError(f"samples must have at least 10 values at or above xmin={fit.xmin:g}, got {t.size}")
    if np.all(t == t[0]):
        raise ValueError(f"every sample at or above xmin={fit.xmin:g} is equal: nothing to compare")
    a, xm = fit.alpha, fit.xmin
    if fit.discrete:
        ll_pl = -a * np.log(t) - math.log(discrete_power_law_norm(a, xm, None))
    else:
        ll_pl = math.log(a - 1.0) - math.log(xm) - a * np.log(t / xm)
    th, ll_alt = _fit_alt(alternative, t, xm, fit.discrete)
    d = ll_pl - ll_alt
    n = t.size
    R = float(d.sum())
    sd = float(d.std())
    if sd > 0 and np.isfinite(sd):
        p = float(special.erfc(abs(R) / math.sqrt(2 * n * sd * sd)))
        nr = R / (sd * math.sqrt(n))
    else:
        p, nr = (1.0 if R == 0 else 0.0), math.copysign(math.inf, R) if R else 0.0
    names = {"exponential": ("lambda",), "lognormal": ("mu", "sigma"), "stretched_exponential": ("lambda", "beta")}
    return LikelihoodRatio(alternative=alternative, R=R, p_value=p, normalized_R=float(nr), n_tail=int(n),
                           params={k: float(v) for k, v in zip(names[alternative], th)},
                           loglik_power_law=float(ll_pl.sum()), loglik_alternative=float(ll_alt.sum()))
