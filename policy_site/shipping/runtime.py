"""The pinned Pyodide runtime that the self-check runs on, fetched once and verified on every build.

The site serves Pyodide itself (no CDN), so the build needs the five core files of one exact
release. They come from the npm package ``pyodide`` through the ordinary ``npm`` client, or, for
offline builds, from a tarball or folder the editor points at. Every byte is checked against the
hashes pinned here, and the cached copy is checked again on each build, so a site can only ever
ship the runtime this project was tested with.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from policy_site.shipping import cache

PYODIDE_VERSION = "314.0.7"

# The files the self-check needs, in the order the browser fetches them. The npm package holds a
# few more (source maps, type definitions, a demo console) that the site does not ship.
CORE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)

TARBALL_NAME = f"pyodide-{PYODIDE_VERSION}.tgz"
TARBALL_SHA256 = "66b7949e5a0cba2250b586d7e368bf12fb482800748d182c4618254b685ffaa0"
CORE_SHA256 = {
    "pyodide.mjs": "6f1d60f7bf529beb300f0f47983c921d3982363640ba20af0e38efdddbc66109",
    "pyodide.asm.mjs": "f7cdc8ece80678ceb712f8e65ebe6d3a83203a180c399865f49612a051693635",
    "pyodide.asm.wasm": "cc36e3cab04fdfc9a63ff13eb52eae2b911bf46c025cc7b281f394bd3de1d5e6",
    "python_stdlib.zip": "fa1957e5777068fc4f7437f96d860ae2fbe9c19732ba06c84e004ec16dd7dd7a",
    "pyodide-lock.json": "5dc2fc119108bc148c7457dc86e7675b5c87e1cafd420b9c34c1eaef7b36c010",
}
# What the pinned files weigh on the wire from a host that serves the build's brotli copies
# (precompress.py, quality 11; tests/site/test_precompress.py holds these to the copies built):
# the self-check's progress bar counts against them until the host's own Content-Length is known.
CORE_BROTLI_BYTES = {
    "pyodide.mjs": 6453,
    "pyodide.asm.mjs": 207390,
    "pyodide.asm.wasm": 2741061,
}

# Where offline builds say where the runtime is, when mkdocs.yml does not.
SOURCE_ENV = "POLICY_SITE_PYODIDE_SOURCE"
CACHE_ENV = "POLICY_SITE_CACHE"
CACHE_FOLDER_NAME = "policy-site"

NPM_SPEC = f"pyodide@{PYODIDE_VERSION}"
# A cold npm cache downloads about 6.5 MB; this leaves room for a slow line, not for a hang.
NPM_TIMEOUT_SECONDS = 300
# npm retries a failed request twice, waiting 10 s and then up to 60 s: an unreachable registry
# (an offline machine) used to take about 72 s to say so. One try, and no request longer than two
# minutes, so the offline instructions come within seconds.
NPM_FETCH_OPTIONS = ("--fetch-retries=0", "--fetch-timeout=120000")

_HOW_TO_SUPPLY = (
    f"To build without npm, get {TARBALL_NAME} on a machine that has it "
    f"(`npm pack {NPM_SPEC}`), or a folder holding {', '.join(CORE_FILES)}, and point the "
    f"build at it: in mkdocs.yml set the policy-site plugin option `pyodide_source: <path>`, "
    f"or set the environment variable {SOURCE_ENV}=<path>."
)

# Lines of npm's error output that say nothing on their own (codes, stack frames, fields).
_NPM_BOILERPLATE = re.compile(r"(code|errno|syscall|at) \S|[{}]|\w+: ['\d]|$")

assert set(CORE_SHA256) == set(CORE_FILES), "every core file has a pinned hash"


class RuntimeUnavailable(Exception):
    """The pinned Pyodide runtime could not be obtained or verified. The message says what to do."""


def default_cache_dir() -> Path:
    """Where fetched runtimes and built wheels are kept between builds.

    ``$POLICY_SITE_CACHE`` if set, else ``$XDG_CACHE_HOME/policy-site``, else
    ``~/.cache/policy-site``.
    """
    if explicit := os.environ.get(CACHE_ENV):
        return Path(explicit).expanduser()
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / CACHE_FOLDER_NAME
    return Path.home() / ".cache" / CACHE_FOLDER_NAME


def ensure_runtime(cache_dir: Path, source: str | os.PathLike[str] | None = None) -> Path:
    """The folder ``<cache_dir>/pyodide-314.0.7/`` holding the five verified core files.

    A cached folder is re-verified on every call (about 13 MB of hashing) and never refetched: if a
    byte changed, this fails and says which file. Otherwise the runtime comes from ``source`` (a
    path to ``pyodide-314.0.7.tgz`` or to a folder holding the five files), else from
    ``$POLICY_SITE_PYODIDE_SOURCE``, else from ``npm pack``. The files are verified before the
    folder appears, so a failed or interrupted fetch never leaves a partial runtime behind.

    Raises :class:`RuntimeUnavailable` with instructions.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / f"pyodide-{PYODIDE_VERSION}"
    if target.exists():
        _verify_folder(target)
        return target

    if source is None:
        source = os.environ.get(SOURCE_ENV) or None
    try:
        _install(Path(source).expanduser() if source is not None else None, cache_dir, target)
    except OSError as error:
        raise RuntimeUnavailable(
            f"The Pyodide runtime could not be stored in {cache_dir} "
            f"({error.strerror or error}). Free some disk space, or choose another cache "
            f"folder with the environment variable {CACHE_ENV}."
        ) from error
    _verify_folder(target)
    return target


