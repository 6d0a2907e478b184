"""``refund-check``: JSON in and out for tools, flags and a readable verdict for support staff."""

# The table of wrong flags keeps one case per entry; its long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from checker import RULEBOOK
from checker.__main__ import main
from checker.policy import DEFAULT_POLICY_FILE
from tests.checker.support import answers

FIELDS = tuple(question.field for question in RULEBOOK.questions)

GOOD = answers(reason="duplicate_payment", credits_used="minimal", day=3)
FLAGS = [
    "--purchase-date=2026-05-01",
    "--request-date=2026-05-04",
    "--purchase-type=credit_pack",
    "--reason=duplicate_payment",
    "--credits-used=minimal",
]
SCRIPT = Path(sysconfig.get_path("scripts")) / "refund-check"


def run_main(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def run_script(
    args: list[str], stdin: bytes = b"", **env: str
) -> subprocess.CompletedProcess[bytes]:
    """The installed console script, as support staff run it."""
    return subprocess.run(
        [str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, **env},
        check=False,
    )


def test_json_mode_prints_the_result(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run_main(["--json"], capsys, monkeypatch, json.dumps(GOOD))
    result = json.loads(out)
    assert status == 0
    assert result["verdict"] == "likely_eligible"
    assert [clause["id"] for clause in result["clauses"]] == ["duplicate-payment", "recent-unused"]


def test_json_mode_prints_errors_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = {**GOOD, "purchase_date": "2026-02-30", "reason": "bored"}
    status, out, _ = run_main(["--json"], capsys, monkeypatch, json.dumps(bad))
    assert status == 2
    assert [error["field"] for error in json.loads(out)["errors"]] == ["purchase_date", "reason"]


def test_json_mode_names_input_that_is_not_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run_main(["--json"], capsys, monkeypatch, "purchase_date=2026-05-01")
    assert status == 2
    assert "not valid JSON" in json.loads(out)["errors"][0]["message"]


def test_flags_mode_prints_a_readable_verdict_with_clause_ids(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run_main(FLAGS, capsys, monkeypatch)
    assert status == 0
    assert out.startswith("Likely eligible (likely_eligible)\n")
    assert "The policy usually gives a refund in this case." in out
    assert "Day 3 since purchase (refund window: 7 days)." in out
    assert "+ duplicate-payment: A duplicate or accidental duplicate payment occurred" in out
    assert "+ recent-unused:" in out
    assert "Support makes the final decision." in out


def test_flags_mode_speaks_to_staff_about_the_customer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [*FLAGS[:3], "--reason=change_of_mind", "--credits-used=some"]
    _, out, _ = run_main(flags, capsys, monkeypatch)
    headline = out.splitlines()[1]
    assert "The customer can still write" in headline
    assert "Write to support" not in out and "email support" not in out.lower()
    # What the customer reads is quoted as theirs, under its own heading.
    assert "What the self-check tells the customer:" in out


def test_flags_mode_marks_clauses_against_and_missing_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [*FLAGS[:3], "--reason=change_of_mind", "--credits-used=unsure"]
    status, out, _ = run_main(flags, capsys, monkeypatch)
    assert status == 0
    assert "(needs_review)" in out
    assert "Ask the customer about (each would change the verdict): credits_used" in out


def test_flags_mode_names_each_wrong_flag_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = ["--purchase-date=2026-5-1", "--reason=bored", "--previous-refund-requests=-1"]
    status, out, err = run_main(flags, capsys, monkeypatch)
    assert status == 2 and out == ""
    for flag in (
        "--purchase-date",
        "--purchase-type",
        "--reason",
        "--credits-used",
        "--previous-refund-requests",
    ):
        assert f"  {flag}: " in err


def test_a_missing_flag_is_named_with_its_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run_main([*FLAGS[:2], *FLAGS[3:]], capsys, monkeypatch)
    assert status == 2
    assert "  --purchase-type: Missing: give subscription or credit_pack." in err


def test_a_flag_given_twice_is_an_error_like_a_key_given_twice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run_main([*FLAGS, "--reason=other"], capsys, monkeypatch)
    assert status == 2
    assert "  --reason: Given twice: keep one." in err
    status, out, _ = run_main(
        ["--json"], capsys, monkeypatch, stdin='{"reason": "unused", "reason": "other"}'
    )
    assert status == 2
    assert {"field": "reason", "message": "Given twice: keep one."} in json.loads(out)["errors"]


def test_the_link_carries_every_answer_the_cli_judged_with(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run_main(
        [
            *FLAGS[:3],
            "--reason=unusable_result",
            "--credits-used=some",
            "--link",
            "https://x.test/",
        ],
        capsys,
        monkeypatch,
    )
    link = next(line for line in out.splitlines() if line.startswith("Pre-filled self-check:"))
    query = parse_qs(link.split("#check?", 1)[1])
    # The defaults it judged with, written out so that the page shows them as answered:
    assert query["outputs_used"] == ["false"] and query["first_purchase"] == ["false"]
    assert query["previous_refund_requests"] == ["0"] and query["chargeback_filed"] == ["false"]
    assert query["payment_provider"] == ["unsure"] and query["request_date"] == ["2026-05-04"]
    # What support did not say stays out: the page never shows a guess about the account.
    assert "terms_violation" not in query
    assert "support still checks:\n  * Whether the account has kept to the Terms of Service" in out


def test_a_link_without_a_request_date_counts_to_the_day_it_is_opened(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = [FLAGS[0], *FLAGS[2:], "--link", "https://example.org/refunds/"]
    _, out, _ = run_main(flags, capsys, monkeypatch)
    assert "https://example.org/refunds/#check?purchase_date=2026-05-01&purchase_type" in out
    assert "request_date" not in out.split("Pre-filled self-check:")[1]


def test_standard_input_is_read_up_to_a_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = json.dumps({f"key{i}": i for i in range(200_000)})
    status, out, _ = run_main(["--json"], capsys, monkeypatch, stdin=huge)
    assert status == 2 and len(out) < 1000
    assert "longer than 64 KB" in json.loads(out)["errors"][0]["message"]


def test_output_cut_short_by_head_ends_quietly() -> None:
    done = subprocess.run(
        f"{SCRIPT} {' '.join(FLAGS)} | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout == "Likely eligible (likely_eligible)\n"
    assert done.stderr == ""


def test_help_documents_every_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for field in FIELDS:
        assert "--" + field.replace("_", "-") in text
    for value in ("duplicate_payment", "failed_job_charged", "substantial", "creem"):
        assert value in text
    # Which defaults can change a verdict, named so that staff give them when they know them.
    defaults = text.split("These defaults can change a verdict")[1]
    for flag in ("--outputs-used", "--first-purchase", "--previous-refund-requests"):
        assert flag in defaults
    assert "--chargeback-filed" not in defaults and "--payment-provider" not in defaults


def test_another_policy_file_changes_the_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        DEFAULT_POLICY_FILE.read_text(encoding="utf-8").replace(
            "refund_window_days = 7", "refund_window_days = 2"
        ),
        encoding="utf-8",
    )
    status, out, _ = run_main([*FLAGS, "--policy", str(policy)], capsys, monkeypatch)
    assert status == 0
    assert "(refund window: 2 days)" in out and "- late-request:" in out


def test_the_console_script_is_installed_and_works() -> None:
    done = run_script(["--json"], json.dumps(GOOD).encode())
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["verdict"] == "likely_eligible"


def test_python_dash_m_checker_runs_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checker", *FLAGS],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "likely_eligible" in done.stdout


BAD_RUNS: list[Any] = [
    pytest.param(["--json"], b"not json", id="not JSON"),
    pytest.param(["--json"], b"", id="empty input"),
    pytest.param(["--json"], b"[" * 100_000, id="deeply nested JSON"),
    pytest.param(["--json"], b'{"\\ud800": 1}', id="lone surrogate in a key"),
    pytest.param(["--json"], b"\xff\xfe{", id="bytes that are not UTF-8"),
    pytest.param(["--json"], b'{"previous_refund_requests": 1' + b"0" * 5000 + b"}", id="huge"),
    pytest.param(["--json"], b"[]", id="JSON that is not an object"),
    pytest.param([*FLAGS[:4], "--credits-used", "\udcff"], b"", id="undecodable argument"),
    pytest.param([*FLAGS, "--purchase-date", "2026-02-30"], b"", id="impossible date"),
    pytest.param([*FLAGS, "--request-date", "2026-04-01"], b"", id="request before purchase"),
    pytest.param([*FLAGS, "--terms-violation", "maybe"], b"", id="unknown value"),
    pytest.param([*FLAGS, "--previous-refund-requests", "1.5"], b"", id="fractional count"),
    pytest.param([*FLAGS, "--no-such-flag"], b"", id="unknown flag"),
    pytest.param([*FLAGS, "--policy", "/nonexistent/policy.toml"], b"", id="missing policy"),
]


@pytest.mark.parametrize(("args", "stdin"), BAD_RUNS)
def test_bad_input_never_shows_a_traceback(args: list[str], stdin: bytes) -> None:
    # PYTHONIOENCODING=utf-8 makes standard input strict, as in a desktop UTF-8 locale.
    done = run_script(args, stdin, PYTHONIOENCODING="utf-8")
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr + done.stdout
    if "--json" in args:
        assert json.loads(done.stdout)["errors"]
    else:
        assert done.stderr.startswith(b"usage:") or done.stderr.startswith(b"refund-check")


def test_a_policy_file_missing_a_clause_is_named_without_a_traceback(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "\n".join(
            line
            for line in DEFAULT_POLICY_FILE.read_text(encoding="utf-8").splitlines()
            if line != 'text = "Credits were charged for a failed job that was not automatically '
            'refunded"'
        ),
        encoding="utf-8",
    )
    done = run_script(
        [*FLAGS[:3], "--reason=failed_job_charged", "--credits-used=none", "--policy", str(policy)]
    )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert b"the clause failed-job has no text; add a line" in done.stderr


# One input rule everywhere (dev/contract.md, "The same input rules everywhere"): the flags themselves.
# (arguments, standard input, the one line the CLI says on standard error)
# fmt: off
USAGE_MISTAKES = [
    pytest.param(["--json", "--terms-violation", "true"], json.dumps(GOOD),
                 "refund-check: --json cannot be combined with answer flags (--terms-violation): --json reads every answer from standard input. Put them in the JSON object, or leave out --json.", id="json with a flag"),
    pytest.param([*FLAGS, "--link", "refunds.imgtostl.com"], "",
                 "refund-check: --link: “refunds.imgtostl.com” is not the address of a web page. Give the policy page's address with its https://, for example https://refunds.imgtostl.com/.", id="link without a scheme"),
    pytest.param([*FLAGS, "--link", "javascript:alert(1)//"], "",
                 "refund-check: --link: “javascript:alert(1)//” is not the address of a web page. Give the policy page's address with its https://, for example https://refunds.imgtostl.com/.", id="javascript link"),
    pytest.param([*FLAGS, "--link", "https://a.example/", "--link", "https://b.example/"], "",
                 "refund-check: --link: given twice; keep one.", id="link twice"),
    pytest.param([*FLAGS, "--policy", str(DEFAULT_POLICY_FILE), "--policy", str(DEFAULT_POLICY_FILE)], "",
                 "refund-check: --policy: given twice; keep one.", id="policy twice"),
    pytest.param([*FLAGS, "--policy", "/nonexistent"], "",
                 "refund-check: --policy: “/nonexistent” is not a file. Give the path of a policy.toml, or leave --policy out to use the one shipped with the checker.", id="no such policy file"),
]
# fmt: on


@pytest.mark.parametrize(("args", "stdin", "said"), USAGE_MISTAKES)
def test_a_wrong_flag_is_named_and_exits_2(
    args: list[str],
    stdin: str,
    said: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, out, err = run_main(args, capsys, monkeypatch, stdin=stdin)
    assert (status, out, err) == (2, "", said + "\n")


def test_too_much_valid_json_is_reported_only_as_too_long(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    padded = json.dumps(GOOD | {"padding": "x" * 70 * 1024})
    status, out, _ = run_main(["--json"], capsys, monkeypatch, stdin=padded)
    assert status == 2
    assert json.loads(out) == {
        "errors": [
            {
                "field": "answers",
                "message": "The standard input is longer than 64 KB. Send one JSON object of "
                "answers: a few hundred bytes.",
            }
        ]
    }


def test_a_count_flag_with_a_decimal_point_is_named_as_typed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run_main([*FLAGS, "--previous-refund-requests", "1.0"], capsys, monkeypatch)
    assert status == 2
    assert "--previous-refund-requests: “1.0” is not a count: give a whole number" in err


def test_a_malformed_date_reads_as_a_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [f for f in FLAGS if not f.startswith("--purchase-date")]
    status, _, err = run_main([*args, "--purchase-date", "01/05/2026"], capsys, monkeypatch)
    assert status == 2
    assert (
        "--purchase-date: Give the date you bought it as YYYY-MM-DD (year-month-day), for "
        "example 2026-05-01, not “01/05/2026”." in err
    )
