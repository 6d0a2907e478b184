"""The self-check benchmark's browser scenarios: each drives Chromium with a new, empty profile and
adds its figures to the metrics."""

from __future__ import annotations

import datetime
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, BrowserType, Page

from benchmarks.self_check.figures import Metrics
from benchmarks.self_check.scripts import FILL_AND_SUBMIT, INIT_SCRIPT
from tests.browser.server import LoggedRequest, SiteServer
from tests.chromium import CHROMIUM_ARGS

# The answers the benchmark gives: complete, so the checker returns a verdict (not field errors).
# The first interaction is a click on the first answer; the fill sets it again, in case the click
# was lost (a layout shift on pointerdown can move the option away before the click lands).
# Every question the form shows for these answers (it assumes none).
ANSWERS = {
    "purchase_type": "credit_pack",
    "reason": "duplicate_payment",
    "credits_used": "none",
    "chargeback_filed": "false",
    "payment_provider": "unsure",
}
FIRST_INTERACTION = 'input[name="purchase_type"][value="credit_pack"]'
LOST_CLICK_NOTE = (
    "the first click on the form did not select the option it was aimed at (the layout moved "
    "between pointerdown and click)"
)
PURCHASE_DAYS_AGO = 3
PROBE_RUNS = 3


@dataclass
class Bench:
    """What the scenarios share: the browser, the server, the URLs and the figures."""

    chromium: BrowserType
    executable: str
    profiles: Path
    server: SiteServer
    site_url: str
    bare_url: str  # the reference page: bare loadPyodide() of the stock files
    probe_url: str
    probe_settings: dict[str, str]
    metrics: Metrics
    human_pace_s: float
    runtime_paths: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    full_check: list[LoggedRequest] | None = None
    _profiles: dict[int, Path] = field(default_factory=dict)

    def mark(self) -> int:
        """A position in the server's log, to take what was sent after it with :meth:`since`."""
        return len(self.server.log)

    def since(self, mark: int) -> list[LoggedRequest]:
        """The responses the server logged after ``mark``."""
        return self.server.log[mark:]

    def is_runtime(self, path: str) -> bool:
        """Whether a request path is one of the self-check's runtime files (not for reading)."""
        return path.startswith(self.runtime_paths)

    def context(self) -> BrowserContext:
        """A browser with a new, empty profile: cold caches, nothing shared with earlier runs.

        A real profile (not an incognito context) so that a second load is warm the way a
        returning visitor's is: from the disk cache, with V8's cache of compiled code (which
        incognito contexts do not keep, and whose memory cache cannot hold the 9.6 MB wasm).
        """
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=self.profiles))
        context = self.chromium.launch_persistent_context(
            profile, executable_path=self.executable, headless=True, args=CHROMIUM_ARGS
        )
        context.add_init_script(INIT_SCRIPT)
        self._profiles[id(context)] = profile
        return context

    def close(self, context: BrowserContext) -> None:
        """Close a browser from :meth:`context` and delete its profile."""
        context.close()
        shutil.rmtree(self._profiles.pop(id(context)), ignore_errors=True)


def _page_state(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("() => JSON.parse(JSON.stringify(window.__bench))"))


def _until(page: Page, condition: str) -> None:
    page.evaluate(f"() => window.__bench.until(() => {condition})")


def _longest_task(state: dict[str, Any], start: float, end: float) -> float:
    """The longest main-thread task that overlaps [start, end] (0 when none took over 50 ms)."""
    durations = [
        task["duration"]
        for task in state["longtasks"]
        if task["start"] < end and task["start"] + task["duration"] > start
    ]
    return max(durations, default=0.0)


def _wait_ready(page: Page) -> dict[str, Any]:
    _until(page, "window.__bench.states.some((s) => s.state === 'ready' || s.state === 'error')")
    state = _page_state(page)
    if any(entry["state"] == "error" for entry in state["states"]):
        failed = [entry for entry in state["worker"] if entry["type"] == "failed"]
        raise SystemExit(f"benchmark: the self-check failed to start: {failed or state['states']}")
    return state


def _ready_time(state: dict[str, Any]) -> float:
    return float(next(entry["t"] for entry in state["states"] if entry["state"] == "ready"))


