"""The project's one entry point, `./run`, as a person types it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
