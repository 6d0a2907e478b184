"""The command line of every policy: what a policy says about a customer's situation, for
support staff. ``policy-check --for NAME`` runs it for any policy of the site
(:mod:`policy_site.policy_check`); ``refund-check`` is the refund policy's own (``checker``).

    refund-check --purchase-date 2026-05-01 --purchase-type credit_pack \\
                 --reason duplicate_payment --credits-used none
    echo '{"purchase_date": "2026-05-01", ...}' | refund-check --json
    refund-check --from-link 'https://refunds.imgtostl.com/#check?purchase_date=…'
    policy-check --for returns --purchase-date 2026-05-01 --arrived-damaged true

The flags are the policy's questions; ``--for NAME`` chooses a policy other than the one the
command was made for (a package beside the working folder, or installed, whose rulebook is called
NAME, or a policy that is data in ``policies/NAME/``). Every message starts with the name of the
command that was run.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from policy_engine.answers import (
    Answered,
    InvalidAnswers,
    Source,
    answers_from_query,
    json_float,
    json_object,
    typed_value,
)
from policy_engine.checking import PolicyChecker
from policy_engine.policy import PolicyError, long_date, parameters_of
from policy_engine.questions import Asker, Kind, Question, json_number
from policy_engine.result import Result
from policy_engine.words import PolicyWords

EXIT_INVALID = 2
EXIT_FAULT = 70  # EX_SOFTWARE
# The most standard input --json reads: one set of answers is a few hundred bytes.
STDIN_LIMIT = 64 * 1024


class _Once(argparse.Action):
    """Stores a flag's value, and remembers a flag given twice (reported with the answers)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest) is not None:
            namespace.twice.append(self.dest)
            return
        setattr(namespace, self.dest, values)


def parser_for(
    questions: Sequence[Question],
    name: str = "refund",
    prog: str = "refund-check",
    words: PolicyWords | None = None,
) -> argparse.ArgumentParser:
    """The flags: one per question, with its values and default, read from ``questions``; what
    the policy is about in ``words`` (its file's [words]: "asked of purchases from …")."""
    said = words or PolicyWords()
    verdict_defaults = [q for q in questions if q.default is not None and q.changes_verdict]
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"What ImgToSTL's {name} policy says about one customer's situation. "
        "Support makes the final decision; this is the policy's usual answer.",
        epilog="Answers left out take their default. These defaults can change a verdict, so "
        "give them when you know them: "
        + ", ".join(f"--{q.field.replace('_', '-')} ({q.default})" for q in verdict_defaults)
        + ". "
        + "".join(
            f"Without --{q.field.replace('_', '-')} the result says support still checks "
            f"{q.about}. "
            for q in questions
            if q.asker is Asker.SUPPORT
        )
        + "--link URL_OF_THE_POLICY_PAGE prints a self-check link with every answer judged "
        "(the request date only if given: otherwise it counts to the day the customer opens "
        "it). Exit status: 0 with a result, 2 when an answer is wrong (each problem is named).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(twice=[])
    parser.add_argument(
        "--for",
        dest="policy_name",
        metavar="NAME",
        help=f"another policy of the site, by its name (default: {name})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="read the answers as one JSON object on standard input and print the "
        'result as JSON (or {"errors": [...]})',
    )
    answers = parser.add_argument_group("answers (the same names as in JSON, with - for _)")
    for question in questions:
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            values = "|".join(option.value for option in question.options)
        elif question.kind is Kind.DATE:
            values = "YYYY-MM-DD"
        else:
            values = "N"
        if question.default is None:
            required = "required"
        elif question.changes_verdict:
            required = f"default {question.default}; can change the verdict"
        else:
            required = f"default {question.default}"
        if question.asked_from:
            since = long_date(date.fromisoformat(question.asked_from))
            required += f"; asked of {said.things} from {since}, ignored before"
        answers.add_argument(
            "--" + question.field.replace("_", "-"),
            dest=question.field,
            metavar=values,
            action=_Once,
            help=f"{question.label} ({required})",
        )
    parser.add_argument(
        "--policy",
        metavar="FILE",
        action=_Once,
        help="use another policy.toml (default: the one shipped with the checker)",
    )
    parser.add_argument(
        "--link",
        metavar="URL",
        action=_Once,
        help="also print a link to the self-check on the policy page at URL, "
        "pre-filled with these answers",
    )
    parser.add_argument(
        "--from-link",
        metavar="URL",
        action=_Once,
        help="judge the answers of a customer's self-check link (from their email, pasted as "
        "it is, in quotes), on the day the link carries: the verdict the customer saw, and a "
        "line when today's would differ",
    )
    return parser


