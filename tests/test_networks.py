"""Networks: shapes, parameter counts against independent counts, the N_M ladder, bad input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nsl.sims.networks import ARCHS, build_model, count_parameters, decades, model_ladder


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("size", [16, 24])
def test_output_shape(arch, size):
    torch.manual_seed(0)
    m = build_model(arch, in_channels=2, image_size=size, n_out=3, width=8)
    y = m(torch.randn(5, 2, size, size))
    assert y.shape == (5, 3) and torch.isfinite(y).all()


def test_fcn_count_matches_formula():
    d, w, depth, k = 2 * 16 * 16, 37, 3, 3
    m = build_model("fcn", in_channels=2, image_size=16, n_out=k, width=w, depth=depth)
    expect = d * w + w + (depth - 1) * (w * w + w) + w * k + k
    assert count_parameters(m) == expect


def test_resnet18_count_matches_torchvision_layout():
    # torchvision resnet18 (3 input channels, 1000 classes) has 11,689,512 parameters with a
    # 7x7 stem conv (3*64*49 weights); ours uses a 3x3 stem (3*64*9), everything else identical.
    m = build_model("resnet", in_channels=3, image_size=32, n_out=1000, width=64, depth=2)
    assert count_parameters(m) == 11_689_512 - 3 * 64 * 49 + 3 * 64 * 9


def test_vit_count_matches_formula():
    C, N, p, w, depth, k = 2, 16, 4, 32, 2, 3
    m = build_model("vit", in_channels=C, image_size=N, n_out=k, width=w, depth=depth, patch=p)
    tok = (N // p) ** 2
    embed = C * p * p * w + w
    block = (3 * w * w + 3 * w) + (w * w + w) + (w * 2 * w + 2 * w) + (2 * w * w + w) + 4 * w  # attn, out, mlp, 2 LN
    expect = embed + w + (tok + 1) * w + depth * block + 2 * w + w * k + k
    assert count_parameters(m) == expect


@pytest.mark.parametrize("arch", ARCHS)
def test_ladder_spans_one_and_a_half_decades(arch):
    lad = model_ladder(arch, in_channels=2, image_size=16, n_out=3)
    n = [d["n_params"] for d in lad]
    assert n == sorted(n) and len(set(n)) == len(n)
    assert decades(lad) >= 1.5


def test_bad_input():
    with pytest.raises(ValueError, match="arch"):
        build_model("mlp-mixer", in_channels=2, image_size=16, n_out=3, width=8)
    with pytest.raises(ValueError, match="image_size"):
        build_model("fcn", in_channels=2, image_size=4, n_out=3, width=8)
    with pytest.raises(ValueError, match="width"):
        build_model("resnet", in_channels=2, image_size=16, n_out=3, width=0)
    with pytest.raises(ValueError, match="arch"):
        model_ladder("cnn", in_channels=2, image_size=16, n_out=3)


def test_resnet_stem_stride_keeps_parameters_and_quarters_the_first_stage():
    torch.manual_seed(0)
    a = build_model("resnet", in_channels=2, image_size=24, n_out=3, width=4, depth=2)
    b = build_model("resnet", in_channels=2, image_size=24, n_out=3, width=4, depth=2, stem_stride=2)
    assert count_parameters(a) == count_parameters(b)
    x = torch.randn(3, 2, 24, 24)
    assert a.stem(x).shape[-1] == 24 and b.stem(x).shape[-1] == 12
    assert b(x).shape == (3, 3) and torch.isfinite(b(x)).all()
    with pytest.raises(ValueError, match="stem_stride"):
        build_model("resnet", in_channels=2, image_size=24, n_out=3, width=4, stem_stride=3)
    with pytest.raises(ValueError, match="stem_stride"):
        build_model("fcn", in_channels=2, image_size=24, n_out=3, width=4, stem_stride=2)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("C,N,k,w,depth", [(1, 8, 1, 4, 1), (2, 16, 3, 8, 2), (3, 24, 5, 12, 3), (2, 12, 2, 16, 1)])
def test_parameter_count_before_building_is_exact(arch, C, N, k, w, depth):
    """The cap counts parameters without allocating them; the count must be torch's own."""
    from nsl.sims.networks import _n_params, _vit_patch

    for stride in ((1, 2) if arch == "resnet" else (1,)):
        m = build_model(arch, in_channels=C, image_size=N, n_out=k, width=w, depth=depth, stem_stride=stride)
        assert _n_params(arch, C, N, k, w, depth, _vit_patch(N), stride) == count_parameters(m)


# (argument, bad value, exception): each refused at the door with a message naming the argument
BAD_BUILD = [
    ("arch", np.array([1.0, np.nan]), ValueError), ("arch", np.ones((2, 2, 2)), ValueError), ("arch", 3, ValueError),
    ("width", True, TypeError), ("width", 8.7, ValueError), ("width", 10**12, ValueError), ("width", 1e300, ValueError),
    ("in_channels", 10**12, ValueError), ("in_channels", float("nan"), ValueError), ("n_out", True, TypeError),
    ("n_out", 10**12, ValueError), ("image_size", 10**12, ValueError), ("image_size", "16", TypeError),
    ("depth", 10**12, ValueError), ("depth", np.array([1, 2]), TypeError), ("depth", 0, ValueError),
    ("stem_stride", np.ones(3), TypeError), ("stem_stride", 3, ValueError), ("patch", 4, ValueError),
    ("max_params", 0, ValueError), ("max_params", "x", TypeError),
]


@pytest.mark.parametrize("arg,bad,exc", BAD_BUILD, ids=[f"{a}-{i}" for i, (a, _, _) in enumerate(BAD_BUILD)])
def test_build_model_refuses_bad_arguments_naming_them(arg, bad, exc):
    kw = dict(arch="fcn", in_channels=1, image_size=8, n_out=1, width=4)
    kw[arg] = bad
    with pytest.raises(exc, match=rf"\b{arg}\b"):
        build_model(**kw)


def test_max_params_caps_the_network_before_it_is_built():
    kw = dict(in_channels=2, image_size=16, n_out=3, width=64, depth=2)
    n = count_parameters(build_model("resnet", **kw))
    assert count_parameters(build_model("resnet", max_params=n, **kw)) == n
    with pytest.raises(ValueError, match="max_params"):
        build_model("resnet", max_params=n - 1, **kw)


@pytest.mark.parametrize("kw,exc", [
    (dict(widths=3), TypeError), (dict(widths="16"), TypeError), (dict(widths=[]), ValueError),
    (dict(widths=[8, 8.5]), ValueError), (dict(widths=[[1, 2], [3]]), TypeError), (dict(widths=np.ones((2, 2))), TypeError),
    (dict(depth=0), ValueError), (dict(depth=np.array([1, 2])), TypeError), (dict(depth=10**12), ValueError),
])
def test_model_ladder_refuses_bad_widths_and_depth(kw, exc):
    arg = next(iter(kw))
    with pytest.raises(exc, match=rf"\b{arg}\b"):
        model_ladder("fcn", in_channels=1, image_size=8, n_out=1, **kw)
