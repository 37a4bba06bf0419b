"""The ``nsl`` command line.

    nsl [--device cpu|cuda] [--store DIR] [--quiet] COMMAND ...
    nsl validate [SUITE...] [--preset quick|full] [--json] [--out DIR] [--executor process|thread|serial|dask]
                 [--scheduler ADDRESS] [--workers N] [--force]
    nsl figures [NAME...] [--preset quick|full] [--out DIR]
    nsl report [--preset quick|full] [--out DIR] [--suites S ...]
    nsl predict NAME [options] [--json]
    nsl fit RUNS.csv --x N [--x D] --y loss [--law power|broken|joint] [--json] [--out DIR]
    nsl list
    nsl --version

Exit codes: 0 every row passed, 1 some row failed, 2 bad usage (unknown suite, preset,
executor, or a bad argument value).  The global options may stand before or after the command.

The CLI starts fast: names come from :data:`nsl.registry.INDEX`; a prediction's module is
imported only when that prediction is named on the command line, a suite's only when it runs.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from nsl import __version__

__all__ = ["main", "build_parser"]

DEFAULT_STORE = os.environ.get("NSL_STORE", ".nsl-store")


def _globals(default: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    s = (lambda v: v) if default else (lambda v: argparse.SUPPRESS)
    p.add_argument("--device", choices=["cpu", "cuda"], default=s("cpu"), help="torch device for the suites (default cpu)")
    p.add_argument("--store", default=s(DEFAULT_STORE), help="run store folder (default $NSL_STORE or .nsl-store)")
    p.add_argument("--quiet", action="store_true", default=s(False), help="no progress bars")
    return p


def _exec_opts(p: argparse.ArgumentParser) -> None:
    # the allowed values are checked after parsing (nsl.sweep.EXECUTORS), so that --help imports nothing heavy
    p.add_argument("--preset", default="quick", help="quick (minutes on a laptop), medium, or full")
    p.add_argument("--executor", default="process", help="process, thread, serial or dask (default process)")
    p.add_argument("--scheduler", default=None, help="dask scheduler address, e.g. tcp://host:8786 (with --executor dask)")
    p.add_argument("--workers", type=int, default=None, help="local workers (default: number of CPUs)")
    p.add_argument("--force", action="store_true", help="recompute runs already in the store")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser.  Predictions (and ``fit``) named in ``argv`` get their full arguments;
    the others are listed by name only, so that building the parser imports none of them."""
    words = set(sys.argv[1:] if argv is None else argv)
    g = _globals(False)
    ap = argparse.ArgumentParser(prog="nsl", description="Neural scaling laws: predicted exponents, matching "
                                 "simulations, theory beside experiment.", parents=[_globals(True)])
    ap.add_argument("--version", action="version", version=f"nsl {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", parents=[g], help="run theory-vs-experiment suites")
    v.add_argument("suites", nargs="*", metavar="SUITE", help="suites to run (default: all)")
    _exec_opts(v)
    v.add_argument("--json", action="store_true", help="print the rows as JSON")
    v.add_argument("--out", default=None, help="also write rows.json there")

    f = sub.add_parser("figures", parents=[g], help="make figures (running their suites if needed)")
    f.add_argument("names", nargs="*", metavar="NAME", help="figures to make (default: all)")
    _exec_opts(f)
    f.add_argument("--out", default="nsl-figures", help="output folder (default nsl-figures)")

    r = sub.add_parser("report", parents=[g], help="run every suite and write report.md / report.html")
    _exec_opts(r)
    r.add_argument("--out", default="nsl-report", help="output folder (default nsl-report)")
    r.add_argument("--suites", nargs="*", default=None, help="only these suites")

    pr = sub.add_parser("predict", parents=[g], help="predicted exponents and regimes (no simulation)")
    psub = pr.add_subparsers(dest="prediction", metavar="NAME")
    from nsl import registry

    for name in registry.names("prediction"):
        pp = psub.add_parser(name, help=registry.describe("prediction", name), parents=[g])
        if name in words:  # import the prediction's module only when it is asked for
            registry.get("prediction", name).configure(pp)
            pp.add_argument("--json", action="store_true", help="print JSON")

    fp = sub.add_parser("fit", parents=[g], help="fit scaling laws to your own runs (CSV or JSON)")
    if "fit" in words:
        from nsl import fit_command

        fit_command.configure(fp)

    sub.add_parser("list", parents=[g], help="list suites, figures, predictions and benchmarks")
    return ap


class _UsageError(Exception):
    pass


def _executor_args(args) -> dict:
    from nsl.context import check_preset
    from nsl.sweep import EXECUTORS

    try:
        check_preset(args.preset)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    if args.executor not in EXECUTORS:
        raise _UsageError(f"--executor must be one of {', '.join(EXECUTORS)}, got {args.executor!r}")
    if args.scheduler and args.executor != "dask":
        raise _UsageError("--scheduler needs --executor dask")
    if args.workers is not None and args.workers < 1:
        raise _UsageError(f"--workers must be >= 1, got {args.workers}")
    return {"executor": args.executor, "workers": args.workers}


