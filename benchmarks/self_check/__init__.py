"""The self-check's performance benchmark (issue 5): the widget against bare Pyodide, side by side.

Run from the project folder (``./run bench`` runs it after ``benchmarks.checker``)::

    .venv/bin/python -m benchmarks.self_check [--runs 7] [--json bench-results/bench.json]

It builds the site (strict) and a copy of it without the self-check, the tests' way
(``tests/site/projects.py``), and serves both with the tests' server (``tests/browser/server.py``)
next to its own reference page, a bare ``loadPyodide()`` of the stock Pyodide 314.0.7 files
(unmodified, from the verified runtime cache). It drives Chromium through Playwright: cold (a
new, empty browser profile) and warm (a second load in the same profile, with its disk cache
and V8's cache of compiled code, as a returning visitor has them). Each run measures bare
Pyodide and the widget back to back, in alternating order, so that the ratio of the two is taken
under the same machine load; every figure is then a median over the runs. It compares with no
earlier commit (``benchmarks.page`` and ``benchmarks.network`` do, with ``--baseline``).

Times in the browser are taken inside the page with ``performance.now()`` and event time stamps
(an init script records input, submit, ``data-state`` changes, the verdict and long tasks), so
Playwright's own round trips do not count. Bytes come from the server's log of what it sent; it
sends the files as built, so "compressed" is the size of the same files after gzip -9 and brotli
quality 11, as a static host serving precompressed files would send them. Brotli sizes use the
``brotli`` module if installed, else Node's zlib, else they are n/a; they are kept in the
project's cache folder, as compressing the 9.6 MB WebAssembly file takes a minute.

The result is a table on standard output, each issue-5 target with PASS or MISS, and a JSON file.
It is a measurement, not a test: a MISS does not make the command fail.

Its parts: ``scripts`` (what runs in the page), ``scenarios`` (what a visitor does, in
Chromium), ``builds`` (the timed builds and rebuilds), ``weights`` (bytes), ``figures`` (the
metrics, tables and targets).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from benchmarks.self_check.builds import (
    measure_serve_rebuild,
    project_without_widget,
    timed_build,
    widget_settings,
)
from benchmarks.self_check.figures import (
    declare_metrics,
    evaluate_targets,
    machine_info,
    print_table,
    print_targets,
    print_weights,
)
from benchmarks.self_check.scenarios import (
    ANSWERS,
    PURCHASE_DAYS_AGO,
    Bench,
    days_ago,
    measure_reading,
    open_page,
    scenario_bare_main,
    scenario_bare_worker,
    scenario_human_pace,
    scenario_widget_not_ready,
    scenario_widget_ready,
)
from benchmarks.self_check.scripts import (
    BARE_PYODIDE_HTML,
    BARE_PYODIDE_WORKER,
    PROBE_HTML,
    PROBE_WORKER,
)
from benchmarks.self_check.weights import Compressor, weigh
from policy_site.shipping import runtime
from tests.browser.server import SiteServer
from tests.chromium import chromium_path
from tests.site.projects import copy_project

_STARTED = time.perf_counter()
# The widget's own files, left out of the page without it to weigh what the widget adds.
WIDGET_ASSETS = "/assets/policy-check/"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.self_check",
        description="Benchmark the self-check against bare Pyodide in Chromium (issue 5).",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each scenario (default 7)")
    parser.add_argument(
        "--json",
        type=Path,
        default=Path("bench-results/bench.json"),
        help="where to write the figures (default bench-results/bench.json)",
    )
    parser.add_argument(
        "--chromium",
        default=chromium_path(),
        help="the Chromium binary (default $CHROMIUM or /usr/bin/chromium)",
    )
    parser.add_argument(
        "--human-pace",
        type=float,
        default=8.0,
        metavar="SECONDS",
        help="seconds from first interaction to submit in the human-pace scenario (default 8)",
    )
    parser.add_argument(
        "--builds", type=int, default=3, help="cold builds and serve rebuilds to time (default 3)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.builds < 1:
        parser.error("--runs and --builds must be at least 1")
    return args


def _keep(
    results: dict[str, tuple[float, float]],
    key: str,
    scenario: Callable[[Bench], tuple[float, float]],
    bench: Bench,
) -> None:
    results[key] = scenario(bench)


def _say(text: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:4.0f} s] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Build, serve, measure, print and write the figures."""
    args = parse_args(argv)
    began = time.perf_counter()
    # Other work on the machine skews every figure; the load averages say how busy it was.
    load_before = os.getloadavg()
    metrics = declare_metrics(args.human_pace)
    stock = runtime.ensure_runtime(runtime.default_cache_dir())
    compressor = Compressor(runtime.default_cache_dir() / "bench-compressed-sizes.json")

    with tempfile.TemporaryDirectory(prefix="refund-bench-") as scratch_name:
        scratch = Path(scratch_name)
        www = scratch / "www"
        www.mkdir()

        _say("Building the site (strict) and timing cold builds...")
        project = scratch / "project"
        project.mkdir()
        copy_project(project)
        for _ in range(args.builds):
            wall, own = timed_build(project)
            metrics["build_cold"].add(wall)
            metrics["build_cold_mkdocs"].add(own)
        shutil.move(project / "site", www / "site")
        without = project_without_widget(scratch / "project-without-widget")
        timed_build(without)
        shutil.move(without / "site", www / "without-widget")

        bare = www / "bare"
        (bare / "pyodide").mkdir(parents=True)
        for name in runtime.CORE_FILES:
            shutil.copyfile(stock / name, bare / "pyodide" / name)
        (bare / "index.html").write_text(BARE_PYODIDE_HTML, encoding="utf-8")
        (bare / "worker.mjs").write_text(BARE_PYODIDE_WORKER, encoding="utf-8")
        probe = www / "probe"
        probe.mkdir()
        (probe / "index.html").write_text(PROBE_HTML, encoding="utf-8")
        (probe / "probe.mjs").write_text(PROBE_WORKER, encoding="utf-8")
        settings = widget_settings(www / "site")

        with SiteServer(www) as server, sync_playwright() as playwright:
            (scratch / "profiles").mkdir()
            site_url = f"{server.origin}/site/"
            bench = Bench(
                chromium=playwright.chromium,
                executable=args.chromium,
                profiles=scratch / "profiles",
                server=server,
                site_url=site_url,
                bare_url=f"{server.origin}/bare/index.html",
                probe_url=f"{server.origin}/probe/index.html",
                probe_settings={
                    "runtime": site_url + settings["runtime"],
                    "lock": site_url + settings["lock"],
                    "stdlib": site_url + settings["stdlib"],
                    "package": settings["package"],
                    "module": settings["module"],
                    # The site's own loader, beside the page's worker.
                    "loader": site_url + settings["worker"].rsplit("/", 1)[0] + "/load-checker.mjs",
                    "answers": json.dumps(
                        {
                            "purchase_date": days_ago(PURCHASE_DAYS_AGO),
                            # JSON's booleans, as the contract takes them.
                            **{
                                name: {"true": True, "false": False}.get(value, value)
                                for name, value in ANSWERS.items()
                            },
                        }
                    ),
                    "today": days_ago(0),
                },
                metrics=metrics,
                human_pace_s=args.human_pace,
                # The worker, the runtime's folder and the checker's folder, as the page names them.
                runtime_paths=tuple(
                    "/site/" + path
                    for path in (
                        settings["worker"],
                        settings["runtime"],
                        settings["lock"].rsplit("/", 1)[0] + "/",
                    )
                ),
            )
            machine = machine_info(args.chromium)
            _say("Machine: " + ", ".join(f"{key} {value}" for key, value in machine.items()))

            # A first, uncounted bare-Pyodide load warms the machine's own caches (the files in the
            # page cache, Chromium's binary) and gives the bytes of the stock runtime.
            mark = bench.mark()
            context = bench.context()
            try:
                open_page(context, bench.bare_url).evaluate("() => window.benchWorker()")
            finally:
                bench.close(context)
            stock_sent = [sent for sent in bench.since(mark) if "/bare/pyodide/" in sent.path]

            reading = measure_reading(bench, site_url)
            reading_runtime = [sent.path for sent in reading if bench.is_runtime(sent.path)]
            metrics["reading_runtime_requests"].add(len(reading_runtime))
            if reading_runtime:
                bench.notes.append(f"reading the policy fetched runtime files: {reading_runtime}")
            reading_without = measure_reading(bench, f"{server.origin}/without-widget/")

            for number in range(args.runs):
                _say(f"Run {number + 1} of {args.runs}...")
                results: dict[str, tuple[float, float]] = {}
                bare_step = functools.partial(_keep, results, "bare", scenario_bare_worker)
                widget_step = functools.partial(_keep, results, "widget", scenario_widget_ready)
                order: list[Callable[[Bench], Any]]
                # Alternate which of the pair goes first, so drift in load favours neither.
                if number % 2 == 0:
                    order = [
                        bare_step,
                        widget_step,
                        scenario_widget_not_ready,
                        scenario_bare_main,
                    ]
                else:
                    order = [
                        widget_step,
                        bare_step,
                        scenario_bare_main,
                        scenario_widget_not_ready,
                    ]
                for step in order:
                    step(bench)
                scenario_human_pace(bench)
                (bare_cold, bare_warm) = results["bare"]
                (widget_cold, widget_warm) = results["widget"]
                metrics["ratio_cold"].add(widget_cold / bare_cold)
                metrics["ratio_warm"].add(widget_warm / bare_warm)

        _say("Timing rebuilds during mkdocs serve...")
        serve_copy = scratch / "project-serve"
        serve_copy.mkdir()
        copy_project(serve_copy)
        served, built, serve_output = measure_serve_rebuild(serve_copy, args.builds)
        for seconds in served:
            metrics["serve_rebuild"].add(seconds)
        for seconds in built:
            metrics["serve_rebuild_mkdocs"].add(seconds)

        _say("Weighing the responses (gzip -9, brotli 11; cached after the first run)...")
        weights = {
            "reading": weigh(reading, server, compressor),
            "reading_without_widget": weigh(
                reading_without, server, compressor, skip=(WIDGET_ASSETS,)
            ),
            "reading_without_widget_as_built": weigh(reading_without, server, compressor),
            "full_check": weigh(bench.full_check or [], server, compressor),
            "stock_runtime": weigh(stock_sent, server, compressor),
        }
        compressor.save()

    print(
        f"\nMachine: {machine['cores']} cores, {machine['cpu']}, {machine['memory']} RAM, "
        f"{machine['os']}; Chromium {machine['chromium']}; Python {machine['python']}, "
        f"Playwright {machine['playwright']}; Pyodide {machine['pyodide']}"
    )
    print(
        f"Runs: {args.runs} (cold = new empty browser profile; warm = second load in it); "
        f"builds: {args.builds}"
    )
    load_after = os.getloadavg()
    machine["load_average_before"] = [round(value, 2) for value in load_before]
    machine["load_average_after"] = [round(value, 2) for value in load_after]
    print(
        f"Load average (1, 5, 15 min) before: {', '.join(f'{v:.2f}' for v in load_before)}; "
        f"after: {', '.join(f'{v:.2f}' for v in load_after)} (on {machine['cores']} cores)"
    )
    print_table(metrics)
    print_weights(weights)
    if compressor.brotli_how is None:
        print("brotli: n/a (neither the brotli module nor node is available)")
    targets = evaluate_targets(metrics, weights, args.human_pace)
    print_targets(targets)
    for note in dict.fromkeys(bench.notes):
        print(f"note: {note}")
    elapsed = time.perf_counter() - began
    print(f"\nbenchmark took {elapsed:.0f} s")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "machine": machine,
                "runs": args.runs,
                "builds": args.builds,
                "human_pace_s": args.human_pace,
                "metrics": {key: metric.summary() for key, metric in metrics.items()},
                "bytes": {key: weight.as_dict() for key, weight in weights.items()},
                "brotli": compressor.brotli_how,
                "targets": targets,
                "notes": list(dict.fromkeys(bench.notes)),
                "serve_output_tail": serve_output if not served else None,
                "seconds": round(elapsed, 1),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
