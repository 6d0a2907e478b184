"""The self-check benchmark's figures: each metric's samples, the machine, the tables and the
issue-5 targets."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.self_check.weights import Weight
from policy_site.shipping import runtime

TARGETS_NOTE = "medians over the runs unless said otherwise"


@dataclass
class Metric:
    """One measured quantity: its samples (one per run) and how to show it."""

    label: str
    unit: str
    samples: list[float] = field(default_factory=list)

    def add(self, value: float | None) -> None:
        """Record one run's value (None: not measured in that run)."""
        if value is not None:
            self.samples.append(float(value))

    def summary(self) -> dict[str, Any]:
        """Median, min, max and the samples, for the table and the JSON file."""
        if not self.samples:
            return {"label": self.label, "unit": self.unit, "n": 0}
        return {
            "label": self.label,
            "unit": self.unit,
            "n": len(self.samples),
            "median": statistics.median(self.samples),
            "min": min(self.samples),
            "max": max(self.samples),
            "samples": [round(value, 3) for value in self.samples],
        }

    @property
    def median(self) -> float | None:
        """The median of the samples, or None when there are none."""
        return statistics.median(self.samples) if self.samples else None


class Metrics(dict[str, Metric]):
    """Metrics by key, created on first use in the order they are declared."""

    def declare(self, key: str, label: str, unit: str) -> None:
        """Add a metric so that the table lists it in this order."""
        self[key] = Metric(label, unit)


def machine_info(chromium: str) -> dict[str, Any]:
    """What the figures were measured on."""
    completed = subprocess.run(
        [chromium, "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    found_version = re.search(r"\d+(?:\.\d+){2,}", completed.stdout)
    browser_version = found_version.group(0) if found_version else "unknown"
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.platform()
    with contextlib.suppress(OSError):
        found = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text())
        if found:
            system = found.group(1)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    return {
        "cores": cores,
        "cpu": cpu,
        "memory": memory,
        "os": system,
        "chromium": f"{browser_version} ({chromium})",
        "python": platform.python_version(),
        "playwright": importlib.metadata.version("playwright"),
        "pyodide": runtime.PYODIDE_VERSION,
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:.0f}" if value >= 100 else f"{value:.1f}"
    if unit == "s":
        return f"{value:.2f}"
    if unit == "×":
        return f"{value:.2f}"
    return f"{value:.0f}"


def _kb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1000:,.1f} KB"


def print_table(metrics: Metrics) -> None:
    """The figures: median, min and max of each metric."""
    width = max(len(metric.label) for metric in metrics.values())
    print(f"\n{'figure':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  unit   n")
    print("-" * (width + 42))
    for metric in metrics.values():
        summary = metric.summary()
        if not summary["n"]:
            print(f"{metric.label:<{width}}  {'n/a':>8}")
            continue
        print(
            f"{metric.label:<{width}}  {_fmt(summary['median'], metric.unit):>8}  "
            f"{_fmt(summary['min'], metric.unit):>8}  {_fmt(summary['max'], metric.unit):>8}  "
            f"{metric.unit:<5} {summary['n']}"
        )


def print_weights(weights: dict[str, Weight]) -> None:
    """Bytes per situation, raw and compressed."""
    labels = {
        "reading": "reading the policy (page load, no interaction)",
        "reading_without_widget": "same page without the widget (its assets left out)",
        "reading_without_widget_as_built": "same page without the widget (as built)",
        "full_check": "full check (first interaction to verdict, cold)",
        "stock_runtime": "bare loadPyodide, stock files (cold)",
    }
    width = max(len(label) for label in labels.values())
    print(
        f"\n{'bytes transferred (bodies)':<{width}}  {'requests':>8}  {'raw':>12}  "
        f"{'gzip -9':>12}  {'brotli 11':>12}"
    )
    print("-" * (width + 54))
    for key, label in labels.items():
        if key in weights:
            weight = weights[key]
            print(
                f"{label:<{width}}  {weight.requests:>8}  {_kb(weight.raw):>12}  "
                f"{_kb(weight.gzip):>12}  {_kb(weight.brotli):>12}"
            )


