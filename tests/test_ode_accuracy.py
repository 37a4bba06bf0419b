"""Accuracy of the two-layer ODE near perfect learning: the residual overlaps of ``ResidualODE``.

Independent checks: the residual right-hand side against the ordinary one (an exact affine change
of variables), the cancellation-free differences against 40-digit mpmath arithmetic, the whole
curve against a tight solve with another integrator, and the linear network against its closed
form (Worschech & Rosenow 2024, arXiv:2410.09005; Saad & Solla 1995)."""
import mpmath as mp
import numpy as np
import pytest

from nsl.theory.spectra import Spectrum, power_law_spectrum
from nsl.theory.two_layer import integrals as it
from nsl.theory.two_layer.linear import linear_d0, linear_eg_exact
from nsl.theory.two_layer.ode import ResidualODE, TwoLayerODE, solve_ode, specialised_permutation
from nsl.theory.two_layer.order_params import order_parameters_from_weights, random_initial_conditions


@pytest.mark.parametrize("act", ["erf", "linear"])
@pytest.mark.parametrize("L,K", [(1, 3), (4, 2), (3, 4)])
def test_residual_rhs_equals_ordinary_rhs(act, L, K):
    rng = np.random.default_rng(L * 10 + K)
    sp = power_law_spectrum(L, 1.0, N=60 * L) if L > 1 else Spectrum(np.array([1.0]), np.array([300]))
    B = rng.standard_normal((K, sp.N))
    perm = rng.permutation(K)
    J = B[perm] + 0.3 * rng.standard_normal((K, sp.N))
    op = order_parameters_from_weights(J, B, sp)
    eta = 0.3 if act == "erf" else 0.05
    st = TwoLayerODE(sp, op.t, K=K, eta=eta, activation=act)
    rs = ResidualODE(sp, op.t, perm, K=K, eta=eta, activation=act)
    dq, dr = st.derivatives(op.q, op.r)
    D, E = rs.from_overlaps(op.q, op.r)
    dD, dE = rs.derivatives(D, E)
    dq2 = dD + dE + np.swapaxes(dE, -1, -2)
    dr2 = np.empty_like(dE)
    dr2[..., :, perm] = dE
    np.testing.assert_allclose(dq2, dq, rtol=0, atol=1e-12 * np.abs(dq).max())
    np.testing.assert_allclose(dr2, dr, rtol=0, atol=1e-12 * np.abs(dr).max())
    eg = st.eg_from(*st.covariances(op.q, op.r))
    assert abs(rs.eg_from(*rs.covariances(D, E)) / eg - 1) < 1e-12
    q2, r2 = rs.to_overlaps(D, E)
    np.testing.assert_allclose(q2, op.q, atol=1e-14)
    np.testing.assert_allclose(r2, op.r, atol=1e-14)
    Q, R, T = op.covariances(sp.values)
    assert np.array_equal(specialised_permutation(Q, R, T, np.ones(K), np.ones(K), min_corr=0.9), perm)


def _mp_i4_arcsin(C):
    c11, c12, c13, c14 = C[0, 0], C[0, 1], C[0, 2], C[0, 3]
    c22, c23, c24, c33, c34, c44 = C[1, 1], C[1, 2], C[1, 3], C[2, 2], C[2, 3], C[3, 3]
    a1, a2 = 1 + c11, 1 + c22
    l4 = a1 * a2 - c12 ** 2
    l0 = l4 * c34 - c23 * c24 * a1 - c13 * c14 * a2 + c12 * c13 * c24 + c12 * c14 * c23
    l1 = l4 * (1 + c33) - c23 ** 2 * a1 - c13 ** 2 * a2 + 2 * c12 * c13 * c23
    l2 = l4 * (1 + c44) - c24 ** 2 * a1 - c14 ** 2 * a2 + 2 * c12 * c14 * c24
    return mp.asin(l0 / mp.sqrt(l1 * l2))


