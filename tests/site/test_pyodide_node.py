"""The checker on the real Pyodide runtime gives exactly what it gives in CPython.

Node runs ``pyodide_node_check.mjs``, which loads the pinned runtime, the trimmed lock and the
checker wheel the way the self-check does (``loadPackage(LOCK_PACKAGE_NAME)``, ``import checker``),
and calls ``checker.check_json`` for each answer set: once with Pyodide's stock standard library
and once with the tailored one the site ships (only the modules the checker imports, compiled).
Node reads wheels without checking their sha256 (Pyodide passes the lock's hash only to the
browser's ``fetch``), so the test that a changed wheel is refused runs in Chromium.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import checker
from refund_site.runtime import ensure_runtime
from refund_site.stdlib import STDLIB_NAME, tailored_stdlib
from refund_site.wheel import LOCK_PACKAGE_NAME, build_checker_wheel, write_lock
from tests.policies import edited_policy

REPO = Path(__file__).resolve().parents[2]
NODE_SCRIPT = Path(__file__).with_name("pyodide_node_check.mjs")
NODE = shutil.which("node")
TODAY = "2026-05-10"

# Every verdict, unsure answers, boundaries of the window, defaults, and each kind of bad input.
ANSWER_SETS: list[str] = [
    json.dumps(answers)
    for answers in (
        {
            "purchase_date": "2026-05-01",
            "request_date": "2026-05-03",
            "purchase_type": "credit_pack",
            "reason": "duplicate_payment",
            "credits_used": "none",
        },
        {
            "purchase_date": "2026-05-01",
            "request_date": "2026-05-08",
            "purchase_type": "credit_pack",
            "reason": "unused",
            "credits_used": "minimal",
            "payment_provider": "creem",
        },
        {
            "purchase_date": "2026-05-01",
            "request_date": "2026-05-09",
            "purchase_type": "credit_pack",
            "reason": "unused",
            "credits_used": "none",
        },
        {
            "purchase_date": "2026-04-02",
            "purchase_type": "subscription",
            "reason": "change_of_mind",
            "credits_used": "substantial",
            "outputs_used": True,
            "payment_provider": "other",
        },
        {
            "purchase_date": "2026-05-06",
            "purchase_type": "subscription",
            "reason": "unusable_result",
            "credits_used": "unsure",
            "outputs_used": "unsure",
            "first_purchase": "unsure",
            "previous_refund_requests": 1,
        },
        {
            "purchase_date": "2026-05-09",
            "purchase_type": "credit_pack",
            "reason": "technical_failure",
            "credits_used": "some",
            "outputs_used": False,
        },
        {
            "purchase_date": "2026-05-02",
            "request_date": "2026-05-04",
            "purchase_type": "credit_pack",
            "reason": "failed_job_charged",
            "credits_used": "some",
            "previous_refund_requests": 3.0,
            "terms_violation": True,
            "chargeback_filed": True,
        },
        {
            "purchase_date": "2026-02-30",
            "purchase_type": "coupon",
            "credits_used": -1,
            "favourite_colour 🎨": "a rather long answer that must be shortened when quoted back",
        },
        {"purchase_date": "1 May", "previous_refund_requests": True, "outputs_used": "maybe"},
        [],
    )
] + ['{"purchase_date": "2026-05-01",', ""]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The session's shared runtime (see test_runtime.py): fetched once, re-verified here.
    return ensure_runtime(tmp_path_factory.getbasetemp() / "pyodide-cache")


@pytest.fixture(scope="module")
def site_checker(runtime: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as the site ships it: the trimmed lock, the checker wheel and the tailored
    standard library beside it."""
    cache = tmp_path_factory.mktemp("wheel-cache")
    wheel = build_checker_wheel(REPO / "checker", REPO / "checker" / "policy.toml", cache)
    out_dir = tmp_path_factory.mktemp("site-checker")
    lock = write_lock(runtime / "pyodide-lock.json", wheel, out_dir)
    made = tailored_stdlib(runtime, out_dir / wheel.name, lock, LOCK_PACKAGE_NAME, cache)
    shutil.copyfile(made, out_dir / STDLIB_NAME)
    return out_dir


