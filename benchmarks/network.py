"""The self-check on phone networks: Chrome's "slow 4G" and "4G", as a customer on a phone has them.

Run from the project folder (``./run bench`` runs it last)::

    .venv/bin/python -m benchmarks.network [--runs 3] [--skip-answering] [--baseline COMMIT]

It builds the site, serves it as a host that sends ``_headers`` and the precompressed copies
does, and opens it in Chromium with a new, empty profile each run (a cold cache, and the cache
disabled), a 412 by 823 px phone screen and the CPU slowed 4 times, with the network throttled
through the DevTools protocol the way Lighthouse does:

* **slow 4G**: 1.6 Mbit/s times 0.9 down, 150 ms times 3.75 round trip;
* **4G**: 9 Mbit/s down, 85 ms round trip.

Figures (medians of the runs):

* a support link (``/#check?…`` with every answer): navigation to the verdict visible (the
  decision table's), and to the complete result (the checker's, runtime ready); whether an error
  was ever shown;
* slow 4G, a customer who answers from their first tap and submits 30 s later: submit to verdict;
* the bytes each file of a complete check moved (from the server's log: compressed as sent);
* with ``--baseline COMMIT``: the support link's complete result on 4G, now and at that commit
  (built with its own plugin, see ``benchmarks/harness.py``), alternated run by run, and the
  ratio of the two medians.

It is a measurement, not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from benchmarks.harness import describe, machine, median, now_and_baseline, say
from tests.browser.server import SiteServer
from tests.chromium import CHROMIUM_ARGS, chromium_path
from tests.policies import credit_pack_bought

PROJECT = Path(__file__).resolve().parents[1]
PHONE: ViewportSize = {"width": 412, "height": 823}
PROFILES = {
    "slow 4G": {
        "offline": False,
        "latency": 150 * 3.75,
        "downloadThroughput": 1.6e6 / 8 * 0.9,
        "uploadThroughput": 750_000 / 8 * 0.9,
    },
    "4G": {
        "offline": False,
        "latency": 85,
        "downloadThroughput": 9e6 / 8,
        "uploadThroughput": 9e6 / 8,
    },
}
CPU_SLOWDOWN = 4
ANSWERS = credit_pack_bought((date.today() - timedelta(days=3)).isoformat())
LINK = urlencode(ANSWERS)
STATE = """() => {
  const root = document.querySelector('[data-policy-check]');
  const result = root && root.querySelector('[data-result]');
  return {
    state: root ? root.dataset.state : '',
    verdict: !!(result && !result.hidden && result.querySelector('[data-verdict]').dataset.verdict),
    // A site without the decision table (before issue 19) gives only the checker's answers.
    source: result ? result.dataset.source || 'checker' : '',
  };
}"""


def throttled(browser: Browser, profile: str) -> tuple[object, Page]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1.75, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", PROFILES[profile])
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


def watch(page: Page, until: str, limit_s: float, since: float) -> dict[str, float | bool]:
    """Poll the widget until ``until`` ("verdict" or "complete"); seconds since ``since``."""
    out: dict[str, float | bool] = {"error": False}
    while time.monotonic() - since < limit_s:
        now = page.evaluate(STATE)
        out["error"] = bool(out["error"]) or now["state"] == "error"
        if now["verdict"] and "verdict" not in out:
            out["verdict"] = time.monotonic() - since
        if now["verdict"] and now["source"] == "checker":
            out["complete"] = time.monotonic() - since
        if until in out:
            break
        time.sleep(0.05)
    return out


def support_link(browser: Browser, server: SiteServer, profile: str) -> dict[str, float | bool]:
    context, page = throttled(browser, profile)
    try:
        server.clear_log()
        started = time.monotonic()
        page.goto(server.url(f"/#check?{LINK}"), wait_until="commit")
        figures = watch(page, "complete", 120, started)
        figures["bytes"] = {  # type: ignore[assignment]
            entry.path_only: entry.sent_length for entry in server.log if entry.status == 200
        }
        return figures
    finally:
        context.close()  # type: ignore[attr-defined]


def answering(browser: Browser, server: SiteServer, profile: str) -> dict[str, float | bool]:
    """From the first tap, answering at a person's pace, "Check my answers" 30 s later."""
    context, page = throttled(browser, profile)
    try:
        page.goto(server.url("/"), wait_until="load")
        tapped = time.monotonic()
        page.locator("#rc-purchase_date").click()
        for field, value in ANSWERS.items():
            if field in ("purchase_date", "previous_refund_requests"):
                page.locator(f"#rc-{field}").fill(value)
            else:
                page.locator(f'input[name="{field}"][value="{value}"]').check()
        page.wait_for_timeout(max(0, 30_000 - (time.monotonic() - tapped) * 1000))
        error_before = page.evaluate(STATE)["state"] == "error"
        submitted = time.monotonic()
        page.locator("[data-policy-check] [data-submit]").click()
        figures = watch(page, "verdict", 60, submitted)
        figures["error"] = bool(figures["error"]) or error_before
        return figures
    finally:
        context.close()  # type: ignore[attr-defined]