@pytest.mark.parametrize("scale", [1e-3, 1e-8, 1e-12])
def test_difference_integrals_against_40_digit_arithmetic(scale):
    """Changes of I4's arcsin, I2, ψ and φ from exact small covariance changes: relative error ~1e-15
    however small the change (the plain difference of the two values loses 1e-16/scale)."""
    mp.mp.dps = 40
    rng = np.random.default_rng(int(-np.log10(scale)))
    A = rng.standard_normal((4, 4))
    C = A @ A.T / 4 + 0.3 * np.eye(4)
    d13, d23, d33, d34 = scale * rng.standard_normal(4)
    Cm = mp.matrix(C.tolist())
    Dm = mp.matrix(4, 4)
    Dm[0, 2] = Dm[2, 0] = d13
    Dm[1, 2] = Dm[2, 1] = d23
    Dm[2, 2] = d33
    Dm[2, 3] = Dm[3, 2] = d34
    ref = _mp_i4_arcsin(Cm + Dm) - _mp_i4_arcsin(Cm)
    got = it.i4_erf_arcsin_difference(C[0, 0], C[0, 1], C[1, 1], C[0, 2], C[1, 2], C[2, 2], d13, d23, d33,
                                      C[0, 3], C[1, 3], C[3, 3], C[2, 3], d34)
    assert abs(float(got / ref) - 1) < 1e-13

    def i2(caa, cab, cbb):
        return (2 / mp.pi) * mp.asin(cab / mp.sqrt((1 + caa) * (1 + cbb)))

    ref = i2(Cm[0, 0] + d33, Cm[0, 1] + d13, Cm[1, 1]) - i2(Cm[0, 0], Cm[0, 1], Cm[1, 1])
    assert abs(float(it.i2_erf_difference(C[0, 0], d33, C[0, 1], d13, C[1, 1]) / ref) - 1) < 1e-13

    def psi(caa, cac, ccc):
        return (2 / mp.pi) / mp.sqrt((1 + caa) * (1 + ccc) - cac ** 2)

    psi_new, dpsi, dphi = it.psi_phi_erf_difference(C[0, 0], C[0, 1], d13, C[1, 1], d33)
    ref_psi = psi(Cm[0, 0], Cm[0, 1] + d13, Cm[1, 1] + d33) - psi(Cm[0, 0], Cm[0, 1], Cm[1, 1])
    ref_phi = (-(Cm[0, 1] + d13) * psi(Cm[0, 0], Cm[0, 1] + d13, Cm[1, 1] + d33)
               + Cm[0, 1] * psi(Cm[0, 0], Cm[0, 1], Cm[1, 1])) / (1 + Cm[0, 0])
    assert abs(float(dpsi / ref_psi) - 1) < 1e-13
    assert abs(float(dphi / ref_phi) - 1) < 1e-13


def test_residual_eg_against_40_digit_arithmetic_near_the_teacher():
    """ε_g ~ 1e-14 from residual overlaps against the ordinary formula evaluated with 40 digits."""
    mp.mp.dps = 40
    rng = np.random.default_rng(3)
    K = 3
    sp = Spectrum(np.array([1.0]), np.array([200]))
    B = rng.standard_normal((K, 200))
    t = order_parameters_from_weights(B, B, sp).t
    rs = ResidualODE(sp, t, np.arange(K), K=K, eta=0.1)
    dJ = 1e-7 * rng.standard_normal((K, 200))
    D = (dJ @ dJ.T / 200)[None]
    E = (dJ @ B.T / 200)[None]
    eg = float(rs.eg_from(*rs.covariances(D, E)))
    Tm = mp.matrix(t[0].tolist())
    Em = mp.matrix(E[0].tolist())
    Dm = mp.matrix(D[0].tolist())
    Rm = Tm + Em
    Qm = Tm + Em + Em.T + Dm

    def i2(c11, c12, c22):
        return (2 / mp.pi) * mp.asin(c12 / mp.sqrt((1 + c11) * (1 + c22)))

    ref = 0.5 * sum(i2(Qm[i, i], Qm[i, k], Qm[k, k]) + i2(Tm[i, i], Tm[i, k], Tm[k, k])
                    - 2 * i2(Qm[i, i], Rm[i, k], Tm[k, k]) for i in range(K) for k in range(K))
    assert 1e-16 < eg < 1e-12
    assert abs(eg / float(ref) - 1) < 1e-9


