"""The project's one entry point, `./run`, as a person types it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV_VERSION = re.search(r"^UV_VERSION=(\S+)$", (ROOT / "run").read_text(), re.M).group(1)  # type: ignore[union-attr]


def test_a_mistyped_command_says_so_lists_the_commands_and_fails() -> None:
    result = subprocess.run(
        [str(ROOT / "run"), "reveiw"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode != 0
    assert 'there is no command "reveiw"' in result.stderr
    assert "./run review" in result.stderr  # the list of commands, with the one meant
    assert result.stdout == ""


def test_help_lists_every_command_and_succeeds() -> None:
    result = subprocess.run(
        [str(ROOT / "run"), "help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0
    for command in ("serve", "test", "build", "review", "new-version", "new-policy", "check"):
        assert f"./run {command}" in result.stdout


# Set-up on the machines new users have (README, "The two commands"). One sequence, as a person
# meets it: a fresh clone where pip may not install and uv is a broken shim; then the same folder
# copied elsewhere; then another copy of the packages ahead on PYTHONPATH.

# What this machine needs to reach the package registries (its certificates, its pip settings),
# and nothing else of the developer's environment.
REGISTRY_SETTINGS = ("SSL_CERT_", "PIP_", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA")


def externally_managed_python(folder: Path) -> Path:
    """A copy of the Python running the tests, marked as the system's (PEP 668, as on Debian 13
    and Ubuntu 24.04): its pip refuses to install. Hard links where the disk allows."""
    base = Path(sys.base_prefix)
    if base == Path("/usr") or not (base / "bin").is_dir():
        pytest.skip(f"the tests' Python lives in {base}, which cannot be copied to mark it")
    copied = subprocess.run(["cp", "-al", str(base), str(folder)], capture_output=True, check=False)
    if copied.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, folder, symlinks=True)
    minor = f"python3.{sys.version_info.minor}"
    (folder / "lib" / minor / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=This Python belongs to the system: use a venv.\n"
    )
    for tool in folder.glob("bin/uv*"):
        tool.unlink()  # this machine has no uv but the broken shim
    return folder / "bin"


def caches() -> dict[str, str]:
    """The developer's own download caches, so that the sequence reinstalls from disk."""
    found: dict[str, str] = {}
    for name, command in (
        ("UV_CACHE_DIR", ["uv", "cache", "dir"]),
        ("PIP_CACHE_DIR", [sys.executable, "-m", "pip", "cache", "dir"]),
    ):
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip():
            found[name] = done.stdout.strip()
    return found


def run_in(
    folder: Path, environment: dict[str, str], *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["./run", *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def imported_from(folder: Path, environment: dict[str, str], package: str) -> Path:
    done = subprocess.run(
        [str(folder / ".venv/bin/python"), "-c", f"import {package}; print({package}.__file__)"],
        cwd=tmp_dir_outside(folder),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip()).resolve()


def tmp_dir_outside(folder: Path) -> Path:
    return folder.parent  # not the project folder, whose packages Python would find by its cwd


def test_a_fresh_clone_sets_up_without_pip_or_uv_and_a_copy_runs_its_own_code(
    tmp_path: Path,
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    python_bin = externally_managed_python(tmp_path / "system-python")
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "uv").write_text('#!/bin/sh\necho "pyenv: uv: command not found" >&2\nexit 127\n')
    (shims / "uv").chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        name: value for name, value in os.environ.items() if name.startswith(REGISTRY_SETTINGS)
    }
    environment |= caches()
    environment |= {"HOME": str(home), "PATH": f"{shims}:{python_bin}:/usr/bin:/bin"}

    # The machine is as the issue found it: pip refuses, and `uv` is found but does not run.
    refused = subprocess.run(
        [str(python_bin / "python3"), "-m", "pip", "install", "--dry-run", "six"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr
    assert subprocess.run(["uv", "--version"], env=environment, check=False).returncode == 127

    first = run_in(clone, environment, "check", "--help")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "usage: policy-check" in first.stdout
    private_uv = home / ".cache" / "policy-site"
    assert f"Installing uv {UV_VERSION} into {private_uv}" in first.stderr
    assert list(private_uv.glob("uv-*/bin/uv"))
    assert "--break-system-packages" not in (ROOT / "run").read_text(encoding="utf-8")
    assert imported_from(clone, environment, "policy_engine").is_relative_to(clone)

    # The folder copied, its .venv with it: the copy runs its own code, never the original's.
    copy = tmp_path / "copy"
    shutil.copytree(clone, copy, symlinks=True)
    again = run_in(copy, environment, "check", "--help")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Making .venv again: it was made for another folder" in again.stderr
    assert "Installing uv" not in again.stderr  # the private uv is made once
    for package in ("policy_engine", "policy_site", "checker"):
        assert imported_from(copy, environment, package).is_relative_to(copy)

    # Another copy of a package ahead on PYTHONPATH: stopped, and told what to do.
    stranger = tmp_path / "elsewhere" / "policy_engine"
    stranger.mkdir(parents=True)
    (stranger / "__init__.py").write_text("")
    shadowed = run_in(copy, environment | {"PYTHONPATH": str(stranger.parent)}, "check", "--help")
    assert shadowed.returncode == 1
    assert f"policy_engine from {stranger}" in shadowed.stderr
    assert "Unset PYTHONPATH" in shadowed.stderr
    assert shadowed.stdout == ""