def _install(source: Path | None, cache_dir: Path, target: Path) -> None:
    with cache.staged_folder(target, complete=Path.is_dir) as staging:
        if source is not None:
            _install_from_source(source, staging)
        else:
            with tempfile.TemporaryDirectory(prefix="pyodide-npm-") as download_dir:
                tarball = download_tarball(Path(download_dir))
                _install_from_tarball(tarball, staging)


def download_tarball(directory: Path) -> Path:
    """Fetch ``pyodide-314.0.7.tgz`` into ``directory`` with ``npm pack`` and verify its hash."""
    command = ["npm", "pack", NPM_SPEC, "--ignore-scripts", "--prefer-offline", *NPM_FETCH_OPTIONS]
    try:
        completed = subprocess.run(
            command,
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise RuntimeUnavailable(
            f"The self-check needs Pyodide {PYODIDE_VERSION}, and npm (which fetches it) "
            f"is not installed. Install Node.js with npm, or supply the runtime yourself. "
            f"{_HOW_TO_SUPPLY}"
        ) from error
    except OSError as error:
        raise RuntimeUnavailable(
            f"npm could not be started ({error.strerror or error}). {_HOW_TO_SUPPLY}"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise RuntimeUnavailable(
            f"`{' '.join(command)}` did not finish within {NPM_TIMEOUT_SECONDS} seconds. "
            f"Check the network connection and try again. {_HOW_TO_SUPPLY}"
        ) from error
    tarball = directory / TARBALL_NAME
    if completed.returncode != 0 or not tarball.is_file():
        raise RuntimeUnavailable(
            f"`{' '.join(command)}` failed ({_npm_error(completed.stderr, completed.stdout)}). "
            f"Check the network connection and npm's registry settings, then try again. "
            f"{_HOW_TO_SUPPLY}"
        )
    _require_hash(tarball, TARBALL_SHA256, what=f"The downloaded {TARBALL_NAME}")
    return tarball


def _install_from_source(source: Path, staging: Path) -> None:
    if source.is_dir():
        for name in CORE_FILES:
            file = source / name
            if not file.is_file():
                raise RuntimeUnavailable(
                    f"The Pyodide source folder {source} has no {name}. It must hold "
                    f"{', '.join(CORE_FILES)} from the npm package pyodide@{PYODIDE_VERSION} "
                    f"(its package/ folder). {_HOW_TO_SUPPLY}"
                )
            _require_hash(file, CORE_SHA256[name], what=f"{file}")
            shutil.copyfile(file, staging / name)
    elif source.is_file():
        _require_hash(source, TARBALL_SHA256, what=f"The Pyodide source {source}")
        _install_from_tarball(source, staging)
    else:
        raise RuntimeUnavailable(f"The Pyodide source {source} does not exist. {_HOW_TO_SUPPLY}")


def _install_from_tarball(tarball: Path, staging: Path) -> None:
    """Copy the five core files out of a verified npm tarball into ``staging`` and verify each."""
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for name in CORE_FILES:
                member = archive.getmember(f"package/{name}")
                stream = archive.extractfile(member) if member.isfile() else None
                if stream is None:
                    raise KeyError(name)
                # Written to a name of our choosing: nothing in the archive picks a path.
                with stream, (staging / name).open("wb") as out:
                    shutil.copyfileobj(stream, out)
    except (KeyError, tarfile.TarError, OSError, EOFError) as error:
        raise RuntimeUnavailable(
            f"{tarball} could not be unpacked ({error}). Delete it and fetch it again. "
            f"{_HOW_TO_SUPPLY}"
        ) from error
    for name in CORE_FILES:
        _require_hash(staging / name, CORE_SHA256[name], what=f"{name} in {tarball}")


def _verify_folder(folder: Path) -> None:
    for name in CORE_FILES:
        file = folder / name
        if not file.is_file():
            raise RuntimeUnavailable(
                f"{file} is missing from the cached Pyodide runtime; delete {folder} "
                f"to fetch it again."
            )
        if file_sha256(file) != CORE_SHA256[name]:
            raise RuntimeUnavailable(
                f"{file} does not match the pinned hash for Pyodide {PYODIDE_VERSION}; "
                f"delete {folder} to fetch it again."
            )


def _require_hash(file: Path, expected: str, *, what: str) -> None:
    actual = file_sha256(file)
    if actual != expected:
        raise RuntimeUnavailable(
            f"{what} does not match the pinned hash for Pyodide {PYODIDE_VERSION} "
            f"(expected sha256 {expected}, found {actual}). It is not the release this site "
            f"was tested with. {_HOW_TO_SUPPLY}"
        )


def file_sha256(file: Path) -> str:
    """The hex SHA-256 of a file's bytes, read in chunks."""
    with file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _npm_error(*outputs: str) -> str:
    """npm's own words for what went wrong: its first error line that is not boilerplate."""
    message = log = ""
    for output in outputs:
        for raw_line in output.splitlines():
            line = raw_line.strip()
            text = line.removeprefix("npm error").removeprefix("npm ERR!").strip()
            if text.startswith("A complete log of this run"):
                log = text.rsplit(" ", 1)[-1]
            elif not message and text != line and not _NPM_BOILERPLATE.match(text):
                message = text
    if not message:
        lines = [line.strip() for output in outputs for line in output.splitlines()]
        message = next((line for line in reversed(lines) if line), "")
    if not message:
        return "npm printed nothing"
    return f"npm said: {message}" + (f"; its full log is {log}" if log else "")
