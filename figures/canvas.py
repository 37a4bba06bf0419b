"""A figure without global state: ``matplotlib.figure.Figure`` objects, never pyplot.

Figures built here need no backend (``matplotlib.use`` is never called) and are not registered
with pyplot's figure manager, so making one changes nothing in the caller's process; the shell
saves them with ``fig.savefig`` (Agg renders PNG without a GUI).
"""
from __future__ import annotations

from typing import Any

__all__ = ["new_figure", "colormap"]


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], layout: str | None = "constrained",
               **subplot_kw: Any) -> tuple[Any, Any]:
    """A ``Figure`` and its axes, as ``plt.subplots`` returns them, without pyplot.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes (>= 1).
    figsize : (float, float)
        Width and height in inches.
    layout : str or None
        ``"constrained"`` (default), ``"tight"`` or ``None``.
    **subplot_kw
        Passed to ``Figure.subplots`` (``sharex``, ``sharey``, ``squeeze``, ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or array of Axes
    """
    from matplotlib.figure import Figure

    if nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be >= 1, got {nrows}, {ncols}")
    fig = Figure(figsize=figsize, layout=layout)
    return fig, fig.subplots(nrows, ncols, **subplot_kw)


def colormap(name: str) -> Any:
    """The registered colormap ``name`` (``matplotlib.colormaps[name]``), without pyplot."""
    import matplotlib

    return matplotlib.colormaps[name]
