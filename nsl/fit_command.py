"""``nsl fit``: scaling laws fitted to a user's own runs (CSV or JSON).

    nsl fit runs.csv --x N --y loss [--seed-column seed] [--no-offset] [--law power|broken|joint]
                     [--x D] [--breaks auto|0|1|2] [--n-boot 1000] [--seed 0] [--json] [--out DIR]

- ``--law power`` (one ``--x``): y = E + B·x^(−α) by :func:`nsl.theory.fitting.fit_power_law`;
  rows sharing an x are repeats (seeds): a case bootstrap over them; one row per x: a
  studentized residual bootstrap.
- ``--law broken`` (one ``--x``): the broken neural scaling law (Caballero et al., arXiv
  2210.14891, Eq. 1) with the number of breaks chosen by held-out extrapolation error, and
  bootstrap intervals on the final exponent.
- ``--law joint`` (two ``--x``: N then D): L(N, D) = E + A·N^(−α) + B·D^(−β) (Hoffmann et al.
  arXiv 2203.15556 Approach 3) with the compute-optimal exponents a, b for C = 6ND.

Reads CSV (header row) or JSON (a list of records, or an object of equal-length columns).
Exit codes: 0 ok, 2 bad usage or bad data (the message names the column or option).
``--out DIR`` writes ``fit.json``, ``fit_curve.csv`` (the data, the fit and its band) and
``fit.png`` (log-log data, fit and band, and the local slopes that show where the curve bends).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

__all__ = ["configure", "run"]


class _Bad(Exception):
    """Bad usage or bad data: exit code 2 with this message."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``nsl fit`` arguments to ``parser``."""
    parser.add_argument("path", metavar="RUNS", help="CSV (with a header row) or JSON file of runs")
    parser.add_argument("--x", action="append", required=True, metavar="COLUMN",
                        help="abscissa column (repeat for the joint law: --x N --x D)")
    parser.add_argument("--y", required=True, metavar="COLUMN", help="the loss (or error) column, > 0")
    parser.add_argument("--seed-column", default=None, metavar="COLUMN",
                        help="column naming the seed of each run (rows sharing an x are then repeats)")
    parser.add_argument("--offset", dest="offset", action="store_true", default=True,
                        help="fit the irreducible term E >= 0 (default)")
    parser.add_argument("--no-offset", dest="offset", action="store_false", help="pure power law, E = 0")
    parser.add_argument("--law", choices=["power", "broken", "joint"], default=None,
                        help="power (one --x), broken (one --x) or joint (two --x); default: power for one --x, "
                             "joint for two")
    parser.add_argument("--breaks", default="auto", help="broken law: number of breaks 0-2, or auto (default: "
                        "chosen by held-out extrapolation error)")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", default=None, metavar="DIR", help="write fit.json, fit_curve.csv and fit.png there")


# ---------------------------------------------------------------------------- reading runs
def _read_table(path: str) -> dict[str, list]:
    p = Path(path)
    if not p.is_file():
        raise _Bad(f"RUNS file {path!r} not found")
    text = p.read_text()
    if p.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Bad(f"{path}: not valid JSON ({exc})") from None
        if isinstance(data, dict) and "runs" in data and isinstance(data["runs"], list):
            data = data["runs"]
        if isinstance(data, list):
            if not all(isinstance(r, dict) for r in data):
                raise _Bad(f"{path}: a JSON list must hold one object per run")
            cols = sorted({k for r in data for k in r})
            return {c: [r.get(c) for r in data] for c in cols}
        if isinstance(data, dict):
            if not all(isinstance(v, list) for v in data.values()):
                raise _Bad(f"{path}: a JSON object must map column names to lists")
            lens = {len(v) for v in data.values()}
            if len(lens) > 1:
                raise _Bad(f"{path}: the JSON columns have different lengths {sorted(lens)}")
            return dict(data)
        raise _Bad(f"{path}: JSON must be a list of runs or an object of columns")
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise _Bad(f"{path}: no rows (a CSV needs a header row and at least one run)")
    return {c: [r.get(c) for r in rows] for c in rows[0]}


def _column(table: dict[str, list], name: str, option: str, *, positive: bool = True):
    import numpy as np

    if name not in table:
        raise _Bad(f"{option} column {name!r} not found; columns: {', '.join(map(repr, table)) or '(none)'}")
    vals = []
    for i, v in enumerate(table[name]):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise _Bad(f"column {name!r}: row {i + 1} is not a number ({v!r})") from None
        if not math.isfinite(f):
            raise _Bad(f"column {name!r}: row {i + 1} is not finite ({v!r})")
        if positive and f <= 0:
            raise _Bad(f"column {name!r}: row {i + 1} is {f:g}, but values must be > 0 (logs are taken)")
        vals.append(f)
    return np.array(vals)


