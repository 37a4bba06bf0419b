"""The closed-form Jacobian of the two-layer ODE (theory/two_layer/jacobian.py) against an independent
computation: Richardson-extrapolated central differences of the right-hand side itself, for the
ordinary and the residual overlaps, L = 1 (dense) and L > 1 (sparse arrowhead), erf and linear,
with non-trivial second layers (Saad & Solla 1995; Worschech & Rosenow 2024, arXiv:2410.09005, Sec. 3)."""
import numpy as np
import pytest

from nsl.theory.spectra import Spectrum, power_law_spectrum
from nsl.theory.two_layer.ode import ResidualODE, TwoLayerODE, solve_ode
from nsl.theory.two_layer.order_params import order_parameters_from_weights, random_initial_conditions


def _central(sys, y: np.ndarray, rel: float) -> np.ndarray:
    h = rel * np.maximum(np.abs(y), 1e-2 * np.abs(y).max())
    J = np.empty((y.size, y.size))
    for j in range(y.size):
        yp, ym = y.copy(), y.copy()
        yp[j] += h[j]
        ym[j] -= h[j]
        J[:, j] = (sys(0.0, yp) - sys(0.0, ym)) / (2 * h[j])
    return J


def _richardson(sys, y: np.ndarray) -> np.ndarray:
    return (4 * _central(sys, y, 5e-4) - _central(sys, y, 1e-3)) / 3


@pytest.mark.parametrize("act", ["erf", "linear"])
@pytest.mark.parametrize("kind", ["ordinary", "residual"])
@pytest.mark.parametrize("L,K", [(1, 3), (3, 2)])
def test_closed_form_jacobian_against_differences(act, kind, L, K):
    rng = np.random.default_rng(10 * L + K)
    sp = power_law_spectrum(L, 1.0, N=50 * L) if L > 1 else Spectrum(np.array([1.3]), np.array([200]))
    B = rng.standard_normal((K, sp.N))
    perm = rng.permutation(K)
    J = B[perm] + 0.3 * rng.standard_normal((K, sp.N))
    op = order_parameters_from_weights(J, B, sp)
    eta = 0.4 if act == "erf" else 0.05
    v = 1.0 if kind == "residual" else rng.uniform(0.5, 1.5, K)
    w = 1.0 if kind == "residual" else rng.uniform(0.5, 1.5, K)
    if kind == "ordinary":
        sys = TwoLayerODE(sp, op.t, K=K, eta=eta, activation=act, v_student=v, v_teacher=w)
        y = sys.pack(op.q, op.r)
    else:
        sys = ResidualODE(sp, op.t, perm, K=K, eta=eta, activation=act)
        y = sys.pack(*sys.from_overlaps(op.q, op.r))
    assert not sys.fd_jacobian
    ref = _richardson(sys, y)
    got = sys.jacobian(0.0, y).toarray()
    scale = np.abs(ref).max()
    assert np.abs(got - ref).max() < 1e-8 * scale
    # the previous finite-difference Jacobian agrees only to ~1e-6 (forward differences)
    sys.fd_jacobian, sys.approx_jacobian = True, False
    assert np.abs(sys.jacobian(0.0, y).toarray() - ref).max() < 1e-4 * scale
    if L == 1:
        sys.fd_jacobian = False
        np.testing.assert_array_equal(sys.dense_jacobian(0.0, y), got)


def test_solve_with_closed_form_and_finite_difference_jacobians_agree():
    """The Jacobian drives only the Newton iteration: the curves agree within the error control (K = M = 8, BDF)."""
    sp = Spectrum(np.array([1.0]), np.array([1000]))
    init = random_initial_conditions(sp, 8, 8, sigma_J=0.3, rng=np.random.default_rng(0))
    a = np.logspace(-2, 2, 30)
    new = solve_ode(init, sp, eta=0.3, alpha=a, method="BDF")
    old = solve_ode(init, sp, eta=0.3, alpha=a, method="BDF", jacobian="finite-difference")
    np.testing.assert_allclose(new.eg, old.eg, rtol=1e-6)
    assert new.meta["njev"] < old.meta["njev"] or new.meta["nfev"] < old.meta["nfev"]
    with pytest.raises(ValueError, match="jacobian"):
        solve_ode(init, sp, eta=0.3, alpha=a, jacobian="exact")
