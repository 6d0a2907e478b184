"""``refund-check``: what the refund policy says about a customer's situation, for support staff.

    refund-check --purchase-date 2026-05-01 --purchase-type credit_pack \\
                 --reason duplicate_payment --credits-used none
    echo '{"purchase_date": "2026-05-01", ...}' | refund-check --json
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from checker import InvalidAnswers, PolicyError, check, load_policy
from checker.answers import answers_from_query, answers_to_query, parse_answers
from checker.questions import QUESTIONS, Kind

EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refund-check",
        description="What ImgToSTL's refund policy says about one customer's situation. "
        "Support makes the final decision; this is the policy's usual answer.",
        epilog="Exit status: 0 with a result, 2 when an answer is wrong (each problem is named). "
        "Share a pre-filled self-check with a customer with --link URL_OF_THE_POLICY_PAGE.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="read the answers as one JSON object on standard input and print the "
        'result as JSON (or {"errors": [...]})',
    )
    answers = parser.add_argument_group("answers (the same names as in JSON, with - for _)")
    for question in QUESTIONS:
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            values = "|".join(option.value for option in question.options)
        elif question.kind is Kind.DATE:
            values = "YYYY-MM-DD"
        else:
            values = "N"
        required = "required" if question.default is None else f"default {question.default}"
        answers.add_argument(
            "--" + question.field.replace("_", "-"),
            dest=question.field,
            metavar=values,
            help=f"{question.label} ({required})",
        )
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="use another policy.toml (default: the one shipped with the checker)",
    )
    parser.add_argument(
        "--link",
        metavar="URL",
        help="also print a link to the self-check on the policy page at URL, "
        "pre-filled with these answers",
    )
    return parser


def _print_readable(result: dict[str, Any], link: str | None) -> None:
    write = sys.stdout.write
    write(f"{result['title']} ({result['verdict']})\n{result['summary']}\n")
    days = result["days_since_purchase"]
    window = result["policy"]["refund_window_days"]
    write(f"\nDay {days} since purchase (refund window: {window} days).\n")
    if result["clauses"]:
        write("\nClauses that apply:\n")
        for clause in result["clauses"]:
            sign = "+" if clause["effect"] == "supports" else "-"
            write(f"  {sign} {clause['id']}: {clause['text']}\n")
    if result["missing"]:
        write("\nAsk the customer about: " + ", ".join(result["missing"]) + "\n")
    if result["notes"]:
        write("\nNotes:\n" + "".join(f"  * {note}\n" for note in result["notes"]))
    write(f"\nProcessing time: {result['processing_time']}\n")
    if result["alternatives"]:
        write(
            "\nAlternatives to offer: "
            + "; ".join(item["text"] for item in result["alternatives"])
            + "\n"
        )
    if link:
        write(f"\nPre-filled self-check: {link.split('#')[0]}{result['link']}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # Bad input may carry lone surrogates (\ud800 in JSON): print them escaped, which
            # is also valid JSON, instead of failing with a traceback.
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        policy = load_policy(args.policy) if args.policy else None
    except PolicyError as error:
        sys.stderr.write(f"refund-check: {error}\n")
        return EXIT_INVALID
    try:
        if args.json:
            try:
                raw = json.loads(sys.stdin.read())
            except (ValueError, RecursionError) as not_json:
                # ValueError covers undecodable bytes (UnicodeDecodeError) and bad JSON.
                raise InvalidAnswers(
                    [
                        {
                            "field": "answers",
                            "message": (
                                f"The standard input is not valid JSON ({not_json}). "
                                "Send one JSON object."
                            ),
                        }
                    ]
                ) from None  # the message says all there is
            result = check(raw, policy=policy)
        else:
            given = {
                q.field: getattr(args, q.field)
                for q in QUESTIONS
                if getattr(args, q.field) is not None
            }
            # Undecodable bytes in the arguments arrive as surrogates; keep them as bytes here
            # so that they are reported as a wrong answer, not a traceback.
            query = urlencode(given, errors="surrogateescape")
            result = check(answers_from_query(query), policy=policy)
            if "request_date" not in given:
                # A link sent today should count the days up to when the customer opens it.
                answers = parse_answers(result["answers"], date.today())
                result["link"] = "#check?" + answers_to_query(answers, with_request_date=False)
    except InvalidAnswers as invalid:
        if args.json:
            sys.stdout.write(json.dumps({"errors": invalid.errors}, ensure_ascii=False) + "\n")
        else:
            sys.stderr.write("refund-check: these answers need fixing:\n")
            for problem in invalid.errors:
                flag = "--" + problem["field"].replace("_", "-")
                sys.stderr.write(f"  {flag}: {problem['message']}\n")
        return EXIT_INVALID
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_readable(result, args.link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