def side_by_side(
    browser: Browser, now: SiteServer, before: SiteServer, runs: int
) -> dict[str, object]:
    """The support link's complete result on 4G, now and at the baseline, alternated run by run."""
    times: dict[str, list[float]] = {"now": [], "before": []}
    for run in range(runs):
        pair = [("now", now), ("before", before)]
        for name, server in pair if run % 2 == 0 else reversed(pair):
            figures = support_link(browser, server, "4G")
            say(f"  4G complete, {name}, run {run + 1}: {figures.get('complete')}")
            if "complete" in figures:
                times[name].append(float(figures["complete"]))
    now_s, before_s = median(times["now"]), median(times["before"])
    return {
        "now (s)": now_s,
        "before (s)": before_s,
        "ratio now / before": round(now_s / before_s, 2) if now_s and before_s else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Build, serve, measure each path ``--runs`` times, print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.network", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each path (default 3)")
    parser.add_argument("--skip-answering", action="store_true")
    parser.add_argument(
        "--baseline",
        metavar="COMMIT",
        help="a commit to compare side by side on 4G (the complete result; default none)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    results: dict[str, object] = {"machine": machine()}  # the load average before the run
    with (
        tempfile.TemporaryDirectory(prefix="refund-bench-network-") as scratch,
        now_and_baseline(Path(scratch), args.baseline) as (server, before),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        if before is not None:
            results[f"4G: complete result, side by side with {describe(args.baseline)}"] = (
                side_by_side(browser, server, before, args.runs)
            )
        for profile in PROFILES:
            runs = []
            for run in range(args.runs):
                figures = support_link(browser, server, profile)
                say(
                    f"  {profile}, support link, run {run + 1}: {figures.get('verdict')}, "
                    f"{figures.get('complete')}, error={figures['error']}"
                )
                runs.append(figures)
            results[f"{profile}: support link"] = {
                "verdict visible (s)": median([r["verdict"] for r in runs if "verdict" in r]),
                "complete result (s)": median([r["complete"] for r in runs if "complete" in r]),
                "runs with an error shown": sum(bool(r["error"]) for r in runs),
                "bytes per file": runs[-1]["bytes"],
                "bytes in all": sum(runs[-1]["bytes"].values()),  # type: ignore[union-attr]
            }
        if not args.skip_answering:
            runs = []
            for run in range(args.runs):
                figures = answering(browser, server, "slow 4G")
                say(
                    f"  slow 4G, answering, run {run + 1}: {figures.get('verdict')}, "
                    f"error={figures['error']}"
                )
                runs.append(figures)
            results["slow 4G: answering from the first tap, submit at 30 s"] = {
                "submit to verdict (s)": median([r["verdict"] for r in runs if "verdict" in r]),
                "runs with an error shown": sum(bool(r["error"]) for r in runs),
            }
        browser.close()
    out = PROJECT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "network.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
