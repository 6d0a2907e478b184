"""The standard library the self-check ships: only what it imports, already compiled.

Pyodide's stock ``python_stdlib.zip`` holds all 559 standard-library modules as ``.py`` source
(2.5 MB), so each start compiles every module it imports, in WebAssembly. That compiling is most
of a cold start. The build instead runs the checker on the pinned runtime under Node, the way the
page's worker does (``build_in_node/run.mjs``), records which standard-library modules that imports,
and has Pyodide's own interpreter compile exactly those into a zip of ``.pyc`` files. It then
loads that zip in a fresh runtime and requires the same answers as the stock library gave for
every path through the checker (``build_in_node/exercise.py``), and nothing compiled from source.

The result is cached by what decides it: the stock library, the checker's code (not its policy
values, which import nothing) and these build scripts. The tailoring is deterministic (the same
inputs give the same bytes), so the repository records the expected sha256 of the library for
each such key (:data:`RECORD`): a cached zip is shipped only if it has the recorded hash. The
cache never vouches for itself. Without a record for the key (the checker's code changed), the
library is made afresh and verified under Node on every build, which then says how to record it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from policy_site.shipping import cache, runtime
from policy_site.shipping.wheel import ENGINE

# MkDocs' logger for plugins: every message starts "policy-site: ".
log = get_plugin_logger("policy-site")

IN_NODE = Path(__file__).parent / "build_in_node"
# The page's loader, which the run under Node uses too (it imports what the page imports).
LOADER = Path(__file__).parent / "assets" / "policy-check" / "load-checker.mjs"
STDLIB_NAME = "python_stdlib.zip"
# The expected sha256 of the tailored library, by content key: committed, never in the cache.
RECORD = Path(__file__).parent / "tailored-stdlib.sha256"
ANSWERS_NAME = "exercise-answers.json"
# Part of the cache key, with this file's own source.
_RECIPE = "tailored-stdlib/3"
NODE_TIMEOUT_SECONDS = 300


class StdlibError(Exception):
    """The tailored standard library could not be made. The message says what to do."""


def tailored_stdlib(core: Path, wheel: Path, lock: Path, package: str, cache_dir: Path) -> Path:
    """``<cache_dir>/stdlib/<key>/python_stdlib.zip``: the modules the checker needs, compiled.

    ``core`` is the verified stock runtime, ``wheel`` the checker's wheel as the site ships it and
    ``lock`` the lock that lists it under ``package``. Raises :class:`StdlibError`.
    """
    key = _content_key(wheel)
    target = Path(cache_dir) / "stdlib" / key
    expected = recorded().get(key)
    cached = target / STDLIB_NAME
    if expected and cached.is_file() and runtime.file_sha256(cached) == expected:
        return cached
    # Not vouched for by the repository (changed, or no record for this code): made afresh.
    shutil.rmtree(target, ignore_errors=True)
    try:
        made = _make(core, wheel, lock, package, target)
    except OSError as error:
        raise StdlibError(
            f"The self-check's standard library could not be written to {target.parent} "
            f"({error.strerror or error}). Free some disk space, or choose another cache folder "
            f"with the environment variable {runtime.CACHE_ENV}."
        ) from error
    digest = runtime.file_sha256(made)
    if expected and digest != expected:
        shutil.rmtree(target, ignore_errors=True)
        raise StdlibError(
            f"The self-check's standard library was made afresh and works, but its sha256 "
            f"({digest}) is not the one {_record_name()} records for this code ({expected}). The "
            "tailoring gives the same bytes for the same inputs, so the record or the toolchain "
            "changed: if you changed them on purpose, replace the line "
            f"“{key} {expected}” with “{key} {digest}”; otherwise report it to a developer."
        )
    if not expected:
        log.info(
            f"the self-check's standard library for this checker code was made and verified "
            f"under Node; {_record_name()} has no hash for it, so every build makes it again. "
            f"Record it: add the line “{key} {digest}” to {_record_name()} and commit it."
        )
    return made


def recorded() -> dict[str, str]:
    """The expected sha256 of the tailored library, by content key, as the repository records
    it (``KEY SHA256`` per line; ``#`` starts a comment)."""
    try:
        text = RECORD.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    pairs = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) == 2:
            pairs[words[0]] = words[1].lower()
    return pairs


def _record_name() -> str:
    try:
        return RECORD.relative_to(Path(__file__).parents[2]).as_posix()
    except ValueError:
        return str(RECORD)


def _make(core: Path, wheel: Path, lock: Path, package: str, target: Path) -> Path:
    """Tailor, try and publish the zip into ``target`` (staged beside it, renamed at the end)."""
    node = shutil.which("node")
    if node is None:
        raise StdlibError(
            "Node.js is needed to prepare the self-check's standard library (once per change "
            "of the checker's code) and was not found. Install Node.js 18 or newer, or set "
            "`fast_start: false` for the policy-site plugin in mkdocs.yml to ship Pyodide's "
            "stock standard library instead (the self-check then takes about 2.5 times as long "
            "to start)."
        )
    request = _request(core, lock, package)
    with cache.staged_folder(target, complete=lambda done: (done / STDLIB_NAME).is_file()) as out:
        made = out / STDLIB_NAME
        stock = tailor_library(node, request, made)
        tried = try_library(node, request, made)
        _require_same(stock, tried)
        # What the checker answered on Pyodide, for the tests to hold against CPython's answers,
        # with the policy it answered under (later builds reuse the library for other values).
        with zipfile.ZipFile(wheel) as archive:
            policy = archive.read(f"{request['module']}/policy.toml").decode("utf-8")
        answers = {"policy": policy, "answers": json.loads(tried["results"])}
        (out / ANSWERS_NAME).write_text(json.dumps(answers), encoding="utf-8")
    return target / STDLIB_NAME