def run_in_node(
    runtime: Path, lock_file: Path, answer_sets: list[str], stdlib: Path | None = None
) -> dict[str, Any]:
    if NODE is None:
        pytest.fail("Node.js is needed for this test (and for npm, which fetches Pyodide).")
    request = {
        "runtime_dir": str(runtime),
        "lock_file": str(lock_file),
        "package": LOCK_PACKAGE_NAME,
        "today": TODAY,
        "answers": answer_sets,
        "stdlib": str(stdlib) if stdlib else None,
    }
    completed = subprocess.run(
        [NODE, str(NODE_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    assert "fatal" not in report, report["fatal"]
    return report


@pytest.mark.parametrize("standard_library", ["stock", "tailored"])
def test_pyodide_gives_the_same_results_as_cpython(
    runtime: Path, site_checker: Path, standard_library: str
) -> None:
    stdlib = site_checker / STDLIB_NAME if standard_library == "tailored" else None
    report = run_in_node(runtime, site_checker / "pyodide-lock.json", ANSWER_SETS, stdlib)

    assert report["loaded"] == [LOCK_PACKAGE_NAME]
    assert report["import_error"] is None
    in_pyodide = [json.loads(text) for text in report["results"]]
    in_cpython = [json.loads(checker.check_json(text, today=TODAY)) for text in ANSWER_SETS]
    assert len(in_pyodide) == len(ANSWER_SETS)
    for answers, browser, local in zip(ANSWER_SETS, in_pyodide, in_cpython, strict=True):
        assert browser == local, answers
    # The comparison covered every verdict and the error path, not just one kind of answer.
    assert {result.get("verdict") for result in in_cpython} == {
        "likely_eligible",
        "likely_not_eligible",
        "needs_review",
        None,
    }

    timings = report["timings_ms"]
    print(
        f"\nPyodide in Node ({standard_library} standard library): "
        + ", ".join(f"{name} {milliseconds:.0f} ms" for name, milliseconds in timings.items())
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on localhost, and its base URL."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>lock check</title>", "utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


LOAD_IN_PAGE = """async (packageName) => {
  const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", location.href).href);
  const pyodide = await loadPyodide({
    indexURL: new URL("pyodide/", location.href).href,
    lockFileURL: new URL("checker/pyodide-lock.json", location.href).href,
  });
  const messages = [];
  await pyodide.loadPackage(packageName, {
    messageCallback: (message) => messages.push(message),
    errorCallback: (message) => messages.push("error: " + message),
  });
  let importError = null;
  try {
    pyodide.pyimport("checker");
  } catch (error) {
    importError = String(error.message);
  }
  return { loaded: Object.keys(pyodide.loadedPackages), importError, messages };
}"""


def load_in_chromium(browser: Any, base_url: str) -> dict[str, Any]:
    # A fresh context each time: its own HTTP cache, like a first visit.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "index.html")
        result: dict[str, Any] = page.evaluate(LOAD_IN_PAGE, LOCK_PACKAGE_NAME)
    finally:
        context.close()
    return result


@pytest.mark.browser
def test_chromium_refuses_a_wheel_that_does_not_match_the_lock(
    runtime: Path, site_checker: Path, served: tuple[Path, str], browser: Any, tmp_path: Path
) -> None:
    root, base_url = served
    shutil.copytree(runtime, root / "pyodide")
    shutil.copytree(site_checker, root / "checker")
    lock = json.loads((root / "checker" / "pyodide-lock.json").read_text(encoding="utf-8"))
    wheel_name = lock["packages"][LOCK_PACKAGE_NAME]["file_name"]

    # The untouched site loads: the refusal below is about the hash, not the setup.
    assert load_in_chromium(browser, base_url)["importError"] is None

    # A valid wheel with other content (another policy) where the lock expects ours.
    other_policy = edited_policy(
        tmp_path, 'last_updated = "May 2026"', 'last_updated = "June 2026"'
    )
    other = build_checker_wheel(REPO / "checker", other_policy, tmp_path / "cache")
    assert other.name == wheel_name
    shutil.copyfile(other, root / "checker" / wheel_name)

    result = load_in_chromium(browser, base_url)
    assert LOCK_PACKAGE_NAME not in result["loaded"]
    assert result["importError"] is not None
    assert "No module named 'checker'" in result["importError"]
    assert any(message.startswith("error:") for message in result["messages"])
