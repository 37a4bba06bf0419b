"""Spin-texture images of a twisted magnetic bilayer: the open stand-in for Čadež & Kim's data.

Čadež & Kim (arXiv 2509.10000) regress the twist angle θ, the intralayer exchange J and the
Dzyaloshinskii–Moriya strength D of twisted bilayer CrI3 from simulated spin images; their
data are not public.  This module is the physics of the stand-in (a minimal bilayer model derived
here from the paper's description); the on-disk cache is :mod:`nsl.sims.texture_cache`.

* ``generator="fire"`` (the physical ground truth): two N×N square-lattice layers of unit
  spins, open boundaries, energy

      E = Σ_l [ −J Σ_⟨ij⟩ m_i·m_j − D Σ_⟨ij⟩ (ẑ×r̂_ij)·(m_i×m_j) − K Σ_i (m_i^z)² − h Σ_i m_i^z ]
          − Σ_i J⊥(r_i) m_{1,i}·m_{2,i}

  (interfacial/Néel DMI), relaxed from a domain-seeded state by FIRE (Bitzek et al., PRL 97,
  170201 (2006); the FIRE 2.0 variant of Guénolé et al., Comput. Mater. Sci. 175, 109584
  (2020)) in the spins' tangent space.  On a CPU a fused numba kernel relaxes one sample at a
  time (:mod:`nsl.sims.fire_cpu`); on a GPU :func:`relax_fire` relaxes a batch with torch.
* ``generator="surrogate"``: a closed-form domain-wall texture on the same field (layer 2
  m_z = tanh[(J⊥ − τ)/(|∇J⊥| δ)]).  It is **not** physical where the relaxed state has no
  domain: there it keeps a moiré modulation of m_z (0.16–0.60) that FIRE flattens to ~0.005,
  and a network reads θ, J, D off that "ghost".  The suites train on FIRE textures.

Moiré field: J⊥(r) = J⊥⁰ + J⊥¹ (1/3) Σ_{k=0..2} cos(G_k·(r − r₀)), |G_k| = 4π/(√3 L_M), at angles
φ + 2πk/3, with L_M = 1/(2 sin(θ/2)) in lattice units (pixels).  With ``random_origin`` the
nuisance variables r₀ ∈ [0, L_M)² and φ ∈ [0, 2π/3) are drawn per sample; without it r₀ = 0,
φ = 0 (the moiré cell is pinned to the image, as in a simulation of one aligned supercell).

Domains.  Below a critical twist angle FM (m₁·m₂ > 0) and AF (m₁·m₂ < 0) stacking domains
coexist; above it the relaxed state is uniform (Xu et al., Nat. Nanotechnol. 17, 143 (2022)).
An image is *domain-less* when the minority interlayer alignment (sign of m₁ᶻ m₂ᶻ) covers less
than :data:`DOMAIN_MIN_FRACTION` of its pixels (:func:`minority_fraction`).  The default box
(32², L_M ∈ [10, 16] px, J ∈ [0.3, 0.8], D ∈ [0, 0.4], K = 0.3, J⊥ = −0.1 + 1.0·moiré) has
domains in every one of 200 FIRE samples; the note's box (L_M ∈ [10, 30], J ∈ [0.5, 2],
J⊥¹ = 0.5) collapses for about a quarter.  ``generate`` warns when more than 10 % of a batch is
domain-less; a box whose largest moiré period does not fit in the image is refused.

Units and conventions: lattice constant a = 1 px; θ in degrees; images are (C, N, N) with
C = 2 (m_z of both layers, ``channels="mz"``) or 6 (all components, ``channels="full"``),
index order (layer, component) for ``full``; targets are always the three columns
``(theta_deg, J, D)`` (:data:`TARGETS`); parameters not listed in ``free`` are held at the
midpoint of their range.  Randomness: sample ``i`` of stream ``s`` depends only on
``(seed, s, i)`` through a counter-based hash generator (splitmix64), so training sets are
nested prefixes of one stream, the test set (stream ``"test"``) is fixed, and any batch
split gives the same samples.
"""
from __future__ import annotations

import hashlib
import json
import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = [
    "TARGETS", "STREAMS", "GENERATORS", "TextureSpec", "moire_period", "twist_angle",
    "hash_uniforms", "hash_normals", "sample_parameters", "moire_field", "effective_field",
    "energy", "tangent_force", "initial_state", "relax_fire", "FireResult", "surrogate_texture",
    "generate", "minority_fraction", "domainless_fraction", "DOMAIN_MIN_FRACTION", "COLLAPSE_WARN_FRACTION",
]

TARGETS = ("theta", "J", "D")
STREAMS = {"train": 0, "val": 1, "test": 2}
GENERATORS = ("surrogate", "fire")
CHANNELS = ("mz", "full")
DOMAIN_MIN_FRACTION = 0.01  # an image with < 1 % of its pixels in the minority stacking alignment has no domain
COLLAPSE_WARN_FRACTION = 0.10  # generate() warns when more of a batch than this is domain-less


