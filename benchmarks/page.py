"""The published page on a phone; with ``--baseline COMMIT``, against that commit's, side by side.

Run from the project folder (``./run bench`` runs it after the self-check's benchmark)::

    .venv/bin/python -m benchmarks.page [--runs 5] [--baseline COMMIT]

It builds the site as it is now (and, with ``--baseline``, the site of that commit: its docs, its
configuration and its own plugin, taken from git; see ``benchmarks/harness.py``), serves each as a
host that reads ``_headers`` and sends the precompressed ``.br``/``.gz`` copies does, and loads
the policy page in Chromium in a new, empty context each run, alternating the two sites run by run
so that both see the same machine load:

* **Phone**: a 412 by 823 px touch screen at 1.75 dppx, on Lighthouse's "slow 4G" (150 ms
  round trip, 1.6 Mbit/s down, 750 kbit/s up) with the CPU slowed 4 times, through the DevTools
  protocol. It records first contentful paint, largest contentful paint, and total blocking time
  (the part over 50 ms of every main-thread task from the first paint until the page has been
  quiet for 2 s).
* **A support link on an open page**: on the same page after one check (the runtime is ready), a
  second ``#check?`` link is opened as a visitor opens one from an email with the page still open
  (only the fragment changes). It records the time to its verdict, the requests made meanwhile,
  and the longest main-thread task; and, for comparison, the same for a submit of the form.

Each figure is the median of the runs; a comparison is the ratio of the two medians. It is a
measurement, not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from benchmarks.harness import describe, machine, median, now_and_baseline, ratio, say
from tests.browser.server import SiteServer
from tests.chromium import CHROMIUM_ARGS, chromium_path

PHONE: ViewportSize = {"width": 412, "height": 823}
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
QUIET_MS = 2000

OBSERVE = """
window.__bench = {fcp: null, lcp: null, tasks: []};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.name === 'first-contentful-paint') window.__bench.fcp = entry.startTime;
  }
}).observe({type: 'paint', buffered: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
}).observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__bench.tasks.push([entry.startTime, entry.duration]);
  }
}).observe({type: 'longtask', buffered: true});
"""

VERDICTS = "[data-policy-check] [data-result] [data-list=recap]"
READY = '[data-policy-check][data-state="ready"] [data-result][data-source="checker"]'


def phone_load(browser: Browser, server: SiteServer) -> dict[str, float]:
    """One cold load of the policy page on the throttled phone."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1.75, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.add_init_script(OBSERVE)
        page.goto(server.url("/"), wait_until="load", timeout=120_000)
        quiet_until(page)
        seen = page.evaluate("() => window.__bench")
        fcp = seen["fcp"] or 0.0
        blocking = sum(max(0.0, d - 50) for start, d in seen["tasks"] if start + d > fcp)
        return {"fcp": fcp, "lcp": seen["lcp"] or fcp, "tbt": blocking}
    finally:
        context.close()


def quiet_until(page: Page) -> None:
    """Wait until no long task has started for :data:`QUIET_MS`."""
    for _ in range(30):
        last = page.evaluate("() => Math.max(0, ...window.__bench.tasks.map(([s, d]) => s + d), 0)")
        now = page.evaluate("() => performance.now()")
        if now - last >= QUIET_MS:
            return
        page.wait_for_timeout(QUIET_MS)


