"""Copies of the checker's policy file with one value changed, for tests of what a change does."""

from __future__ import annotations

from pathlib import Path

POLICY_FILE = Path(__file__).resolve().parents[1] / "checker" / "policy.toml"


def edited_policy(folder: Path, old: str, new: str) -> Path:
    """``folder/policy.toml``: the project's policy with the text ``old`` replaced by ``new``."""
    text = POLICY_FILE.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {POLICY_FILE}"
    edited = Path(folder) / "policy.toml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edited
