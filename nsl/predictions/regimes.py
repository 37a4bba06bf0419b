"""``nsl predict spectrum`` (alias ``nsl predict regimes``): predicted exponents in the four regimes of Bahri et al. (2024) from a spectrum.

Input (one of):
- ``--alpha-k A`` or a number as the positional argument: λ_i ∝ i^−(1+A);
- a file (.npy, .txt, .csv) of eigenvalues (1-D);
- a file holding a data matrix (2-D, rows = samples): its covariance spectrum, or with ``--kernel`` the
  Gram spectrum of a linear / NNGP / NTK kernel, and with ``--targets FILE`` the target power per mode;
- ``--d D``: a data-manifold dimension (α ≈ 4/d for deep nets).

Output: α_K with its bootstrap interval and fit window, the exponent in each regime, the kernel
ridge-regression exponent min(a − 1, 2b) (b = 1 + α_K; a from the targets, else the isotropic
teacher a = b), and the two-layer linear-network online-SGD exponents where that theory is installed.
"""
from __future__ import annotations

import argparse
import os

import numpy as np

from nsl.registry import prediction


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", nargs="?", default=None,
                   help="a spectrum exponent alpha_K, or a .npy/.txt/.csv file of eigenvalues (1-D) or a data matrix (2-D)")
    p.add_argument("--alpha-k", type=float, default=None, help="spectrum exponent alpha_K (lambda_i ~ i^-(1+alpha_K))")
    p.add_argument("--d", type=float, default=None, help="data-manifold dimension d (deep nets: alpha ~ 4/d)")
    p.add_argument("--targets", default=None, help="labels for a data matrix (.npy/.txt/.csv): target power per mode")
    p.add_argument("--kernel", default="linear", choices=["linear", "nngp-relu", "ntk-relu", "nngp-erf", "ntk-erf"],
                   help="kernel for a data matrix (default linear: the covariance spectrum)")
    p.add_argument("--depth", type=int, default=2, help="hidden layers for the NNGP/NTK kernels")
    p.add_argument("--window", type=int, nargs=2, default=None, metavar=("FIRST", "LAST"),
                   help="fit window (1-based mode indices, inclusive); default: automatic")
    p.add_argument("--n-boot", type=int, default=400, help="bootstrap resamples for the intervals")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")


def _load(path: str) -> np.ndarray:
    ext = os.path.splitext(path)[1].lower()
    if not os.path.exists(path):
        raise ValueError(f"source must be a number or an existing file, got {path!r}")
    if ext == ".npy":
        return np.load(path)
    if ext in (".txt", ".csv", ".dat"):
        return np.loadtxt(path, delimiter="," if ext == ".csv" else None, ndmin=1)
    raise ValueError(f"source file must end in .npy, .txt or .csv, got {path!r}")


def _regimes(alpha: float, source: str, model: str = "linear") -> dict:
    from nsl.theory.regimes import predict_regimes

    pr = predict_regimes(alpha_K=alpha, model=model) if source != "manifold" else predict_regimes(d=alpha, model=model)
    return {f"alpha {k}": round(float(v), 4) for k, v in pr.to_dict().items() if k not in ("source", "model")}


def _two_layer(alpha_K: float) -> dict:
    try:
        from nsl.theory.two_layer.linear import symbolic_exponents
    except Exception:  # the two-layer theory is optional here
        return {}
    import sympy as sp

    ex = symbolic_exponents()
    beta = sp.Symbol("beta", positive=True)
    return {"two-layer linear net, online SGD: eps_g ~ alpha^-x, x": round(float(ex["exponent_alpha"].subs(beta, alpha_K)), 4),
            "two-layer linear net: eps_g ~ N_trainable^-x, x": round(float(ex["exponent_trainable"].subs(beta, alpha_K)), 4)}


@prediction("spectrum", configure=_configure,
            description="what exponent does my spectrum predict? the four regimes (Bahri et al. 2024) + two-layer ODE")
