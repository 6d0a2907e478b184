"""Copies of the site's sources as an editor has them, built with the real `mkdocs`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = Path(sys.executable).with_name("mkdocs")
RUNTIME = "assets/pyodide/314.0.7"


def copy_project(destination: Path) -> Path:
    """The site's sources as an editor has them: mkdocs.yml, docs/, the theme's overrides, the
    policy file and its ledger."""
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", destination / "docs")
    shutil.copytree(ROOT / "overrides", destination / "overrides")
    (destination / "checker").mkdir()
    for name in ("policy.toml", "ledger.txt"):
        shutil.copy(ROOT / "checker" / name, destination / "checker" / name)
    return destination


def accept_review(project: Path) -> subprocess.CompletedProcess[str]:
    """``./run review --accept`` in a copy of the project, as an editor runs it."""
    return subprocess.run(
        [sys.executable, "-m", "refund_site.review", "--accept"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project,
        check=False,
    )


def build(project: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``project/site``, as ``./run build`` does;
    ``environment`` adds to (or replaces) the editor's environment."""
    return subprocess.run(
        [
            str(MKDOCS),
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(project / "site"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
        env=build_environment() | environment,
    )


def build_environment() -> dict[str, str]:
    """A bare environment, as an editor's shell has it: the system's programs plus Node.js and
    npm (which the build uses), and the cache settings the test run was given."""
    tools = {str(Path(found).parent) for name in ("node", "npm") if (found := shutil.which(name))}
    environment = {
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": os.pathsep.join(["/usr/bin", "/bin", *sorted(tools)]),
        "HOME": str(Path.home()),
    }
    for name in ("REFUND_POLICY_CACHE", "XDG_CACHE_HOME"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