def _repeats(x, y, seeds):
    """x values and y as (repeats, points) when every x has the same number of runs (ordered by
    seed when a seed column is given); otherwise the geometric mean per x and a warning."""
    import numpy as np

    xs, inv = np.unique(x, return_inverse=True)
    counts = np.bincount(inv)
    if np.all(counts == counts[0]):
        order = np.lexsort((seeds if seeds is not None else np.arange(x.size), inv))
        Y = y[order].reshape(xs.size, counts[0]).T
        return xs, Y, None
    gm = np.exp(np.bincount(inv, np.log(y)) / counts)
    return xs, gm, (f"x values have unequal numbers of runs ({counts.min()}-{counts.max()}): "
                    "fitting the geometric mean per x, intervals from a residual bootstrap")


# ------------------------------------------------------------------------------ the fits
def _fit_power(args, x, y, seeds, warn):
    import numpy as np

    from nsl.theory.fitting import fit_power_law, local_slopes

    xs, Y, w = _repeats(x, y, seeds)
    if w:
        warn.append(w)
    if xs.size < 5 if args.offset else xs.size < 4:
        raise _Bad(f"column {args.x[0]!r} has {xs.size} distinct values; --law power needs at least "
                   f"{5 if args.offset else 4} ({'with' if args.offset else 'without'} the offset)")
    fit = fit_power_law(xs, Y, offset=args.offset, n_boot=args.n_boot, rng=args.seed)
    res = {"law": "power", "x": args.x[0], "y": args.y, **fit.to_dict()}
    if fit.message:
        warn.append(fit.message)
    gm = np.exp(np.log(np.atleast_2d(Y)).mean(0))
    xf = np.geomspace(xs.min(), xs.max(), 200)
    lo, hi = fit.band(xf)
    slopes = local_slopes(xs, Y) if xs.size >= 3 else np.full(xs.size, np.nan)
    curve = {"x": xs, "y_geomean": gm, "fit": fit.predict(xs), **dict(zip(("band_low", "band_high"), fit.band(xs))),
             "local_slope": slopes}
    draw = {"kind": "1d", "x": xs, "Y": np.atleast_2d(Y), "xf": xf, "yf": fit.predict(xf), "lo": lo, "hi": hi,
            "slopes": slopes, "label": f"alpha = {fit.alpha:.4g} [{fit.alpha_ci[0]:.4g}, {fit.alpha_ci[1]:.4g}]",
            "E": fit.offset}
    return res, curve, draw


def _fit_broken(args, x, y, seeds, warn):
    import numpy as np

    from nsl.theory.fitting import local_slopes
    from nsl.theory.fitting_bnsl import broken_power_law_intervals, select_n_breaks

    xs, Y, w = _repeats(x, y, seeds)
    if w:
        warn.append(w)
    if args.breaks == "auto":
        if xs.size < 8:
            raise _Bad(f"column {args.x[0]!r} has {xs.size} distinct values; --breaks auto needs at least 8 "
                       "(or give --breaks 0|1|2)")
        sel = select_n_breaks(xs, Y, max_breaks=2)
        nb = sel.n_breaks
        chosen = {"breaks_chosen_by": "held-out extrapolation", "heldout_rmsle": sel.errors}
    else:
        try:
            nb = int(args.breaks)
        except ValueError:
            raise _Bad(f"--breaks must be auto or an integer 0-2, got {args.breaks!r}") from None
        if not 0 <= nb <= 2:
            raise _Bad(f"--breaks must be auto or an integer 0-2, got {args.breaks!r}")
        chosen = {"breaks_chosen_by": "--breaks"}
    need = max(4, 3 + 3 * nb)
    if xs.size < need:
        raise _Bad(f"column {args.x[0]!r} has {xs.size} distinct values; {nb} break(s) need at least {need}")
    bf = broken_power_law_intervals(xs, Y, n_breaks=nb, n_boot=min(args.n_boot, 200), rng=args.seed)
    res = {"law": "broken", "x": args.x[0], "y": args.y, **chosen, **bf.to_dict()}
    gm = np.exp(np.log(np.atleast_2d(Y)).mean(0))
    xf = np.geomspace(xs.min(), xs.max(), 200)
    lo, hi = bf.band(xf)
    slopes = local_slopes(xs, Y)
    curve = {"x": xs, "y_geomean": gm, "fit": bf.fit.predict(xs), **dict(zip(("band_low", "band_high"), bf.band(xs))),
             "local_slope": slopes}
    fe = bf.final_exponent_ci
    draw = {"kind": "1d", "x": xs, "Y": np.atleast_2d(Y), "xf": xf, "yf": bf.fit.predict(xf), "lo": lo, "hi": hi,
            "slopes": slopes, "E": bf.fit.a,
            "label": f"{nb} break(s), final exponent {bf.fit.final_exponent():.4g} [{fe[0]:.4g}, {fe[1]:.4g}]"}
    return res, curve, draw


