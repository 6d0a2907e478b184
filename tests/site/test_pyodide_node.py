"""The checker on the real Pyodide runtime gives exactly what it gives in CPython.

The build makes the tailored standard library by running the checker on the pinned runtime under
Node, with the page's own loader (load-checker.mjs), through ``build_in_node/exercise.py``: every
answer of every question (valid, unsure, missing, malformed) from the form and from links, the
combinations that decide verdicts, broken links and bad JSON. It requires the same answers from
Pyodide's stock standard library and from the tailored one, and keeps them beside the zip. Here
the same exercise runs in CPython, and every answer must be identical: the browser's checker and
the CLI's are the same checker.

Node reads wheels without checking their sha256 (Pyodide passes the lock's hash only to the
browser's ``fetch``), so the test that a changed wheel is refused is a browser test
(tests/browser/test_widget.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import checker
import checker.policy
from policy_site.shipping.build_in_node import exercise
from policy_site.shipping.stdlib import ANSWERS_NAME


def test_pyodide_gives_exactly_the_answers_cpython_gives(
    tailored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = json.loads((tailored.parent / ANSWERS_NAME).read_text(encoding="utf-8"))
    in_pyodide = [json.loads(text) for text in recorded["answers"]]
    # The library is made once per version of the checker's code and reused for any policy
    # values; its answers are those of the policy it was made with, so CPython uses that one.
    policy = tmp_path / "policy.toml"
    policy.write_text(recorded["policy"], encoding="utf-8")
    monkeypatch.setattr(checker.CHECKER, "_default", checker.read_policies(policy))
    in_cpython = [json.loads(text) for text in json.loads(exercise.exercise("checker"))]
    assert len(in_pyodide) == len(in_cpython) > 400
    for number, (browser, local) in enumerate(zip(in_pyodide, in_cpython, strict=True)):
        assert browser == local, f"answer {number}"
    # Every verdict, and the error path, not just one kind of answer.
    assert {result.get("verdict") for result in in_cpython} == {
        "likely_eligible",
        "likely_not_eligible",
        "needs_review",
        None,
    }
