"""A policy that is data: a folder with its policy.toml (its own values declared there) and no
Python. The engine makes its rulebook and checker from the file; a mistake in a declaration is
named at its line with what to write. The tests' own print guarantee stands in for an editor's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from checker import RULEBOOK as REFUND
from policy_engine.folder import GENERATED_MODULE, import_name, policy_module
from policy_engine.policy import PolicyError, parameters_of, read_policies
from tests.fixtures import PRINT_GUARANTEE_FOLDER

FIXTURE = PRINT_GUARANTEE_FOLDER
TODAY = date(2025, 9, 1)


def guarantee(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """A copy of the print guarantee's folder, with ``old`` replaced by ``new`` in its file."""
    folder = tmp_path / "print-guarantee"
    folder.mkdir()
    text = (FIXTURE / "policy.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "policy.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def line_of(folder: Path, written: str) -> int:
    return 1 + (folder / "policy.toml").read_text(encoding="utf-8").splitlines().index(written)


def test_its_values_are_declared_in_its_file_and_typed() -> None:
    module = policy_module(FIXTURE)
    assert module.RULEBOOK.name == "print-guarantee"
    assert module.__name__ == import_name("print-guarantee") == "policy_of_print_guarantee"
    first = module.default_policies().first
    assert (first.window_days, first.photos_needed) == (30, 2)
    declared = {value.name: value for value in parameters_of(first)}
    assert declared["window_days"].label == "Days to ask after delivery"
    assert declared["window_days"].compared_with == "days_since_delivery"
    # Its placeholders show its values in its clauses' words.
    assert first.clause_texts["late"] == "The request is made more than 30 days after delivery"
    assert "show it in 2 photos" in first.clause_texts["damaged-print"]


def test_it_judges_with_its_own_rules_as_the_days_go_by() -> None:
    check = policy_module(FIXTURE).check
    # Ordered on 1 July 2025, delivered on the 6th: its 30 days are counted from the delivery.
    warped = {"order_date": "2025-07-01", "delivery_date": "2025-07-06"}
    warped |= {"defect": "warped", "photos": True}
    # Asked on day 30 after delivery: a reprint; the same print asked on day 31: too late.
    on_time = check({**warped, "request_date": "2025-08-05"}, today=TODAY)
    late = check({**warped, "request_date": "2025-08-06"}, today=TODAY)
    assert (on_time.verdict, [c.id for c in on_time.clauses]) == ("reprint", ["damaged-print"])
    assert on_time.title == "We will likely reprint your order"
    assert (late.verdict, [c.id for c in late.clauses]) == (
        "not_covered",
        ["damaged-print", "late"],
    )
    # Marks on the surface are never covered; no photos leaves it to support.
    cosmetic = check({**warped, "defect": "cosmetic", "request_date": "2025-07-07"}, today=TODAY)
    no_photos = check({**warped, "photos": False, "request_date": "2025-07-07"}, today=TODAY)
    assert cosmetic.verdict == "not_covered"
    assert no_photos.verdict == "support_decides"


def test_the_module_the_browser_imports_is_the_same_for_every_policy(tmp_path: Path) -> None:
    # As the build packs it into the wheel: the generated module beside the policy's file. Run in
    # a fresh interpreter, which imports it by name as the page's worker does.
    package = tmp_path / import_name("print-guarantee")
    package.mkdir()
    (package / "__init__.py").write_text(GENERATED_MODULE, encoding="utf-8")
    shutil.copy(FIXTURE / "policy.toml", package / "policy.toml")
    assert "print" not in GENERATED_MODULE  # nothing of one policy in it
    code = (
        "import sys, policy_of_print_guarantee as p; "
        "print(p.RULEBOOK.name); "
        "print(p.check_query('order_date=2025-07-01&delivery_date=2025-07-02"
        "&request_date=2025-07-03&defect=broken&photos=true', today='2025-09-01'))"
    )
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": f"{tmp_path}:{root}"},
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    name, result = ran.stdout.splitlines()
    assert name == "print-guarantee"
    assert json.loads(result)["verdict"] == "reprint"


@pytest.mark.parametrize(
    ("old", "new", "at", "said"),
    [
        (
            'kind = "days"\nlabel = "Days',
            'kind = "weeks"\nlabel = "Days',
            'kind = "weeks"',
            "[values.window_days] needs its kind: one of “days”, “count”, “text”, “email”, "
            '“date”, “list”, like kind = "days"',
        ),
        (
            'unit = "photos"',
            'unit = "photos"\nfrequency = 2',
            "frequency = 2",
            "frequency is not part of a value's declaration; the parts are kind, label",
        ),
        (
            "[values.photos_needed]",
            "[values.effective]",
            "[values.effective]",
            "[values.effective] is a value every policy has already; name it like window_days",
        ),
        (
            'unit = "photos"',
            'unit = "photos"\nat_most = "window_days"',
            'at_most = "window_days"',
            "at_most of photos_needed must name another number of the same unit (photos)",
        ),
        (
            "lowest = 1\nhighest = 365",
            "lowest = 40\nhighest = 10",
            "highest = 10",
            "highest of window_days (10) is less than its lowest (40)",
        ),
        (
            'label = "Photos asked for"',
            "",
            "[values.photos_needed]",
            '[values.photos_needed] needs a label in words, like label = "Return window"',
        ),
    ],
    ids=["unknown kind", "unknown part", "a value every policy has", "at_most", "range", "label"],
)
def test_a_wrong_declaration_is_named_at_its_line(
    tmp_path: Path, old: str, new: str, at: str, said: str
) -> None:
    folder = guarantee(tmp_path, old, new)
    with pytest.raises(PolicyError) as raised:
        policy_module(folder).default_policies()
    expected = f"policy.toml:{line_of(folder, at)}: {said}"
    assert any(
        problem.endswith(expected) or expected in problem for problem in raised.value.problems
    ), raised.value.problems


def test_a_version_value_that_is_not_declared_is_said_as_any_unknown_line(tmp_path: Path) -> None:
    folder = guarantee(tmp_path, "window_days = 30\n", "window_days = 30\nwindow_weeks = 4\n")
    with pytest.raises(PolicyError) as raised:
        policy_module(folder).default_policies()
    assert f"policy.toml:{line_of(folder, 'window_weeks = 4')}: window_weeks is not a value" in (
        "\n".join(raised.value.problems)
    )


def test_an_older_file_without_declarations_is_read_with_the_current_ones(tmp_path: Path) -> None:
    # The frozen check reads a version as git holds it; a file from before its values were
    # declared in it (or cut to its versions) is read with the declarations of today's file.
    text = (FIXTURE / "policy.toml").read_text(encoding="utf-8")
    start = text.index("[values.window_days]")
    older = tmp_path / "older.toml"
    older.write_text(text[:start] + text[text.index("[self-check]") :], encoding="utf-8")
    rulebook = policy_module(FIXTURE).RULEBOOK
    with pytest.raises(PolicyError, match="window_days is not a value of the policy file"):
        read_policies(older)
    assert read_policies(older, policy_class=rulebook.policy).first.window_days == 30


def test_a_python_policy_cannot_also_declare_values_in_its_file(tmp_path: Path) -> None:
    shipped = REFUND.policy_file.read_text(encoding="utf-8")
    doubled = tmp_path / "policy.toml"
    doubled.write_text(
        shipped + '\n[values.window_days]\nkind = "days"\nlabel = "Window"\nunit = "days"\n'
        "lowest = 1\nhighest = 9\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as raised:
        read_policies(doubled, policy_class=REFUND.policy)
    heading = line_of(tmp_path, "[values.window_days]")
    assert [problem.split(":", 1)[1] for problem in raised.value.problems] == [
        f"{heading}: this policy's values are declared in its Python package; remove the "
        "[values] sections, or the package's declarations"
    ]