# How a clause is marked for staff, by the role of the answer it alone leads to (the page's
# widget.css marks it the same way).
ROLE_SIGNS = {"positive": "+", "negative": "-", "review": "?", "neutral": "*"}


def _readable(result: Result, link: str | None, from_link: bool = False) -> str:
    """The result for support staff."""
    lines = [f"{result.label} ({result.verdict})", result.staff_summary]
    if from_link:
        lines += _judged_day(result)
    lines += ["", *_span_lines(result), result.staff_version]
    if result.clauses:
        lines += ["", "Clauses that apply:"]
        for clause in result.clauses:
            # Marked by the role of the answer it alone leads to, as the page marks it.
            lines.append(f"  {ROLE_SIGNS.get(clause.role, '*')} {clause.id}: {clause.text}")
    if result.missing:
        lines += ["", "Ask the customer about (each would change the verdict): "]
        lines[-1] += ", ".join(result.missing)
    if result.support_checks:
        lines += ["", "Not given, so judged as “no”; support still checks:"]
        lines += [f"  * {text}" for text in result.support_check_texts]
    lines += ["", "Judged with:"]
    lines += [f"  {field} = {value}" for field, value in result.shown.items()]
    if result.notes:
        lines += ["", "What the self-check tells the customer:"]
        lines += [f"  * {note}" for note in result.notes]
    if result.processing_time:
        lines += ["", f"Processing time (as the customer is told): {result.processing_time}"]
    if result.alternatives:
        offers = "; ".join(item["text"] for item in result.alternatives)
        lines += ["", f"Alternatives the customer can be offered: {offers}"]
    if link:
        lines += ["", f"Pre-filled self-check: {link.split('#')[0]}{result.link}"]
    return "\n".join(lines) + "\n"


def _span_lines(result: Result) -> list[str]:
    """One line per span the policy names, in its file's words, with the values compared with
    it: "Day 7 since purchase (refund window: 7 days)."."""
    lines = []
    for span in result.policy.rules.dates.spans:
        windows = [
            f"{parameter.label[:1].lower()}{parameter.label[1:]}: "
            f"{getattr(result.policy, parameter.name)} {parameter.unit}"
            for parameter in parameters_of(result.policy)
            if parameter.compared_with == span.name
        ]
        within = f" ({'; '.join(windows)})" if windows else ""
        lines.append(f"Day {span.days(result.answers)} {span.staff}{within}.")
    return lines


def link_query(link: str) -> str | None:
    """The answers of a self-check link (``https://…/#check?purchase_date=…``, or its
    ``#check?…`` part alone) as a query; None when it is not one."""
    text = link.strip()
    if not text.isprintable():
        return None
    _, hash_mark, fragment = text.partition("#")
    if not hash_mark:
        return None
    if not fragment.startswith("check?") or len(fragment) == len("check?"):
        return None
    return fragment.removeprefix("check?")


def _judged_day(result: Result) -> list[str]:
    """For --from-link: the day the answers were judged, and today's verdict if it differs."""
    day = result.checked_on
    if day is None:
        if "request_date" in result.answers.given:
            return ["", f"Checked on the day the link carries: today ({result.today.isoformat()})."]
        return [
            "",
            "The link carries no request date (an older link, or one made by --link): judged as "
            f"asked today ({result.today.isoformat()}).",
        ]
    lines = ["", f"Checked on {day.isoformat()}, the day of the request the link carries."]
    if result.today_would is not None:
        lines.append(
            f"Today ({result.today.isoformat()}) it would be {result.today_would.verdict}: "
            "the customer saw the verdict above."
        )
    else:
        lines.append(f"Today ({result.today.isoformat()}) the verdict is the same.")
    return lines