def _wait_verdict(page: Page, count: int = 1) -> dict[str, Any]:
    _until(
        page,
        f"window.__bench.painted.length >= {count} || window.__bench.problems.length > 0 "
        "|| window.__bench.states.some((s) => s.state === 'error')",
    )
    state = _page_state(page)
    if state["problems"] or len(state["verdicts"]) < count:
        raise SystemExit(
            "benchmark: the self-check showed no verdict for complete answers: "
            f"{state['problems'] or state['states']}"
        )
    return state


def open_page(context: BrowserContext, url: str) -> Page:
    """A new page of ``context`` at ``url``, once the network has been idle."""
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return page


def _worker_timings(state: dict[str, Any]) -> dict[str, float]:
    ready = [entry for entry in state["worker"] if entry["type"] == "ready"]
    return dict(ready[0]["timings"] or {}) if ready else {}


def scenario_bare_worker(bench: Bench) -> tuple[float, float]:
    """Bare loadPyodide() of the stock files in a module worker, cold then warm."""
    metrics = bench.metrics
    context = bench.context()
    try:
        page = open_page(context, bench.bare_url)
        cold = page.evaluate("() => window.benchWorker()")
        metrics["bare_worker_cold"].add(cold["total"])
        metrics["bare_worker_inside_cold"].add(cold["load"])
        page.reload(wait_until="networkidle")
        warm = page.evaluate("() => window.benchWorker()")
        metrics["bare_worker_warm"].add(warm["total"])
        metrics["bare_worker_inside_warm"].add(warm["load"])
        return float(cold["total"]), float(warm["total"])
    finally:
        bench.close(context)


def scenario_bare_main(bench: Bench) -> None:
    """Bare loadPyodide() of the stock files on the main thread, cold (for contrast only)."""
    metrics = bench.metrics
    context = bench.context()
    try:
        page = open_page(context, bench.bare_url)
        cold = page.evaluate("() => window.benchMain()")
        metrics["bare_main_cold"].add(cold["total"])
        state = _page_state(page)
        metrics["bare_main_longtask"].add(_longest_task(state, cold["start"], cold["end"]))
    finally:
        bench.close(context)


def scenario_widget_ready(bench: Bench) -> tuple[float, float]:
    """Read, first interaction to ready, submit to verdict when ready; cold, then warm; probe."""
    metrics = bench.metrics
    context = bench.context()
    try:
        mark = bench.mark()
        page = open_page(context, bench.site_url)
        reading = bench.since(mark)
        runtime_fetched = [sent.path for sent in reading if bench.is_runtime(sent.path)]
        if runtime_fetched:
            bench.notes.append(f"reading the policy fetched runtime files: {runtime_fetched}")
        metrics["reading_runtime_requests"].add(len(runtime_fetched))

        mark = bench.mark()
        page.click(FIRST_INTERACTION)
        if not page.is_checked(FIRST_INTERACTION):
            bench.notes.append(LOST_CLICK_NOTE)
        state = _wait_ready(page)
        cold_ready = _ready_time(state) - state["first"]
        metrics["widget_ready_cold"].add(cold_ready)
        metrics["start_longtask"].add(_longest_task(state, state["first"], _ready_time(state)))
        timings = _worker_timings(state)
        metrics["worker_runtime_cold"].add(timings.get("runtime"))
        metrics["worker_package_cold"].add(timings.get("package"))
        metrics["worker_import_cold"].add(timings.get("import"))
        page.evaluate(
            FILL_AND_SUBMIT, {"answers": ANSWERS, "daysAgo": PURCHASE_DAYS_AGO, "submit": True}
        )
        state = _wait_verdict(page)
        metrics["verdict_ready"].add(state["verdicts"][0] - state["submits"][0])
        metrics["verdict_ready_painted"].add(state["painted"][0] - state["submits"][0])
        results = [entry for entry in state["worker"] if entry["type"] == "result"]
        if results and results[0]["ms"] is not None:
            metrics["worker_check_query"].add(results[0]["ms"])
        bench.full_check = bench.full_check or bench.since(mark)

        # A new load of the page without the #check? fragment the submit left in the URL (which
        # would run the check at once), in the same context: the warm HTTP cache.
        page.goto("about:blank")
        page.goto(bench.site_url, wait_until="networkidle")
        page.click(FIRST_INTERACTION)
        state = _wait_ready(page)
        warm_ready = _ready_time(state) - state["first"]
        metrics["widget_ready_warm"].add(warm_ready)
        metrics["start_longtask_warm"].add(_longest_task(state, state["first"], _ready_time(state)))
        timings = _worker_timings(state)
        metrics["worker_runtime_warm"].add(timings.get("runtime"))
        metrics["worker_package_warm"].add(timings.get("package"))
        metrics["worker_import_warm"].add(timings.get("import"))
        page.evaluate(
            FILL_AND_SUBMIT, {"answers": ANSWERS, "daysAgo": PURCHASE_DAYS_AGO, "submit": True}
        )
        state = _wait_verdict(page)
        metrics["verdict_ready_warm"].add(state["verdicts"][0] - state["submits"][0])

        # import and check_json vary little: a few samples are enough, and each costs a load.
        if len(metrics["pyodide_import_checker"].samples) < PROBE_RUNS:
            probe_page = open_page(context, bench.probe_url)
            probe = probe_page.evaluate(
                "(settings) => window.benchProbe(settings)", bench.probe_settings
            )
            if probe.get("verdict") != "likely_eligible":
                bench.notes.append(f"probe: unexpected verdict {probe.get('verdict')!r}")
            metrics["pyodide_import_checker"].add(probe["importMs"])
            metrics["pyodide_check_json_first"].add(probe["firstMs"])
            metrics["pyodide_check_json_again"].add(probe["againMs"])
        return cold_ready, warm_ready
    finally:
        bench.close(context)


