"""Copies of the checker's policy file with one value changed, for tests of what a change does."""

from __future__ import annotations

import re
from pathlib import Path

POLICY_FILE = Path(__file__).resolve().parents[1] / "checker" / "policy.toml"


def edited_policy(folder: Path, old: str, new: str) -> Path:
    """``folder/policy.toml``: the project's policy with the text ``old`` replaced by ``new``."""
    text = first_published(POLICY_FILE.read_text(encoding="utf-8"))
    assert old in text, f"{old!r} is not in {POLICY_FILE}"
    edited = Path(folder) / "policy.toml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edited


def credit_pack_bought(purchase_date: str, **changes: str) -> dict[str, str]:
    """The refund policy's most ordinary case, as a form or a link gives it: a credit pack bought
    on ``purchase_date`` (YYYY-MM-DD), unused but for a few credits, paid through Creem, with no
    earlier request or dispute; ``changes`` replace or add answers."""
    return {
        "purchase_date": purchase_date,
        "purchase_type": "credit_pack",
        "reason": "unused",
        "credits_used": "minimal",
        "previous_refund_requests": "0",
        "chargeback_filed": "false",
        "payment_provider": "creem",
        **changes,
    }


def first_published(text: str) -> str:
    """A policy file's text with its first version only, as it was published on that version's
    day: that version is frozen for good, so a test that adds versions to it, or reads its
    values, stands on ground that editors' work never moves (tests/site/projects.py makes whole
    projects so)."""
    lines = text.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.strip() == "[[versions]]"]
    if len(starts) < 2:
        starts.append(len(lines))
    end = starts[1]
    while end > 0 and lines[end - 1].lstrip().startswith("#"):
        end -= 1
    first = "".join(lines[:end]).rstrip("\n") + "\n"
    # Its record of typo fixes goes too (the words stay as corrected): a test that records one
    # records it as the first, as an editor's first fix would be.
    return re.sub(r"^typo_fixes\s*=\s*\[[^\]]*\]\s*\n", "", first, flags=re.MULTILINE)


def first_published_ledger(text: str) -> str:
    """A ledger file's text with its first version's part only, as :func:`first_published`'s file
    has it (without the archived page's hash, which only a later version's arrival records, nor
    the typo fixes recorded since)."""
    parts = text.split("\n[[version ")
    if len(parts) < 2:
        return text
    first = re.sub(r"^page = sha256:[0-9a-f]+\n", "", parts[1], flags=re.MULTILINE)
    first = re.sub(r"^typo_fix \d+ = .*\n", "", first, flags=re.MULTILINE)
    return parts[0] + "\n[[version " + first.rstrip("\n") + "\n"


def first_words(clause_id: str) -> str:
    """A clause's words in the first version of the policy file, as its page's bullet has them
    (a recorded typo fix included): a test that edits them starts from whatever they are."""
    import tomllib

    table = tomllib.loads(first_published(POLICY_FILE.read_text(encoding="utf-8")))
    entry = table["versions"][0]["clauses"][clause_id]
    words: str = entry["text"] if isinstance(entry, dict) else entry
    return words
