"""The pinned Pyodide runtime: from npm, from a local tarball or folder, never a changed one.

The runtime is fetched once per test session (``npm pack`` with npm's own cache, or the offline
source named by ``$POLICY_SITE_PYODIDE_SOURCE``) into the session's temporary folder; the other
tests copy it from there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from policy_site.shipping.runtime import (
    CORE_FILES,
    CORE_SHA256,
    PYODIDE_VERSION,
    SOURCE_ENV,
    TARBALL_NAME,
    TARBALL_SHA256,
    RuntimeUnavailable,
    default_cache_dir,
    download_tarball,
    ensure_runtime,
)

RUNTIME_FOLDER = f"pyodide-{PYODIDE_VERSION}"


def shared_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's runtime: the first caller fetches it, later callers only re-verify it."""
    return ensure_runtime(tmp_path_factory.getbasetemp() / "pyodide-cache")


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The npm tarball itself (served from npm's cache after the first fetch)."""
    offline = os.environ.get(SOURCE_ENV)
    if offline and Path(offline).is_file():
        return Path(offline)
    return download_tarball(tmp_path_factory.mktemp("tarball"))


@pytest.fixture
def no_offline_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SOURCE_ENV, raising=False)


def sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def copy_of_runtime(runtime: Path, cache_dir: Path) -> Path:
    """A fresh cache holding the runtime, obtained the way an offline build would."""
    return ensure_runtime(cache_dir, source=str(runtime))


def leftovers(cache_dir: Path) -> list[str]:
    return sorted(path.name for path in cache_dir.iterdir()) if cache_dir.exists() else []


def test_npm_fetch_gives_exactly_the_five_core_files_of_the_pinned_release(runtime: Path) -> None:
    if os.environ.get(SOURCE_ENV):
        pytest.skip(f"offline run: the runtime came from ${SOURCE_ENV}, not from npm")
    assert runtime.name == RUNTIME_FOLDER
    assert sorted(path.name for path in runtime.iterdir()) == sorted(CORE_FILES)
    assert {name: sha256(runtime / name) for name in CORE_FILES} == CORE_SHA256
    assert (runtime / "pyodide.asm.wasm").read_bytes()[:4] == b"\0asm"
    info = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))["info"]
    assert info["python"].startswith("3.14.")


def test_the_tarball_npm_gives_is_the_pinned_one(tarball: Path) -> None:
    assert tarball.name == TARBALL_NAME
    assert sha256(tarball) == TARBALL_SHA256


