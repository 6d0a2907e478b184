"""The ``checker`` package as a pure-Python wheel for Pyodide, and the lock file that loads it.

The self-check runs the very code the tests run: the build packs ``checker/`` (with the site's own
``policy.toml``) into a ``py3-none-any`` wheel and writes a ``pyodide-lock.json`` that lists only
that wheel, with its sha256, so Pyodide refuses a wheel that was changed on the way. Wheels are
cached by content, so a rebuild during ``mkdocs serve`` costs only hashing.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

from policy_engine.folder import GENERATED_MODULE
from policy_site.shipping import cache


def distribution(policy_name: str) -> str:
    """The name of a policy's wheel: ``refund-policy-checker`` for the refund policy."""
    return f"{policy_name}-policy-checker"


def lock_name(wheel: Path) -> str:
    """The key of ``wheel`` in its lock: its normalized name, which is what JavaScript passes to
    ``pyodide.loadPackage(...)``."""
    name, *_ = parse_wheel_filename(Path(wheel).name)
    return str(name)


CHECKER_DISTRIBUTION = distribution("refund")  # the refund policy's
CHECKER_VERSION = "1.0.0"
LOCK_PACKAGE_NAME = canonicalize_name(CHECKER_DISTRIBUTION)
LOCK_FILE_NAME = "pyodide-lock.json"


# The engine every policy package runs on: shipped in each policy's wheel, beside the policy.
ENGINE = "policy_engine"
ENGINE_DIR = Path(__file__).resolve().parents[2] / ENGINE
# What the browser never runs: the support staff's command line.
NOT_SHIPPED = frozenset({f"{ENGINE}/cli.py"})


def _pyproject(import_name: str, name: str = CHECKER_DISTRIBUTION) -> str:
    """What hatchling builds from: the policy's package alone, nothing else of this repository."""
    return f"""\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{CHECKER_VERSION}"
description = "{_description(name)}"
requires-python = ">=3.12"

[tool.hatch.build.targets.wheel]
packages = ["{import_name}", "{ENGINE}"]
# The cache may sit inside a checkout; its .gitignore must not decide what the wheel holds.
ignore-vcs = true
"""


def _description(name: str) -> str:
    policy = name.removesuffix("-policy-checker")
    return f"The {policy} policy's rules, as its self-check runs them in the browser."


def _recipe(import_name: str, name: str) -> str:
    """Part of the cache key: bump it when the way the wheel is made changes, so old wheels are
    not reused."""
    return f"checker-wheel/1\n{_pyproject(import_name, name)}"


class CheckerWheelError(Exception):
    """The checker wheel or its lock file could not be made. The message says what to fix."""


def build_checker_wheel(
    checker_dir: Path,
    policy_file: Path,
    cache_dir: Path,
    name: str = CHECKER_DISTRIBUTION,
    *,
    data_policy: str | None = None,
) -> Path:
    """A ``py3-none-any`` wheel of a policy's package (the folder ``checker_dir``, whose name is
    its import name: ``checker``) with ``policy_file`` as its policy.

    A policy that is data (a folder with no Python: ``data_policy`` is its import name) is
    shipped as a package of that name made here: the engine's generated module
    (:data:`policy_engine.folder.GENERATED_MODULE`, the same for every such policy) beside its
    ``policy.toml``.

    The wheel holds every ``*.py`` under ``checker_dir`` and ``<package>/policy.toml`` (the site's
    policy, replacing the package's own). It is built once per content and kept in
    ``<cache_dir>/wheels/<key>/``; the same inputs give the same path and the same bytes.
    The wheel's name never changes, so put ``key`` (the returned path's ``parent.name``) in the
    URL the site serves it from: a browser that cached an older wheel would otherwise fail the
    new lock's hash check.
    """
    inputs = _wheel_inputs(Path(checker_dir), Path(policy_file), data_policy)
    key = _content_key(inputs, name)
    wheels_dir = Path(cache_dir) / "wheels"
    target = wheels_dir / key
    built = _single_wheel(target)
    if built is not None:
        try:
            _require_contents(target, inputs)  # a cached wheel ships only if it is still these
            return built
        except (CheckerWheelError, OSError, zipfile.BadZipFile):
            shutil.rmtree(target)  # altered or damaged in the cache: made again below

    with cache.staged_folder(target, complete=lambda done: _single_wheel(done) is not None) as out:
        with tempfile.TemporaryDirectory(prefix="checker-wheel-") as work:
            source = Path(work) / "src"
            for relative, content in inputs.items():
                destination = source / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(content)
            (source / "pyproject.toml").write_text(
                _pyproject(data_policy or Path(checker_dir).name, name), encoding="utf-8"
            )
            _run_hatchling(source, out)
        _require_contents(out, inputs)
    built = _single_wheel(target)
    if built is None:
        raise CheckerWheelError(f"Building the checker wheel left no wheel in {target}.")
    return built


