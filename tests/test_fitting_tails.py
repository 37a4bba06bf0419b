"""Tails as Clauset, Shalizi & Newman do them: their data sets, x_min scan, bootstrap errors, LR tests."""
import os

import numpy as np
import pytest

from nsl.theory import fitting as F
from nsl.theory.fitting_tails import compare_tail

powerlaw = pytest.importorskip("powerlaw")
# powerlaw's own optimisers warn by the thousand on these data sets; ours run warning-free
# powerlaw (the independent reference) reads its own deprecated `sigma` property internally: 19k copies of one
# DeprecationWarning from inside the package, nothing we call
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning",
                                        "ignore:Standard error for the MLE:DeprecationWarning")


def csn_data(name):
    """The CSN data sets as shipped (MIT licence) inside the installed powerlaw package."""
    path = os.path.join(os.path.dirname(powerlaw.__file__), "reference_data", f"{name}.txt")
    if not os.path.exists(path):
        pytest.skip(f"powerlaw {powerlaw.__version__} does not ship {name}.txt")
    x = np.loadtxt(path).ravel()
    return x[x > 0]


# CSN 2009 Table 6.1 (arXiv 0706.1062): x_min, alpha and its error
@pytest.mark.parametrize("name,discrete,xmin,alpha,err", [
    ("words", True, 7, 1.95, 0.02),
    ("cities", False, 52457, 2.37, 0.08),
    ("blackouts", False, 230000, 2.3, 0.3),
    ("flares", False, 323, 1.79, 0.02),
])
def test_csn_table_and_powerlaw_package(name, discrete, xmin, alpha, err):
    x = csn_data(name)
    f = F.fit_tail_exponent(x, discrete=discrete)
    assert f.xmin == pytest.approx(xmin, rel=1e-3)
    assert abs(f.alpha - alpha) <= err
    pf = powerlaw.Fit(x, discrete=discrete, verbose=False)
    assert f.xmin == pytest.approx(pf.xmin, rel=1e-9)
    assert f.alpha == pytest.approx(pf.power_law.alpha, abs=1e-4)


def test_vectorised_scan_equals_brute_force():
    rng = np.random.default_rng(3)
    x = np.concatenate([1 + 9 * rng.random(400), 10 * (1 - rng.random(400)) ** (-1 / 1.5)])
    x = np.round(x, 2)  # ties, as in real data
    f = F.fit_tail_exponent(x, discrete=False)
    xs = np.sort(x)
    best = (np.inf, None, None)
    for xm in np.unique(xs):
        t = xs[xs >= xm]
        if t.size < 10 or t[-1] == t[0]:
            continue
        a = 1 + t.size / np.sum(np.log(t / xm))
        d = np.max(np.abs(1 - (t / xm) ** (1 - a) - np.arange(t.size) / t.size))
        if d < best[0]:
            best = (d, xm, a)
    assert f.ks == pytest.approx(best[0], abs=1e-12) and f.xmin == best[1] and f.alpha == pytest.approx(best[2])
    # a limited scan is a documented option, and sees fewer candidates
    g = F.fit_tail_exponent(x, discrete=False, max_xmin_candidates=20)
    assert g.ks >= f.ks


def test_bootstrap_sigma_includes_xmin_uncertainty():
    rng = np.random.default_rng(4)
    x = np.concatenate([1 + 9 * rng.random(1500), 10 * (1 - rng.random(500)) ** (-1 / 1.5)])
    f = F.fit_tail_exponent(x, discrete=False, n_boot=40, rng=1)
    assert f.n_boot == 40 and np.isfinite(f.xmin_sigma) and f.xmin_sigma > 0
    assert f.sigma > f.sigma_asymptotic  # x_min uncertainty widens the error
    assert abs(f.alpha - 2.5) < 3 * f.sigma
    g = F.fit_tail_exponent(x, discrete=False)
    assert g.sigma == g.sigma_asymptotic and g.alpha == f.alpha


@pytest.mark.parametrize("samples,kw,match", [
    (np.full(50, 3.0), {}, "constant"),
    (np.full(50, 3.0), {"discrete": False}, "constant"),
    (np.r_[np.ones(5), np.full(20, 7.0)], {"xmin": 7}, "equals it"),
    (np.r_[np.ones(5), np.full(20, 7.0)], {"xmin": 7.0, "discrete": False}, "equals it"),
    (np.r_[np.arange(1, 6), np.full(12, 9.0)], {"discrete": True}, None),
])
def test_degenerate_samples_raise_value_error(samples, kw, match):
    if match is None:  # the all-equal top tail is skipped by the scan, a lower x_min is found
        f = F.fit_tail_exponent(samples, **kw)
        assert np.isfinite(f.alpha) and f.xmin < 9
        return
    with pytest.raises(ValueError, match=match):
        F.fit_tail_exponent(samples, **kw)


def test_likelihood_ratio_directions():
    rng = np.random.default_rng(5)
    pl = (1 - rng.random(3000)) ** (-1 / 1.5)
    f = F.fit_tail_exponent(pl, discrete=False, xmin=1.0)
    r = compare_tail(pl, f, "exponential")
    assert r.R > 0 and r.p_value < 1e-3 and r.favours == "power_law"
    ex = 1.0 + rng.exponential(2.0, 3000)
    fe = F.fit_tail_exponent(ex, discrete=False, xmin=1.0)
    re = compare_tail(ex, fe, "exponential")
    assert re.R < 0 and re.favours == "exponential"
    assert re.params["lambda"] == pytest.approx(0.5, rel=0.1)
    ln = np.exp(rng.normal(1.0, 0.5, 3000))
    fl = F.fit_tail_exponent(ln, discrete=False, xmin=float(np.quantile(ln, 0.3)))
    rl = compare_tail(ln, fl, "lognormal")
    assert rl.favours == "lognormal"
    assert rl.params["mu"] == pytest.approx(1.0, abs=0.2) and rl.params["sigma"] == pytest.approx(0.5, abs=0.1)
    # discrete: geometric data against a discrete power law
    geo = rng.geometric(0.2, 3000).astype(float)
    fg = F.fit_tail_exponent(geo, xmin=1)
    assert compare_tail(geo, fg, "exponential").favours == "exponential"
    with pytest.raises(ValueError, match="alternative"):
        compare_tail(pl, f, "gamma")


def test_likelihood_ratio_matches_powerlaw_package():
    """blackouts (CSN §6: power law and lognormal indistinguishable, exponential weakly disfavoured)."""
    x = csn_data("blackouts")
    f = F.fit_tail_exponent(x, discrete=False)
    pf = powerlaw.Fit(x, discrete=False, xmin=f.xmin, verbose=False)
    for alt in ("exponential", "lognormal"):
        ours = compare_tail(x, f, alt)
        R, p = pf.distribution_compare("power_law", alt, normalized_ratio=False)
        assert ours.R == pytest.approx(R, abs=0.02) and ours.p_value == pytest.approx(p, abs=0.02)
    se = compare_tail(x, f, "stretched_exponential")
    R, _ = pf.distribution_compare("power_law", "stretched_exponential", normalized_ratio=False)
    assert se.R <= R + 0.02  # our Weibull MLE is at least as likely as powerlaw's
    assert se.favours == "neither"
