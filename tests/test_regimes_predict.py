"""`nsl predict spectrum` / `nsl.predictions.predict_spectrum`: values, intervals, curves and the bad inputs of issue 12."""
import argparse

import numpy as np
import pytest

from nsl.predictions import SpectrumPrediction, predict_spectrum
from nsl.predictions.regimes import configure, from_args


def _args(*argv):
    p = argparse.ArgumentParser()
    configure(p)
    return from_args(p.parse_args(list(argv)))


def test_from_number_is_exact_and_jsonable():
    out = predict_spectrum(alpha_K=0.5)
    assert isinstance(out, SpectrumPrediction)
    d = out.to_dict()
    assert d["alpha_K"] == d["alpha_D"] == 0.5 and d["alpha_D_ci"] == [0.5, 0.5]
    assert d["regimes"]["resolution-limited (data)"]["alpha"] == 0.5
    assert d["regimes"]["variance-limited (data)"]["alpha"] == 1.0
    from nsl.jsonio import dumps

    assert '"alpha_K_ci"' in dumps(out)
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        out.alpha_K = 1.0  # frozen


def test_curve_from_number_matches_asymptote():
    # lambda_i = i^-1.5, isotropic teacher: E(D) ~ D^-0.5 at large D (Bordelon et al.; Bahri eq. 3)
    out = predict_spectrum(alpha_K=0.5, D=[100, 200, 400, 800, 1600])
    e = np.array(out.learning_curve["error"])
    slope = -np.polyfit(np.log(out.learning_curve["D"]), np.log(e), 1)[0]
    assert abs(slope - 0.5) < 0.03
    assert out.learning_curve_trusted_D_max > 1600 and not out.warnings


def test_from_eigenvalue_file_with_interval(tmp_path):
    f = tmp_path / "ev.npy"
    np.save(f, np.arange(1, 2001.0) ** -1.8)
    out = _args(str(f), "--n-boot", "40")
    assert abs(out.alpha_K - 0.8) < 1e-3
    assert out.alpha_K_ci[0] <= out.alpha_K <= out.alpha_K_ci[1]
    assert any("population" in w for w in out.warnings)


def test_data_and_targets_interval_covers_truth(tmp_path):
    # lambda_i = i^-2 (alpha_K = 1), teacher weights w_i^2 ~ i^-1 -> v_i ~ i^-3 (a = 3): min(a-1, 2b) = 2
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1500, 300)) * np.arange(1, 301.0) ** -1.0
    w = rng.standard_normal(300) * np.arange(1, 301.0) ** -0.5
    np.save(tmp_path / "X.npy", X)
    np.savetxt(tmp_path / "y.txt", X @ w)
    out = _args(str(tmp_path / "X.npy"), "--targets", str(tmp_path / "y.txt"), "--n-boot", "100")
    assert abs(out.alpha_K - 1.0) < 0.08
    lo, hi = out.target_exponent_ci
    assert lo - 0.2 <= 3.0 <= hi + 0.2
    lo, hi = out.alpha_D_ci
    assert lo <= out.alpha_D <= hi and lo - 0.3 <= 2.0 <= hi + 0.3
    assert out.alpha_D_replicates.size >= 20 and "alpha_D_replicates" not in out.to_dict()