def test_whole_curve_to_eg_1e12_against_a_tight_solve_with_another_method():
    """Default settings (LSODA, rtol 1e-10, residual phase) against DOP853 at rtol 1e-12 (residual
    phase 1e-10): relative error of ε_g below 1e-5 down to ε_g = 1e-12 (K = M = 2, η = 0.5, L = 1)."""
    sp = Spectrum(np.array([1.0]), np.array([1000]))
    init = random_initial_conditions(sp, 2, 2, sigma_J=0.01, rng=np.random.default_rng(0))
    a = np.logspace(-2, np.log10(3000.0), 80)
    ours = solve_ode(init, sp, eta=0.5, alpha=a)
    ref = solve_ode(init, sp, eta=0.5, alpha=a, method="DOP853", rtol=1e-12, rtol_residual=1e-10)
    assert ours.meta["alpha_residual"] is not None
    m = ref.eg > 1e-12
    assert ref.eg[m].min() < 1e-10  # the comparison reaches deep into the tail
    err = np.abs(ours.eg[m] / ref.eg[m] - 1)
    assert err.max() < 1e-5, err.max()
    # the ordinary overlaps alone lose the tail to rounding (a difference of O(1) numbers)
    plain = solve_ode(init, sp, eta=0.5, alpha=a, residual=False)
    assert np.abs(plain.eg[m] / ref.eg[m] - 1).max() > 10 * err.max()


def test_linear_network_residual_phase_matches_closed_form_deep():
    """Linear K = M = 1: the closed form ½ λᵀ expm(Aα) d(0) down to ε_g ~ 1e-13 within 1e-6."""
    sp = power_law_spectrum(6, 1.0, N=600)
    op = random_initial_conditions(sp, 1, 1, sigma_J=0.3, rng=np.random.default_rng(6))
    alpha = np.logspace(-2, 3.6, 40)
    curve = solve_ode(op, sp, activation="linear", eta=0.5, alpha=alpha)
    exact = linear_eg_exact(alpha, linear_d0(op), sp, eta=0.5)
    assert curve.meta["alpha_residual"] is not None and exact.min() < 1e-12
    m = exact > 1e-13
    np.testing.assert_allclose(curve.eg[m], exact[m], rtol=1e-6)


def test_arrowhead_newton_solve_equals_sparse_lu():
    """The Schur-complement solve of the BDF Newton matrix I − cJ against scipy's sparse LU."""
    from scipy.sparse import eye
    from scipy.sparse.linalg import spsolve

    from nsl.theory.two_layer.ode import _arrowhead_bdf

    sp = power_law_spectrum(7, 1.0, N=70)
    op = random_initial_conditions(sp, 2, 2, sigma_J=0.3, rng=np.random.default_rng(1))
    sys = TwoLayerODE(sp, op.t, K=2, eta=0.3)
    y = sys.pack(op.q, op.r)
    J = sys.jacobian(0.0, y)
    A = (eye(sys.n, format="csc") - 0.7 * J).tocsc()
    solver = _arrowhead_bdf(sys.L, sys.p)(sys, 0.0, y, 1.0, jac=sys.jacobian)
    b = np.random.default_rng(2).standard_normal(sys.n)
    np.testing.assert_allclose(solver.solve_lu(solver.lu(A), b), spsolve(A, b), rtol=1e-9, atol=1e-12)
