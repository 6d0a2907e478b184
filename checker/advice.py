"""The refund self-check's words that the engine says for every policy
(:mod:`policy_engine.advice`), and which of the policy's outcomes fit a case
(:mod:`checker.outcomes`), in one place for the CLI and the tests."""

from __future__ import annotations

from checker.outcomes import (
    WARNING_NOTES,
    AlternativeId,
    NoteId,
    Settlement,
    alternative_ids,
    note_ids,
    settlement,
    timing,
)
from policy_engine.advice import (
    GIVEN_IN_LINK,
    GIVEN_IN_LINK_EMAIL,
    MAILTO_LIMIT,
    SHORTENED,
)

__all__ = [
    "GIVEN_IN_LINK",
    "GIVEN_IN_LINK_EMAIL",
    "MAILTO_LIMIT",
    "SHORTENED",
    "WARNING_NOTES",
    "AlternativeId",
    "NoteId",
    "Settlement",
    "alternative_ids",
    "note_ids",
    "settlement",
    "timing",
]
