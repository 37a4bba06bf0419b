"""The report a researcher reads first: summary tables on top, then contents, then the suites;
captions rendered; information rows apart and uncounted; checked in a real headless Chromium."""
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

from nsl import registry
from nsl.cli import main
from nsl.context import FigureOutput
from nsl.report import inline_html
from nsl.rows import Row

SUITE = "selftest-report"


def _cell(config):
    x = np.geomspace(1, 1e3, 10)
    return {"x": x, "y": 2 * x ** -config["alpha"]}, {}


@registry.suite(SUITE, description="toy suite for the report tests")
def _suite(ctx):
    runs = ctx.sweep(_cell, [{"alpha": 0.5}, {"alpha": 1.0}])
    ctx.save_artifact("curves", {"x": runs[0].arrays["x"], "y": runs[0].arrays["y"]})
    ctx.note("see *Hestness et al.* and `fit_power_law`")
    slope = [-np.polyfit(np.log(r.arrays["x"]), np.log(r.arrays["y"]), 1)[0] for r in runs]
    return [
        Row.check(SUITE, "alpha_D exponent", 0.5, slope[0], tolerance=0.0, ci=(slope[0] - 0.01, slope[0] + 0.01)),
        Row.check(SUITE, "alpha_M exponent", 1.0, slope[1], tolerance=1e-9),
        Row.check(SUITE, "a deliberately wrong prediction", 2.0, slope[1], tolerance=0.1),
        Row.information(SUITE, "alpha_D lower 95% bound", slope[0] - 0.01, note="cannot fail: shown for context"),
    ]


@registry.figure("selftest-report-curve", suite=SUITE)
def _figure(ctx):
    import matplotlib.pyplot as plt

    run = ctx.load_artifact("curves")
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.loglog(run.arrays["x"], run.arrays["y"], "o-")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return FigureOutput(fig, {"x": run.arrays["x"], "y": run.arrays["y"]},
                        "*Toy* curve with `alpha = 0.5`; see [the data](figures/selftest-report-curve.csv).")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rep")
    out = tmp / "out"
    rc = main(["report", "--suites", SUITE, "--out", str(out), "--store", str(tmp / "s"), "--executor", "serial",
               "--quiet"])
    assert rc == 1  # one row is meant to fail
    return out


def test_summary_then_contents_then_suites(report):
    md = (report / "report.md").read_text()
    heads = [line for line in md.splitlines() if line.startswith("#")]
    assert heads[0] == "# nsl report (quick preset)"
    assert heads[1:5] == ["## Summary", f"### [{SUITE}](#suite-{SUITE}): 2 of 3 checks passed", "## Contents",
                          f"## {SUITE}"]
    assert "**2 of 3 checks passed** across 1 suite; 1 further row is information" in md
    summary = md.split("## Summary")[1].split("## Contents")[0]
    assert "| alpha_D exponent | 0.5 | 0.5 | [0.49, 0.51] | pass |" in summary
    assert "| a deliberately wrong prediction | 2 | 1 | – | FAIL |" in summary
    assert "lower 95% bound" not in summary  # information is not a summary check
    assert md.index("## Environment") > md.index(f"## {SUITE}")


def test_information_rows_apart_and_uncounted(report):
    md = (report / "report.md").read_text()
    suite = md.split(f"## {SUITE}")[1]
    info = suite.split("*Information")[1]
    assert "| alpha_D lower 95% bound | 0.49 |" in info
    assert "lower 95% bound" not in suite.split("*Information")[0]
    meta = json.loads((report / "suites.json").read_text())["suites"][0]
    assert (meta["checks"], meta["passed"], meta["information"]) == (3, 2, 1)
    rows = json.loads((report / "rows.json").read_text())
    assert [r["kind"] for r in rows] == ["check", "check", "check", "info"]