def test_pool_curve_against_held_out_kernel_regression():
    # an independent computation: ridgeless KRR trained on D points of a pool, scored on unseen points of the
    # same distribution; the prediction sees only the pool (its Gram spectrum and labels).  Teacher: a draw of
    # the Gaussian process of the kernel itself on pool + test points (the setting of Bordelon et al. 2020)
    rng = np.random.default_rng(3)
    n, n_test, d = 600, 400, 4
    Z = rng.standard_normal((n + n_test, d))
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    from nsl.theory.kernels import fc_kernels

    K = fc_kernels(Z, depth=1, activation="relu", sigma_b2=0.1).ntk
    w, U = np.linalg.eigh(K)
    y = U @ (np.sqrt(np.clip(w, 0, None)) * rng.standard_normal(w.size))
    pool, test = np.arange(n), np.arange(n, n + n_test)
    Ds = np.array([20, 40, 80, 160, 300])
    out = predict_spectrum(gram=K[np.ix_(pool, pool)], targets=y[pool], D=Ds, n_boot=0)
    ym = y[pool].mean()
    meas = np.zeros(Ds.size)
    for _ in range(6):
        order = rng.permutation(pool)
        for j, D in enumerate(Ds):
            tr = order[:D]
            c = np.linalg.solve(K[np.ix_(tr, tr)], y[tr] - ym)
            meas[j] += np.mean((K[np.ix_(test, tr)] @ c - (y[test] - ym)) ** 2) / 6
    ratio = np.array(out.learning_curve["error"]) / meas
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    assert out.learning_curve_trusted_D_max == n / 2


def test_curve_warns_beyond_n_over_2_and_stops_at_rank():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 50)) * np.arange(1, 51.0) ** -0.8
    out = predict_spectrum(data=X, D=[10, 40, 150, 400], n_boot=0, kernel="ntk-relu", depth=1)
    err = out.learning_curve["error"]
    assert err[-1] is None and all(e is not None for e in err[:3])
    assert any("D = 100" in w and "not trusted" in w for w in out.warnings)
    assert any("no prediction for D >= 200" in w for w in out.warnings)


def test_manifold():
    out = predict_spectrum(d=8)
    assert out.alpha_D == 0.5 and out.regimes["variance-limited (model)"]["alpha"] == 0.5
    assert out.alpha_D_ci is None and any("heuristic" in w for w in out.warnings)


# --------------------------------------------------------------------- the bad inputs of issue 12
def test_n_by_1_matrix_is_not_silently_eigenvalues(tmp_path):
    f = tmp_path / "col.npy"
    np.save(f, (np.arange(1, 400.0) ** -1.5)[:, None])
    with pytest.raises(ValueError, match=r"shape \(399, 1\).*--input eigenvalues or --input data"):
        _args(str(f))
    out = _args(str(f), "--input", "eigenvalues", "--n-boot", "0")
    assert abs(out.alpha_K - 0.5) < 1e-3


def test_flat_spectrum_message_names_the_fit_not_the_user(tmp_path):
    f = tmp_path / "flat.npy"
    np.save(f, np.ones(500))
    with pytest.raises(ValueError) as exc:
        _args(str(f), "--n-boot", "0")
    msg = str(exc.value)
    assert "do not decay" in msg and "flat" in msg and "alpha_K must be" not in msg


def test_missing_files_are_named_by_their_option(tmp_path):
    X = tmp_path / "X.npy"
    np.save(X, np.random.default_rng(0).standard_normal((50, 5)))
    with pytest.raises(ValueError, match="--targets: no such file"):
        _args(str(X), "--targets", str(tmp_path / "missing.npy"))
    with pytest.raises(ValueError, match="source: no such file"):
        _args(str(tmp_path / "missing.npy"))


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="exactly one"):
        predict_spectrum(alpha_K=1.0, d=3.0)
    with pytest.raises(ValueError, match="alpha_K must be finite and > 0"):
        predict_spectrum(alpha_K=-1)
    with pytest.raises(ValueError, match="targets need a data matrix"):
        predict_spectrum(eigenvalues=np.arange(1, 100.0) ** -2, targets=np.ones(99))
    with pytest.raises(ValueError, match="D must be integers"):
        predict_spectrum(alpha_K=1.0, D=[0.5])
    with pytest.raises(ValueError, match="targets must have 30 rows"):
        predict_spectrum(data=np.ones((30, 4)) + np.eye(30, 4), targets=np.ones(29), kernel="ntk-relu")
    with pytest.raises(ValueError, match="at most 8000"):
        predict_spectrum(gram=np.zeros((8001, 2)))