@prediction("regimes", configure=_configure, description="alias of `nsl predict spectrum`")
def compute(args: argparse.Namespace) -> dict:
    """Predicted exponents from α_K (number or fitted spectrum) or a manifold dimension."""
    from nsl.theory.learning_curves import asymptotic_exponent

    src = args.source
    aK = args.alpha_k
    if src is not None and aK is None:
        try:
            aK = float(src)
            src = None
        except ValueError:
            pass
    given = [x is not None for x in (src, aK, args.d)]
    if sum(given) != 1:
        raise ValueError("give exactly one of: a spectrum exponent (--alpha-k or a number), a file, or --d")
    if args.n_boot < 0:
        raise ValueError(f"--n-boot must be >= 0, got {args.n_boot}")
    out: dict = {}
    if args.d is not None:
        if not (np.isfinite(args.d) and args.d > 0):
            raise ValueError(f"--d must be > 0, got {args.d}")
        out["input"] = f"manifold dimension d = {args.d:g}"
        out.update(_regimes(args.d, "manifold", "deep"))
        out["note"] = "deep nets: alpha ~ 4/d (Bahri et al. 2.2); variance-limited 1 in width, 1/2 in P ~ width^2"
        return out
    a_target = None
    if aK is not None:
        if not (np.isfinite(aK) and aK > 0):
            raise ValueError(f"alpha_K must be finite and > 0, got {aK}")
        out["input"] = f"alpha_K = {aK:g}"
    else:
        from nsl.theory.spectra import (covariance_spectrum, fit_spectrum_exponent, fit_target_exponent,
                                        gram_spectrum, target_power)

        arr = np.asarray(_load(src), dtype=float)
        y = None if args.targets is None else np.asarray(_load(args.targets), dtype=float)
        n_samples = None
        if arr.ndim == 1 or (arr.ndim == 2 and 1 in arr.shape):
            if y is not None:
                raise ValueError("--targets needs a data matrix (2-D source), not a list of eigenvalues")
            ev = arr.ravel()
            out["input"] = f"{ev.size} eigenvalues from {src}"
        elif arr.ndim == 2:
            n_samples = arr.shape[0]
            if args.kernel == "linear" and y is None:
                ev = covariance_spectrum(arr).values
            else:
                if args.kernel == "linear":
                    K = arr @ arr.T / arr.shape[1]
                else:
                    from nsl.theory.kernels import fc_kernels

                    which, act = args.kernel.split("-")
                    k = fc_kernels(arr, depth=args.depth, activation=act, sigma_w2=2.0 if act == "relu" else 1.0)
                    K = getattr(k, which)
                gs = gram_spectrum(K, vectors=y is not None)
                ev = gs.values
                if y is not None:
                    if y.shape[0] != n_samples:
                        raise ValueError(f"--targets must have {n_samples} rows (one per sample), got {y.shape[0]}")
                    v_all = target_power(gs, y - y.mean(0))
            out["input"] = f"data matrix {arr.shape} from {src}, kernel {args.kernel}"
        else:
            raise ValueError(f"source array must be 1-D (eigenvalues) or 2-D (data), got {arr.ndim}-D")
        fit = fit_spectrum_exponent(ev, window=None if args.window is None else tuple(args.window),
                                    n_samples=n_samples, n_boot=args.n_boot, rng=args.seed)
        aK = fit.alpha
        out["alpha_K"] = round(fit.alpha, 4)
        out["alpha_K interval (95 %)"] = [round(v, 4) for v in fit.alpha_ci]
        out["fit window (modes)"] = list(fit.window)
        if y is not None:
            tf = fit_target_exponent(v_all, fit.window, n_boot=args.n_boot, rng=args.seed)
            a_target = tf.alpha
            out["target power exponent a"] = round(tf.alpha, 4)
            out["a interval (95 %)"] = [round(v, 4) for v in tf.alpha_ci]
    out.update(_regimes(aK, "spectrum"))
    b = 1.0 + aK
    a = b if a_target is None else a_target
    if a > 1:
        ae = asymptotic_exponent(b, a)
        out["kernel regression alpha_D = min(a-1, 2b)"] = round(ae.exponent, 4)
        out["set by"] = ae.limited_by
    else:
        out["kernel regression alpha_D"] = "no power law: target power a <= 1 does not decay fast enough"
    if a_target is None:
        out["teacher"] = "isotropic (target power ~ eigenvalues, a = b = 1 + alpha_K)"
    out.update(_two_layer(aK))
    return out
