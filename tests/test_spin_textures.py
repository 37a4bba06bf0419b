"""Spin-texture generators: physics (energy, field, FIRE stationarity, domains, moiré period), randomness, cache."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

from nsl.sims import spin_textures as st
from nsl.sims.spin_textures import TextureSpec
from nsl.sims.texture_cache import TextureCache, fill_caches


def _bond_energy(m, jperp, J, D, K, h):
    """Independent energy: explicit bond sums with cross products (note §2.2), float64 torch."""
    mx_next = m[..., :, 1:]
    m_x = m[..., :, :-1]
    my_next = m[..., 1:, :]
    m_y = m[..., :-1, :]
    ex = -(J[:, None, None, None] * (m_x * mx_next).sum(2)).sum((1, 2, 3))
    ey = -(J[:, None, None, None] * (m_y * my_next).sum(2)).sum((1, 2, 3))
    # x bonds: −D (ẑ×x̂)·(m_i×m_j) = −D ŷ·(m_i×m_j); y bonds: −D (ẑ×ŷ)·(m_i×m_j) = +D x̂·(m_i×m_j)
    cx = torch.linalg.cross(m_x, mx_next, dim=2)
    cy = torch.linalg.cross(m_y, my_next, dim=2)
    dmi = (-D[:, None, None, None] * cx[:, :, 1]).sum((1, 2, 3)) + (D[:, None, None, None] * cy[:, :, 0]).sum((1, 2, 3))
    aniso = -(K * m[:, :, 2] ** 2).sum((1, 2, 3))
    zee = -(h * m[:, :, 2]).sum((1, 2, 3))
    inter = -(jperp * (m[:, 0] * m[:, 1]).sum(1)).sum((1, 2))
    return ex + ey + dmi + aniso + zee + inter


def _random_spins(B, N, seed=0):
    g = torch.Generator().manual_seed(seed)
    m = torch.randn(B, 2, 3, N, N, generator=g, dtype=torch.float64)
    return m / m.norm(dim=2, keepdim=True)


def test_energy_and_field_match_independent_bond_sums():
    B, N = 3, 7
    m = _random_spins(B, N).requires_grad_(True)
    jp = torch.randn(B, N, N, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    J = torch.tensor([1.0, 0.5, 2.0], dtype=torch.float64)
    D = torch.tensor([0.3, -0.2, 0.0], dtype=torch.float64)
    K, h = 0.3, 0.15
    e_ref = _bond_energy(m, jp, J, D, K, h)
    grad, = torch.autograd.grad(e_ref.sum(), m)
    H = st.effective_field(m.detach(), jp, J, D, K, h)
    np.testing.assert_allclose(H.numpy(), -grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(st.energy(m.detach(), jp, J, D, K, h).numpy(), e_ref.detach().numpy(), rtol=1e-12)


def test_moire_period_formula_and_inverse():
    theta = np.array([1.0, 3.0, 5.73, 60.0])
    L = st.moire_period(theta)
    np.testing.assert_allclose(L, 1 / (2 * np.sin(np.deg2rad(theta) / 2)), rtol=1e-14)
    np.testing.assert_allclose(st.twist_angle(L), theta, rtol=1e-12)
    assert abs(st.moire_period(1.0) - 57.0) < 0.5  # the note: θ = 1° gives L_M ≈ 57 a


@pytest.fixture(scope="module")
def fire_batch():
    spec = TextureSpec(generator="fire", size=16, theta_deg=(st.twist_angle(8.0), st.twist_angle(6.0)), J=(0.3, 0.6))
    idx = np.arange(10)
    p = st.sample_parameters(spec, 7, idx)
    jp, _ = st.moire_field(p["L"], p["r0"], p["phi"], spec.size, spec.jperp0, spec.jperp1, dtype=torch.float64)
    m0 = st.initial_state(spec, 7, idx, "train", jp)
    r = st.relax_fire(m0, jp, p["J"], p["D"], spec.K, tol=1e-5, max_iter=3000, record=True)
    return spec, p, jp, m0, r


def test_fire_energy_monotone_and_stationary(fire_batch):
    spec, p, jp, m0, r = fire_batch
    # >= 95 % converge within 3000 steps (note §5(a)7; prototype 100/100 at N = 24)
    assert r.converged.mean() >= 0.95
    tr = r.trace
    d = np.diff(tr, axis=0)
    scale = np.abs(tr[0])
    assert np.nanmax(d / scale) <= 1e-12, "FIRE energy rose beyond round-off"
    # energy strictly lowered from the seeded start
    e0 = st.energy(m0, jp, torch.as_tensor(p["J"]), torch.as_tensor(p["D"]), spec.K).numpy()
    assert np.all(r.energy < e0 - 1e-3)
    # stationary point, recomputed independently from the returned spins: |F| = |H - (m.H)m| small
    m = torch.as_tensor(r.m)
    np.testing.assert_allclose(np.linalg.norm(r.m, axis=2), 1.0, atol=1e-12)
    H = st.effective_field(m, jp, torch.as_tensor(p["J"]), torch.as_tensor(p["D"]), spec.K)
    F = H - (m * H).sum(2, keepdim=True) * m
    fmax = F.norm(dim=2).amax(dim=(1, 2, 3)).numpy()
    assert np.all(fmax[r.converged] < 1e-5)
    np.testing.assert_allclose(fmax, r.max_force, rtol=1e-6, atol=1e-12)
    # a stationary point is a local minimum: small random tangent kicks do not lower the energy
    g = torch.Generator().manual_seed(3)
    kick = m + 1e-3 * torch.randn(m.shape, generator=g, dtype=torch.float64)
    kick = kick / kick.norm(dim=2, keepdim=True)
    ek = st.energy(kick, jp, torch.as_tensor(p["J"]), torch.as_tensor(p["D"]), spec.K).numpy()
    assert np.all(ek[r.converged] > r.energy[r.converged] - 1e-9)


def test_fire_texture_follows_moire_and_exchange(fire_batch):
    spec, p, jp, m0, r = fire_batch
    mz2 = r.m[:, 1, 2]
    # the relaxed layer-2 texture keeps the FM/AF domains of the moiré field: positive correlation
    corr = [np.corrcoef(mz2[i].ravel(), jp[i].numpy().ravel())[0, 1] for i in range(len(mz2)) if mz2[i].std() > 1e-3]
    assert len(corr) >= 5 and np.median(corr) > 0.5


def test_surrogate_period_matches_moire_formula_by_fft():
    # L_M recovered from the FFT peak of J⊥ and of m_z within 1 px (note §5(a)7)
    N = 128
    for theta in (2.0, 3.0, 4.5):
        spec = TextureSpec(generator="surrogate", size=N, theta_deg=(theta, theta), J=(0.6, 0.6), D=(0.1, 0.1),
                           channels="full", jperp1=0.5, random_origin=True)
        x, y = st.generate(spec, 11, np.arange(3))
        L_true = float(st.moire_period(theta))
        for img in (x[:, 5],):  # m_z of layer 2
            for k in range(3):
                f = img[k] - img[k].mean()
                w = np.hanning(N)
                f = f * w[:, None] * w[None, :]
                P = np.abs(np.fft.fft2(f, s=(1024, 1024))) ** 2
                kx = 2 * np.pi * np.fft.fftfreq(1024)
                KX, KY = np.meshgrid(kx, kx)
                kk = np.hypot(KX, KY)
                P[kk < 2 * np.pi / N * 2] = 0  # drop the mean and window leakage
                kpk = kk.flat[np.argmax(P)]
                L_fft = 4 * np.pi / (math.sqrt(3) * kpk)
                assert abs(L_fft - L_true) < 1.0, (theta, L_fft, L_true)


def test_samples_reproducible_from_seed_and_index():
    spec = TextureSpec(generator="surrogate", size=24, noise=0.05, random_origin=True)
    x1, y1 = st.generate(spec, 3, np.arange(10))
    x2, y2 = st.generate(spec, 3, np.array([7, 2, 9]), batch_size=2)
    np.testing.assert_array_equal(x2, x1[[7, 2, 9]])
    np.testing.assert_array_equal(y2, y1[[7, 2, 9]])
    x3, _ = st.generate(spec, 4, np.arange(10))
    assert not np.allclose(x3, x1)
    xt, yt = st.generate(spec, 3, np.arange(10), "test")
    assert not np.allclose(yt, y1)
    # FIRE: a sample is the same alone or inside a batch
    fs = TextureSpec(generator="fire", size=16, theta_deg=(st.twist_angle(8.0), st.twist_angle(6.0)), tol=1e-4)
    a, ya = st.generate(fs, 5, np.arange(6))
    b, yb = st.generate(fs, 5, np.array([4]))
    np.testing.assert_allclose(b[0], a[4], atol=1e-5)


def test_parameters_uniform_in_ranges_and_fixed_when_not_free():
    spec = TextureSpec(theta_deg=(3.0, 4.0), J=(0.5, 2.0), D=(0.0, 0.4), free=("theta",), random_origin=True)
    p = st.sample_parameters(spec, 0, np.arange(20000))
    assert p["theta"].min() >= 2.0 and p["theta"].max() <= 4.0
    # uniform: mean and variance within 4 standard errors
    assert abs(p["theta"].mean() - 3.5) < 4 * (1 / math.sqrt(12)) / math.sqrt(20000)
    assert abs(p["theta"].var() - 1 / 12) < 0.005
    assert np.all(p["J"] == 1.25) and np.all(p["D"] == 0.2)
    assert np.all((p["phi"] >= 0) & (p["phi"] < 2 * np.pi / 3))
    assert np.all((p["r0"] >= 0) & (p["r0"] < p["L"][:, None]))
    u = st.hash_uniforms(1, 0, np.arange(50000), 9, 1).ravel()
    # uniformity: a KS test against U(0, 1)
    from scipy import stats
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_domains_collapse_at_small_period_and_stiff_walls_and_the_spec_warns():
    # critical-angle analogue (Xu et al. 2022): FM and AF stacking domains coexist at long periods and soft walls;
    # short periods and stiff walls relax to a uniform state (no minority alignment), which generate() flags
    fr = {}
    for L, J in ((16.0, 0.3), (10.0, 0.8), (6.0, 1.5)):
        spec = TextureSpec(size=32, theta_deg=(float(st.twist_angle(L)),) * 2, J=(J, J), D=(0.0, 0.0))
        x, _ = st.generate(spec, 0, np.arange(2))
        fr[(L, J)] = float(st.minority_fraction(x).max())
    vals = list(fr.values())
    assert vals[0] > vals[1] > vals[2] and vals[0] > 0.1 and vals[2] == 0.0, fr
    # a collapsing box warns, naming the parameters and their ranges; the default box does not
    bad = TextureSpec(size=24, theta_deg=(st.twist_angle(8.0), st.twist_angle(5.0)), J=(1.0, 2.0), D=(0.0, 0.1))
    with pytest.warns(UserWarning, match=r"collapses.*theta_deg.*J \(1\.0, 2\.0\)"):
        st.generate(bad, 0, np.arange(32))
    with pytest.warns(UserWarning, match=r"collapses"):
        assert bad.collapse_fraction(32) > 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, _ = st.generate(TextureSpec(), 0, np.arange(48))
    assert st.domainless_fraction(x) <= 0.03


def test_minority_fraction_counts_the_minority_alignment():
    x = np.ones((3, 2, 10, 10), np.float32)
    x[1, 1, :3] = -1.0   # 30 % AF
    x[2, 1, :] = -1.0    # uniform AF: no domain
    x[2, 1, 0, 0] = 1.0  # one FM pixel in 100: minority 1 %, not below the 1 % threshold
    np.testing.assert_allclose(st.minority_fraction(x), [0.0, 0.3, 0.01])
    assert st.domainless_fraction(x) == pytest.approx(1 / 3)
    full = np.zeros((1, 6, 4, 4), np.float32)
    full[0, 2], full[0, 5] = 1.0, -1.0
    full[0, 5, 0] = 1.0
    np.testing.assert_allclose(st.minority_fraction(full, "full"), [0.25])
    with pytest.raises(ValueError, match="channels"):
        st.minority_fraction(x, "rgb")
    with pytest.raises(ValueError, match="shape"):
        st.minority_fraction(x, "full")


def test_numba_fire_matches_the_torch_fire():
    # two implementations of one algorithm: same start, same energy, same stationary texture (tol 1e-4)
    spec = TextureSpec(size=16, theta_deg=(st.twist_angle(8.0), st.twist_angle(6.0)), J=(0.3, 0.6))
    xa, ya, ia = st.generate(spec, 1, np.arange(8), return_info=True, fire_backend="numba")
    xb, yb, ib = st.generate(spec, 1, np.arange(8), return_info=True, fire_backend="torch")
    np.testing.assert_array_equal(ya, yb)
    assert ia["converged"].all() and ib["converged"].all()
    np.testing.assert_allclose(ia["energy"], ib["energy"], rtol=1e-5)
    assert np.abs(xa - xb).max() < 5e-3
    with pytest.raises(ValueError, match="fire_backend"):
        st.generate(spec, 1, np.arange(2), fire_backend="jax")


def test_cache_nested_prefixes_fixed_test_set_and_atomic_shards(tmp_path):
    spec = TextureSpec(generator="surrogate", size=24, theta_deg=(st.twist_angle(12.0), st.twist_angle(8.0)))
    c = TextureCache(tmp_path, spec, seed=2, capacity={"train": 300, "val": 50, "test": 100}, shard_size=64)
    x100, y100 = c.load("train", 100)
    x300, y300 = c.load("train", 300)
    np.testing.assert_array_equal(x300[:100], x100)
    np.testing.assert_array_equal(y300[:100], y100)
    xd, yd = st.generate(spec, 2, np.arange(300))
    np.testing.assert_allclose(x300.astype(np.float32), xd, atol=1e-3)  # float16 storage
    np.testing.assert_array_equal(y300, yd)
    shards = sorted(p.name for p in c.dir.glob("train_*.npz"))
    assert shards == [f"train_{k:05d}.npz" for k in range(5)]
    assert not list(c.dir.glob(".*.tmp"))
    # a fresh cache object reads the same shards from disk; a damaged shard is regenerated
    (c.dir / "train_00001.npz").write_bytes(b"broken")
    c2 = TextureCache(tmp_path, spec, seed=2, capacity={"train": 300, "val": 50, "test": 100}, shard_size=64)
    x2, _ = c2.load("train", 300)
    np.testing.assert_array_equal(x2, x300)
    xt, yt = c2.load("test", 100)
    assert not np.allclose(yt[:50], y300[:50])
    with pytest.raises(ValueError, match=r"n \(N_D.*\[1, 300\]"):
        c2.load("train", 301)


@pytest.mark.parametrize("kw, name", [
    (dict(theta_deg=(0.0, 3.0)), "theta_deg"), (dict(theta_deg=(2.0, 180.0)), "theta_deg"),
    (dict(J=(0.0, 1.0)), "J"), (dict(J=(-1.0, 1.0)), "J"), (dict(K=0.0), "K"), (dict(K=-0.3), "K"),
    (dict(size=7), "size"), (dict(generator="mc"), "generator"), (dict(free=("theta", "X")), "free"),
    (dict(noise=-0.1), "noise"), (dict(channels="rgb"), "channels"),
    (dict(size=12), "size.*less than one moire period.*theta_deg"),
])
def test_bad_input_names_parameter(kw, name):
    with pytest.raises(ValueError, match=name):
        TextureSpec(**kw)


def test_bad_theta_to_period():
    for bad in (0.0, 180.0, -3.0):
        with pytest.raises(ValueError, match="theta_deg"):
            st.moire_period(bad)


def test_fixed_origin_makes_image_a_function_of_the_free_parameters():
    kw = dict(generator="surrogate", size=32, theta_deg=(4.0, 4.0), J=(1.0, 1.0), D=(0.2, 0.2))
    x, _ = st.generate(TextureSpec(**kw, random_origin=False), 0, np.arange(4))
    assert np.ptp(x, axis=0).max() == 0.0  # identical parameters, no nuisance: identical images
    x2, _ = st.generate(TextureSpec(**kw, random_origin=True), 0, np.arange(4))
    assert np.ptp(x2, axis=0).max() > 0.5  # random origin and orientation move the bubbles


def test_fill_caches_in_parallel_matches_serial_generation(tmp_path):
    kw = dict(generator="surrogate", size=16, theta_deg=(st.twist_angle(8.0), st.twist_angle(6.0)), J=(0.3, 0.6))
    spec = TextureSpec(**kw)
    cap = {"train": 200, "val": 40, "test": 40}
    c = TextureCache(tmp_path, spec, seed=9, capacity=cap, shard_size=50)
    c2 = TextureCache(tmp_path, TextureSpec(**kw, free=("theta",)), seed=9, capacity=cap, shard_size=50)
    n = fill_caches([(c, "train", 200), (c, "test", 40), (c2, "train", 100)], workers=2)
    assert n == 4 + 1 + 2
    assert fill_caches([(c, "train", 200)], workers=2) == 0  # everything cached: nothing regenerated
    x, y = c.load("train", 200)
    xd, yd = st.generate(spec, 9, np.arange(200))
    np.testing.assert_allclose(x.astype(np.float32), xd, atol=1e-3)
    np.testing.assert_array_equal(y, yd)
    with pytest.raises(ValueError, match=r"\[1, 200\]"):
        fill_caches([(c, "train", 201)])
