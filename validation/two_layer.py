"""Suite ``two-layer``: online SGD of two-layer student–teacher networks with power-law spectra.

Worschech & Rosenow 2024 (arXiv:2410.09005) and the reference note
``shared/reference/two_layer_ode.md``.  Every check compares the order-parameter ODE
(:mod:`nsl.theory.two_layer`) with an independent computation, a closed form or the torch
simulation (:mod:`nsl.sims.online_sgd`):

1. ODE vs simulation, erf (K = M = 2, N = 1024, L = 16, η = 0.5) and linear (K = M = 1, L = N = 1024):
   seed-mean within 3 standard errors plus a finite-N allowance;
2. L = 1 eigenspace ODE equals an independent scalar-loop isotropic Saad–Solla ODE (1e-10);
3. linear ODE equals ½ λᵀ expm(Aα) d(0) (1e-6 relative);
4. the exponent β/(1+β) fitted (bootstrap interval) on ODE curves (β = 0.75, 1, 2) and on
   simulated curves (β = 1, 2 quick; 0.75 too in full);
5. the N_l^−β law of ε_g(∞) when only the top N_l eigendirections are trained (ODE, L = N = 256);
6. the plateau height against the symmetric fixed point (L = 1, 2);
7. the plateau length falling with L and growing with M, against the linearised escape rate,
   and the reviewers' τ_esc ∼ M²/L;
8. the exponent of the specialised (post-plateau) erf phase, fitted on the ODE tail, against β/(1+β);
9. stability: linear η = 1.9 converges and η = 2.1 diverges (Tr Σ = N).
"""
from __future__ import annotations

import numpy as np

from nsl.registry import suite
from nsl.rows import Row

NAME = "two-layer"

PRESETS = {
    "quick": {"sim_seeds": 4, "sim_alpha_erf": 60.0, "lin_seeds": 3, "sim_betas": [1.0, 2.0], "n_boot": 300,
              "L_list": [1, 2, 4, 8, 16, 32, 64], "M_list": [2, 3, 4], "M_seeds": 2, "tail_L": 256},
    "full": {"sim_seeds": 10, "sim_alpha_erf": 200.0, "lin_seeds": 8, "sim_betas": [0.75, 1.0, 2.0], "n_boot": 1000,
             "L_list": [1, 2, 4, 8, 16, 32, 64, 128], "M_list": [2, 3, 4, 5], "M_seeds": 4, "tail_L": 512},
}


# ---------------------------------------------------------------------------------------------
# sweep tasks (module level: they run in a spawn process pool)

def _ode_eg(sp, K, M, seed, alpha, **kw):
    from nsl.theory.two_layer.ode import solve_ode
    from nsl.theory.two_layer.order_params import random_initial_conditions

    init = random_initial_conditions(sp, K, M, sigma_J=kw.pop("sigma_J", 0.01), rng=np.random.default_rng(seed))
    return solve_ode(init, sp, alpha=alpha, **kw)


