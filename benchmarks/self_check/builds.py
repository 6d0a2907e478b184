"""The self-check benchmark's builds: cold ``mkdocs build --strict`` timed, a copy of the project
without the self-check, the widget's settings on the built page, rebuilds under ``mkdocs serve``.

Copies and builds are the tests' own (``tests/site/projects.py``).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.site.projects import MKDOCS, build, build_environment, copy_project

WIDGET_BLOCK = re.compile(r"^/// policy-check\b.*?^///[ \t]*$\n?", re.MULTILINE | re.DOTALL)
BUILT_IN = re.compile(r"Documentation built in ([\d.]+) seconds")


def project_without_widget(destination: Path) -> Path:
    """A copy of the project (:func:`copy_project`) whose home page has no self-check.

    The policy's own page must hold the self-check (the build says so): it moves to policy.md,
    and the home page becomes the same text without it, a page of no policy.
    """
    destination.mkdir(parents=True)
    copy_project(destination)
    index = destination / "docs" / "index.md"
    original = index.read_text(encoding="utf-8")
    text, count = WIDGET_BLOCK.subn("", original)
    if count != 1:
        raise SystemExit(f"benchmark: expected one `/// policy-check` block in {index}.")
    (destination / "docs" / "policy.md").write_text(original, encoding="utf-8")
    index.write_text(text, encoding="utf-8")
    config = destination / "mkdocs.yml"
    listed = config.read_text(encoding="utf-8")
    if "          page: index.md\n" not in listed:
        raise SystemExit("benchmark: mkdocs.yml lists no policy of the page index.md.")
    config.write_text(
        listed.replace("          page: index.md\n", "          page: policy.md\n", 1),
        encoding="utf-8",
    )
    return destination


def timed_build(project: Path) -> tuple[float, float | None]:
    """The tests' ``mkdocs build --strict`` (:func:`build`) of ``project`` into an empty
    ``project/site``, in a fresh process: (wall seconds, MkDocs' own "built in" figure)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    start = time.perf_counter()
    completed = build(project)
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"benchmark: the site build failed:\n{completed.stderr[-3000:]}")
    found = BUILT_IN.findall(completed.stderr)
    return wall, float(found[-1]) if found else None


def widget_settings(site_dir: Path) -> dict[str, str]:
    """The widget's data attributes on the built policy page (runtime, lock, stdlib, package,
    module, worker)."""
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    section = re.search(r"<section[^>]*data-policy-check[^>]*>", html)
    if not section:
        raise SystemExit("benchmark: the built index.html has no [data-policy-check] widget.")
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', section.group(0)))
    return {
        name: attributes.get(name, "")
        for name in ("runtime", "lock", "stdlib", "package", "module", "worker")
    }


def measure_serve_rebuild(project: Path, edits: int) -> tuple[list[float], list[float], str]:
    """Edit docs/index.md under `mkdocs serve` and time until the served page shows each edit.

    Returns the seconds from saving to the edit being served, MkDocs' own build times for the
    rebuilds, and the end of mkdocs' output (for a failure).
    """
    port = _free_port()
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project,
        env=build_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True)
    reader.start()
    served: list[float] = []
    built: list[float] = []
    try:
        url = _wait_for_serve(output, port, process)
        index = project / "docs" / "index.md"
        for number in range(edits):
            marker = f"Benchmark edit {number} {uuid.uuid4().hex}"
            builds_before = len(BUILT_IN.findall("".join(output)))
            with index.open("a", encoding="utf-8") as stream:
                stream.write(f"\n\n{marker}\n")
            saved = time.perf_counter()
            while marker not in _get(url):
                if time.perf_counter() - saved > 60:
                    raise SystemExit("benchmark: mkdocs serve did not show an edit within 60 s.")
                time.sleep(0.05)
            served.append(time.perf_counter() - saved)
            time.sleep(0.5)  # let its output arrive
            figures = BUILT_IN.findall("".join(output))
            built.extend(float(figure) for figure in figures[builds_before:])
            time.sleep(0.5)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return served, built, "".join(output)[-2000:]


def _wait_for_serve(output: list[str], port: int, process: subprocess.Popen[str]) -> str:
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise SystemExit("benchmark: mkdocs serve stopped:\n" + "".join(output)[-3000:])
        found = re.search(r"Serving on (http://\S+)", "".join(output))
        if found:
            url = found.group(1).rstrip("/") + "/"
            with contextlib.suppress(OSError):
                if _get(url):
                    return url
        time.sleep(0.1)
    raise SystemExit("benchmark: mkdocs serve did not start within 120 s.")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", "replace"))
    except urllib.error.URLError:
        return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
