"""``nsl predict two-layer``: values against the theory modules and argument checks."""
import argparse

import pytest

from nsl import registry


def _args(**kw):
    entry = registry.get("prediction", "two-layer")
    p = argparse.ArgumentParser()
    entry.configure(p)
    argv = []
    for k, v in kw.items():
        flag = "--" + k.replace("_", "-")
        argv += [flag] if v is True else [flag, str(v)]
    return entry.compute(p.parse_args(argv))


def test_predict_two_layer_values():
    out = _args(beta=3, L=4, K=2, M=2, eta=0.1, no_ode=True, symbolic=True)
    assert out["exponent in alpha (eps_g ~ alpha^-x, linear; erf specialised phase)"] == 0.75
    assert abs(out["plateau height (symmetric fixed point, eta included)"] - 0.012086) < 1e-5
    assert abs(out["linear stability bound eta_c = 2N/(V Tr Sigma)"] - 1.0) < 1e-12  # K = 2 students
    assert out["symbolic"]["exponent_alpha"] == "beta/(beta + 1)"
    lin = _args(beta=1, L=8, K=1, M=1, eta=0.5, activation="linear")
    assert abs(lin["linear stability bound eta_c = 2N/(V Tr Sigma)"] - 2.0) < 1e-12


@pytest.mark.parametrize("kw,msg", [({"beta": 0, "L": 4}, "--beta"), ({"beta": 1, "L": 4, "eta": -1}, "--eta"),
                                    ({"beta": 1, "L": 3, "N": 16}, "--N"), ({"beta": 1, "L": 4, "K": 0}, "--K")])
def test_predict_two_layer_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg):
        _args(**kw)