def task(config: dict):
    """One cell of the suite's grid, dispatched on ``config['kind']``."""
    from nsl.theory.spectra import power_law_spectrum

    kind = config["kind"]
    if kind == "sim-erf":
        from nsl.sims.online_sgd import simulate_online_sgd

        sp = power_law_spectrum(config["L"], config["beta"], N=config["N"])
        seeds = list(range(config["seed0"], config["seed0"] + config["seeds"]))
        sim = simulate_online_sgd(sp, K=config["K"], M=config["M"], eta=config["eta"], alpha_max=config["alpha_max"],
                                  seeds=seeds, n_alpha=config["n_alpha"], alpha_min=0.5, sigma_J=config["sigma_J"],
                                  device=config.get("device", "cpu"))
        ode = np.stack([_ode_eg(sp, config["K"], config["M"], s, sim.alpha, eta=config["eta"],
                                sigma_J=config["sigma_J"]).eg for s in seeds])
        return {"alpha": sim.alpha, "eg_sim": sim.eg, "eg_ode": ode}, {"sim_wall_s": sim.meta["wall_s"],
                                                                          "steps_per_s": sim.meta["steps_per_s"]}
    if kind == "sim-linear":
        from nsl.sims.online_sgd import simulate_online_sgd
        from nsl.theory.two_layer.linear import linear_d0, linear_eg_exact
        from nsl.theory.two_layer.order_params import random_initial_conditions

        sp = power_law_spectrum(config["L"], config["beta"], N=config["N"])
        seeds = list(range(config["seed0"], config["seed0"] + config["seeds"]))
        sim = simulate_online_sgd(sp, K=1, M=1, eta=config["eta"], alpha_max=config["alpha_max"], seeds=seeds,
                                  n_alpha=config["n_alpha"], alpha_min=0.1, activation="linear",
                                  sigma_J=config["sigma_J"], teacher=config["teacher"], device=config.get("device", "cpu"))
        exact = np.stack([linear_eg_exact(sim.alpha, linear_d0(random_initial_conditions(
            sp, 1, 1, sigma_J=config["sigma_J"], rng=np.random.default_rng(s), teacher=config["teacher"])),
            sp, eta=config["eta"]) for s in seeds])
        return {"alpha": sim.alpha, "eg_sim": sim.eg, "eg_exact": exact}, {"sim_wall_s": sim.meta["wall_s"]}
    if kind == "ode-L":
        from nsl.theory.two_layer.plateaus import escape_rate, escape_time, symmetric_fixed_point

        sp = power_law_spectrum(config["L"], config["beta"], N=config["N"])
        v = 1.0 if config["prefactor"] == "none" else 1.0 / np.sqrt(config["K"])
        alpha = np.logspace(-2, np.log10(config["alpha_max"]), config["n_alpha"])
        c = _ode_eg(sp, config["K"], config["K"], config["seed"], alpha, eta=config["eta"], v_student=v, v_teacher=v)
        fp = symmetric_fixed_point(config["K"], config["eta"], spectrum=sp, prefactor=config["prefactor"])
        tau = escape_time(c.alpha, c.eg, fp.eg)
        mu = escape_rate(sp, config["K"], config["eta"], prefactor=config["prefactor"]) if config["seed"] == 0 else float("nan")
        return {"alpha": c.alpha, "eg": c.eg}, {"escape": tau, "mu": mu, "fp_eg": fp.eg, "ode_wall_s": c.meta["wall_s"]}
    raise ValueError(f"unknown task kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# independent reference: the isotropic Saad–Solla ODE with scalar loops (Goldt et al. 2019, Eqs. 11-12)

def isotropic_reference(Q: np.ndarray, R: np.ndarray, T: np.ndarray, eta: float) -> tuple[np.ndarray, np.ndarray]:
    from nsl.theory.two_layer.integrals import ERF

    K, M = R.shape
    Om = np.block([[Q, R], [R.T, T]])
    st, te = list(range(K)), list(range(K, K + M))

    def I3(a, b, c):
        ix = [a, b, c]
        return float(ERF.i3_from_cov(Om[np.ix_(ix, ix)]))

    def I4(a, b, c, d):
        ix = [a, b, c, d]
        return float(ERF.i4_from_cov(Om[np.ix_(ix, ix)]))

    dR, dQ = np.zeros((K, M)), np.zeros((K, K))
    for i in st:
        for n in te:
            dR[i, n - K] = eta * (sum(I3(i, n, m) for m in te) - sum(I3(i, n, j) for j in st))
        for k in st:
            dQ[i, k] = (eta * (sum(I3(i, k, m) for m in te) - sum(I3(i, k, j) for j in st))
                        + eta * (sum(I3(k, i, m) for m in te) - sum(I3(k, i, j) for j in st))
                        + eta ** 2 * (sum(I4(i, k, n, m) for n in te for m in te)
                                      - 2 * sum(I4(i, k, j, n) for j in st for n in te)
                                      + sum(I4(i, k, j, l) for j in st for l in st)))
    return dQ, dR


def _fit(x, y, n_boot, seed):
    from nsl.theory.fitting import fit_power_law

    return fit_power_law(x, y, offset=False, n_boot=n_boot, rng=seed)


@suite(NAME, description="two-layer online SGD: ODE vs simulation, closed forms, exponents, plateaus",
       budget_s={"quick": 180, "full": 1800})
def run(ctx) -> list[Row]:
    from nsl.theory.spectra import Spectrum, power_law_spectrum
    from nsl.theory.two_layer.linear import (expected_d0, linear_d0, linear_eg_exact, linear_eg_infinity_truncated,
                                             linear_window)
    from nsl.theory.two_layer.ode import TwoLayerODE, solve_ode
    from nsl.theory.two_layer.order_params import (OrderParameters, order_parameters_from_weights,
                                                   random_initial_conditions)
    from nsl.theory.two_layer.plateaus import (detect_plateau, escape_time_scaling, specialised_phase_exponent,
                                               symmetric_fixed_point)

    P = PRESETS[ctx.preset]
    nb = P["n_boot"]
    rows: list[Row] = []

    # ---- the heavy cells through the sweep runner ------------------------------------------
    grid = [{"kind": "sim-erf", "N": 1024, "L": 16, "beta": 1.0, "K": 2, "M": 2, "eta": 0.5, "sigma_J": 0.01,
             "alpha_max": P["sim_alpha_erf"], "n_alpha": 25, "seeds": P["sim_seeds"], "seed0": 0, "device": ctx.device}]
    grid += [{"kind": "sim-linear", "N": 1024, "L": 1024, "beta": b, "eta": 0.01, "sigma_J": 0.01, "alpha_max": 100.0,
              "n_alpha": 25, "seeds": P["lin_seeds"], "seed0": 100, "teacher": "rademacher", "device": ctx.device}
             for b in P["sim_betas"]]
    grid += [{"kind": "ode-L", "N": 1024, "L": L, "beta": 1.0, "K": 2, "eta": 0.1, "seed": 0, "prefactor": "none",
              "alpha_max": 2e4, "n_alpha": 300} for L in P["L_list"]]
    grid += [{"kind": "ode-L", "N": 1024, "L": 16, "beta": 1.0, "K": M, "eta": 0.1, "seed": sd, "prefactor": pre,
              "alpha_max": 1e5, "n_alpha": 300} for M in P["M_list"] for pre in ("none", "sqrt") for sd in range(P["M_seeds"])]
    runs = ctx.sweep(task, grid, desc="two-layer")
    by = {}
    for cfg, r in zip(grid, runs):
        by.setdefault(cfg["kind"], []).append((cfg, r))

    # 1a. ODE vs simulation, erf
    cfg, r = by["sim-erf"][0]
    a, es, eo = r.arrays["alpha"], r.arrays["eg_sim"], r.arrays["eg_ode"]
    diff = es - eo
    sem = diff.std(0, ddof=1) / np.sqrt(diff.shape[0])
    rel = np.abs(es.mean(0) - eo.mean(0)) / eo.mean(0)
    worst = int(np.argmax(rel - 3 * sem / eo.mean(0)))
    allow = 4.0 / np.sqrt(cfg["N"])  # finite-N allowance O(1/sqrt N): 12.5 % at N = 1024
    rows.append(Row.check(NAME, "erf SGD/ODE mean eg ratio, worst alpha (K=M=2, N=1024, L=16)", 1.0,
                          float(es.mean(0)[worst] / eo.mean(0)[worst]),
                          ci=(float((es.mean(0)[worst] - 3 * sem[worst]) / eo.mean(0)[worst]),
                              float((es.mean(0)[worst] + 3 * sem[worst]) / eo.mean(0)[worst])),
                          tolerance=allow, note=f"{diff.shape[0]} seeds, alpha<={a[-1]:g}; band = 3 SEM; tol 4/sqrt(N)"))
    ctx.save_artifact("sim_erf", {"alpha": a, "eg_sim": es, "eg_ode": eo}, cfg)

    # 1b. ODE (closed form) vs simulation, linear, and the exponent on simulated curves
    for cfg, r in by["sim-linear"]:
        a, es, ex = r.arrays["alpha"], r.arrays["eg_sim"], r.arrays["eg_exact"]
        rel = es.mean(0) / ex.mean(0)
        sem = (es / ex).std(0, ddof=1) / np.sqrt(es.shape[0])
        worst = int(np.argmax(np.abs(rel - 1) - 3 * sem))
        rows.append(Row.check(NAME, f"linear SGD/closed-form eg ratio, worst alpha (beta={cfg['beta']}, L=N=1024)", 1.0,
                              float(rel[worst]), ci=(float(rel[worst] - 3 * sem[worst]), float(rel[worst] + 3 * sem[worst])),
                              tolerance=allow, note=f"{es.shape[0]} seeds"))
        w = (a >= 1.0) & (a <= 100.0)  # eta = 0.01: the ODE rows' window and the paper's Fig. 2 (right) eta
        fit = _fit(a[w], es[:, w], nb, 7)
        fit_ex = _fit(a[w], ex[:, w], 0, 7)
        b = cfg["beta"]
        rows.append(Row.check(NAME, f"exponent beta/(1+beta) on simulated linear curves (beta={b})", b / (1 + b), fit.alpha,
                              ci=fit.alpha_ci, tolerance=0.03,
                              note="eta = 0.01, fit on alpha in [1, 100], offset 0, bootstrap over seeds; +-1 teacher entries "
                                   "(at eta = 0.1 the same alpha window sits nearer the finite-N cutoff 1/(2 eta lambda_N): "
                                   "0.497 at beta = 0.75, and the top direction, lambda_1 ~ N at beta = 2, breaks self-averaging)"))
        rows.append(Row.check(NAME, f"exponent on simulated vs closed-form curves, same weights (beta={b})", fit_ex.alpha,
                              fit.alpha, ci=fit.alpha_ci, tolerance=0.01))
        ctx.save_artifact(f"sim_linear_beta{b:g}", {"alpha": a, "eg_sim": es, "eg_exact": ex},
                          {**cfg, "fit_alpha": fit.alpha, "fit_ci": list(fit.alpha_ci), "fit_amp": fit.amplitude})

    # 2. L = 1 reduces to the isotropic Saad–Solla ODE
    rng = np.random.default_rng(3)
    sp1 = Spectrum(np.array([1.0]), np.array([400]))
    J, B = 0.6 * rng.standard_normal((3, 400)), rng.standard_normal((3, 400))
    op = order_parameters_from_weights(J, B, sp1)
    dq, dr = TwoLayerODE(sp1, op.t, K=3, eta=0.7).derivatives(op.q, op.r)
    Q, R, T = op.covariances(sp1.values)
    dQr, dRr = isotropic_reference(Q, R, T, 0.7)
    err = max(np.abs(dq[0] - dQr).max(), np.abs(dr[0] - dRr).max()) / np.abs(dQr).max()
    rows.append(Row.at_most(NAME, "L=1 eigenspace ODE vs scalar isotropic Saad-Solla ODE (max rel. diff)", float(err), 1e-10))

    # 3. linear ODE vs expm closed form
    sp8 = power_law_spectrum(8, 1.0, N=320)
    op8 = random_initial_conditions(sp8, 2, 3, sigma_J=0.3, rng=np.random.default_rng(6))
    al = np.logspace(-2, 2, 25)
    ode8 = solve_ode(op8, sp8, activation="linear", eta=0.4, alpha=al, rtol=1e-10, atol=1e-14)
    ex8 = linear_eg_exact(al, linear_d0(op8), sp8, eta=0.4, V=2.0)
    keep = ex8 > 1e-5 * ex8[0]
    rows.append(Row.at_most(NAME, "linear ODE vs 1/2 lambda^T expm(A alpha) d(0): max rel. diff", float(np.max(np.abs(ode8.eg / ex8 - 1)[keep])), 1e-6,
                            note="where eg > 1e-5 eg(0): below, eg = (Q - 2R + T)/2 cancels O(1) overlaps integrated to rtol"))

    # 4. exponent on ODE curves (linear, L = N = 1024, eta = 0.01: the note's Sec. 5 case 5)
    for b in (0.75, 1.0, 2.0):
        sp = power_law_spectrum(1024, b, N=1024)
        p = (sp.multiplicities / sp.N)[:, None, None]
        op = OrderParameters(1e-4 * p, 0 * p, p)  # the initialisation average: q^l = sigma_J^2 m_l/N, r = 0, t^l = m_l/N
        a = np.logspace(0, 2, 15)
        c = solve_ode(op, sp, activation="linear", eta=0.01, alpha=a)
        fit = _fit(a, c.eg, nb, 5)
        rows.append(Row.check(NAME, f"exponent beta/(1+beta) on the linear ODE (beta={b}, L=N=1024)", b / (1 + b),
                              fit.alpha, ci=fit.alpha_ci, tolerance=0.03,
                              note="average initial condition; window [%.3g, %.3g]" % linear_window(sp, eta=0.01)))
    ctx.note("beta = 0.5 is left out of the ODE exponent rows: at N = 1024 the local slope on [1, 100] is 0.399, not "
             "1/3 (the reference note's 0.03 claim does not hold there); it converges slowly, 0.356 at N = 262144, "
             "because the continuum law counts eigenvalues beyond N whose weight falls only as N^-beta.")

    # 5. N_l law: only the top N_l eigendirections trained (paper Sec. 4.3, Fig. 3 setting: L=N=256, eta=0.05)
    sp = power_law_spectrum(256, 1.0, N=256)
    op = random_initial_conditions(sp, 1, 1, rng=np.random.default_rng(21))
    d0 = linear_d0(op)
    nls = np.array([4, 8, 16, 32, 64])
    e_ode, e_cf = [], []
    for nl in nls:
        c = solve_ode(op, sp, activation="linear", eta=0.05, alpha=np.array([1e-2, 1e5]), trainable=int(nl))
        e_ode.append(c.eg[-1])
        e_cf.append(linear_eg_infinity_truncated(d0, sp, n_trainable=int(nl), eta=0.05))
    e_ode, e_cf = np.array(e_ode), np.array(e_cf)
    rows.append(Row.at_most(NAME, "eg(inf) ODE vs closed form with N_l trained (max rel. diff)", float(np.max(np.abs(e_ode / e_cf - 1))), 1e-5))
    from nsl.theory.two_layer.linear import trainable_law_curve

    nl_big = np.array([8, 16, 32, 64, 128])
    e_exp = trainable_law_curve(nl_big, beta=1.0, N=8192, eta=0.05)
    fit = _fit(nl_big, e_exp, nb, 3)
    rows.append(Row.check(NAME, "exponent of eg(inf) in N_l, expected curve (beta=1, L=N=8192)", 1.0, fit.alpha,
                          ci=fit.alpha_ci, tolerance=0.05))
    fit2 = _fit(nls.astype(float), e_ode, nb, 4)
    rows.append(Row.check(NAME, "exponent of eg(inf) in N_l, ODE with sampled init (beta=1, L=N=256)", 1.0, fit2.alpha,
                          ci=fit2.alpha_ci, tolerance=0.15, note="one sampled teacher: d^l(0) fluctuate (chi-square, 1 dof)"))
    ctx.save_artifact("trainable_law", {"n_l": nls.astype(float), "eg_ode": e_ode, "eg_closed": e_cf,
                                        "n_l_big": nl_big.astype(float), "eg_expected": e_exp},
                      {"beta": 1.0, "N": 256, "eta": 0.05, "fit_alpha": fit2.alpha, "fit_ci": list(fit2.alpha_ci)})

    # 6. plateau height vs the symmetric fixed point (idealised teacher t^l = (m_l/N) I)
    fp = symmetric_fixed_point(2, 0.1)
    for L in (1, 2):
        sp = power_law_spectrum(L, 1.0, N=1024)
        op = random_initial_conditions(sp, 2, 2, rng=np.random.default_rng(0))
        p = sp.multiplicities / sp.N
        op = OrderParameters(op.q, op.r, p[:, None, None] * np.eye(2)[None])
        c = solve_ode(op, sp, eta=0.1, alpha_max=5000, n_alpha=300, alpha_min=1.0)
        info = detect_plateau(c.alpha, c.eg)
        rows.append(Row.check(NAME, f"plateau height vs symmetric fixed point (K=M=2, eta=0.1, L={L})", fp.eg,
                              info.height if info else float("nan"), tolerance=0.01, relative=True,
                              note="fixed point eg* = 0.012086 (0.0116108 at eta -> 0)"))

    # 7. plateau length vs L and M: length = escape (eg < fp/2) - onset (eg < 1.5 fp)
    def length(r):
        a, e, fpe = r.arrays["alpha"], r.arrays["eg"], r.result["fp_eg"]
        return r.result["escape"] - float(a[np.argmax(e < 1.5 * fpe)])

    sel = sorted([x for x in by["ode-L"] if x[0]["K"] == 2 and x[0]["prefactor"] == "none" and x[0]["alpha_max"] == 2e4],
                 key=lambda x: x[0]["L"])
    Ls = np.array([c["L"] for c, _ in sel], float)
    tL = np.array([r.result["escape"] for _, r in sel])
    lenL = np.array([length(r) for _, r in sel])
    muL = np.array([r.result["mu"] for _, r in sel])
    rows.append(Row.at_least(NAME, "escape time falls monotonically with L (K=M=2, eta=0.1, beta=1)",
                             float(np.all(np.diff(tL) < 0)), 1.0, note=f"tau_esc = {np.round(tL, 1).tolist()} for L = {Ls.tolist()}"))
    small = Ls <= 16
    sL = escape_time_scaling(Ls[small], lenL[small])["exponent"]
    sLmu = escape_time_scaling(Ls[small], 1 / muL[small])["exponent"]
    rows.append(Row.check(NAME, "exponent of the plateau length in L (L <= 16) vs linearised 1/mu", sLmu, sL, tolerance=0.15,
                          note=f"lengths {np.round(lenL, 1).tolist()}; for L >= 32 the plateau has all but disappeared "
                               "(the paper's Fig. 1 statement), the escape time then is the approach time"))
    big = Ls >= 16
    sLmu_big = escape_time_scaling(Ls[big], 1 / muL[big])["exponent"]
    rows.append(Row.check(NAME, "exponent of 1/mu in L (L >= 16) vs reviewers' tau_esc ~ 1/L", -1.0, sLmu_big,
                          tolerance=0.1))
    ctx.save_artifact("escape_L", {"L": Ls, "escape": tL, "length": lenL, "inv_mu": 1 / muL,
                                   "eg": np.stack([r.arrays["eg"] for _, r in sel]), "alpha": sel[0][1].arrays["alpha"]},
                      {"K": 2, "eta": 0.1, "beta": 1.0, "N": 1024})
    art = {}
    for pre in ("none", "sqrt"):
        selM = [x for x in by["ode-L"] if x[0]["prefactor"] == pre and x[0]["alpha_max"] == 1e5]
        Ms = np.array(sorted({c["K"] for c, _ in selM}), float)
        # geometric mean of the plateau length over the initial-condition seeds
        tM = np.array([np.exp(np.mean([np.log(length(r)) for c, r in selM if c["K"] == M])) for M in Ms])
        muM = np.array([r.result["mu"] for M in Ms for c, r in selM if c["K"] == M and c["seed"] == 0])
        rows.append(Row.at_least(NAME, f"plateau length grows with M = K (L=16, output prefactor {pre})",
                                 float(np.all(np.diff(tM) > 0)), 1.0, note=f"lengths {np.round(tM, 1).tolist()} for M = {Ms.tolist()}"))
        sM = escape_time_scaling(Ms, tM)["exponent"]
        sMmu = escape_time_scaling(Ms, 1 / muM)["exponent"]
        rows.append(Row.check(NAME, f"exponent of the plateau length in M vs linearised 1/mu (prefactor {pre})", sMmu, sM,
                              tolerance=0.3, note=f"geometric mean over {P['M_seeds']} initialisations"))
        art[pre] = (Ms, tM, 1 / muM, sM)
    rows.append(Row.check(NAME, "exponent of the plateau length in M vs reviewers' M^2 (outputs sum g / sqrt(K))", 2.0,
                          art["sqrt"][3], tolerance=0.4,
                          note=f"with outputs sum g (no prefactor) it is {art['none'][3]:.2f}: the M^2 law needs the "
                               "1/sqrt(K) convention, which suggests the paper uses it"))
    ctx.save_artifact("escape_M", {"M": art["none"][0], "length_none": art["none"][1], "inv_mu_none": art["none"][2],
                                   "length_sqrt": art["sqrt"][1], "inv_mu_sqrt": art["sqrt"][2]},
                      {"L": 16, "eta": 0.1, "beta": 1.0})

    # 8. specialised-phase exponent (erf, K = M = 2, L = N, after the escape)
    Lt = P["tail_L"]
    for b in (2.0,):  # beta = 2: lambda_1/lambda_L = L^3 leaves decades between the escape and 1/(eta lambda_L)
        sp = power_law_spectrum(Lt, b, N=Lt)
        a = np.logspace(-1, 6, 200)
        c = _ode_eg(sp, 2, 2, 0, a, eta=0.1)
        fpe = symmetric_fixed_point(2, 0.1, spectrum=sp).eg
        hi_w = 0.1 * linear_window(sp, eta=0.1)[1]
        try:
            fit = specialised_phase_exponent(a, c.eg, sp, eta=0.1, plateau_height=fpe, n_boot=nb, rng=9)
        except ValueError as exc:
            rows.append(Row.at_least(NAME, "specialised-phase fit window has >= 5 points", 0.0, 1.0, note=str(exc)))
            continue
        rows.append(Row.check(NAME, f"specialised-phase exponent vs beta/(1+beta) (erf, K=M=2, L=N={Lt}, beta={b})",
                              b / (1 + b), fit.alpha, ci=fit.alpha_ci, tolerance=0.05,
                              note=f"fit window alpha in [{fit.x_range[0]:.3g}, {fit.x_range[1]:.3g}] (10 x escape .. "
                                   f"0.1/(2 eta lambda_L) = {hi_w:.3g}); beta/(1+beta) is the linearised heuristic "
                                   "(the paper's Fig. 6 exponent could not be read)"))
        ctx.save_artifact("specialised_tail", {"alpha": a, "eg": c.eg},
                          {"beta": b, "L": Lt, "fit_alpha": fit.alpha, "fit_ci": list(fit.alpha_ci),
                           "window": list(fit.x_range)})

    # 9. stability (linear, Tr Σ = N): closed form growth/decay
    for b in (0.5, 2.0):
        sp = power_law_spectrum(64, b, N=256)
        d0 = expected_d0(sp)
        e = {eta: linear_eg_exact(np.array([100.0, 200.0]), d0, sp, eta=eta) for eta in (1.9, 2.1)}
        rows.append(Row.at_least(NAME, f"linear closed form: eta=1.9 decays and eta=2.1 grows (beta={b}, L=64)",
                                 float(e[1.9][1] < e[1.9][0] and e[2.1][1] > e[2.1][0]), 1.0))
    from nsl.sims.online_sgd import simulate_online_sgd

    sp = power_law_spectrum(16, 1.0, N=1024)
    st = simulate_online_sgd(sp, K=1, M=1, eta=[1.9, 2.1], alpha_max=30.0, seeds=1, n_alpha=4, alpha_min=1.0,
                             activation="linear", allow_unstable=True, blowup=1e12, device=ctx.device)
    g19, g21 = st.eg[0, -1] / st.eg[0, 0], st.eg[1, -1] / st.eg[1, 0]
    rows.append(Row.at_least(NAME, "linear SGD (N=1024, L=16): eta=1.9 decays and eta=2.1 grows by alpha=30",
                             float(g19 < 1 < g21), 1.0, note=f"eg(30)/eg(1) = {g19:.3g} (1.9), {g21:.3g} (2.1)"))
    return rows