def test_a_cached_runtime_is_used_without_npm(
    runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_offline_source: None
) -> None:
    cached = copy_of_runtime(runtime, tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert ensure_runtime(tmp_path) == cached


def test_a_changed_byte_in_a_cached_file_stops_the_build_and_names_the_file(
    runtime: Path, tmp_path: Path
) -> None:
    cached = copy_of_runtime(runtime, tmp_path)
    stdlib = cached / "python_stdlib.zip"
    content = bytearray(stdlib.read_bytes())
    content[len(content) // 2] ^= 0x01
    stdlib.write_bytes(bytes(content))

    with pytest.raises(RuntimeUnavailable) as failure:
        ensure_runtime(tmp_path)
    message = str(failure.value)
    assert "python_stdlib.zip" in message
    assert "does not match the pinned hash" in message
    assert f"delete {cached}" in message

    # Following the message's advice repairs the cache.
    shutil.rmtree(cached)
    assert sha256(copy_of_runtime(runtime, tmp_path) / "python_stdlib.zip") == sha256(
        runtime / "python_stdlib.zip"
    )


def test_a_missing_cached_file_stops_the_build_and_names_the_file(
    runtime: Path, tmp_path: Path
) -> None:
    cached = copy_of_runtime(runtime, tmp_path)
    (cached / "pyodide.asm.wasm").unlink()
    with pytest.raises(RuntimeUnavailable, match=r"pyodide\.asm\.wasm is missing.*delete"):
        ensure_runtime(tmp_path)


def test_a_local_tarball_is_an_offline_source(
    tarball: Path, runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No npm on PATH: the tarball alone must be enough.
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    installed = ensure_runtime(tmp_path / "cache", source=str(tarball))
    assert installed == tmp_path / "cache" / RUNTIME_FOLDER
    assert sorted(path.name for path in installed.iterdir()) == sorted(CORE_FILES)
    for name in CORE_FILES:
        assert (installed / name).read_bytes() == (runtime / name).read_bytes(), name


def test_the_environment_variable_names_an_offline_source(
    tarball: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    monkeypatch.setenv(SOURCE_ENV, str(tarball))
    installed = ensure_runtime(tmp_path / "cache")
    assert sorted(path.name for path in installed.iterdir()) == sorted(CORE_FILES)


def test_a_changed_tarball_is_refused_and_leaves_nothing_behind(
    tarball: Path, tmp_path: Path
) -> None:
    changed = tmp_path / TARBALL_NAME
    changed.write_bytes(tarball.read_bytes() + b"\0")
    cache_dir = tmp_path / "cache"
    with pytest.raises(RuntimeUnavailable) as failure:
        ensure_runtime(cache_dir, source=str(changed))
    message = str(failure.value)
    assert str(changed) in message
    assert "does not match the pinned hash" in message
    assert "pyodide_source" in message
    assert leftovers(cache_dir) == []


def test_a_folder_with_a_changed_file_is_refused(runtime: Path, tmp_path: Path) -> None:
    folder = tmp_path / "package"
    shutil.copytree(runtime, folder)
    with (folder / "pyodide.mjs").open("a", encoding="utf-8") as script:
        script.write("\n// changed\n")
    cache_dir = tmp_path / "cache"
    with pytest.raises(RuntimeUnavailable, match=r"pyodide\.mjs does not match the pinned hash"):
        ensure_runtime(cache_dir, source=str(folder))
    assert leftovers(cache_dir) == []


def test_a_folder_missing_a_file_is_refused_with_the_list_of_files(
    runtime: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "package"
    shutil.copytree(runtime, folder)
    (folder / "python_stdlib.zip").unlink()
    with pytest.raises(RuntimeUnavailable) as failure:
        ensure_runtime(tmp_path / "cache", source=str(folder))
    message = str(failure.value)
    assert "has no python_stdlib.zip" in message
    assert all(name in message for name in CORE_FILES)


def test_a_source_that_does_not_exist_says_how_to_supply_the_runtime(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / TARBALL_NAME
    with pytest.raises(RuntimeUnavailable) as failure:
        ensure_runtime(tmp_path / "cache", source=str(missing))
    message = str(failure.value)
    assert f"{missing} does not exist" in message
    assert "pyodide_source:" in message
    assert SOURCE_ENV in message
    assert f"npm pack pyodide@{PYODIDE_VERSION}" in message


# Without npm on the PATH; with the real npm, an empty cache and a registry nothing listens on.
NPM_FAILURES = {
    "not installed": ({"PATH": "{tmp}/no-programs-here"}, ("npm", "not installed")),
    # npm's own retries are left as npm sets them: the build must turn them off itself.
    "npm fails": (
        {"npm_config_cache": "{tmp}/empty-npm-cache", "npm_config_registry": "http://127.0.0.1:9/"},
        ("npm said:", "ECONNREFUSED"),
    ),
}
# An unreachable registry used to cost about 72 s of npm's retries before the offline
# instructions; without them it is a second or two. A bound that far from both is not a speed
# target, it tells the two behaviours apart.
OFFLINE_ANSWER_SECONDS = 30


@pytest.mark.parametrize("failure", sorted(NPM_FAILURES))
def test_when_npm_cannot_fetch_the_message_says_why_and_how_to_build_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_offline_source: None, failure: str
) -> None:
    environment, why = NPM_FAILURES[failure]
    for name, value in environment.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    cache_dir = tmp_path / "cache"
    started = time.monotonic()
    with pytest.raises(RuntimeUnavailable) as raised:
        ensure_runtime(cache_dir)
    assert time.monotonic() - started < OFFLINE_ANSWER_SECONDS
    message = str(raised.value)
    assert all(words in message for words in why), message
    assert "pyodide_source:" in message and SOURCE_ENV in message
    assert leftovers(cache_dir) == []


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICY_SITE_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "policy-site"

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "policy-site"

    monkeypatch.setenv("POLICY_SITE_CACHE", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"


def test_a_cache_folder_that_cannot_be_written_says_how_to_choose_another(
    runtime: Path, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be", encoding="utf-8")
    with pytest.raises(RuntimeUnavailable) as failure:
        ensure_runtime(not_a_folder, source=str(runtime))
    message = str(failure.value)
    assert f"could not be stored in {not_a_folder}" in message
    assert "POLICY_SITE_CACHE" in message