def _check_names(kind: str, names: list[str]) -> None:
    from nsl import registry

    known = registry.names(kind)
    bad = [n for n in names if n not in known]
    if bad:
        raise _UsageError(f"unknown {kind} {', '.join(bad)}; allowed: {', '.join(known) or '(none)'}")


def _print_rows(outcomes, as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.to_dict() for o in outcomes for r in o.rows], indent=1))
        return
    for o in outcomes:
        print(f"== {o.name}: {o.counts[0]}/{o.counts[1]} checks passed ({o.wall_s:.1f} s)")
        for r in o.rows:
            ci = "" if r.ci_low is None else f" [{r.ci_low:.4g}, {r.ci_high:.4g}]"
            pred = "–" if r.predicted is None else f"{r.predicted:.4g}"
            obs = "–" if r.observed is None else f"{r.observed:.4g}"
            print(f"  {'INFO' if r.is_info else 'PASS' if r.passed else 'FAIL'}  {r.quantity}: observed {obs}{ci} vs {pred} ({r.criterion}"
                  f"{'' if r.tolerance is None else f', tol {r.tolerance:.3g}'}){'  # ' + r.note if r.note else ''}")
        for n in o.notes:
            print(f"  note: {n}")


def _executor_for(ex: dict, args):
    """A string kind for local executors; a live dask executor (context manager) otherwise."""
    from contextlib import nullcontext

    if ex["executor"] == "dask":
        from nsl.sweep import make_executor

        return make_executor("dask", workers=ex["workers"], scheduler=args.scheduler)
    return nullcontext(ex["executor"])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _dispatch(args)
    except _UsageError as exc:
        print(f"nsl: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"nsl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nsl: interrupted; finished runs are in the store, a rerun resumes", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0


def _dispatch(args) -> int:
    from nsl import registry

    progress = not args.quiet
    if args.command == "list":
        for kind in ("suite", "figure", "prediction", "benchmark"):
            print(f"{kind}s:")
            for n in registry.names(kind):
                print(f"  {n:28s} {registry.describe(kind, n)}")
        return 0
    if args.command == "fit":
        from nsl import fit_command

        return int(fit_command.run(args))
    if args.command == "predict":
        if not args.prediction:
            raise _UsageError(f"predict needs a NAME; allowed: {', '.join(registry.names('prediction'))}")
        e = registry.get("prediction", args.prediction)
        res = e.compute(args)
        if args.json:
            from nsl.jsonio import dumps

            print(dumps(res, indent=1))
        else:
            w = max((len(str(k)) for k in res), default=0)
            for k, v in res.items():
                print(f"{str(k):{w}s}  {v}")
        return 0
    from nsl.store import RunStore

    ex = _executor_args(args)
    from nsl.checks import check_run_options

    check_run_options(args)  # --store, --out, --scheduler, --device: exit 2 before any computation
    store = RunStore(args.store)
    if args.command == "validate":
        from nsl.runner import run_suite

        names = args.suites or registry.names("suite")
        _check_names("suite", names)
        outcomes = []
        with _executor_for(ex, args) as executor:
            for n in names:
                outcomes.append(run_suite(n, store=store, preset=args.preset, device=args.device, executor=executor,
                                          workers=ex["workers"], progress=progress and not args.json, force=args.force))
        _print_rows(outcomes, args.json)
        if args.out:
            from nsl.jsonio import atomic_write_text, dumps

            atomic_write_text(Path(args.out) / "rows.json", dumps([r.to_dict() for o in outcomes for r in o.rows], indent=1))
        return 0 if all(o.passed for o in outcomes) else 1
    if args.command == "figures":
        from nsl.runner import make_figure

        names = args.names or registry.names("figure")
        _check_names("figure", names)
        bad = 0
        with _executor_for(ex, args) as executor:
            for n in names:
                f = make_figure(n, store=store, out=Path(args.out), preset=args.preset, device=args.device,
                                executor=executor, workers=ex["workers"], progress=progress, force=args.force)
                if f.error:
                    bad += 1
                    print(f"{n}: FAILED: {f.error}", file=sys.stderr)
                else:
                    print(f"{n}: {f.png} {f.csv}")
        return 1 if bad else 0
    if args.command == "report":
        from nsl.report import build_report

        if args.suites:
            _check_names("suite", args.suites)
        out = Path(args.out)
        with _executor_for(ex, args) as executor:
            outcomes, figs = build_report(out=out, store=store, preset=args.preset, device=args.device, suites=args.suites,
                                          executor=executor, workers=ex["workers"], progress=progress, force=args.force)
        from nsl.rows import count_checks

        n_pass, n_checks = count_checks([r for o in outcomes for r in o.rows])  # information rows are not checks
        print(f"nsl report: {n_pass}/{n_checks} checks passed; wrote {out / 'report.md'}, {out / 'report.html'}")
        return 0 if all(o.passed for o in outcomes) and not any(f.error for f in figs) else 1
    raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
