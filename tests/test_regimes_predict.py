"""`nsl predict regimes`: exponents from a number, an eigenvalue file, a data matrix with targets, or d."""
import argparse

import numpy as np
import pytest

from nsl.predictions.regimes import _configure, compute


def _args(*argv):
    p = argparse.ArgumentParser()
    _configure(p)
    return p.parse_args(list(argv))


def test_from_number():
    out = compute(_args("--alpha-k", "0.5"))
    assert out["alpha resolution-limited (data)"] == out["alpha resolution-limited (model)"] == 0.5
    assert out["alpha variance-limited (data)"] == 1.0
    assert out["kernel regression alpha_D = min(a-1, 2b)"] == 0.5  # isotropic teacher: a = b = 1.5


def test_from_eigenvalue_file(tmp_path):
    f = tmp_path / "ev.npy"
    np.save(f, np.arange(1, 2001.0) ** -1.8)
    out = compute(_args(str(f), "--n-boot", "20"))
    assert abs(out["alpha_K"] - 0.8) < 1e-3


def test_from_data_and_targets(tmp_path):
    # λ_i = i^-2 (α_K = 1), teacher weights w_i² ∝ i^-1 → target power v_i ∝ i^-3 (a = 3): min(a-1, 2b) = 2
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1500, 300)) * np.arange(1, 301.0) ** -1.0
    w = rng.standard_normal(300) * np.arange(1, 301.0) ** -0.5
    np.save(tmp_path / "X.npy", X)
    np.savetxt(tmp_path / "y.txt", X @ w)
    out = compute(_args(str(tmp_path / "X.npy"), "--targets", str(tmp_path / "y.txt"), "--n-boot", "50"))
    assert abs(out["alpha_K"] - 1.0) < 0.08
    lo, hi = out["a interval (95 %)"]
    assert lo - 0.2 <= 3.0 <= hi + 0.2
    assert abs(out["kernel regression alpha_D = min(a-1, 2b)"] - 2.0) < 0.5


def test_manifold_and_bad_input(tmp_path):
    out = compute(_args("--d", "8"))
    assert out["alpha resolution-limited (data)"] == 0.5 and out["alpha variance-limited (model)"] == 0.5
    with pytest.raises(ValueError, match="exactly one"):
        compute(_args("--alpha-k", "1", "--d", "3"))
    with pytest.raises(ValueError, match="alpha_K"):
        compute(_args("--alpha-k", "-1"))
    with pytest.raises(ValueError, match="source"):
        compute(_args(str(tmp_path / "missing.npy")))