def _request(core: Path, lock: Path, package: str) -> dict[str, Any]:
    """What every run under Node is given: the runtime, the checker's lock and the exercise (and
    the policy's package that the lock's wheel holds, as the lock says)."""
    imports = json.loads(lock.read_text(encoding="utf-8"))["packages"][package]["imports"]
    policy = [name for name in imports if name != ENGINE]
    return {
        "runtime_dir": str(core),
        "lock_file": str(lock),
        "package": package,
        "module": policy[0] if policy else "",
        "loader": str(LOADER),
        "exercise": (IN_NODE / "exercise.py").read_text(encoding="utf-8"),
    }


def tailor_library(node: str, request: dict[str, Any], out: Path) -> dict[str, Any]:
    """Run the exercise on the stock runtime and write the modules it imported, compiled, to
    ``out``. Returns the run's report (its answers, the modules)."""
    report = _run(
        node,
        {
            **request,
            "mode": "tailor",
            "out": str(out),
            "tailor": (IN_NODE / "tailor.py").read_text(encoding="utf-8"),
        },
    )
    if not out.is_file():
        raise StdlibError("Pyodide did not write the tailored standard library.")
    return report


def try_library(node: str, request: dict[str, Any], library: Path) -> dict[str, Any]:
    """Run the exercise on a fresh runtime that loads ``library`` instead of the stock one.

    Raises :class:`StdlibError` if the checker cannot even load or answer with it.
    """
    return _run(node, {**request, "mode": "try", "stdlib": str(library)})


def _run(node: str, request: dict[str, Any]) -> dict[str, Any]:
    mode = request["mode"]
    try:
        completed = subprocess.run(
            [node, str(IN_NODE / "run.mjs")],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StdlibError(f"Node could not run the checker on Pyodide ({error}).") from error
    try:
        report: dict[str, Any] = json.loads(completed.stdout)
    except ValueError:
        report = {"fatal": (completed.stderr or completed.stdout).strip()[-2000:] or "no output"}
    if report.get("fatal") or report.get("results") is None:
        why = _python_error(str(report.get("fatal") or "no answers"))
        logs = "\n".join(report.get("logs", [])[-10:])
        if mode == "try":
            raise StdlibError(f"{_DOES_NOT_WORK}: with it, {why}. {_WHAT_TO_DO}")
        raise StdlibError(
            f"Preparing the self-check's standard library failed: on Pyodide's stock runtime "
            f"under Node, {why}. Check that Node.js is version 18 or newer (`node --version`); "
            f"to publish meanwhile, set `fast_start: false` for the policy-site plugin in "
            f"mkdocs.yml, and report this to a developer."
            + (f"\nIts last output:\n{logs}" if logs else "")
        )
    return report


_DOES_NOT_WORK = "The tailored standard library does not work like the stock one"
_WHAT_TO_DO = (
    "Set `fast_start: false` for the policy-site plugin in mkdocs.yml to build with the stock "
    "library, and report this to a developer."
)


def _python_error(text: str) -> str:
    """The exception line of a Python traceback (``ModuleNotFoundError: …``), else the first line.

    Pyodide's errors carry the traceback and then a JavaScript stack; neither helps an editor.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line):
            return line
    return lines[0] if lines else text


def _require_same(stock: dict[str, Any], tried: dict[str, Any]) -> None:
    """The tailored library answers exactly as the stock one, without compiling anything."""
    problems = []
    if tried["results"] != stock["results"]:
        before, after = json.loads(stock["results"]), json.loads(tried["results"])
        differ = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
        problems.append(
            f"the checker answered differently ({len(differ)} of {len(before)} answers, "
            f"first: {after[differ[0]] if differ else 'a different number of answers'})"
        )
    if tried["error_line"] != stock["error_line"]:
        problems.append(f"a Python error read {tried['error_line']!r}, not {stock['error_line']!r}")
    if tried["from_source"]:
        problems.append(f"modules were compiled from source: {', '.join(tried['from_source'])}")
    if problems:
        raise StdlibError(f"{_DOES_NOT_WORK}: {'; '.join(problems)}. {_WHAT_TO_DO}")


def _in_package(name: str) -> str:
    """A file of the wheel named without its policy's package (the engine's keep theirs)."""
    package, _, inside = name.partition("/")
    return name if package == ENGINE else f"<policy>/{inside}"


def _content_key(wheel: Path) -> str:
    """The stock library, the checker's Python files (from the wheel), this file and the scripts
    it runs in Pyodide."""
    digest = hashlib.sha256(_RECIPE.encode())
    digest.update(runtime.CORE_SHA256[STDLIB_NAME].encode())
    try:
        with zipfile.ZipFile(wheel) as archive:
            code = sorted(name for name in archive.namelist() if name.endswith(".py"))
            # The policy's package by its files' places inside it, not by its name: every policy
            # that is data ships the same generated module, so they all share one library.
            parts = [(_in_package(name), archive.read(name)) for name in code]
    except (OSError, zipfile.BadZipFile) as error:
        raise StdlibError(f"The checker's wheel {wheel} could not be read ({error}).") from error
    parts.append(("stdlib.py", Path(__file__).read_bytes()))
    parts.append((LOADER.name, LOADER.read_bytes()))
    parts += [
        (f"build_in_node/{file.name}", file.read_bytes())
        for file in sorted(IN_NODE.iterdir())
        if file.suffix in {".py", ".mjs"}
    ]
    for name, content in parts:
        # Lengths first, so no two different sets of files can hash the same stream.
        digest.update(len(name.encode()).to_bytes(8, "big") + name.encode())
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()[:32]
