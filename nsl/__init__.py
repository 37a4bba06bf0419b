"""nsl: a theory-and-simulation toolkit for neural scaling laws.

Subpackages (one import name for the repository's top-level folders):

- ``nsl.theory``      analytic modules (pure functions): spectra, fitting, ODEs, percolation, ...
- ``nsl.sims``        simulations and trainings (torch, numpy)
- ``nsl.validation``  theory-vs-experiment suites, one module per suite
- ``nsl.figures``     one module per figure: stored results in, figure + CSV out
- ``nsl`` itself      the shell: CLI, registry, run store, sweeps, report, benchmarks
"""

__version__ = "0.1.0"