def _fit_joint(args, x, y, warn):
    import numpy as np

    from nsl.theory.fitting_joint import fit_joint_power_law

    N, D = x
    for name, v in zip(args.x, (N, D)):
        if np.unique(v).size < 2:
            raise _Bad(f"column {name!r} has {np.unique(v).size} distinct value(s); --law joint needs at least 2")
    if y.size < 6:
        raise _Bad(f"column {args.y!r} has {y.size} runs; --law joint (5 parameters) needs at least 6")
    fit = fit_joint_power_law(N, D, y, n_boot=args.n_boot, rng=args.seed)
    C = np.geomspace((6 * N * D).min(), (6 * N * D).max(), 5)
    co = fit.compute_optimal(C)
    res = {"law": "joint", "x": list(args.x), "y": args.y, **fit.to_dict(), "compute_optimal": co.to_dict()}
    pred = fit.predict(N, D)
    curve = {args.x[0]: N, args.x[1]: D, "y": y, "fit": pred, "log_residual": np.log(y) - np.log(pred)}
    draw = {"kind": "joint", "N": N, "D": D, "y": y, "fit": fit, "names": args.x,
            "label": f"alpha = {fit.alpha:.3g} [{fit.alpha_ci[0]:.3g}, {fit.alpha_ci[1]:.3g}], "
                     f"beta = {fit.beta:.3g} [{fit.beta_ci[0]:.3g}, {fit.beta_ci[1]:.3g}]"}
    return res, curve, draw


