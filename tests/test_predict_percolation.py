"""`nsl.predictions.predict_percolation`: Brill's exponents as a result object; d = 1 refusals."""
import pytest

from nsl.predictions import PercolationPrediction, predict_percolation


def test_mean_field_values_and_dict():
    p = predict_percolation(6, 2.0)
    assert isinstance(p, PercolationPrediction)
    assert p.alpha.value == pytest.approx(1.0) and p.c_over_D.value == pytest.approx(0.5)
    assert p.alpha_N.value == pytest.approx(0.5) and p.alpha_D.value == pytest.approx(0.5)  # min(1/2, 1/2)
    d = p.to_dict()
    assert d["alpha_N"]["ci"] == [0.5, 0.5] and d["alpha_N"]["basis"] == "derived"
    assert d["regime_N"] == "manifold-limited" and d["regime_D"] == "marginal"  # alpha/(1+alpha) = c/D


def test_two_d_exact_and_three_d_numerical():
    p = predict_percolation(2, 4.0)
    assert p.tau.value == pytest.approx(187 / 91) and p.exponents_exact
    assert p.alpha_D.value == pytest.approx(min((3 - 187 / 91) / (187 / 91 - 2) / (1 + (3 - 187 / 91) / (187 / 91 - 2)),
                                                4 / (91 / 48)))
    q = predict_percolation(3)
    assert q.alpha_N.ci is None and q.warnings


def test_supercritical_needs_d_2():
    with pytest.raises(ValueError, match="supercritical needs d >= 2"):
        predict_percolation(1, 2.0, supercritical=True)
    p = predict_percolation(3, 2.0, supercritical=True)
    assert p.alpha_N.value == pytest.approx(2 / 3) and p.alpha is None


@pytest.mark.parametrize("kw,msg", [({"d": 0}, "d must be"), ({"d": 2.5}, "d must be"), ({"d": 1}, "d must be >= 2"),
                                    ({"d": 2, "c": 0}, "c must be > 0")])
def test_bad_inputs(kw, msg):
    with pytest.raises(ValueError, match=msg):
        predict_percolation(**kw)