def evaluate_targets(
    metrics: Metrics, weights: dict[str, Weight], human_pace_s: float
) -> list[dict[str, Any]]:
    """Each issue-5 target with the measured value and whether it is met."""
    targets: list[dict[str, Any]] = []

    def target(name: str, limit: float, value: float | None, unit: str, how: str) -> None:
        met = value is not None and value <= limit
        targets.append(
            {
                "target": name,
                "limit": limit,
                "value": value,
                "unit": unit,
                "how": how,
                "status": "PASS" if met else "MISS",
                "missed_by": None if met or value is None else value - limit,
            }
        )

    reading = weights["reading"]
    # Counted in every cold run's read and in the scrolled read (a metric sample each).
    runtime_requests = sum(metrics["reading_runtime_requests"].samples)
    target(
        "reading the policy fetches 0 bytes of the runtime",
        0,
        runtime_requests,
        "requests",
        "runtime requests while reading, in every run and the scrolled read",
    )
    without = weights["reading_without_widget"]
    compressed_with = reading.brotli if reading.brotli is not None else reading.gzip
    compressed_without = without.brotli if without.brotli is not None else without.gzip
    method = "brotli 11" if reading.brotli is not None else "gzip -9"
    target(
        "policy page weight with widget - without ≤ 20 KB (compressed)",
        20_000,
        compressed_with - compressed_without,
        "bytes",
        f"{method}; gzip -9 delta {reading.gzip - without.gzip} bytes",
    )
    target(
        "cold start ≤ 1.10 × bare loadPyodide (same run)",
        1.10,
        metrics["ratio_cold"].median,
        "×",
        "median of per-run ratios, against bare loadPyodide in a module worker",
    )
    target(
        "submit to verdict when ready ≤ 50 ms",
        50,
        metrics["verdict_ready"].median,
        "ms",
        "submit event to verdict in the DOM",
    )
    target(
        f"human pace ({human_pace_s:g} s) submit to verdict ≤ 300 ms",
        300,
        metrics["verdict_human"].median,
        "ms",
        "submit event to verdict in the DOM",
    )
    target(
        "longest main-thread task while the checker starts ≤ 50 ms",
        50,
        metrics["start_longtask"].median,
        "ms",
        "longtask entries (>50 ms) from first interaction to ready, cold; "
        f"worst run {_fmt(max(metrics['start_longtask'].samples, default=0), 'ms')} ms",
    )
    target(
        "rebuild during mkdocs serve ≤ 3 s",
        3.0,
        metrics["serve_rebuild"].median,
        "s",
        "from saving index.md to the served page showing the edit",
    )
    target(
        "stretch: cold start ≤ 0.8 × bare loadPyodide",
        0.8,
        metrics["ratio_cold"].median,
        "×",
        "median of per-run ratios",
    )
    return targets


def print_targets(targets: list[dict[str, Any]]) -> None:
    """Each target, PASS or MISS, and by how much."""
    print(f"\nissue 5 targets ({TARGETS_NOTE})")
    print("-" * 100)
    for item in targets:
        value = (
            _fmt(item["value"], item["unit"]) if item["unit"] != "bytes" else (f"{item['value']:,}")
        )
        missed = ""
        if item["missed_by"] is not None:
            missed = f"  (missed by {_fmt(item['missed_by'], item['unit'])} {item['unit']})"
        print(f"{item['status']:<5} {item['target']:<64} {value:>9} {item['unit']}{missed}")
        print(f"      {item['how']}")


def declare_metrics(human_pace_s: float) -> Metrics:
    """Every figure, in the order of the table."""
    metrics = Metrics()
    for key, label, unit in [
        ("bare_worker_cold", "1. bare loadPyodide, module worker, cold (round trip)", "ms"),
        ("bare_worker_warm", "1. bare loadPyodide, module worker, warm (round trip)", "ms"),
        ("bare_worker_inside_cold", "   inside the worker: loadPyodide() only, cold", "ms"),
        ("bare_worker_inside_warm", "   inside the worker: loadPyodide() only, warm", "ms"),
        ("bare_main_cold", "1. bare loadPyodide, main thread, cold", "ms"),
        ("bare_main_longtask", "   longest main-thread task, main-thread variant", "ms"),
        ("widget_ready_cold", "2. widget: first interaction to ready, cold", "ms"),
        ("worker_runtime_cold", "   worker: loadPyodide(), cold", "ms"),
        ("worker_package_cold", "   worker: loadPackage(checker wheel), cold", "ms"),
        ("worker_import_cold", "   worker: import checker, cold", "ms"),
        ("widget_ready_warm", "2. widget: first interaction to ready, warm", "ms"),
        ("worker_runtime_warm", "   worker: loadPyodide(), warm", "ms"),
        ("worker_package_warm", "   worker: loadPackage(checker wheel), warm", "ms"),
        ("worker_import_warm", "   worker: import checker, warm", "ms"),
        ("verdict_not_ready", "2. submit to verdict, not yet ready, cold", "ms"),
        ("not_ready_submit_delay", "   (first interaction to that submit)", "ms"),
        ("not_ready_first_to_verdict", "   (first interaction to that verdict)", "ms"),
        ("verdict_ready", "2. submit to verdict, ready (cold page)", "ms"),
        ("verdict_ready_painted", "   same, to the next frame", "ms"),
        ("verdict_ready_warm", "2. submit to verdict, ready (warm page)", "ms"),
        ("worker_check_query", "   worker: check_query, first call", "ms"),
        ("ratio_cold", "3. ratio widget ready / bare worker, cold", "×"),
        ("ratio_warm", "3. ratio widget ready / bare worker, warm", "×"),
        ("verdict_human", f"4. human pace ({human_pace_s:g} s): submit to verdict", "ms"),
        ("verdict_human_painted", "   same, to the next frame", "ms"),
        ("start_longtask", "5. longest main-thread task, checker start, cold", "ms"),
        ("start_longtask_warm", "5. longest main-thread task, checker start, warm", "ms"),
        ("reading_runtime_requests", "6. runtime requests while reading the policy", "n"),
        ("pyodide_import_checker", "7. import checker in Pyodide (probe)", "ms"),
        ("pyodide_check_json_first", "7. check_json in Pyodide, first call (probe)", "ms"),
        ("pyodide_check_json_again", "7. check_json in Pyodide, second call (probe)", "ms"),
        ("build_cold", "7. mkdocs build --strict, fresh process, empty site dir", "s"),
        ("build_cold_mkdocs", "   same, MkDocs' own 'built in' figure", "s"),
        ("serve_rebuild", "7. mkdocs serve: save index.md to edit served", "s"),
        ("serve_rebuild_mkdocs", "   same, MkDocs' own 'built in' figure", "s"),
    ]:
        metrics.declare(key, label, unit)
    return metrics
