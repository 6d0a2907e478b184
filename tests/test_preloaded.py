"""The tests' builds and editors' commands forked from a preloaded process (tests/preloaded.py)
end as the same commands run with :func:`subprocess.run` do: the same exit status, the same
output, the same files, whatever they read (arguments, folder, environment, standard input)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests import preloaded
from tests.site.projects import MKDOCS, build_environment, copy_project, edit


def spawn(
    args: list[str], *, cwd: Path, env: dict[str, str], input: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, input=input, capture_output=True, text=True, timeout=timeout
    )


def forked(
    args: list[str], *, cwd: Path, env: dict[str, str], input: str | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    return preloaded.run(args, cwd=cwd, env=env, input=input, timeout=timeout, fork=True)


def both(
    args: list[str], cwd: Path, *, input: str | None = None, **environment: str
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    env = build_environment() | environment
    return (
        forked(args, cwd=cwd, env=env, input=input, timeout=300),
        spawn(args, cwd=cwd, env=env, input=input, timeout=300),
    )


def same_output(text: str, project: Path) -> str:
    # What a build prints, less where it ran and what it measured: its folders, their random
    # names, its times and sizes.
    text = text.replace(str(project), "PROJECT")
    text = re.sub(r"(\.building|\.previous)-\w+", r"\1-X", text)
    return re.sub(r"\d+(\.\d+)?", "N", text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_a_command_is_forked_from_the_preloaded_process() -> None:
    assert preloaded.forkable([str(MKDOCS), "build"])
    assert preloaded.forkable([sys.executable, "-m", "policy_review.review", "--accept"])
    # Anything else, and anything the interpreter reads as it starts, runs as a new program.
    assert not preloaded.forkable(["git", "status"])
    assert not preloaded.forkable([sys.executable, "-m", "checker"])
    assert not preloaded.forkable([str(MKDOCS), "build"], {"PYTHONPATH": "elsewhere"})


def test_an_editors_command_exits_and_speaks_as_it_does_on_its_own(project: Path) -> None:
    # A mistake: its status and its message, word for word.
    from_fork, spawned = both(
        [sys.executable, "-m", "policy_site.pages.versions", "not-a-date"], project
    )
    assert from_fork.returncode == spawned.returncode == 2
    assert from_fork.stderr == spawned.stderr and "“not-a-date” is not a date" in from_fork.stderr
    assert from_fork.stdout == spawned.stdout
    # A review that reads the copy's folder and the day from the environment.
    from_fork, spawned = both(
        [sys.executable, "-m", "policy_review.review"], project, POLICY_SITE_TODAY="2026-06-01"
    )
    assert (from_fork.returncode, from_fork.stdout, from_fork.stderr) == (
        spawned.returncode,
        spawned.stdout,
        spawned.stderr,
    )


def test_a_build_reads_its_configuration_from_standard_input_and_fails_the_same(
    tmp_path: Path,
) -> None:
    config = "INHERIT: mkdocs.yml\nsite_url: http://127.0.0.1:9/\n"
    outputs = []
    for way in (forked, spawn):
        folder = tmp_path / way.__name__
        folder.mkdir()
        project = copy_project(folder)
        args = [str(MKDOCS), "build", "--strict", "-f", "-", "-d", str(project / "site")]
        env = build_environment()
        assert preloaded.forkable(args, env)
        done = way(args, cwd=project, env=env, input=config, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "http://127.0.0.1:9/" in (project / "site" / "sitemap.xml").read_text()
        # An editor's mistake (a clause's words changed on the page) stops both, the same way.
        edit(
            project / "docs" / "index.md",
            "may revoke remaining credits associated",
            "may remove remaining credits associated",
        )
        stopped = way(args, cwd=project, env=env, input=config, timeout=300)
        assert stopped.returncode == 1, stopped.stderr
        said = (done.stderr, stopped.returncode, stopped.stdout, stopped.stderr)
        outputs.append(tuple(same_output(str(text), project) for text in said))
    assert outputs[0] == outputs[1]
    assert "may remove remaining credits" in outputs[0][3]


def test_a_command_past_its_timeout_is_stopped_and_the_next_one_runs(project: Path) -> None:
    # ./run serve never ends by itself: stopped at its timeout, as subprocess.run stops it.
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    serve = [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")]
    with pytest.raises(subprocess.TimeoutExpired):
        preloaded.run(serve, cwd=project, env=build_environment(), timeout=5, fork=True)
    # Nothing is left serving, and the next command gets its own answer.
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))
    done = forked(
        [sys.executable, "-m", "policy_site.pages.versions", "not-a-date"],
        cwd=project,
        env=build_environment(),
        input=None,
        timeout=300,
    )
    assert done.returncode == 2 and "is not a date" in done.stderr