def scenario_widget_not_ready(bench: Bench) -> None:
    """First interaction, the rest filled at once and submitted: submit to verdict while loading."""
    metrics = bench.metrics
    context = bench.context()
    try:
        page = open_page(context, bench.site_url)
        page.click(FIRST_INTERACTION)
        state_at_submit = page.evaluate(
            FILL_AND_SUBMIT, {"answers": ANSWERS, "daysAgo": PURCHASE_DAYS_AGO, "submit": True}
        )
        if state_at_submit == "ready":
            bench.notes.append("not-yet-ready run: the runtime was already ready at submit")
        state = _wait_verdict(page)
        metrics["verdict_not_ready"].add(state["verdicts"][0] - state["submits"][0])
        metrics["not_ready_submit_delay"].add(state["submits"][0] - state["first"])
        metrics["not_ready_first_to_verdict"].add(state["verdicts"][0] - state["first"])
    finally:
        bench.close(context)


def scenario_human_pace(bench: Bench) -> None:
    """First interaction, about 8 s of answering one question at a time, then submit."""
    metrics = bench.metrics
    context = bench.context()
    try:
        page = open_page(context, bench.site_url)
        page.click(FIRST_INTERACTION)
        started = time.perf_counter()
        steps: list[Callable[[], object]] = [
            lambda: page.check(FIRST_INTERACTION),  # no-op unless the first click was lost
            lambda: page.fill('[name="purchase_date"]', days_ago(PURCHASE_DAYS_AGO)),
            lambda: page.check(f'input[name="reason"][value="{ANSWERS["reason"]}"]'),
            *(
                lambda name=name: page.check(f'input[name="{name}"][value="{ANSWERS[name]}"]')
                for name in ("credits_used", "chargeback_filed", "payment_provider")
            ),
        ]
        for number, step in enumerate(steps, start=1):
            _sleep_until(started + bench.human_pace_s * number / (len(steps) + 1))
            step()
        _sleep_until(started + bench.human_pace_s)
        page.click('[data-policy-check] button[type="submit"]')
        state = _wait_verdict(page)
        metrics["verdict_human"].add(state["verdicts"][0] - state["submits"][0])
        metrics["verdict_human_painted"].add(state["painted"][0] - state["submits"][0])
    finally:
        bench.close(context)


def measure_reading(bench: Bench, url: str) -> list[LoggedRequest]:
    """What loading the page sends when the visitor only reads (and scrolls) it, cold."""
    context = bench.context()
    try:
        mark = bench.mark()
        page = open_page(context, url)
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(1000)
        page.mouse.wheel(0, -4000)
        page.wait_for_timeout(500)
        return bench.since(mark)
    finally:
        bench.close(context)


def days_ago(days: int) -> str:
    """The date ``days`` before today, as the form takes it."""
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def _sleep_until(moment: float) -> None:
    remaining = moment - time.perf_counter()
    if remaining > 0:
        time.sleep(remaining)