# ----------------------------------------------------------------------------- geometry
def _float_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a float array, or ``ValueError`` naming ``name`` (a string, a ragged list, an object)."""
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {x!r}") from None


def moire_period(theta_deg: Any) -> np.ndarray:
    """Moiré period L_M = 1/(2 sin(θ/2)) in lattice units (θ in degrees, 0 < θ < 180)."""
    t = _float_array(theta_deg, "theta_deg")
    if np.any(~(t > 0)) or np.any(~(t < 180)):
        raise ValueError(f"theta_deg must lie in (0, 180) degrees, got {theta_deg!r}")
    return 1.0 / (2.0 * np.sin(np.deg2rad(t) / 2.0))


def twist_angle(period: Any) -> np.ndarray:
    """Inverse of :func:`moire_period`: θ = 2 arcsin(1/(2 L_M)) in degrees (L_M > 1/2)."""
    L = _float_array(period, "period")
    if np.any(~(L > 0.5)):
        raise ValueError(f"period must be > 0.5 lattice units, got {period!r}")
    return np.rad2deg(2.0 * np.arcsin(1.0 / (2.0 * L)))


# ----------------------------------------------------------------------------- spec
def _check_range(name: str, r: Any, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> tuple[float, float]:
    try:
        a, b = (float(r[0]), float(r[1]))
    except (TypeError, IndexError, ValueError):
        raise ValueError(f"{name} must be a (low, high) pair, got {r!r}") from None
    if not (math.isfinite(a) and math.isfinite(b) and a <= b):
        raise ValueError(f"{name} must be a finite (low, high) pair with low <= high, got {r!r}")
    lo_ok = low is None or (a > low if low_open else a >= low)
    hi_ok = high is None or (b < high if high_open else b <= high)
    if not (lo_ok and hi_ok):
        lb = "(" if low_open else "["
        hb = ")" if high_open else "]"
        raise ValueError(f"{name} must lie in {lb}{low if low is not None else '-inf'}, "
                         f"{high if high is not None else 'inf'}{hb}, got {r!r}")
    return (a, b)


@dataclass(frozen=True)
class TextureSpec:
    """What a spin-texture dataset is: generator, image size, parameter ranges, physics constants.

    ``theta_deg``, ``J``, ``D`` are (low, high) ranges of the uniform prior (θ in degrees, in
    (0, 180); J > 0); the defaults put L_M in [10, 16] px, 2–3.2 moiré periods across a 32² image,
    in a box where FM and AF domains coexist (module docstring).  A box whose largest period
    L_M(θ_low) exceeds ``size`` is refused (ValueError naming theta_deg and size); one holding
    fewer than 1.5 periods warns.  ``free`` lists the
    parameters that vary; the others sit at their range midpoint (the intrinsic-dimension
    check frees θ, then θ+J, then θ+J+D).  ``K`` > 0 is the easy-axis anisotropy, ``jperp0``,
    ``jperp1`` the moiré coupling, ``h`` a field along ẑ, ``noise`` the std of additive
    Gaussian pixel noise.  FIRE stops when max_i |F_i| < ``tol`` or after ``max_iter`` steps.
    ``random_origin`` draws the moiré origin r₀ and orientation φ per sample (nuisance
    variables the network must discount); ``False`` pins r₀ = 0, φ = 0, so an image is a
    function of the free parameters alone (intrinsic dimension = len(free)).
    """

    generator: str = "fire"
    size: int = 32
    theta_deg: tuple = (3.58, 5.73)  # L_M in [10, 16] px
    J: tuple = (0.3, 0.8)
    D: tuple = (0.0, 0.4)
    K: float = 0.3
    jperp0: float = -0.1
    jperp1: float = 1.0
    h: float = 0.0
    noise: float = 0.0
    channels: str = "mz"
    free: tuple = TARGETS
    tol: float = 1e-4
    max_iter: int = 3000
    init_noise: float = 0.05
    random_origin: bool = False

    def __post_init__(self) -> None:
        if self.generator not in GENERATORS:
            raise ValueError(f"generator must be one of {', '.join(GENERATORS)}, got {self.generator!r}")
        if not isinstance(self.size, (int, np.integer)) or self.size < 8:
            raise ValueError(f"size must be an integer >= 8 (image side in pixels), got {self.size!r}")
        object.__setattr__(self, "size", int(self.size))
        object.__setattr__(self, "theta_deg", _check_range("theta_deg", self.theta_deg, 0.0, 180.0, True, True))
        object.__setattr__(self, "J", _check_range("J", self.J, 0.0, None, True))
        object.__setattr__(self, "D", _check_range("D", self.D))
        if not (float(self.K) > 0):
            raise ValueError(f"K must be > 0 (easy-axis anisotropy), got {self.K!r}")
        if not (float(self.noise) >= 0):
            raise ValueError(f"noise must be >= 0, got {self.noise!r}")
        if not (float(self.init_noise) >= 0):
            raise ValueError(f"init_noise must be >= 0, got {self.init_noise!r}")
        if self.channels not in CHANNELS:
            raise ValueError(f"channels must be one of {', '.join(CHANNELS)}, got {self.channels!r}")
        free = tuple(self.free)
        if not free or any(f not in TARGETS for f in free) or len(set(free)) != len(free):
            raise ValueError(f"free must be a non-empty subset of {TARGETS} without repeats, got {self.free!r}")
        object.__setattr__(self, "free", tuple(t for t in TARGETS if t in free))
        if not (float(self.tol) > 0):
            raise ValueError(f"tol must be > 0, got {self.tol!r}")
        if not (isinstance(self.max_iter, (int, np.integer)) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if not isinstance(self.random_origin, (bool, np.bool_)):
            raise ValueError(f"random_origin must be True or False, got {self.random_origin!r}")
        L_max = float(moire_period(self.theta_deg[0]))
        if self.size < L_max:
            raise ValueError(f"size ({self.size} px) holds less than one moire period: theta_deg = {self.theta_deg} "
                             f"gives L_M up to {L_max:.1f} px; raise size to >= {math.ceil(L_max)} or theta_deg's low end "
                             f"to >= {float(twist_angle(self.size)):.3g} deg")
        if self.size / L_max < 1.495:
            warnings.warn(f"TextureSpec: size {self.size} px holds only {self.size / L_max:.2f} moire periods at "
                          f"theta_deg = {self.theta_deg[0]:.3g} (L_M = {L_max:.1f} px); >= 1.5 periods are needed to "
                          "read the period off the image", UserWarning, stacklevel=3)

    @property
    def n_channels(self) -> int:
        return 2 if self.channels == "mz" else 6

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.n_channels, self.size, self.size)

    def ranges(self) -> dict[str, tuple[float, float]]:
        return {"theta": self.theta_deg, "J": self.J, "D": self.D}

    def target_moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and std of the uniform prior of each target (std 1 for a fixed target).

        Used to standardise targets independently of the training-set size.
        """
        r = self.ranges()
        mean = np.array([(r[t][0] + r[t][1]) / 2 for t in TARGETS])
        std = np.array([(r[t][1] - r[t][0]) / math.sqrt(12) if t in self.free else 1.0 for t in TARGETS])
        std[std <= 0] = 1.0
        return mean, std

    def to_dict(self) -> dict:
        d = asdict(self)
        d["theta_deg"], d["J"], d["D"], d["free"] = list(self.theta_deg), list(self.J), list(self.D), list(self.free)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> TextureSpec:
        d = dict(d)
        for k in ("theta_deg", "J", "D", "free"):
            if k in d:
                d[k] = tuple(d[k])
        return cls(**d)

    def collapse_fraction(self, n: int = 64, seed: int = 0) -> float:
        """Fraction of ``n`` FIRE-relaxed samples of this box without a stacking domain; warns above 10 %.

        Relaxes the first ``n`` samples of the ``"test"`` stream with FIRE (whatever ``generator``
        says: the relaxed state is the physics) and applies :func:`domainless_fraction`.  A box
        above :data:`COLLAPSE_WARN_FRACTION` gets a ``UserWarning`` naming the ranges.

        Example
        -------
        >>> TextureSpec().collapse_fraction(32)  # doctest: +SKIP
        0.0
        """
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise ValueError(f"n must be an integer >= 1, got {n!r}")
        spec = TextureSpec.from_dict({**self.to_dict(), "generator": "fire", "noise": 0.0})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            x, _ = generate(spec, seed, np.arange(n), "test")
        frac = domainless_fraction(x, self.channels)
        if frac > COLLAPSE_WARN_FRACTION:
            _warn_collapse(self, frac, n, stacklevel=3)
        return frac

    def key(self) -> str:
        """16 hex digits identifying the dataset (generator and physics, not the seed)."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------- counter-based randomness
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x + _GOLD
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def check_seed(seed: Any) -> int:
    """``seed`` as an int in [0, 2**63), or a ValueError naming ``seed``."""
    if not isinstance(seed, (int, np.integer)) or not (0 <= int(seed) < 2**63):
        raise ValueError(f"seed must be an integer in [0, 2**63), got {seed!r}")
    return int(seed)


def _check_indices(indices: Any) -> np.ndarray:
    idx = np.asarray(indices)
    if idx.ndim != 1 or (idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0)):
        raise ValueError("indices must be a 1-D array of non-negative integers")
    return idx.astype(np.uint64)


def hash_uniforms(seed: int, stream: int, indices: Any, tag: int, count: int) -> np.ndarray:
    """Uniforms in (0, 1), shape (len(indices), count), a pure function of (seed, stream, index, tag, j).

    splitmix64 (Steele, Lea & Flood, OOPSLA 2014) applied to a counter: reproducible for any
    subset of indices, in any order or batching.
    """
    seed = check_seed(seed)
    idx = _check_indices(indices)
    with np.errstate(over="ignore"):
        key = _splitmix64(np.array([seed], dtype=np.uint64))
        key = _splitmix64(key ^ np.uint64((int(stream) * 1_000_003 + int(tag) * 7919) % 2**64))
        base = _splitmix64(key ^ _splitmix64(idx))
        ctr = base[:, None] + np.arange(1, count + 1, dtype=np.uint64)[None, :] * _GOLD
        bits = _splitmix64(ctr)
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 2**53)


def hash_normals(seed: int, stream: int, indices: Any, tag: int, count: int) -> np.ndarray:
    """Standard normals (Box–Muller on :func:`hash_uniforms`), shape (len(indices), count)."""
    half = (count + 1) // 2
    u = hash_uniforms(seed, stream, indices, tag, 2 * half)
    r = np.sqrt(-2.0 * np.log(u[:, :half]))
    a = 2.0 * np.pi * u[:, half:]
    return np.concatenate([r * np.cos(a), r * np.sin(a)], axis=1)[:, :count]


def _stream_id(stream: str | int) -> int:
    if isinstance(stream, str):
        if stream not in STREAMS:
            raise ValueError(f"stream must be one of {', '.join(STREAMS)} (or an integer >= 0), got {stream!r}")
        return STREAMS[stream]
    if not isinstance(stream, (int, np.integer)) or stream < 0:
        raise ValueError(f"stream must be one of {', '.join(STREAMS)} (or an integer >= 0), got {stream!r}")
    return int(stream)


def sample_parameters(spec: TextureSpec, seed: int, indices: Any, stream: str | int = "train") -> dict[str, np.ndarray]:
    """The physical parameters and nuisance variables of samples ``indices`` of ``stream``.

    Returns arrays ``theta`` (degrees), ``J``, ``D``, ``L`` (moiré period), ``r0`` (n, 2) and ``phi``.
    """
    s = _stream_id(stream)
    u = hash_uniforms(seed, s, indices, tag=1, count=6)
    out = {}
    for j, t in enumerate(TARGETS):
        lo, hi = spec.ranges()[t]
        out[t] = lo + (hi - lo) * u[:, j] if t in spec.free else np.full(len(u), (lo + hi) / 2)
    out["L"] = moire_period(out["theta"])
    if spec.random_origin:
        out["r0"] = u[:, 3:5] * out["L"][:, None]
        out["phi"] = u[:, 5] * (2 * np.pi / 3)
    else:
        out["r0"] = np.zeros((len(u), 2))
        out["phi"] = np.zeros(len(u))
    return out


# ----------------------------------------------------------------------------- moiré field (torch)
def _torch():
    import torch

    return torch


def moire_field(L: Any, r0: Any, phi: Any, size: int, jperp0: float, jperp1: float, *,
                device: str = "cpu", dtype=None):
    """J⊥(r) = J⊥⁰ + J⊥¹ (1/3) Σ_k cos(G_k·(r − r₀)) and its gradient on an N×N pixel grid.

    Returns torch tensors ``jperp`` (B, N, N) and ``grad`` (B, 2, N, N) (x then y; x is the
    last image axis).  |G_k| = 4π/(√3 L_M) at angles φ + 2πk/3 (the triangular moiré of the twisted bilayer).
    """
    torch = _torch()
    dtype = dtype or torch.float32
    L = torch.as_tensor(np.asarray(L, dtype=float), device=device, dtype=torch.float64)
    r0 = torch.as_tensor(np.asarray(r0, dtype=float), device=device, dtype=torch.float64)
    phi = torch.as_tensor(np.asarray(phi, dtype=float), device=device, dtype=torch.float64)
    g = 4 * math.pi / (math.sqrt(3) * L)  # (B,)
    ang = phi[:, None] + (2 * math.pi / 3) * torch.arange(3, device=device, dtype=torch.float64)[None, :]
    gx, gy = (g[:, None] * torch.cos(ang)).to(dtype), (g[:, None] * torch.sin(ang)).to(dtype)  # (B, 3)
    off = (gx * r0[:, :1].to(dtype) + gy * r0[:, 1:].to(dtype))  # (B, 3)
    c = torch.arange(size, device=device, dtype=dtype)
    # phase_k(y, x) = gx_k x + gy_k y − G_k·r0
    ph = (gx[:, :, None, None] * c[None, None, None, :] + gy[:, :, None, None] * c[None, None, :, None]
          - off[:, :, None, None])  # (B, 3, N, N)
    cs, sn = torch.cos(ph), torch.sin(ph)
    jperp = jperp0 + (jperp1 / 3.0) * cs.sum(1)
    gradx = -(jperp1 / 3.0) * (gx[:, :, None, None] * sn).sum(1)
    grady = -(jperp1 / 3.0) * (gy[:, :, None, None] * sn).sum(1)
    return jperp, torch.stack([gradx, grady], 1)


# ----------------------------------------------------------------------------- Heisenberg model (torch)
def _padded(m):
    torch = _torch()
    return torch.nn.functional.pad(m, (1, 1, 1, 1))


def effective_field(m, jperp, J, D, K, h: float = 0.0):
    """H = −∂E/∂m for the bilayer energy in the module docstring.

    ``m`` (B, 2, 3, N, N) unit spins (layer, component, y, x); ``jperp`` (B, N, N); ``J``, ``D``,
    ``K`` per-sample tensors (B,) or floats.  Open boundaries (zero padding).  Exchange:
    J Σ_nn m_j.  Interfacial DMI: D[m_{i+x}×ŷ + ŷ×m_{i−x} − m_{i+y}×x̂ − x̂×m_{i−y}]
    = D(−δₓm_z, −δᵧm_z, δₓmₓ + δᵧm_y) with δₑf = f_{i+e} − f_{i−e}.  Anisotropy 2K m_z ẑ,
    field h ẑ, interlayer J⊥(r) m_{other layer}.
    """
    torch = _torch()
    B = m.shape[0]

    def col(v):
        return torch.as_tensor(v, dtype=m.dtype, device=m.device).reshape(-1).expand(B).reshape(B, 1, 1, 1)

    Jc, Dc, Kc = col(J), col(D), col(K)
    p = _padded(m)
    nb = p[..., 1:-1, 2:] + p[..., 1:-1, :-2] + p[..., 2:, 1:-1] + p[..., :-2, 1:-1]
    dxz = p[:, :, 2, 1:-1, 2:] - p[:, :, 2, 1:-1, :-2]
    dyz = p[:, :, 2, 2:, 1:-1] - p[:, :, 2, :-2, 1:-1]
    div = p[:, :, 0, 1:-1, 2:] - p[:, :, 0, 1:-1, :-2] + p[:, :, 1, 2:, 1:-1] - p[:, :, 1, :-2, 1:-1]
    hz = Dc * div + (2 * Kc) * m[:, :, 2] + (jperp[:, None] * m[:, (1, 0), 2]) + h
    hx = -Dc * dxz + jperp[:, None] * m[:, (1, 0), 0]
    hy = -Dc * dyz + jperp[:, None] * m[:, (1, 0), 1]
    return Jc[:, :, None] * nb + torch.stack([hx, hy, hz], 2)


def _unit(m):
    """Normalise the spin components (axis 2); sum of squares (torch's vector norm over a strided axis is slow)."""
    return m * (m * m).sum(2, keepdim=True).rsqrt()


def energy(m, jperp, J, D, K, h: float = 0.0):
    """Energy per sample (B,): E = −½ Σ m·H − ½ h Σ m_z (all terms but the Zeeman one are quadratic)."""
    H = effective_field(m, jperp, J, D, K, h)
    return -0.5 * (m * H).sum(dim=(1, 2, 3, 4)) - 0.5 * h * m[:, :, 2].sum(dim=(1, 2, 3))


def tangent_force(m, H):
    """F = H − (m·H) m, the torque-free force in each spin's tangent plane."""
    return H - (m * H).sum(2, keepdim=True) * m


def initial_state(spec: TextureSpec, seed: int, indices: Any, stream: str | int, jperp, *, dtype=None):
    """Domain-seeded start: m₁ = +ẑ, m₂ = sign(J⊥) ẑ, plus ``init_noise`` Gaussian noise, normalised."""
    torch = _torch()
    dtype = dtype or jperp.dtype
    B, N = jperp.shape[0], spec.size
    m = torch.zeros((B, 2, 3, N, N), dtype=dtype, device=jperp.device)
    m[:, 0, 2] = 1.0
    m[:, 1, 2] = torch.where(jperp >= 0, 1.0, -1.0).to(dtype)
    if spec.init_noise > 0:
        z = hash_normals(seed, _stream_id(stream), indices, tag=2, count=2 * 3 * N * N)
        m = m + spec.init_noise * torch.as_tensor(z.reshape(B, 2, 3, N, N), dtype=dtype, device=jperp.device)
    return _unit(m)


@dataclass
class FireResult:
    """Relaxed spins and convergence record of :func:`relax_fire` (numpy arrays, per sample)."""

    m: np.ndarray              # (B, 2, 3, N, N)
    energy: np.ndarray         # (B,)
    max_force: np.ndarray      # (B,) max_i |F_i| at the end
    iterations: np.ndarray     # (B,) steps taken
    converged: np.ndarray      # (B,) bool
    trace: np.ndarray | None = None  # (n_iter+1, B) energy per step if requested (NaN after convergence)


def relax_fire(m0, jperp, J, D, K, h: float = 0.0, *, tol: float = 1e-4, max_iter: int = 3000,
               dt0=None, record: bool = False,
               dt_max_factor: float = 2.0, alpha_start: float = 0.25) -> FireResult:
    """FIRE relaxation of unit spins in their tangent space, batched over samples, energy never rising.

    FIRE (Bitzek et al., PRL 97, 170201 (2006)) in the semi-implicit form of FIRE 2.0 (Guénolé
    et al. 2020, Alg. 2: velocity update, then mixing v ← (1−α)v + α|v|F̂, then the move; a
    delay of 5 steps before dt grows; reset v = 0, dt ← dt/2, α ← α_start when P = F·v ≤ 0).
    Spins move as m ← normalise(m + dt v); v is projected on the new tangent plane.  A step
    that raises a sample's energy (beyond round-off, 64 ε |E|) is rejected like a P ≤ 0 step
    (the sample returns to its previous state), so the energy sequence is non-increasing.
    Each sample has its own dt, α and counters; dt₀ = 0.5/√(4J + 2K + 1) (a stability estimate derived here),
    dt_max = ``dt_max_factor`` dt₀ (2: fewest mean steps at N = 32), dt_min = 0.02 dt₀.  A
    sample stops when max_i |F_i| < ``tol`` (F = H − (m·H)m) or after ``max_iter`` steps.
    """
    torch = _torch()
    if not (tol > 0):
        raise ValueError(f"tol must be > 0, got {tol!r}")
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    dev, dt_ = m0.device, m0.dtype
    B = m0.shape[0]

    def vec(a):
        return torch.as_tensor(np.asarray(a, dtype=float) if not torch.is_tensor(a) else a,
                               dtype=dt_, device=dev).reshape(-1).expand(B).clone()

    J, D, K = vec(J), vec(D), vec(K)
    dt0 = 0.5 / torch.sqrt(4 * J + 2 * K + 1) if dt0 is None else vec(dt0)
    f_inc, f_dec, a_start, f_a, n_delay = 1.1, 0.5, float(alpha_start), 0.99, 5
    dt_max, dt_min = float(dt_max_factor) * dt0, 0.02 * dt0
    rel = 64 * torch.finfo(dt_).eps

    out_m = m0.clone()
    out_e = torch.zeros(B, dtype=dt_, device=dev)
    out_f = torch.zeros(B, dtype=dt_, device=dev)
    out_it = torch.zeros(B, dtype=torch.long, device=dev)
    trace = torch.full((max_iter + 1, B), float("nan"), dtype=torch.float64) if record else None

    def field_force_energy(m, jp, Ja, Da, Ka):
        H = effective_field(m, jp, Ja, Da, Ka, h)
        E = -0.5 * (m * H).sum(dim=(1, 2, 3, 4)) - 0.5 * h * m[:, :, 2].sum(dim=(1, 2, 3))
        return tangent_force(m, H), E

    # per-sample state of the active batch
    act = torch.arange(B, device=dev)
    m, jp = m0.clone(), jperp
    st = {"dt": dt0.clone(), "alpha": torch.full((B,), a_start, dtype=dt_, device=dev),
          "npos": torch.zeros(B, dtype=torch.long, device=dev), "dt_max": dt_max, "dt_min": dt_min,
          "J": J, "D": D, "K": K}
    v = torch.zeros_like(m)
    F, E = field_force_energy(m, jp, st["J"], st["D"], st["K"])
    it = 0
    while True:
        fmax = (F * F).sum(2).amax(dim=(1, 2, 3)).sqrt()
        if trace is not None:
            trace[it, act.cpu()] = E.double().cpu()
        fin = (fmax < tol) | (it >= max_iter)
        if bool(fin.any()):
            idx = act[fin]
            out_m[idx], out_e[idx], out_f[idx] = m[fin], E[fin], fmax[fin]
            out_it[idx] = it
            keep = ~fin
            if not bool(keep.any()):
                break
            act, m, v, F, E, jp = act[keep], m[keep], v[keep], F[keep], E[keep], jp[keep]
            st = {k: val[keep] for k, val in st.items()}
        # FIRE bookkeeping from P = F·v
        P = (F * v).sum(dim=(1, 2, 3, 4))
        pos = P > 0
        st["npos"] = torch.where(pos, st["npos"] + 1, torch.zeros_like(st["npos"]))
        grow = pos & (st["npos"] > n_delay)
        st["dt"] = torch.where(grow, torch.minimum(st["dt"] * f_inc, st["dt_max"]), st["dt"])
        st["alpha"] = torch.where(grow, st["alpha"] * f_a, st["alpha"])
        if not bool(pos.all()):
            neg = ~pos
            v = v * pos.view(-1, 1, 1, 1, 1).to(dt_)
            st["dt"] = torch.where(neg & (it >= n_delay), torch.maximum(st["dt"] * f_dec, st["dt_min"]), st["dt"])
            st["alpha"] = torch.where(neg, torch.full_like(st["alpha"], a_start), st["alpha"])
        dtb = st["dt"].view(-1, 1, 1, 1, 1)
        ab = st["alpha"].view(-1, 1, 1, 1, 1)
        v = v + dtb * F
        vn = (v * v).sum(dim=(1, 2, 3, 4), keepdim=True).sqrt()
        fn = (F * F).sum(dim=(1, 2, 3, 4), keepdim=True).sqrt().clamp_min(1e-30)
        v = (1 - ab) * v + (ab * vn / fn) * F
        m_new = _unit(m + dtb * v)
        F_new, E_new = field_force_energy(m_new, jp, st["J"], st["D"], st["K"])
        up = E_new > E + rel * E.abs()
        if bool(up.any()):  # reject uphill steps: back to the previous state, restart slowly
            ub = up.view(-1, 1, 1, 1, 1)
            m_new = torch.where(ub, m, m_new)
            F_new = torch.where(ub, F, F_new)
            E_new = torch.where(up, E, E_new)
            v = torch.where(ub, torch.zeros_like(v), v)
            st["dt"] = torch.where(up, torch.maximum(st["dt"] * f_dec, st["dt_min"]), st["dt"])
            st["alpha"] = torch.where(up, torch.full_like(st["alpha"], a_start), st["alpha"])
            st["npos"] = torch.where(up, torch.zeros_like(st["npos"]), st["npos"])
        m, F, E = m_new, F_new, E_new
        v = v - (v * m).sum(2, keepdim=True) * m
        it += 1
    conv = out_f < tol
    tr = trace[: int(out_it.max().item()) + 1].numpy() if trace is not None else None
    return FireResult(out_m.cpu().numpy(), out_e.double().cpu().numpy(), out_f.double().cpu().numpy(),
                      out_it.cpu().numpy(), conv.cpu().numpy(), tr)


# ----------------------------------------------------------------------------- surrogate
def surrogate_texture(L, r0, phi, J, D, spec: TextureSpec, *, device: str = "cpu", dtype=None):
    """Closed-form domain-wall texture (a tanh-wall surrogate derived here), torch tensor (B, 2, 3, N, N) of unit spins."""
    torch = _torch()
    dtype = dtype or torch.float32
    jp, grad = moire_field(L, r0, phi, spec.size, spec.jperp0, spec.jperp1, device=device, dtype=dtype)
    Jt = torch.as_tensor(np.asarray(J, dtype=float), dtype=dtype, device=device)[:, None, None]
    Dt = torch.as_tensor(np.asarray(D, dtype=float), dtype=dtype, device=device)[:, None, None]
    Lt = torch.as_tensor(np.asarray(L, dtype=float), dtype=dtype, device=device)[:, None, None]
    K = float(spec.K)
    delta = torch.sqrt(Jt / (2 * K))
    sigma = torch.clamp(4 * torch.sqrt(Jt * K) - math.pi * Dt, min=0.05)
    tau = 2 * sigma / Lt
    gnorm = (grad * grad).sum(1).sqrt()
    mz = torch.tanh((jp - tau) / (gnorm * delta + 1e-6))
    gamma = (math.pi / 2) * (1 - torch.clamp(Dt / 0.4, max=1.0))
    nx = grad[:, 0] / (gnorm + 1e-12)
    ny = grad[:, 1] / (gnorm + 1e-12)
    amp = torch.sqrt(torch.clamp(1 - mz * mz, min=0.0))
    cg, sg = torch.cos(gamma), torch.sin(gamma)
    mx = amp * (cg * nx - sg * ny)
    my = amp * (cg * ny + sg * nx)
    B, N = jp.shape[0], spec.size
    m = torch.zeros((B, 2, 3, N, N), dtype=dtype, device=device)
    m[:, 0, 2] = 1.0
    m[:, 1, 0], m[:, 1, 1], m[:, 1, 2] = mx, my, mz
    return m


# ----------------------------------------------------------------------------- datasets
def _to_images(m, spec: TextureSpec):
    if spec.channels == "mz":
        return m[:, :, 2]
    return m.reshape(m.shape[0], 6, spec.size, spec.size)


def minority_fraction(x: Any, channels: str = "mz") -> np.ndarray:
    """Per image, the fraction of pixels in the minority interlayer alignment (sign of m₁ᶻ m₂ᶻ).

    Parameters
    ----------
    x : array_like, shape (n, C, N, N)
        Images as :func:`generate` returns them (``channels="mz"``: C = 2; ``"full"``: C = 6).
    channels : str
        ``"mz"`` or ``"full"``.

    Returns
    -------
    ndarray, shape (n,)
        min(f_AF, 1 − f_AF) with f_AF the fraction of pixels where m₁ᶻ m₂ᶻ < 0.  A relaxed image
        with FM and AF stacking domains scores about 0.1–0.4; a uniform (collapsed) one scores 0.

    References
    ----------
    Domain coexistence below a critical twist angle: Xu et al., Nat. Nanotechnol. 17, 143 (2022).

    Example
    -------
    >>> x = np.ones((1, 2, 4, 4)); x[0, 1, :2] = -1
    >>> float(minority_fraction(x)[0])
    0.5
    """
    if channels not in CHANNELS:
        raise ValueError(f"channels must be one of {', '.join(CHANNELS)}, got {channels!r}")
    x = np.asarray(x, dtype=np.float32)
    need = 2 if channels == "mz" else 6
    if x.ndim != 4 or x.shape[1] != need:
        raise ValueError(f"x must have shape (n, {need}, N, N) for channels={channels!r}, got {x.shape}")
    z1, z2 = (x[:, 0], x[:, 1]) if channels == "mz" else (x[:, 2], x[:, 5])
    af = (z1 * z2 < 0).mean(axis=(1, 2))
    return np.minimum(af, 1.0 - af)


def domainless_fraction(x: Any, channels: str = "mz", threshold: float = DOMAIN_MIN_FRACTION) -> float:
    """Fraction of images without a stacking domain: :func:`minority_fraction` < ``threshold`` (default 1 %).

    Example
    -------
    >>> domainless_fraction(np.ones((3, 2, 4, 4)))
    1.0
    """
    if not (0 < threshold < 0.5):
        raise ValueError(f"threshold must lie in (0, 0.5), got {threshold!r}")
    return float(np.mean(minority_fraction(x, channels) < threshold))


def _warn_collapse(spec: TextureSpec, frac: float, n: int, stacklevel: int) -> None:
    r = spec.ranges()
    warnings.warn(f"TextureSpec box collapses: {100 * frac:.0f} % of {n} relaxed textures have no stacking domain "
                  f"(theta_deg {r['theta']}, i.e. L_M {float(moire_period(r['theta'][1])):.1f}-"
                  f"{float(moire_period(r['theta'][0])):.1f} px; J {r['J']}; D {r['D']}); shorter periods and stiffer "
                  "walls (larger J, smaller D) relax to a uniform state, where theta, J and D cannot be read off the "
                  "image", UserWarning, stacklevel=stacklevel)


def _fire_cpu(spec: TextureSpec, seed: int, sl: np.ndarray, s: int, p: dict):
    """Relax one chunk with the numba kernel; returns spins (B, 2, 3, N, N) float64 and diagnostics."""
    torch = _torch()
    from nsl.sims.fire_cpu import fire_relax_batch

    jp, _ = moire_field(p["L"], p["r0"], p["phi"], spec.size, spec.jperp0, spec.jperp1, dtype=torch.float64)
    m0 = initial_state(spec, seed, sl, s, jp).numpy()
    m, e, f, it = fire_relax_batch(m0, jp.numpy(), p["J"], p["D"], spec.K, spec.h, tol=spec.tol, max_iter=spec.max_iter)
    return m, {"iterations": it, "max_force": f, "converged": f < spec.tol, "energy": e}


def generate(spec: TextureSpec, seed: int, indices: Any, stream: str | int = "train", *, device: str = "cpu",
             batch_size: int | None = None, return_info: bool = False, fire_backend: str | None = None):
    """Images x (n, C, N, N) float32 and targets y (n, 3) = (θ°, J, D) of samples ``indices``.

    Sample i depends only on (spec, seed, stream, i).  ``batch_size`` bounds memory (default
    4096 for the surrogate, 512 for FIRE).  ``fire_backend``: ``"numba"`` (default on a CPU,
    :mod:`nsl.sims.fire_cpu`) or ``"torch"`` (:func:`relax_fire`, batched; the default on a GPU).
    Both relax the same energy with the same FIRE rules from the same start (their images agree
    to ~1e-3, the solver tolerance).  With ``return_info`` also a dict of per-sample FIRE
    diagnostics (iterations, max_force, converged, energy).  Warns (UserWarning) when more than
    :data:`COLLAPSE_WARN_FRACTION` of the FIRE images (n >= 32) are domain-less.

    Example
    -------
    >>> x, y = generate(TextureSpec(size=32), seed=0, indices=np.arange(4))  # doctest: +SKIP
    """
    idx = _check_indices(indices).astype(np.int64)
    s = _stream_id(stream)
    on_gpu = str(device).startswith("cuda")
    backend = fire_backend or ("torch" if on_gpu else "numba")
    if backend not in ("numba", "torch"):
        raise ValueError(f"fire_backend must be 'numba' or 'torch', got {fire_backend!r}")
    if backend == "numba" and on_gpu:
        raise ValueError("fire_backend 'numba' runs on the CPU; use fire_backend='torch' with device 'cuda'")
    bs = batch_size or (4096 if spec.generator == "surrogate" else (8192 if on_gpu else 512))
    if bs < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    n, C, N = len(idx), spec.n_channels, spec.size
    x = np.empty((n, C, N, N), dtype=np.float32)
    y = np.empty((n, 3), dtype=np.float32)
    info = {k: np.zeros(n, dtype=t) for k, t in
            (("iterations", np.int64), ("max_force", np.float64), ("converged", bool), ("energy", np.float64))}
    for a in range(0, n, bs):
        sl = idx[a:a + bs]
        p = sample_parameters(spec, seed, sl, s)
        if spec.generator == "surrogate":
            m = surrogate_texture(p["L"], p["r0"], p["phi"], p["J"], p["D"], spec, device=device).cpu().numpy()
            info["converged"][a:a + len(sl)] = True
        elif backend == "numba":
            m, inf = _fire_cpu(spec, seed, sl, s, p)
            for k in info:
                info[k][a:a + len(sl)] = inf[k]
        else:
            jp, _ = moire_field(p["L"], p["r0"], p["phi"], N, spec.jperp0, spec.jperp1, device=device)
            m0 = initial_state(spec, seed, sl, s, jp)
            r = relax_fire(m0, jp, p["J"], p["D"], spec.K, spec.h, tol=spec.tol, max_iter=spec.max_iter)
            m = r.m
            for k in info:
                info[k][a:a + len(sl)] = getattr(r, k)
        img = _to_images(m, spec)
        if spec.noise > 0:
            img = img + spec.noise * hash_normals(seed, s, sl, tag=3, count=C * N * N).reshape(img.shape)
        x[a:a + len(sl)] = img
        y[a:a + len(sl)] = np.stack([p[t] for t in TARGETS], 1)
    if spec.generator == "fire" and n >= 32 and spec.noise == 0:
        frac = domainless_fraction(x, spec.channels)
        if frac > COLLAPSE_WARN_FRACTION:
            _warn_collapse(spec, frac, n, stacklevel=3)
    return (x, y, info) if return_info else (x, y)