def _read_stdin() -> bytes:
    data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    if len(data) > STDIN_LIMIT:
        raise InvalidAnswers(
            [
                {
                    "field": "answers",
                    "message": f"The standard input is longer than {STDIN_LIMIT // 1024} KB. "
                    "Send one JSON object of answers: a few hundred bytes.",
                }
            ]
        )
    return data


def find_policy(name: str, default: PolicyChecker) -> PolicyChecker | None:
    """The checker of the policy called ``name``: ``default``'s, the policy that is data in
    ``policies/NAME/`` of the working folder (where ``./run new-policy`` makes it), or the
    ``CHECKER`` of the package named like it (``credit-expiry``: ``credit_expiry``), beside the
    working folder or installed; None when there is none."""
    if name == default.rulebook.name:
        return default
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        return None
    folder = Path.cwd() / "policies" / name
    if (folder / "policy.toml").is_file():
        from policy_engine.folder import policy_module

        data: PolicyChecker = policy_module(folder).CHECKER
        return data
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        package = importlib.import_module(name.replace("-", "_"))
    except ImportError:
        return None
    found = getattr(package, "CHECKER", None)
    if isinstance(found, PolicyChecker) and found.rulebook.name == name:
        return found
    return None


def main(
    argv: Sequence[str] | None = None,
    default: PolicyChecker | None = None,
    prog: str = "refund-check",
) -> int:
    """Run the CLI called ``prog`` for ``default``'s policy (or the one ``--for`` names); returns
    the exit status."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            # Bad input may carry lone surrogates (\ud800 in JSON): print them escaped, which
            # is also valid JSON, instead of failing with a traceback.
            stream.reconfigure(errors="backslashreplace")
    try:
        return _run(argv, default, prog)
    except BrokenPipeError:
        # The reader stopped reading (`policy-check … | head`): end quietly. Python would
        # report the pipe again when it flushes at exit; point the output at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as error:  # a fault of the checker itself: say so, without a traceback
        sys.stderr.write(
            f"{prog}: the checker failed ({type(error).__name__}: {error}). This is a fault "
            "in the checker, not in the answers: please report it to a developer.\n"
        )
        return EXIT_FAULT


def _usage_problems(args: argparse.Namespace, questions: Sequence[Question]) -> list[str]:
    """What is wrong with the flags themselves (not the answers), each naming its flag."""
    own = ("policy", "link", "from_link")
    problems = [
        f"--{field.replace('_', '-')}: given twice; keep one."
        for field in own
        if field in args.twice
    ]
    flags = ["--" + q.field.replace("_", "-") for q in questions if getattr(args, q.field)]
    flags += ["--" + f.replace("_", "-") for f in args.twice if f not in own]
    if args.from_link is not None and (flags or args.json):
        problems.append(
            "--from-link cannot be combined with --json or answer flags "
            f"({', '.join(dict.fromkeys(flags)) or '--json'}): the link carries every answer. "
            "Give the link alone, or the answers alone."
        )
    elif args.json and flags:
        problems.append(
            f"--json cannot be combined with answer flags ({', '.join(dict.fromkeys(flags))}): "
            "--json reads every answer from standard input. Put them in the JSON object, or "
            "leave out --json."
        )
    if args.link is not None:
        link = urlsplit(args.link) if args.link.isprintable() and " " not in args.link else None
        if link is None or link.scheme not in ("http", "https") or not link.hostname:
            shown = args.link if len(args.link) <= 60 else args.link[:59] + "…"
            problems.append(
                f"--link: “{shown}” is not the address of a web page. Give the policy page's "
                "address with its https://, for example https://refunds.imgtostl.com/."
            )
    if args.from_link is not None and link_query(args.from_link) is None:
        shown = args.from_link if len(args.from_link) <= 60 else args.from_link[:59] + "…"
        problems.append(
            f"--from-link: “{shown}” is not a self-check link. Paste the whole link from the "
            "customer's email, in quotes: it looks like "
            "https://refunds.imgtostl.com/#check?purchase_date=…"
        )
    if args.policy is not None and not Path(args.policy).is_file():
        problems.append(
            f"--policy: “{args.policy}” is not a file. Give the path of a policy.toml, or leave "
            "--policy out to use the one shipped with the checker."
        )
    return problems


def _run(argv: Sequence[str] | None, default: PolicyChecker | None, prog: str) -> int:
    if default is None:
        raise RuntimeError(f"{prog} needs the policy it was made for")
    # --for first: the other flags are that policy's questions.
    chosen = argparse.ArgumentParser(add_help=False)
    chosen.add_argument("--for", dest="policy_name")
    chosen.add_argument("--policy")
    early = chosen.parse_known_args(argv)[0]
    name = early.policy_name or default.rulebook.name
    checker = find_policy(name, default)
    if checker is None:
        sys.stderr.write(
            f"{prog}: --for: there is no policy called “{name}” here. Give the name of a "
            f"policy of the site (its rulebook's name, such as {default.rulebook.name}), from "
            "the folder that holds its package.\n"
        )
        return EXIT_INVALID
    # The policy file first: its versions' questions are the flags.
    try:
        # (Not a file: the flags' own check says so, below.)
        readable = early.policy is not None and Path(early.policy).is_file()
        policy = checker.read_policies(early.policy) if readable else None
        rulebook = checker.rulebook.for_policies(policy or checker.default_policies())
        questions = rulebook.questions
        words = (policy or checker.default_policies()).first.texts.words
    except PolicyError as error:
        sys.stderr.write("".join(f"{prog}: {problem}\n" for problem in error.problems))
        return EXIT_INVALID
    fields = tuple(question.field for question in questions)
    args = parser_for(questions, checker.rulebook.name, prog, words=words).parse_args(argv)
    problems = _usage_problems(args, questions)
    if problems:
        sys.stderr.write("".join(f"{prog}: {problem}\n" for problem in problems))
        return EXIT_INVALID
    try:
        if args.json:
            # Read first: too much input is reported alone, not as "not valid JSON".
            data = _read_stdin()
            try:
                raw = json.loads(
                    data,
                    object_pairs_hook=json_object,
                    parse_int=json_number,
                    parse_float=json_float,
                )
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
            result = checker.check(raw, policy=policy)
        elif args.from_link is not None:
            query = link_query(args.from_link)
            assert query is not None  # checked with the flags
            result = checker.check(
                answers_from_query(query, questions), policy=policy, source=Source.STAFF
            )
        else:
            by_field = rulebook.questions_by_field
            given = Answered(
                [
                    (q.field, typed_value(q.field, getattr(args, q.field), by_field))
                    for q in questions
                    if getattr(args, q.field) is not None
                ]
                + [(field, getattr(args, field)) for field in args.twice if field in fields]
            )
            result = checker.check(given, policy=policy)
    except InvalidAnswers as invalid:
        if args.json:
            sys.stdout.write(json.dumps({"errors": invalid.errors}, ensure_ascii=False) + "\n")
        else:
            what = "the link's answers" if args.from_link is not None else "these answers"
            sys.stderr.write(f"{prog}: {what} need fixing:\n")
            for problem in invalid.errors:
                field = problem["field"]
                if args.from_link is not None:
                    name = f"the link's {field}" if field != "answers" else "the link"
                else:
                    name = "--" + field.replace("_", "-") if field != "answers" else "answers"
                sys.stderr.write(f"  {name}: {problem['message']}\n")
        return EXIT_INVALID
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_readable(result, args.link, from_link=args.from_link is not None))
    sys.stdout.flush()  # inside main(), so that a closed pipe is handled there
    return 0