def test_captions_and_notes_rendered(report):
    html = (report / "report.html").read_text()
    assert "<em>Toy</em> curve with <code>alpha = 0.5</code>" in html
    assert '<a href="figures/selftest-report-curve.csv">' in html
    assert "<em>Hestness et al.</em> and <code>fit_power_law</code>" in html
    text = re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S))
    assert not re.search(r"\*\w[^*]*\*|\]\(|`", text), "raw Markdown left in the page"


def test_inline_html():
    assert inline_html("a *b* **c** `d<e` [f](g.csv) snake_case_name") == \
        'a <em>b</em> <strong>c</strong> <code>d&lt;e</code> <a href="g.csv">f</a> snake_case_name'
    assert inline_html("<script>") == "&lt;script&gt;"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.imgs = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))


def test_every_link_resolves_statically(report):
    p = _Links()
    p.feed((report / "report.html").read_text())
    assert p.imgs and all(s.startswith("data:image/png;base64,") for s in p.imgs)
    for href in p.hrefs:
        u = urlsplit(href)
        if href.startswith("#"):
            assert href[1:] in p.ids, href
        else:
            assert not u.scheme and (report / unquote(u.path)).is_file(), href


_PROBE = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.from(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).map(function (i) { return i.alt; });
  var anchors = Array.from(document.querySelectorAll("a[href^='#']"))
      .filter(function (a) { return !document.getElementById(a.getAttribute("href").slice(1)); })
      .map(function (a) { return a.getAttribute("href"); });
  var links = Array.from(document.querySelectorAll("a[href]")).map(function (a) { return a.href; });
  var pre = document.createElement("pre");
  pre.id = "nsl-probe";
  pre.textContent = "NSLPROBE" + JSON.stringify({images: imgs.length, broken_images: bad, broken_anchors: anchors,
                                                 links: links, tables: document.querySelectorAll("table").length,
                                                 first_h2: document.querySelector("h2").textContent}) + "NSLPROBE";
  document.body.appendChild(pre);
});
</script>
"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _headless(browser: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--allow-file-access-from-files", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_report_in_headless_chromium(report):
    """Chromium renders the page: every image decoded, every anchor found, every file link on disk."""
    browser = _chromium()
    page = report / "report-probe.html"  # the report plus a probe script, beside it so relative links resolve alike
    page.write_text((report / "report.html").read_text().replace("</body>", _PROBE + "</body>"))
    try:
        res = _headless(browser, "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    finally:
        page.unlink()
    m = re.search(r"NSLPROBE(.*?)NSLPROBE", res.stdout)
    assert m, f"no probe output from Chromium: {res.stderr[-2000:]}"
    probe = json.loads(m.group(1))
    assert probe["images"] == 1 and probe["broken_images"] == []
    assert probe["broken_anchors"] == []
    assert probe["first_h2"] == "Summary" and probe["tables"] >= 4
    for link in probe["links"]:
        u = urlsplit(link)
        if u.scheme == "file":
            assert Path(unquote(u.path)).is_file() or u.fragment, link
    shot = report / "screenshot.png"
    _headless(browser, f"--screenshot={shot}", "--window-size=1200,1800", "--hide-scrollbars",
              (report / "report.html").as_uri())
    assert shot.read_bytes()[:4] == b"\x89PNG"


def test_overlapping_labels_are_found(report):
    import io

    import matplotlib.pyplot as plt

    from nsl.runner import overlapping_labels

    fig, ax = plt.subplots(figsize=(2, 2))
    x = np.arange(20) * 1e6
    ax.plot(x, x)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{v:.0f}" for v in x])
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert overlapping_labels(fig) == ["panel 1: x tick labels '0' and '1000000' overlap"]
    plt.close(fig)
    fig, axs = plt.subplots(1, 3, figsize=(9, 3))
    for a in axs:
        a.loglog(np.geomspace(1, 1e5, 10), np.geomspace(1, 1e-3, 10))
        a.set_xlabel("N")
        a.set_ylabel("loss")
    fig.tight_layout()
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert overlapping_labels(fig) == []
    plt.close(fig)
    assert "Hard to read" not in (report / "report.md").read_text()  # the toy figure is legible