# ------------------------------------------------------------------------------- outputs
def _draw(draw: dict, path: Path, xname: str, yname: str) -> None:
    """The figure, with matplotlib's object API (no pyplot, no global backend)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    FigureCanvasAgg(fig)
    a1, a2 = fig.subplots(1, 2)
    if draw["kind"] == "1d":
        x, Y = draw["x"], draw["Y"]
        for r in range(Y.shape[0]):
            a1.loglog(x, Y[r], ".", color="0.6", label="runs" if r == 0 else None)
        if Y.shape[0] > 1:
            a1.loglog(x, np.exp(np.log(Y).mean(0)), "ko", label="geometric mean")
        a1.loglog(draw["xf"], draw["yf"], "C1-", label=draw["label"])
        if np.all(np.isfinite(draw["lo"])):
            a1.fill_between(draw["xf"], draw["lo"], draw["hi"], color="C1", alpha=0.25, lw=0, label="bootstrap band")
        if draw.get("E", 0) > 0:
            a1.axhline(draw["E"], color="C1", ls="--", lw=0.8, label=f"offset E = {draw['E']:.3g}")
        a1.set_xlabel(xname)
        a1.set_ylabel(yname)
        a1.legend(fontsize=7)
        a2.semilogx(x, draw["slopes"], "ko-", ms=3)
        a2.set_xlabel(xname)
        a2.set_ylabel(f"d log {yname} / d log {xname}")
        a2.set_title("local slope (a power law is flat here)", fontsize=9)
    else:
        fit, N, D, y = draw["fit"], draw["N"], draw["D"], draw["y"]
        sc = a1.scatter(N, y, c=np.log10(D), s=10, cmap="viridis")
        for d in np.quantile(D, [0.1, 0.5, 0.9]):
            nf = np.geomspace(N.min(), N.max(), 100)
            a1.loglog(nf, fit.predict(nf, d), lw=1, color=sc.cmap(sc.norm(np.log10(d))))
        a1.set_xscale("log")
        a1.set_yscale("log")
        fig.colorbar(sc, ax=a1, label=f"log10 {draw['names'][1]}")
        a1.set_xlabel(draw["names"][0])
        a1.set_ylabel(yname)
        a1.set_title(draw["label"], fontsize=8)
        p = fit.predict(N, D)
        a2.loglog(p, y, ".", ms=4)
        lim = [min(p.min(), y.min()), max(p.max(), y.max())]
        a2.loglog(lim, lim, "k-", lw=0.8)
        a2.set_xlabel("fitted")
        a2.set_ylabel("observed")
        a2.set_title(f"RMS log residual {fit.rmsle:.3g}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _write_csv(path: Path, cols: dict) -> None:
    import numpy as np

    names = list(cols)
    arrs = [np.asarray(cols[k], dtype=float) for k in names]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(len(arrs[0])):
            w.writerow([f"{a[i]:.10g}" for a in arrs])


def _summary(res: dict) -> str:
    f = lambda v: f"{v:.4g}"  # noqa: E731
    ci = lambda k: f"[{f(res[k][0])}, {f(res[k][1])}]"  # noqa: E731
    if res["law"] == "power":
        s = (f"power law {res['y']} = E + B {res['x']}^-alpha ({res['n_points']} points x {res['n_repeats']} repeats, "
             f"{res['bootstrap']} bootstrap, {res['n_boot']} resamples)\n"
             f"  alpha = {f(res['alpha'])} {ci('alpha_ci')} ({int(res['ci'] * 100)} %)\n"
             f"  B     = {f(res['amplitude'])} {ci('amplitude_ci')}\n  E     = {f(res['offset'])} {ci('offset_ci')}")
        if res["message"]:
            s += f"\n  WARNING: {res['message']}"
        return s
    if res["law"] == "broken":
        return (f"broken power law, {res['n_breaks']} break(s) ({res['breaks_chosen_by']})\n"
                f"  final exponent = {f(res['final_exponent'])} {ci('final_exponent_ci')}\n"
                f"  initial exponent c0 = {f(res['c0'])} {ci('c0_ci')}\n  offset a = {f(res['a'])} {ci('a_ci')}"
                + "".join(f"\n  break {i + 1} at x = {f(d)} [{f(lo)}, {f(hi)}]"
                          for i, (d, (lo, hi)) in enumerate(zip(res["d"], res["d_ci"]))))
    co = res["compute_optimal"]
    return (f"joint law {res['y']} = E + A {res['x'][0]}^-alpha + B {res['x'][1]}^-beta ({res['n_points']} runs, "
            f"{res['n_boot']} bootstrap resamples)\n"
            + "".join(f"  {k:5s} = {f(res[k])} {ci(k + '_ci')}\n" for k in ("alpha", "beta", "A", "B", "E"))
            + f"  compute-optimal (C = 6ND): N_opt ~ C^{f(co['a'])} [{f(co['a_ci'][0])}, {f(co['a_ci'][1])}], "
              f"D_opt ~ C^{f(co['b'])} [{f(co['b_ci'][0])}, {f(co['b_ci'][1])}]")


def run(args) -> int:
    """Run ``nsl fit``; returns the exit code (0 ok, 2 bad usage or bad data, message on stderr)."""
    try:
        return _run(args)
    except _Bad as exc:
        print(f"nsl fit: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a check at the door of a fitter
        print(f"nsl fit: error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    law = args.law or ("joint" if len(args.x) == 2 else "power")
    if law == "joint" and len(args.x) != 2:
        raise _Bad(f"--law joint needs two --x columns (N then D), got {len(args.x)}")
    if law != "joint" and len(args.x) != 1:
        raise _Bad(f"--law {law} needs exactly one --x column, got {len(args.x)}")
    if not 0 <= args.n_boot <= 100_000:
        raise _Bad(f"--n-boot must be in [0, 100000], got {args.n_boot}")
    if law == "broken" and args.n_boot < 2:
        raise _Bad(f"--law broken needs --n-boot >= 2 (its intervals are bootstrap percentiles), got {args.n_boot}")
    table = _read_table(args.path)
    y = _column(table, args.y, "--y")
    xs = [_column(table, c, "--x") for c in args.x]
    seeds = None
    if args.seed_column is not None:
        seeds = _column(table, args.seed_column, "--seed-column", positive=False)
    warn: list[str] = []
    if law == "power":
        res, curve, draw = _fit_power(args, xs[0], y, seeds, warn)
    elif law == "broken":
        res, curve, draw = _fit_broken(args, xs[0], y, seeds, warn)
    else:
        res, curve, draw = _fit_joint(args, xs, y, warn)
    res["warnings"] = warn
    for w in warn:
        print(f"nsl fit: warning: {w}", file=sys.stderr)
    from nsl.jsonio import dumps

    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "fit.json").write_text(dumps(res, indent=1))
        _write_csv(out / "fit_curve.csv", curve)
        _draw(draw, out / "fit.png", args.x[0], args.y)
    if args.json:
        print(dumps(res, indent=1))
    else:
        print(_summary(res))
        if args.out:
            print(f"  wrote {Path(args.out) / 'fit.json'}, fit_curve.csv, fit.png")
    return 0
