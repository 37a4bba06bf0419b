"""Regression networks for spin images: FCN (MLP), a ResNet-18-style CNN and a ViT, each with a size knob.

The three families of Čadež & Kim (arXiv 2509.10000, Fig. 1): fully connected networks, ResNet-18
(He et al., CVPR 2016, the 2-2-2-2 BasicBlock layout; here with a 3×3 stem and no max-pool, as
usual for small images, and a base width knob w: stage widths w, 2w, 4w, 8w; w = 64 is the
original's width) and a Vision Transformer (Dosovitskiy et al., ICLR 2021: patch embedding, a
class token, learned position embeddings, pre-norm encoder blocks).  ``width`` is the knob of
the parameter-count ladder (MLP hidden units, ResNet base width, ViT embedding dimension);
``depth`` is the number of hidden layers / BasicBlocks per stage / encoder blocks.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from nsl.theory.checks import check_int

__all__ = ["ARCHS", "DEFAULT_LADDERS", "build_model", "count_parameters", "model_ladder", "check_arch", "decades"]

ARCHS = ("fcn", "resnet", "vit")

# width ladders (default depth) spanning >= 1.5 decades of parameter count at 2×16×16 inputs
DEFAULT_LADDERS = {
    "fcn": {"widths": (16, 32, 64, 128, 256, 512), "depth": 3},
    "resnet": {"widths": (2, 4, 8, 16, 32), "depth": 2},
    "vit": {"widths": (8, 16, 32, 64, 128), "depth": 2},
}
DEFAULT_DEPTH = {"fcn": 3, "resnet": 2, "vit": 2}
MAX_PARAMS = 10**9  # default cap of build_model: 4 GB of float32 weights (16 GB with AdamW's state and gradients)
_MAX_SIDE = 2**31 - 1  # bound on each size argument (a tensor side), so that the parameter count stays a float


def check_arch(arch: str) -> str:
    """``arch`` if it is one of :data:`ARCHS`, else ``ValueError`` naming it."""
    if not isinstance(arch, str) or arch not in ARCHS:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
    return arch


class FCN(nn.Module):
    """MLP on the flattened image: depth × (Linear, GELU) then a linear head."""

    def __init__(self, in_dim: int, n_out: int, width: int, depth: int):
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        d = in_dim
        for _ in range(depth):
            layers += [nn.Linear(d, width), nn.GELU()]
            d = width
        layers.append(nn.Linear(d, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.b1(self.c1(x)))
        out = self.b2(self.c2(out))
        return torch.relu(out + (x if self.short is None else self.short(x)))


class ResNet(nn.Module):
    """ResNet-18 layout (``depth`` = 2 BasicBlocks per stage) with stage widths w, 2w, 4w, 8w.

    ``stem_stride`` = 2 halves the image in the stem, as ResNet-18's own stem does (stride-2 conv
    and max-pool: 4× in all); it quarters the compute and leaves the parameter count unchanged.
    """

    def __init__(self, in_ch: int, n_out: int, width: int, depth: int, stem_stride: int = 1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_ch, width, 3, stem_stride, 1, bias=False), nn.BatchNorm2d(width),
                                  nn.ReLU())
        blocks, c = [], width
        for s, mult in enumerate((1, 2, 4, 8)):
            for b in range(depth):
                blocks.append(BasicBlock(c, width * mult, 2 if (s > 0 and b == 0) else 1))
                c = width * mult
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(c, n_out)

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.head(h.mean(dim=(2, 3)))


class ViT(nn.Module):
    """Patch embedding + class token + learned positions + ``depth`` pre-norm encoder blocks."""

    def __init__(self, in_ch: int, image_size: int, n_out: int, width: int, depth: int, patch: int):
        super().__init__()
        if image_size % patch:
            raise ValueError(f"patch must divide image_size ({image_size}), got {patch}")
        heads = max(1, width // 16)
        while width % heads:
            heads -= 1
        self.embed = nn.Conv2d(in_ch, width, patch, patch)
        n_tok = (image_size // patch) ** 2
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(0.02 * torch.randn(1, n_tok + 1, width))
        layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=2 * width, dropout=0.0,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, n_out)

    def forward(self, x):
        t = self.embed(x).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(t.shape[0], -1, -1), t], 1) + self.pos
        t = self.encoder(t)
        return self.head(self.norm(t[:, 0]))


def _vit_patch(image_size: int) -> int:
    for p in (4, 2, 8, 1):
        if image_size % p == 0 and image_size // p >= 2:
            return p
    return 1


def _n_params(arch: str, C: int, N: int, k: int, w: int, depth: int, patch: int, stem_stride: int) -> int:
    """Exact trainable-parameter count of :func:`build_model`'s network, without building it."""
    del stem_stride  # the stride changes activations, not weights
    if arch == "fcn":
        return C * N * N * w + w + (depth - 1) * (w * w + w) + w * k + k
    if arch == "resnet":
        n, c = C * w * 9 + 2 * w, w  # stem conv + BN
        for s, mult in enumerate((1, 2, 4, 8)):
            m = w * mult
            first = 9 * c * m + 9 * m * m + 4 * m + ((c * m + 2 * m) if (s > 0 or c != m) else 0)
            n += first + (depth - 1) * (18 * m * m + 4 * m)
            c = m
        return n + c * k + k
    tok = (N // patch) ** 2
    block = 8 * w * w + 11 * w  # attention in/out projections, 2w feed-forward, two LayerNorms
    return C * patch * patch * w + w + w + (tok + 1) * w + depth * block + 2 * w + w * k + k


def build_model(arch: str, *, in_channels: int, image_size: int, n_out: int, width: int,
                depth: int | None = None, patch: int | None = None, stem_stride: int = 1,
                max_params: int = MAX_PARAMS) -> nn.Module:
    """A network of family ``arch`` ('fcn', 'resnet', 'vit') mapping (B, C, N, N) images to (B, n_out).

    ``stem_stride`` (1 or 2) applies to the ResNet only, ``patch`` (a divisor of ``image_size``;
    default 4, 2, 8 or 1, the first that leaves >= 2 patches a side) to the ViT only.  A network
    of more than ``max_params`` parameters (default 1e9, counted before anything is allocated)
    is refused with ``ValueError`` naming the sizes.  Uses torch's global RNG for the initial
    weights: call ``torch.manual_seed`` first.
    """
    check_arch(arch)
    stem_stride = check_int(stem_stride, "stem_stride", lo=1, hi=2)
    if stem_stride != 1 and arch != "resnet":
        raise ValueError(f"stem_stride applies to arch 'resnet' only, got arch {arch!r}")
    in_channels = check_int(in_channels, "in_channels", lo=1, hi=_MAX_SIDE)
    image_size = check_int(image_size, "image_size", lo=8, hi=_MAX_SIDE)
    n_out = check_int(n_out, "n_out", lo=1, hi=_MAX_SIDE)
    width = check_int(width, "width", lo=1, hi=_MAX_SIDE)
    depth = DEFAULT_DEPTH[arch] if depth is None else check_int(depth, "depth", lo=1, hi=_MAX_SIDE)
    if patch is not None:
        if arch != "vit":
            raise ValueError(f"patch applies to arch 'vit' only, got arch {arch!r}")
        patch = check_int(patch, "patch", lo=1, hi=image_size)
    max_params = check_int(max_params, "max_params", lo=1)
    n_params = _n_params(arch, in_channels, image_size, n_out, width, depth, patch or _vit_patch(image_size),
                         stem_stride)
    if n_params > max_params:
        raise ValueError(f"the {arch} network would have {float(n_params):.3g} parameters, above max_params={max_params} "
                         f"(in_channels={in_channels}, image_size={image_size}, n_out={n_out}, width={width}, "
                         f"depth={depth}): lower them or raise max_params")
    if arch == "fcn":
        return FCN(in_channels * image_size * image_size, n_out, width, depth)
    if arch == "resnet":
        return ResNet(in_channels, n_out, width, depth, stem_stride)
    p = patch or _vit_patch(image_size)
    return ViT(in_channels, image_size, n_out, width, depth, p)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters (N_M)."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def model_ladder(arch: str, *, in_channels: int, image_size: int, n_out: int,
                 widths: Sequence[int] | None = None, depth: int | None = None) -> list[dict]:
    """The parameter-count ladder of ``arch``: [{'arch', 'width', 'depth', 'n_params'}, ...] by width.

    Default widths are :data:`DEFAULT_LADDERS` (>= 1.5 decades of N_M at 2×16×16 inputs).
    """
    check_arch(arch)
    lad = DEFAULT_LADDERS[arch]
    if widths is None:
        widths = lad["widths"]
    elif isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise TypeError(f"widths must be a sequence of integers >= 1 (or None), got {type(widths).__name__} {widths!r}")
    widths = tuple(check_int(w, "widths", lo=1) for w in widths)
    if not widths:
        raise ValueError("widths must hold at least one width (or be None for the default ladder)")
    depth = lad["depth"] if depth is None else check_int(depth, "depth", lo=1)
    out = []
    for w in widths:
        m = build_model(arch, in_channels=in_channels, image_size=image_size, n_out=n_out, width=int(w), depth=depth)
        out.append({"arch": arch, "width": int(w), "depth": int(depth), "n_params": count_parameters(m)})
    return out


def decades(ladder: Sequence[dict]) -> float:
    """log10 of the ratio of the largest to the smallest parameter count of a ladder."""
    n = [d["n_params"] for d in ladder]
    return math.log10(max(n) / min(n))