def link_on_open_page(browser: Browser, server: SiteServer) -> dict[str, float]:
    """After one check, a support link opened on the open page, and a submit for comparison."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.add_init_script(OBSERVE)
        bought = (date.today() - timedelta(days=1)).isoformat()
        first = f"purchase_date={bought}&purchase_type=credit_pack&reason=unused&credits_used=none"
        page.goto(server.url(f"/#check?{first}"), wait_until="load")
        page.locator(VERDICTS).first.wait_for(state="visible", timeout=120_000)
        # The first verdict may be the decision table's while Python still starts (for seconds on
        # a busy machine): the link below is measured on a page whose runtime is ready.
        page.locator(READY).wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(1000)
        second = first.replace("reason=unused", "reason=duplicate_payment")
        link = measure(page, server, f"() => {{ location.hash = '#check?{second}'; }}")
        page.locator("[data-policy-check] [data-list=recap] [data-change]").first.click()
        page.wait_for_timeout(300)
        submit = measure(
            page,
            server,
            "() => document.querySelector('[data-policy-check] [data-submit]').click()",
        )
        return {
            "link_ms": link["ms"],
            "link_requests": link["requests"],
            "link_task": link["task"],
            "submit_ms": submit["ms"],
            "submit_task": submit["task"],
        }
    finally:
        context.close()


def measure(page: Page, server: SiteServer, action: str) -> dict[str, float]:
    """The time from ``action`` to the next frame after the verdict is drawn, taken inside the
    page (no round trip of Playwright's counts), the requests made and the longest task."""
    mark = len(server.log)
    taken = page.evaluate(
        f"""() => new Promise((resolve) => {{
          const root = document.querySelector('[data-policy-check]');
          const before = root.dataset.checks;
          const start = performance.now();
          new MutationObserver((changes, observer) => {{
            if (root.dataset.checks === before) return;  // drawn again, not yet answered
            observer.disconnect();
            requestAnimationFrame(() => resolve([start, performance.now() - start]));
          }}).observe(root, {{attributes: true, attributeFilter: ['data-checks']}});
          ({action})();
        }})"""
    )
    start, elapsed = taken
    page.wait_for_timeout(300)  # anything the check set off
    tasks = page.evaluate("() => window.__bench.tasks")
    longest = max([d for s, d in tasks if s + d >= start], default=0.0)
    return {"ms": elapsed, "requests": len(server.log) - mark, "task": longest}


ROWS = [
    ("first contentful paint, phone on slow 4G (ms)", "fcp", "≤ 1200"),
    ("largest contentful paint, phone on slow 4G (ms)", "lcp", ""),
    ("total blocking time, phone on slow 4G (ms)", "tbt", "< 50"),
    ("support link on the open page: to its verdict (ms)", "link_ms", "as a submit"),
    ("  requests it makes", "link_requests", "0"),
    ("  longest main-thread task (ms)", "link_task", "≤ 50"),
    ("submit to verdict, same page (ms)", "submit_ms", ""),
    ("  longest main-thread task (ms)", "submit_task", ""),
]


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def print_figures(figures: dict[str, dict[str, list[float]]], runs: int, baseline: str) -> None:
    """The medians of the runs; with a baseline, its column and the ratio now / before."""
    print(
        f"\nThe policy page, median of {runs} run{'s' if runs > 1 else ''}"
        + (f"; before = {baseline}" if baseline else "")
    )
    if not baseline:
        print(f"{'figure':<54} {'now':>9}  target")
        for label, key, target in ROWS:
            print(f"{label:<54} {_figure(median(figures['now'][key])):>9}  {target}")
        return
    print(f"{'figure':<54} {'before':>9} {'now':>9} {'now/before':>11}  target")
    for label, key, target in ROWS:
        was, now = median(figures["before"][key]), median(figures["now"][key])
        print(f"{label:<54} {_figure(was):>9} {_figure(now):>9} {ratio(now, was):>11}  {target}")


def main(argv: list[str] | None = None) -> int:
    """Build, serve, load each page ``--runs`` times (alternating with the baseline), print."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="loads of each page (default 5)")
    parser.add_argument(
        "--baseline", metavar="COMMIT", help="a commit to compare with, side by side (default none)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    measured_on = machine()  # the load average before the run
    with (
        tempfile.TemporaryDirectory(prefix="refund-bench-page-") as scratch,
        now_and_baseline(Path(scratch), args.baseline) as (now, before),
        sync_playwright() as playwright,
    ):
        servers = {"now": now} if before is None else {"before": before, "now": now}
        figures: dict[str, dict[str, list[float]]] = {name: {} for name in servers}
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for run in range(args.runs):
                order = list(servers) if run % 2 == 0 else list(reversed(servers))
                for name in order:
                    say(f"run {run + 1}/{args.runs}: {name}")
                    taken = phone_load(browser, servers[name]) | link_on_open_page(
                        browser, servers[name]
                    )
                    for key, value in taken.items():
                        figures[name].setdefault(key, []).append(value)
        finally:
            browser.close()
    print(f"\nMachine: {measured_on}")
    print_figures(figures, args.runs, describe(args.baseline) if args.baseline else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