def write_lock(runtime_lock: Path, wheel: Path, out_dir: Path) -> Path:
    """Write ``out_dir/pyodide-lock.json`` listing only ``wheel``, and copy the wheel beside it.

    The lock keeps the runtime lock's ``info`` (the Python and platform the runtime was built
    for) but none of its 357 packages: the site ships only what the self-check loads. The entry
    carries the wheel's sha256, so Pyodide rejects a wheel that does not match.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shipped = out_dir / Path(wheel).name
    if Path(wheel).resolve() != shipped.resolve():
        shutil.copyfile(wheel, shipped)

    runtime = PyodideLockSpec.from_json(Path(runtime_lock))
    empty = PyodideLockSpec(info=runtime.info, packages={})
    # The same function as `pyodide lockfile add-wheels`: hash, imports and dependencies from the
    # wheel itself; file_name relative to the lock file, which is how Pyodide finds it.
    lock = add_wheels_to_spec(empty, [shipped], base_path=out_dir)
    lock.check_wheel_filenames()
    package = lock_name(shipped)
    entry = lock.packages.get(package)
    if list(lock.packages) != [package] or entry is None:
        raise CheckerWheelError(
            f"{shipped.name} is not a policy's wheel: the lock would list "
            f"{sorted(lock.packages)}. Pass the wheel from build_checker_wheel()."
        )
    if len(entry.imports) != 2 or ENGINE not in entry.imports or entry.depends:
        raise CheckerWheelError(
            f"{shipped.name} must provide only its policy's package and the engine, and need "
            "nothing else; "
            f"it provides {entry.imports} and needs {entry.depends}. The checker must stay "
            f"standard-library only."
        )
    lock_file = out_dir / LOCK_FILE_NAME
    lock.to_json(lock_file)
    return lock_file


def lock_matches(lock_file: Path, shipped_wheel: Path, runtime_lock: Path) -> bool:
    """Whether ``lock_file`` is exactly what :func:`write_lock` makes for ``shipped_wheel``: only
    the checker, with the wheel's current sha256, for the runtime of ``runtime_lock``."""
    try:
        lock = PyodideLockSpec.from_json(Path(lock_file))
        runtime = PyodideLockSpec.from_json(Path(runtime_lock))
        digest = hashlib.sha256(Path(shipped_wheel).read_bytes()).hexdigest()
    except (OSError, ValueError):
        return False
    package = lock_name(shipped_wheel)
    entry = lock.packages.get(package)
    return (
        list(lock.packages) == [package]
        and entry is not None
        and entry.sha256 == digest
        and entry.file_name == Path(shipped_wheel).name
        and lock.info == runtime.info
    )


def _wheel_inputs(
    checker_dir: Path, policy_file: Path, data_policy: str | None = None
) -> dict[str, bytes]:
    """Path inside the wheel's source tree -> bytes, in a stable order."""
    if data_policy is None and not (checker_dir / "__init__.py").is_file():
        raise CheckerWheelError(
            f"{checker_dir} is not the checker package (it has no __init__.py)."
        )
    if not policy_file.is_file():
        raise CheckerWheelError(f"The policy file {policy_file} does not exist.")
    inputs: dict[str, bytes] = {}
    package = data_policy or checker_dir.name
    if data_policy is not None:
        inputs[f"{package}/__init__.py"] = GENERATED_MODULE.encode("utf-8")
    for folder in (checker_dir, ENGINE_DIR) if data_policy is None else (ENGINE_DIR,):
        for file in sorted(folder.rglob("*.py")):
            relative = file.relative_to(folder)
            if "__pycache__" in relative.parts:
                continue
            name = f"{folder.name}/{relative.as_posix()}"
            if name not in NOT_SHIPPED:
                inputs[name] = file.read_bytes()
    inputs[f"{package}/policy.toml"] = policy_file.read_bytes()
    return dict(sorted(inputs.items()))


def _content_key(inputs: dict[str, bytes], distribution: str) -> str:
    import_name = next(path for path in inputs if not path.startswith(ENGINE + "/")).split("/")[0]
    digest = hashlib.sha256(_recipe(import_name, distribution).encode())
    for relative, content in inputs.items():
        # Lengths first, so no two different sets of files can hash the same stream.
        name = relative.encode()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()[:32]


def _single_wheel(folder: Path) -> Path | None:
    wheels = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    return wheels[0] if len(wheels) == 1 else None


def _require_contents(dist: Path, inputs: dict[str, bytes]) -> None:
    """The built wheel holds exactly the inputs, byte for byte (what the browser will run)."""
    wheel = _single_wheel(dist)
    if wheel is None:
        raise CheckerWheelError(f"hatchling left no single wheel in {dist}.")
    with zipfile.ZipFile(wheel) as archive:
        packed = {
            name: archive.read(name)
            for name in archive.namelist()
            if not name.split("/", 1)[0].endswith(".dist-info")
        }
    if packed != inputs:
        raise CheckerWheelError(
            f"The checker wheel does not hold exactly the checker package: it has "
            f"{sorted(packed)}, expected {sorted(inputs)}."
        )


def _run_hatchling(source: Path, dist: Path) -> None:
    # In-process: a subprocess would cost more than the build itself. Hatchling's default
    # SOURCE_DATE_EPOCH makes the wheel byte-for-byte reproducible.
    from hatchling.builders.wheel import WheelBuilder

    try:
        builder = WheelBuilder(str(source))
        built = list(builder.build(directory=str(dist), versions=["standard"]))
    except Exception as error:
        raise CheckerWheelError(f"hatchling could not build the checker wheel: {error}") from error
    if len(built) != 1:
        raise CheckerWheelError(f"hatchling built {len(built)} wheels instead of one.")
