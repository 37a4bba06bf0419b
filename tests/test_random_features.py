"""sims/random_features.py: batching, reproducibility, exact losses, four regimes' slopes at small size."""
import numpy as np
import pytest

from nsl.sims.random_features import simulate_krr, simulate_random_features
from nsl.theory.fitting import fit_power_law


def test_seed_batching_is_chunk_independent():
    lam = np.arange(1, 201.0) ** -2
    a = simulate_random_features(lam, [10, 50], [20, 80], n_seeds=4, seed=7, seed_chunk=1)
    b = simulate_random_features(lam, [10, 50], [20, 80], n_seeds=4, seed=7, seed_chunk=4)
    np.testing.assert_allclose(a["loss"], b["loss"], rtol=1e-9)
    np.testing.assert_allclose(a["loss_ker"], b["loss_ker"], rtol=1e-9)


def test_exact_loss_against_monte_carlo_test_set():
    # the closed-form population loss equals a large test-set estimate
    import torch
    from nsl.sims.random_features import seed_generators

    lam = np.arange(1, 51.0) ** -1.5
    r = simulate_random_features(lam, [30], [10], n_seeds=1, seed=5, limits=False)
    # rebuild the same draw and evaluate on 200k test points
    g = seed_generators(5, 1)[0]
    S, dt = lam.size, torch.float64
    sq = torch.as_tensor(lam).sqrt()
    X = torch.randn(10, S, generator=g, dtype=dt) * sq
    V = torch.randn(30, S, generator=g, dtype=dt) / np.sqrt(S)
    w = torch.randn(S, generator=g, dtype=dt)
    Z = X @ V.T
    theta = Z.T @ torch.linalg.solve(Z @ Z.T, X @ w)
    rng = np.random.default_rng(0)
    Xt = torch.as_tensor(rng.standard_normal((200000, S))) * sq
    mc = float(((Xt @ V.T @ theta - Xt @ w) ** 2).mean())
    assert abs(mc / r["loss"][0, 0, 0] - 1) < 0.02


def test_limits_bound_the_loss():
    lam = np.arange(1, 401.0) ** -2
    r = simulate_random_features(lam, [10, 40], [100, 200], n_seeds=3, seed=2)
    # P < D: least squares cannot beat the best P-feature predictor, per seed
    assert np.all(r["loss"] >= r["loss_proj"][:, :, None] * (1 - 1e-9))


def test_resolution_limited_slopes_small():
    # α_K = 1 resolution-limited slopes at small size (the suite runs the full check)
    lam = np.arange(1, 1201.0) ** -2
    D = np.array([8, 16, 32, 64])
    r = simulate_random_features(lam, [1000], D, n_seeds=8, seed=1, limits=False)
    fD = fit_power_law(D, r["loss"][:, 0, :], offset=False, n_boot=50, rng=0)
    r = simulate_random_features(lam, D, [1000], n_seeds=8, seed=2, limits=False)
    fP = fit_power_law(D, r["loss"][:, :, 0], offset=False, n_boot=50, rng=0)
    for f in (fD, fP):
        assert f.alpha_ci[0] - 0.15 <= 1.0 <= f.alpha_ci[1] + 0.15, f.to_dict()


def test_bad_input():
    lam = np.arange(1, 101.0) ** -2
    with pytest.raises(ValueError, match="P_values must be <= S"):
        simulate_random_features(lam, [200], [10], n_seeds=1, seed=0)
    with pytest.raises(ValueError, match="ridge"):
        simulate_random_features(lam, [20], [10], n_seeds=1, seed=0, ridge=-1)
    with pytest.raises(ValueError, match="D_values must be <"):
        simulate_krr(lam, lam, [100], n_seeds=1, seed=0)
    with pytest.raises(ValueError, match="n_seeds"):
        simulate_krr(lam, lam, [10], n_seeds=0, seed=0)


@pytest.mark.parametrize("path", ["pre", "cell"])
def test_teacher_average_is_exact(path, monkeypatch):
    # E_w of the population loss from the trace formulas equals the explicit S × S computation
    import torch
    import nsl.sims.random_features as rf
    from nsl.sims.random_features import seed_generators

    monkeypatch.setattr(rf, "_FORCE_PATH", path)
    lam = np.arange(1, 61.0) ** -1.5
    s = np.linspace(0.5, 1.5, 60)
    P, D = [8, 40], [12, 30]
    r = rf.simulate_random_features(lam, P, D, n_seeds=2, seed=9, noise=0.2, teacher_scale=s, teacher_average=True)
    for k in range(2):
        g = seed_generators(9, 2)[k]
        S, dt = lam.size, torch.float64
        X = (torch.randn(30, S, generator=g, dtype=dt) * torch.as_tensor(lam).sqrt()).numpy()
        V = (torch.randn(40, S, generator=g, dtype=dt) / np.sqrt(S)).numpy()
        for i, p in enumerate(P):
            for j, d in enumerate(D):
                Z = X[:d] @ V[:p].T
                Zp = np.linalg.pinv(Z)
                M = V[:p].T @ Zp @ X[:d]
                IM = np.eye(S) - M
                ref = np.trace(IM @ np.diag(s ** 2) @ IM.T @ np.diag(lam))
                N = V[:p].T @ Zp
                ref += 0.2 * np.trace(N.T @ np.diag(lam) @ N)
                assert abs(r["loss"][k, i, j] / ref - 1) < 1e-8
        # limits
        for i, p in enumerate(P):
            Q = V[:p]
            A = Q @ np.diag(lam) @ Q.T
            Mp = Q.T @ np.linalg.solve(A, Q @ np.diag(lam))
            IM = np.eye(S) - Mp
            ref = np.trace(IM @ np.diag(s ** 2) @ IM.T @ np.diag(lam))
            assert abs(r["loss_proj"][k, i] / ref - 1) < 1e-8


def test_krr_teacher_average_is_exact():
    import torch
    from nsl.sims.random_features import seed_generators

    eta = np.arange(1, 41.0) ** -2
    v = np.arange(1, 41.0) ** -2.5
    r = simulate_krr(eta, v, [7, 15], n_seeds=1, seed=4, ridge=0.01, noise=0.3, teacher_average=True)
    g = seed_generators(4, 1)[0]
    X = (torch.randn(15, 40, generator=g, dtype=torch.float64) * torch.as_tensor(eta).sqrt()).numpy()
    for j, d in enumerate([7, 15]):
        XD = X[:d]
        Gi = np.linalg.inv(XD @ XD.T + 0.01 * np.eye(d))
        M = XD.T @ Gi @ XD
        IM = np.eye(40) - M
        ref = np.trace(IM @ np.diag(v / eta) @ IM.T @ np.diag(eta)) + 0.3 * np.trace(Gi @ XD @ np.diag(eta) @ XD.T @ Gi)
        assert abs(r[0, j] / ref - 1) < 1e-9
