"""`nsl fit`: a user's runs from CSV or JSON, exit codes, the figure and the CSV behind it."""
import argparse
import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from nsl import fit_command


def _args(*argv):
    p = argparse.ArgumentParser()
    fit_command.configure(p)
    return p.parse_args(list(argv))


@pytest.fixture()
def runs_csv(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "runs.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["N", "seed", "loss"])
        for n in np.geomspace(1e6, 1e9, 8):
            for s in range(3):
                w.writerow([n, s, (1.7 + 400 * n ** -0.35) * np.exp(0.01 * rng.standard_normal())])
    return path


def test_power_law_csv_with_out(runs_csv, tmp_path, capsys):
    out = tmp_path / "out"
    rc = fit_command.run(_args(str(runs_csv), "--x", "N", "--y", "loss", "--seed-column", "seed", "--n-boot", "200",
                               "--out", str(out), "--json"))
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["law"] == "power" and res["n_repeats"] == 3 and res["bootstrap"] == "case"
    assert res["alpha_ci"][0] < res["alpha"] < res["alpha_ci"][1] and abs(res["alpha"] - 0.35) < 0.03
    assert (out / "fit.png").stat().st_size > 1000
    with open(out / "fit_curve.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 8 and {"x", "fit", "band_low", "band_high", "local_slope"} <= set(rows[0])
    assert json.loads((out / "fit.json").read_text())["alpha"] == pytest.approx(res["alpha"])


def test_json_input_and_joint_law(tmp_path, capsys):
    from nsl.validation.fitting_chinchilla import synthetic_runs

    d = synthetic_runs(2, n=60)
    path = tmp_path / "runs.json"
    path.write_text(json.dumps({"params": d["N"].tolist(), "tokens": d["D"].tolist(), "loss": d["loss"].tolist()}))
    rc = fit_command.run(_args(str(path), "--x", "params", "--x", "tokens", "--y", "loss", "--n-boot", "50", "--json",
                               "--out", str(tmp_path / "o")))
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["law"] == "joint" and 0.2 < res["alpha"] < 0.5
    assert res["compute_optimal"]["a"] == pytest.approx(res["beta"] / (res["alpha"] + res["beta"]))
    assert (tmp_path / "o" / "fit.png").exists()


def test_broken_law_given_breaks(tmp_path, capsys):
    from nsl.theory.fitting import BrokenPowerLawFit

    x = np.geomspace(1, 1e6, 20)
    y = BrokenPowerLawFit(0.01, 2.0, 0.3, (0.9,), (1e3,), (0.5,), 0.0, 1).predict(x)
    path = tmp_path / "b.json"
    path.write_text(json.dumps([{"x": float(a), "err": float(b)} for a, b in zip(x, y)]))
    rc = fit_command.run(_args(str(path), "--x", "x", "--y", "err", "--law", "broken", "--breaks", "1",
                               "--n-boot", "20", "--json"))
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n_breaks"] == 1 and res["final_exponent"] == pytest.approx(1.2, abs=0.02)


@pytest.mark.parametrize("argv,match", [
    (["--x", "M", "--y", "loss"], "--x column 'M' not found"),
    (["--x", "N", "--y", "seed"], "column 'seed': row 1 is 0"),
    (["--x", "N", "--y", "loss", "--law", "joint"], "two --x"),
    (["--x", "N", "--y", "loss", "--n-boot", "-3"], "--n-boot"),
    (["--x", "N", "--y", "loss", "--n-boot", "1000000000000"], "--n-boot must be in [0, 100000]"),
    (["--x", "N", "--y", "loss", "--law", "broken", "--n-boot", "0"], "--law broken needs --n-boot >= 2"),
    (["--x", "N", "--y", "loss", "--law", "broken", "--breaks", "7"], "--breaks"),
])
def test_bad_usage_exit_2_names_the_column(runs_csv, capsys, argv, match):
    assert fit_command.run(_args(str(runs_csv), *argv)) == 2
    assert match in capsys.readouterr().err


def test_too_few_points_and_missing_file(tmp_path, capsys):
    path = tmp_path / "few.csv"
    path.write_text("N,loss\n1,3\n2,2\n4,1.5\n")
    assert fit_command.run(_args(str(path), "--x", "N", "--y", "loss")) == 2
    assert "column 'N' has 3 distinct values" in capsys.readouterr().err
    assert fit_command.run(_args(str(tmp_path / "nope.csv"), "--x", "N", "--y", "loss")) == 2
    path.write_text("N,loss\n1,3\n2,x\n")
    assert fit_command.run(_args(str(path), "--x", "N", "--y", "loss")) == 2
    assert "column 'loss': row 2 is not a number" in capsys.readouterr().err


def test_flat_data_warns(tmp_path, capsys):
    path = tmp_path / "flat.csv"
    path.write_text("N,loss\n" + "".join(f"{10 ** i},2.0\n" for i in range(1, 9)))
    assert fit_command.run(_args(str(path), "--x", "N", "--y", "loss", "--n-boot", "50")) == 0
    assert "constant" in capsys.readouterr().err


def test_cli_wiring(runs_csv):
    out = subprocess.run([sys.executable, "-m", "nsl", "fit", str(runs_csv), "--x", "N", "--y", "loss", "--n-boot", "50"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "alpha =" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "nsl", "fit", str(runs_csv), "--x", "Q", "--y", "loss"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "'Q'" in bad.stderr
