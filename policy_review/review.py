"""``./run review``: what a change to the policy or the rules changes in the self-check's answers.

It makes the ledger of the current rules and policy (:mod:`policy_review.ledger`), one part per
version of the policy, compares it with the committed one (``checker/ledger.txt``) and says, for a
person, what changed in each version: the policy's values and clause words, then for each part of
the decision which situations change and how ("312 situations go from likely_not_eligible to
likely_eligible, now citing recent-unused: requests 8-14 days after purchase, ..."). A new version
is compared with the version before it. It ends with a count, and exits with 1 while the committed
ledger is out of date. ``--accept`` writes the new ledger, to commit with the change.

A version that has taken effect is frozen (:func:`frozen_checks`): its values and decisions cannot
change, its words (clauses, "last updated", its note, its page) only as a typo fix the editor
records in its ``typo_fixes``. "Taken effect" is by the real date (a preview date looks ahead,
never back), and the change is held to what was published: the version as git has it at the
commit that published it (:func:`published`), not the working tree's ledger alone. The review
refuses to accept anything else, and the build stops on it.

The two ledgers may draw their classes differently (a new refund window moves the days'
boundaries), so they are compared on classes fine enough for both: the days 8-14 that were late
under a 7-day window and are inside a 14-day one are told apart from the rest.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import inspect
import itertools
import math
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from policy_engine.policy import (
    Policies,
    Policy,
    PolicyError,
    StandardPolicy,
    display_name,
    long_date,
    parameters_of,
    policies_from_mapping,
    versioned,
)
from policy_engine.rules import Rulebook
from policy_review import ledger as ledgers
from policy_review.ledger import (
    APPLIES,
    DAYS,
    NOT_APPLIES,
    Book,
    Dimension,
    Klass,
    Ledger,
    LedgerError,
)
from policy_site import package as packages
from policy_site.package import PolicyPackage
from policy_site.pages import upcoming, versions
from policy_site.shipping import cache, runtime

# Where each earlier version's page is kept, frozen: docs/history/2026-05-01.md.
DEFAULT_DOCS = Path("docs")
LEDGER_NAME = "ledger.txt"
EXIT_STALE = 1
EXIT_PROBLEM = 2
ABSENT = "(not in this ledger)"


# The ledger, made once per content --------------------------------------------------------------


def _sources(policy: PolicyPackage) -> list[Path]:
    """The code that decides the ledger: the ledger's own, the engine's and the policy's."""
    engine = Path(inspect.getfile(Rulebook)).parent
    folders = sorted({engine, policy.folder})
    return [
        Path(ledgers.__file__),
        *(file for folder in folders for file in sorted(folder.glob("*.py"))),
    ]


# Each version's part of the ledger, by its key: made in this process, and read from the cache.
_made: dict[str, str] = {}
_read: dict[str, str] = {}


def current_text(
    policy: PolicyPackage | Path,
    cache_dir: Path | None = None,
    history: Path | None = None,
    *,
    trust_cache: bool = True,
) -> str:
    """The ledger's text for ``policy``'s file under its current rules (a path: that file of the
    site's policy, :func:`site_policy`).

    Each version's part takes about 3 s to make, so it is kept by what decides it (the version's
    values and words, the checker's code and the ledger's own): in memory, and in
    ``<cache_dir>/ledger/`` (the build's cache folder unless given), where the build,
    ``./run review`` and the tests find it. A version whose page is archived in ``history``
    (``<effective>.md``) records that page's SHA-256 too, so that it stays as it was.

    With ``trust_cache=False`` (a build that publishes), the cache folder is never read: anyone
    who can write it could make it say anything, and the page's decision table is this text.
    Each part is made afresh (once per process), and the cache entry is replaced by it.
    """
    cache_dir = cache_dir if cache_dir is not None else runtime.default_cache_dir()
    if not isinstance(policy, PolicyPackage):
        policy = site_policy(None, Path(policy))
    history = history if history is not None else history_of(policy)
    code = hashlib.sha256()
    for source in _sources(policy):
        code.update(source.read_bytes())
    bodies = {}
    for version in policy.read_policies().versions:
        effective = version.effective.isoformat()
        body = _version_text(
            policy.rulebook, version, code.copy(), Path(cache_dir), trust_cache=trust_cache
        )
        page = history / f"{effective}.md"
        if page.is_file():
            digest = hashlib.sha256(page.read_bytes()).hexdigest()
            body = body.replace("\n\n[classes]\n", f"\npage = sha256:{digest}\n\n[classes]\n", 1)
        bodies[effective] = body
    return ledgers.assemble(bodies, policy.rulebook)


def _version_text(
    rulebook: Rulebook, version: Policy, digest: Any, cache_dir: Path, *, trust_cache: bool
) -> str:
    for line in ledgers.policy_lines(version):
        digest.update(line.encode() + b"\n")
    # The version's rules are data too: its questions, conditions and outcomes decide the ledger.
    digest.update(version.rules.text().encode())
    # And so is how its clauses decide, which is the whole file's ([[decide]], [effects]).
    digest.update(version.texts.decision.text().encode())
    key = digest.hexdigest()[:32]
    if key in _made:
        return _made[key]
    cached = cache_dir / "ledger" / f"{key}.txt"
    if trust_cache and key in _read:
        return _read[key]
    if trust_cache and cached.is_file():
        _read[key] = cached.read_text(encoding="utf-8")
        return _read[key]
    _made[key] = "\n".join(ledgers.render_version(rulebook, ledgers.make_ledger(rulebook, version)))
    _read.pop(key, None)
    if not cached.is_file() or cached.read_text(encoding="utf-8") != _made[key]:
        cache.write_file(cached, _made[key].encode("utf-8"))
    return _made[key]


# Frozen versions ----------------------------------------------------------------------------------

# What a version that has taken effect can never change, and what it may change only as a typo fix.


def frozen_values(policy: Policy | type[Policy] = StandardPolicy) -> tuple[str, ...]:
    """The values a version gives and a frozen version cannot change: those that versions may
    change, read from their declarations (checker/policy.py)."""
    return tuple(parameter.name for parameter in versioned(parameters_of(policy)))


TYPO_FIXABLE = ("last_updated", "changes", "page")


def _pairs(lines: list[str]) -> dict[str, str]:
    return dict(line.partition(" = ")[::2] for line in lines)


def frozen_page_diff(page: Path, limit: int = 16) -> str:
    """What changed in a frozen page, as lines of a diff against the copy git has committed
    (``git show HEAD:<page>``), for a message; or a sentence saying how to see it."""
    try:
        done = subprocess.run(
            ["git", "show", f"HEAD:./{page.name}"],
            cwd=page.parent,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        done = None
    if done is None or done.returncode != 0 or not page.is_file():
        return f" (git has no committed copy of {display_name(page)} to compare it with.)"
    diff = [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            done.stdout.splitlines(keepends=True),
            page.read_text(encoding="utf-8").splitlines(keepends=True),
            fromfile=f"{display_name(page)} as committed",
            tofile=f"{display_name(page)} now",
            n=0,
        )
    ]
    if not diff:
        return ""
    shown = diff[:limit] + ([f"… and {len(diff) - limit} more lines"] if len(diff) > limit else [])
    return " What changed in it:\n" + "".join(f"      {line}\n" for line in shown).rstrip("\n")


def frozen_problems(
    old: Book,
    new: Book,
    today: date,
    policy_name: str,
    history: Path | None = None,
    policy_class: type[Policy] = StandardPolicy,
    new_version: str = "./run new-version YYYY-MM-DD",
) -> list[str]:
    """How ``new`` changes a version that had taken effect by ``today`` in ``old`` (the committed
    ledger), beyond a typo fix the editor recorded; one message each, saying what to do. With
    ``history`` (the folder of frozen pages), a changed page's message shows its diff.
    ``policy_class`` declares the values (their frozen ones: :func:`frozen_values`)."""
    problems = []
    # Clause corrections recorded as typo fixes so far: a later version that inherits the clause
    # (and its page, which shows it) carries the same correction without a note of its own.
    corrected: dict[str, tuple[str | None, str | None]] = {}
    # A version the committed ledger has not recorded, dated before today: it would judge again
    # purchases already made under the version before it.
    recorded = sorted(old.versions)
    for effective in sorted(set(new.versions) - set(old.versions)):
        day = date.fromisoformat(effective)
        earlier = [d for d in sorted(new.versions) if d < effective]
        if day < today and recorded and earlier:
            problems.append(
                f"{policy_name}: the new version of {effective}: "
                + versions.in_the_past(day, date.fromisoformat(earlier[-1]))
            )
    for effective, before in sorted(old.versions.items()):
        day = date.fromisoformat(effective)
        if day > today:
            continue  # not in effect yet: it may still change
        when = f"the version of {long_date(day)}"
        after = new.versions.get(effective)
        if after is None:
            problems.append(
                f"{policy_name}: {when} has taken effect, so it is frozen, and it is no longer "
                f"in the file. Put it back; to change the policy, add a new version "
                f"({new_version})."
            )
            continue
        was, now = _pairs(before.policy), _pairs(after.policy)
        values = [
            f"{n} {was.get(n)} → {now.get(n)}"
            for n in frozen_values(policy_class)
            if was.get(n) != now.get(n)
        ]
        if values:
            problems.append(
                f"{policy_name}: {when} has taken effect, so it is frozen, and its values changed "
                f"({'; '.join(values)}). Undo that; to change the policy, add a new version "
                f"({new_version}), which takes effect on the day you choose."
            )
        worded = sorted(
            name
            for name in set(was) | set(now)
            if (name.startswith("clause ") or name in TYPO_FIXABLE)
            and was.get(name) != now.get(name)
            and not (name == "page" and name not in was)  # a page archived for the first time
        )
        fixes_before = [n for n in was if n.startswith("typo_fix ")]
        fixes_after = [n for n in now if n.startswith("typo_fix ")]
        if any(was[n] != now.get(n) for n in fixes_before):
            problems.append(
                f"{policy_name}: {when} is frozen, and a line of its typo_fixes changed or went. "
                "Keep each recorded fix as it is; add new ones after them."
            )
            continue
        reworded = {n: (was.get(n), now.get(n)) for n in worded if n.startswith("clause ")}
        if len(fixes_after) > len(fixes_before):
            corrected.update(reworded)
            continue
        inherited = reworded and all(corrected.get(n) == pair for n, pair in reworded.items())
        if worded and not values and not inherited:
            shown = ", ".join(
                f"its archived page ({display_name((history or Path('history')) / effective)}.md)"
                if n == "page"
                else n
                for n in worded
            )
            diff = (
                frozen_page_diff(history / f"{effective}.md")
                if "page" in worded and history is not None
                else ""
            )
            problems.append(
                f"{policy_name}: {when} has taken effect, so it is frozen, and its words changed "
                f"({shown}). If this corrects a typo, say so under that version: add "
                'typo_fixes = ["what you corrected"] (or add to its list), anywhere under its '
                "[[versions]] heading. Otherwise undo it, and change the policy with a new "
                f"version ({new_version}).{diff}"
            )
    return problems


# What was published, as git has it --------------------------------------------------------------

# A frozen version is compared with what was published, not with the working tree's ledger (which
# `./run review --accept` writes, and an editor can commit): git's history is the record.


@dataclass(frozen=True)
class Published:
    """Each version in force as it was published: its part of the ledger and its page's Markdown
    (by the ISO date it took effect), read from the commit that published it (:func:`published`).
    ``note`` says when git could only give HEAD's committed copy, or nothing."""

    ledgers: dict[str, Ledger] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    commits: dict[str, str] = field(default_factory=dict)
    note: str = ""
    # The version's page and its number of typo fixes at each later commit of HEAD's line that
    # touched either (oldest first): each change of its words must record a typo fix of its own.
    steps: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)


def _git(folder: Path, *arguments: str) -> str | None:
    """git's output for ``arguments`` run in ``folder``, or None when git cannot answer."""
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


NO_GIT = (
    "This folder is not a git repository, so what was published cannot be read from git: a "
    "version in force is compared with the ledger file as it is."
)
SHALLOW = (
    "git has only the latest commit here (a shallow clone), so a version in force is compared "
    "with HEAD's committed copy, not with the commit that published it. Fetch the whole history "
    "(git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)."
)


def published(policy: PolicyPackage, history: Path, effective: Sequence[str]) -> Published | None:
    """The versions ``effective`` (ISO dates) of ``policy`` as they were published, from git.

    A version was published by the commit that the site was built from when it took effect: the
    last commit of HEAD's first-parent line dated before its day (00:00 UTC), if that commit's
    ledger records it; else the first commit dated on or after its day, if that one's records
    it; else what main published last (where HEAD leaves ``origin/main``: a branch's or a pull
    request's own commits are not published yet), or HEAD's committed copy (a version added on
    its own day, a shallow clone, a repository without a remote). None when the policy's folder
    is not in a git work tree."""
    folder = policy.ledger_path.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    log = _git(folder, "log", "--first-parent", "--format=%H %ct", "HEAD")
    if top is None or not log:
        return None
    root = Path(top.strip())
    docs = history.parents[versions.history_dir(policy.page).count("/")]
    try:
        ledger_path = policy.ledger_path.resolve().relative_to(root).as_posix()
        history_path = history.resolve().relative_to(root).as_posix()
        page_path = (docs / policy.page).resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    commits = [(line.split()[0], int(line.split()[1])) for line in log.splitlines() if line]
    shallow = (_git(folder, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    books: dict[str, Book | None] = {}

    def book_at(commit: str) -> Book | None:
        if commit not in books:
            text = _git(root, "show", f"{commit}:{ledger_path}")
            try:
                books[commit] = ledgers.parse(text) if text is not None else None
            except LedgerError:
                books[commit] = None
        return books[commit]

    def records(commit: str | None, day: str) -> bool:
        book = book_at(commit) if commit else None
        return book is not None and day in book.versions

    def page_at(commit: str, day: str) -> str | None:
        """The version's page at ``commit``: its frozen copy if it had one then, else the
        policy's page while it was the latest version."""
        page = _git(root, "show", f"{commit}:{history_path}/{day}.md")
        book = book_at(commit)
        if page is None and book is not None and day == max(book.versions):
            page = _git(root, "show", f"{commit}:{page_path}")
        return page

    found = Published(note=SHALLOW if shallow else "")
    # Failing those, what main had published last: where HEAD leaves the remote's main line (a
    # branch's or a pull request's changes are not published yet), or HEAD itself.
    last = [
        base.strip()
        for branch in ("origin/HEAD", "origin/main")
        if (base := _git(folder, "merge-base", "HEAD", branch))
    ]
    fallback = [*last[:1], commits[0][0]]
    for day in effective:
        start = datetime.combine(date.fromisoformat(day), time(), UTC).timestamp()
        before = next((commit for commit, when in commits if when < start), None)
        after = next((commit for commit, when in reversed(commits) if when >= start), None)
        commit = next(
            (c for c in (before, after, *fallback) if c is not None and records(c, day)), None
        )
        if commit is None:
            continue  # never committed: nothing was published of it yet
        book = book_at(commit)
        assert book is not None
        found.ledgers[day] = book.versions[day]
        found.commits[day] = commit[:10]
        page = page_at(commit, day)
        if page is None:
            continue
        found.pages[day] = page
        later = _git(
            root,
            "log",
            "--first-parent",
            "--reverse",
            "--format=%H",
            f"{commit}..HEAD",
            "--",
            ledger_path,
            page_path,
            f"{history_path}/{day}.md",
        )
        for step in (later or "").split():
            book = book_at(step)
            shown = page_at(step, day)
            if book is not None and day in book.versions and shown is not None:
                found.steps.setdefault(day, []).append(
                    (step[:10], shown, typo_fixes(book.versions[day]))
                )
    return found


def typo_fixes(ledger: Ledger) -> int:
    """How many typo fixes a version's part of the ledger records."""
    return sum(1 for line in ledger.policy if line.startswith("typo_fix "))


def with_published(committed: Book | None, record: Published) -> Book:
    """The ledger to hold a change against: the working tree's (``committed``), with each version
    git has a published part of replaced by that part."""
    return Book({**(committed.versions if committed else {}), **record.ledgers})


def frozen_page_problems(
    policy: PolicyPackage,
    record: Published,
    new: Book,
    today: date,
    history: Path,
    new_version: str = "./run new-version YYYY-MM-DD",
) -> tuple[list[str], list[str]]:
    """How the page of each version in force by ``today`` reads differently from the page git
    published (``record``), word by word: (refusals, typo fixes accepted), one message each.

    A version whose published ledger records its page's SHA-256 (a frozen copy) is held to it by
    :func:`frozen_problems`; this covers the page a version had while it was the latest one
    (docs/index.md), and that page once frozen as a copy. A change is accepted when each change
    of its words since the page last read as published (git's later commits, then the working
    tree) records a typo fix of its own."""
    refused: list[str] = []
    fixed: list[str] = []
    docs = history.parents[versions.history_dir(policy.page).count("/")]
    policies = policy.read_policies()
    for version in policies.versions:
        day = version.effective.isoformat()
        was = record.pages.get(day)
        if version.effective > today or was is None or day not in new.versions:
            continue
        if any(line.startswith("page = ") for line in record.ledgers[day].policy):
            continue  # its frozen copy's hash is recorded: frozen_problems holds it
        page = versions.page_file(docs, policies, version, policy.page)
        if page is None:
            continue  # a missing page is reported on its own
        words = page.read_text(encoding="utf-8")
        changes = versions.text_changes(
            versions.policy_sections(was, version), versions.policy_sections(words, version)
        )
        if not changes:
            continue
        shown = display_name(page)
        diff = "".join(f"\n      {line}" for line in word_diff_lines(changes))
        # Each change of its words since it last read as published records a typo fix of its
        # own: the published page, each later commit's, then the working tree's.
        states = [
            (versions.policy_sections(text, version), fixes)
            for _, text, fixes in [
                ("", was, typo_fixes(record.ledgers[day])),
                *record.steps.get(day, []),
                ("", words, typo_fixes(new.versions[day])),
            ]
        ]
        published_words, published_fixes = states[0]
        last, changed = published_words, 0
        for state, fixes in states[1:]:
            if state == published_words:
                last, changed, published_fixes = state, 0, fixes
            elif state != last:
                last, changed = state, changed + 1
        fixes = states[-1][1]
        when = f"the version of {long_date(version.effective)}"
        if fixes - published_fixes >= changed:
            fixed.append(f"{shown}, the page of {when}, recorded as a typo fix:{diff}")
            continue
        refused.append(
            f"{shown}: {when} has taken effect, so its page is frozen, and its words differ from "
            f"the page that was published (commit {record.commits[day]}). If this corrects a "
            "typo, say so under that version in "
            f'{display_name(policy.policy_path)}: add typo_fixes = ["what you corrected"] (or '
            "add to its list), anywhere under its [[versions]] heading. Otherwise undo it, and "
            f"change the policy with a new version ({new_version}). What changed, word by word "
            f"([-removed-] {{+added+}}):{diff}"
        )
    return refused, fixed


def word_diff_lines(changes: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    """Each section's word diff on a line: "Overview: … [-old words-] {+new words+} …"."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return [
        f"{title or '(the title)'}: "
        + " ".join(marks[kind].format(words) for kind, words in parts if words)
        for title, parts in changes
    ]


def moved_situations(old: Book, new: Book, today: date, policy_name: str) -> list[str]:
    """Each version in force by ``today`` whose decisions ``new`` changes from ``old`` (what was
    published), from data or from engine code: one message each, naming the version and showing
    the situations that would move. A typo fix never moves one."""
    found = []
    for day, before in sorted(old.versions.items()):
        after = new.versions.get(day)
        if date.fromisoformat(day) > today or after is None:
            continue
        report = compare(before, after)
        if not (report.changes or report.classes):
            continue
        moved = Report([], report.classes, report.changes, report.axes, report.common)
        shown = "".join(f"\n      {line}" for line in _report_lines(moved, 3) if line)
        found.append(
            f"{policy_name}: the version of {long_date(date.fromisoformat(day))} has taken "
            "effect, so it is frozen, and this change would decide situations of it differently "
            "from what was published. Undo the change to the policy or to the rules; to change "
            f"the policy, add a new version (./run new-version YYYY-MM-DD). What would move:{shown}"
        )
    return found


# Comparing two ledgers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One dimension on classes fine enough for both ledgers, and how each maps onto them."""

    name: str
    classes: tuple[Klass, ...]
    old: dict[int, tuple[int, ...]]  # an old class index -> the fine classes it is made of
    new: dict[int, tuple[int, ...]]


def _axes(old: Ledger, new: Ledger) -> list[Axis]:
    names = [d.name for d in new.dims] + [
        d.name for d in old.dims if d.name not in new.dims_by_name
    ]
    axes = []
    for name in names:
        before, after = old.dims_by_name.get(name), new.dims_by_name.get(name)
        both = [dim for dim in (before, after) if dim is not None]
        if all(dim.numeric for dim in both):
            starts = {k.low for dim in both for k in dim.classes if k.low is not None}
            classes = ledgers._ranges(starts)
        else:
            keys = list(dict.fromkeys(k for dim in (after, before) if dim for k in dim.keys()))  # noqa: SIM118
            classes = tuple(Klass(key, value=key) for key in keys)
        axes.append(Axis(name, classes, _onto(before, classes), _onto(after, classes)))
    return axes


def _onto(dim: Dimension | None, fine: tuple[Klass, ...]) -> dict[int, tuple[int, ...]]:
    if dim is None:
        return {}
    out = {}
    for index, klass in enumerate(dim.classes):
        if klass.low is not None:
            out[index] = tuple(
                i for i, f in enumerate(fine) if f.low is not None and klass.contains(f.low)
            )
        else:
            out[index] = tuple(i for i, f in enumerate(fine) if f.key == klass.key)
    return out


Blocks = list[dict[int, tuple[int, ...]]]  # per axis (absent: any class), the classes allowed


@dataclass(frozen=True)
class Change:
    """Situations of one table whose outcome goes from ``before`` to ``after``."""

    table: str
    before: str
    after: str
    count: int
    where: Blocks
    citing: str = ""  # for the verdict: the clauses now cited and no longer cited


@dataclass
class Report:
    policy: list[str]
    classes: list[str]
    changes: list[Change]
    axes: list[Axis] = field(default_factory=list)
    common: dict[int, tuple[int, ...]] = field(default_factory=dict)  # what every change shares

    @property
    def changed(self) -> bool:
        return bool(self.policy or self.classes or self.changes)


class _Table:
    """One table of one ledger, read on the fine classes."""

    def __init__(self, ledger: Ledger, name: str, axes: list[Axis], which: str) -> None:
        self.present = name in ledger.tables
        self.applies_only = name.startswith(("clause ", "note "))
        self.rows: list[tuple[dict[int, frozenset[int]], str]] = []
        if not self.present:
            return
        position = {axis.name: i for i, axis in enumerate(axes)}
        for row in ledger.tables[name]:
            when = {}
            for dim, allowed in zip(ledger.dims, row.when, strict=True):
                if allowed is not None:
                    mapping = getattr(axes[position[dim.name]], which)
                    when[position[dim.name]] = frozenset(f for i in allowed for f in mapping[i])
            self.rows.append((when, row.outcome))

    def named(self) -> set[int]:
        return {axis for when, _ in self.rows for axis in when}

    def outcomes(self, named: list[int], sizes: list[int]) -> dict[tuple[int, ...], str]:
        """The outcome at every point of the ``named`` axes that a row decides (the first row
        that matches wins, as in :meth:`outcome`); a point missing is one no row decides."""
        found: dict[tuple[int, ...], str] = {}
        for when, outcome in self.rows:
            choices = [sorted(when[a]) if a in when else range(sizes[a]) for a in named]
            for values in itertools.product(*choices):
                found.setdefault(values, outcome)
        return found

    @property
    def undecided(self) -> str:
        return NOT_APPLIES if self.applies_only else ABSENT

    def outcome(self, point: dict[int, int]) -> str:
        if not self.present:
            return NOT_APPLIES if self.applies_only else ABSENT
        for when, outcome in self.rows:
            if all(point[axis] in allowed for axis, allowed in when.items()):
                return outcome
        return NOT_APPLIES if self.applies_only else ABSENT


def compare(old: Ledger, new: Ledger) -> Report:
    """What changes from ``old`` to ``new``, in words."""
    axes = _axes(old, new)
    report = Report(_policy_changes(old.policy, new.policy), _class_changes(old, new), [], axes)
    names = list(new.tables) + [name for name in old.tables if name not in new.tables]
    tables = {
        name: (_Table(old, name, axes, "old"), _Table(new, name, axes, "new")) for name in names
    }
    same_classes = old.dims == new.dims
    for name, (before, after) in tables.items():
        if same_classes and old.tables.get(name) == new.tables.get(name):
            continue  # the same rows on the same classes decide the same everywhere
        named = sorted(before.named() | after.named())
        groups: dict[tuple[str, str], list[tuple[int, ...]]] = {}
        sizes = [len(axis.classes) for axis in axes]
        was_at = before.outcomes(named, sizes) if before.present else {}
        now_at = after.outcomes(named, sizes) if after.present else {}
        for values in itertools.product(*(range(sizes[a]) for a in named)):
            was = was_at.get(values, before.undecided)
            now = now_at.get(values, after.undecided)
            if was != now:
                if name == "verdict":
                    # By verdict; a change of the missing answers alone is its own group.
                    was, now = _verdict_word(was), _verdict_word(now)
                    if was == now:
                        was, now = f"{was} (missing answers change)", now
                groups.setdefault((was, now), []).append(values)
        spread = math.prod(len(axis.classes) for i, axis in enumerate(axes) if i not in named)
        for (was, now), points in sorted(groups.items(), key=lambda item: -len(item[1])):
            blocks = _blocks(axes, named, points)
            citing = _citing(axes, tables, named, blocks) if name == "verdict" else ""
            report.changes.append(Change(name, was, now, len(points) * spread, blocks, citing))
    report.common = _common(report.changes)
    return report


@dataclass
class Section:
    """What changes in one version of the policy."""

    title: str
    report: Report


def compare_books(old: Book, new: Book) -> list[Section]:
    """What changes in each version; a new version is compared with the one before it."""
    sections = []
    for effective, after in new.versions.items():
        when = long_date(date.fromisoformat(effective))
        if effective in old.versions:
            report = compare(old.versions[effective], after)
            if report.changed:
                sections.append(Section(f"The version of {when}", report))
            continue
        earlier = [day for day in old.versions if day < effective]
        if earlier:
            base = earlier[-1]
            sections.append(
                Section(
                    f"A new version, of {when}, compared with the version of "
                    f"{long_date(date.fromisoformat(base))} before it",
                    compare(old.versions[base], after),
                )
            )
        else:
            lines = [
                f"{line.partition(' = ')[0]} is new: “{line.partition(' = ')[2]}”"
                for line in after.policy
            ]
            sections.append(Section(f"A new version, of {when}", Report(lines, [], [])))
    for effective in old.versions:
        if effective not in new.versions:
            when = long_date(date.fromisoformat(effective))
            sections.append(
                Section(f"The version of {when}", Report(["the version is removed"], [], []))
            )
    return sections


def _verdict_word(outcome: str) -> str:
    return outcome if outcome == ABSENT else outcome.split(" ")[0]


def _common(changes: list[Change]) -> dict[int, tuple[int, ...]]:
    """The classes every changed situation shares (for example: requests 8-14 days after
    purchase), to say once instead of on every line."""
    blocks = [block for change in changes for block in change.where]
    if not blocks:
        return {}
    shared = set.intersection(*(set(block) for block in blocks))
    common = {}
    for axis in sorted(shared):
        allowed = set(blocks[0][axis])
        if all(set(block[axis]) == allowed for block in blocks):
            common[axis] = blocks[0][axis]
    return common


def _blocks(axes: list[Axis], named: list[int], points: list[tuple[int, ...]]) -> Blocks:
    """Changed points grouped into blocks, as few as the ledger's own rule makes."""
    inside = set(points)
    sizes = {position: len(axes[axis].classes) for position, axis in enumerate(named)}
    every = itertools.product(*(range(size) for size in sizes.values()))
    outcome_of = {point: ("x" if point in inside else "") for point in every}
    rows = ledgers._rows(len(named), sizes, outcome_of)
    return [
        {
            axis: allowed
            for axis, allowed in zip(named, row.when, strict=True)
            if allowed is not None
        }
        for row in rows
        if row.outcome == "x"
    ]


def _citing(
    axes: list[Axis],
    tables: dict[str, tuple[_Table, _Table]],
    named: list[int],
    blocks: Blocks,
) -> str:
    """The clauses that a verdict change now cites and no longer cites, where all agree."""
    now_citing, no_longer = [], []
    for name, (before, after) in tables.items():
        if not name.startswith("clause "):
            continue
        flips: set[tuple[str, str]] = set()
        for block in blocks:
            extra = sorted((before.named() | after.named() | set(named)) - set(block))
            free = {a: tuple(range(len(axes[a].classes))) for a in extra}
            spans = {**free, **block}
            for values in itertools.product(*spans.values()):
                point = dict(zip(spans, values, strict=True))
                flips.add((before.outcome(point), after.outcome(point)))
        clause = name.removeprefix("clause ")
        if flips == {(NOT_APPLIES, APPLIES)}:
            now_citing.append(clause)
        elif flips == {(APPLIES, NOT_APPLIES)}:
            no_longer.append(clause)
    parts = []
    if now_citing:
        parts.append("now citing " + ", ".join(now_citing))
    if no_longer:
        parts.append("no longer citing " + ", ".join(no_longer))
    return "; ".join(parts)


def _words(axes: list[Axis], block: dict[int, tuple[int, ...]], skip: Sequence[int] = ()) -> str:
    """A block of situations in words: "requests 8-14 days after purchase, reason: unused"."""
    order = sorted(block, key=lambda axis: (axes[axis].name != DAYS, axis))
    phrases = [_phrase(axes[axis], block[axis]) for axis in order if axis not in skip]
    return ", ".join(phrases) or "all of them"


def _spans(classes: Sequence[Klass]) -> list[tuple[int, int | None]]:
    """Whole-number classes joined into ranges where they touch."""
    spans: list[tuple[int, int | None]] = []
    for klass in classes:
        assert klass.low is not None
        if spans and spans[-1][1] is not None and spans[-1][1] + 1 == klass.low:
            spans[-1] = (spans[-1][0], klass.high)
        else:
            spans.append((klass.low, klass.high))
    return spans


def _phrase(axis: Axis, allowed: tuple[int, ...]) -> str:
    classes = [axis.classes[i] for i in allowed]
    if classes[0].low is None:
        return f"{axis.name}: " + " or ".join(klass.key for klass in classes)
    texts = []
    for low, high in _spans(classes):
        if axis.name == DAYS:
            if high == 0:
                texts.append("on the day of purchase")
            elif high is None:
                texts.append(f"{low} or more days after purchase")
            elif low == high:
                texts.append(f"{low} day{'s' if low != 1 else ''} after purchase")
            else:
                texts.append(f"{low}–{high} days after purchase")
        else:
            amount = (
                f"{low} or more" if high is None else (str(low) if low == high else f"{low}–{high}")
            )
            texts.append(amount)
    if axis.name == DAYS:
        return "requests " + " or ".join(texts)
    if axis.name == "previous_refund_requests":
        return " or ".join(texts) + " earlier refund requests"
    if axis.name.startswith("days_"):  # a span the policy names: "days since delivery 31 or more"
        return f"{axis.name.replace('_', ' ')} " + " or ".join(texts)
    return f"{axis.name}: " + " or ".join(texts)


def _policy_changes(old: list[str], new: list[str]) -> list[str]:
    def pairs(lines: list[str]) -> dict[str, str]:
        return dict(line.partition(" = ")[::2] for line in lines)

    before, after = pairs(old), pairs(new)
    out = []
    for name in list(after) + [n for n in before if n not in after]:
        if before.get(name) == after.get(name) or name == "effective":
            continue  # a version's date is its title
        if name == "changes" and name in after:
            out.append(f"its note for the history page: “{after[name]}”")
        elif name == "page":
            out.append(
                "its page is now archived in the policy's history folder, to stay as it is"
                if name not in before
                else "its frozen page changed"
                if name in after
                else "its frozen page is gone"
            )
        elif name not in before:
            out.append(f"{name} is new: “{after[name]}”")
        elif name not in after:
            out.append(f"{name} is gone (was “{before[name]}”)")
        elif name.startswith("clause "):
            out.append(
                f"{name} is reworded:\n      was “{before[name]}”\n      now “{after[name]}”"
            )
        else:
            out.append(f"{name}: {before[name]} → {after[name]}")
    return out


def _class_changes(old: Ledger, new: Ledger) -> list[str]:
    out = []
    for dim in new.dims:
        before = old.dims_by_name.get(dim.name)
        if before is None:
            out.append(f"{dim.name} is a new answer: {' | '.join(dim.keys())}")
        elif before.keys() != dim.keys():
            out.append(f"{dim.name}: {' | '.join(before.keys())} → {' | '.join(dim.keys())}")
    out += [f"{d.name} is no longer an answer" for d in old.dims if d.name not in new.dims_by_name]
    return out


# The report in words --------------------------------------------------------------------------

_GROUPS = (("verdict", "Verdicts"), ("clause ", "Clauses"), ("note ", "Notes"), ("", "Other parts"))


def _group(table: str) -> str:
    return next(title for prefix, title in _GROUPS if table.startswith(prefix))


def _sentence(change: Change) -> str:
    count = f"{change.count:,} situation{'s' if change.count != 1 else ''}"
    if change.table.startswith(("clause ", "note ")):
        kind, _, name = change.table.partition(" ")
        verb = "now applies" if change.after == APPLIES else "no longer applies"
        return f"{kind} {name} {verb} in {count}"
    label = "" if change.table == "verdict" else f"{change.table}: "
    verb = "goes" if change.count == 1 else "go"
    if change.before == ABSENT:
        # A table, or a class of an answer, that the old ledger did not have.
        return f"{label}{count} new to the ledger: {change.after}"
    if change.after == ABSENT:
        return f"{label}{count} gone from the ledger (were {change.before})"
    text = f"{label}{count} {verb} from {change.before} to {change.after}"
    if change.before.endswith("(missing answers change)"):
        text = f"{label}{count} stay {change.after}, but the unsure answers that matter change"
    return text + (f", {change.citing}" if change.citing else "")


def format_report(report: Report, ledger_file: str, details: int = 6) -> str:
    """The report for a person: grouped by part of the decision, biggest changes first."""
    lines = [f"What would change in the ledger ({ledger_file}):", ""]
    return "\n".join(lines + _report_lines(report, details)) + "\n"


def format_sections(sections: list[Section], ledger_file: str, details: int = 6) -> str:
    """The report of every version that changes, each under its title."""
    lines = [f"What would change in the ledger ({ledger_file}):"]
    for section in sections:
        lines += ["", f"== {section.title} ==", ""]
        lines += _report_lines(section.report, details)
    return "\n".join(lines) + "\n"


def _report_lines(report: Report, details: int) -> list[str]:
    axes = report.axes
    lines = []
    if report.policy:
        lines += ["Policy values and clause words", *(f"  {line}" for line in report.policy), ""]
    if report.classes:
        lines += ["Classes of answers", *(f"  {line}" for line in report.classes), ""]
    if report.common and report.changes:
        lines += [f"Every change below is in {_words(axes, report.common)}.", ""]
    skip = list(report.common)
    for _, title in _GROUPS:
        changes = [c for c in report.changes if _group(c.table) == title]
        if not changes:
            continue
        lines.append(title)
        for change in changes:
            where = [_words(axes, block, skip) for block in change.where]
            if where == ["all of them"]:
                lines.append(f"  {_sentence(change)}.")
                continue
            lines.append(f"  {_sentence(change)}:")
            lines += [f"    - {text}" for text in where[:details]]
            if len(where) > details:
                lines.append(f"    - and {len(where) - details} more groups of situations")
        lines.append("")
    verdicts = sum(
        c.count
        for c in report.changes
        if c.table == "verdict" and "(missing" not in c.before and ABSENT not in (c.before, c.after)
    )
    tables = len({c.table for c in report.changes})
    lines.append(
        f"In all: {verdicts:,} situations get another verdict; "
        f"{tables} table{'s' if tables != 1 else ''} of the ledger change"
        + (
            "; its page is archived"
            if report.policy and all(line.startswith("its page is now") for line in report.policy)
            else "; the policy's values or words change"
            if report.policy
            else ""
        )
        + "."
    )
    return lines


def history_of(policy: PolicyPackage) -> Path:
    """The folder of ``policy``'s frozen pages, in the docs folder beside its package's folder
    (docs/history for the policy of docs/index.md); for a policy that is data, beside the
    mkdocs.yml above its folder (policies/NAME/ is two folders down)."""
    root = policy.policy_path.parent.parent
    if policy.data_folder is not None:
        above = policy.data_folder.resolve().parents
        root = next((folder for folder in above if (folder / "mkdocs.yml").is_file()), root)
    return root / DEFAULT_DOCS / versions.history_dir(policy.page)


def site_problems(policy: PolicyPackage, today: date, history: Path | None = None) -> list[str]:
    """What would stop the site's build, today or on an announced effective day: a coming
    version that changes nothing, and each page's problems on each effective day still to come
    (policy_site/pages/upcoming.py), rendered with the site's own mkdocs.yml."""
    root = policy.policy_path.parent.parent
    history = history if history is not None else history_of(policy)
    docs = history.parents[versions.history_dir(policy.page).count("/")]
    policies = policy.read_policies()
    found = versions.unchanged_versions(policy.policy_path, docs, policies, today, policy.page)
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return found
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, OSError) as error:
        return [*found, f"{display_name(config_file)} cannot be read ({error}); fix it first."]
    plugin = config.plugins.get("policy-site")
    listed: list[PolicyPackage] = getattr(plugin, "packages", [policy])
    pages = [listed_policy.page for listed_policy in listed]
    return found + upcoming.upcoming_problems(
        policy,
        policies,
        today,
        Path(config.docs_dir),
        list(config.markdown_extensions),
        config.mdx_configs,
        pages,
    )


# The self-check's words of a frozen version ------------------------------------------------------

# Everything a version says besides its values and clause words (which the ledger's [policy]
# records): its questions, its notes, warnings, alternatives and refund timings, the email's
# lines, and when each applies. The ledger records none of it, so a version in force is compared
# with its own policy file as published (git's copy at the publishing commit).


def version_words(version: Policy) -> dict[str, str]:
    """What ``version`` says and asks, line by line, by a name a message can show."""
    said: dict[str, str] = {}
    for question in version.rules.questions:
        name = f"question {question.field}"
        said[name] = question.label
        for part in ("hint", "when_missing", "about", "support_checks", "default"):
            value = getattr(question, part)
            if value:
                said[f"{name} {part}"] = str(value)
        for option in question.options:
            said[f"{name} option {option.value}"] = option.label
        for value, words in question.support_says:
            said[f"{name} support_says {value}"] = words
        if question.shown_when:
            said[f"{name} shown_when"] = repr(question.shown_when)
    for rule in version.rules.clauses:
        if rule.condition is not None:
            said[f"clause {rule.clause_id} when"] = rule.condition.text
    texts = version.texts
    for kind, entries in (
        ("note", texts.notes),
        ("warning", texts.warnings),
        ("alternative", texts.alternatives),
        ("refund-timing", texts.refund_timing),
    ):
        for key, quoted in entries.items():
            for part in ("before", "quote", "after", "email"):
                if getattr(quoted, part):
                    said[f"{kind} {key} {part}"] = getattr(quoted, part)
    for kind, chosen in (
        ("note", version.rules.notes),
        ("alternative", version.rules.alternatives),
        ("refund-timing", version.rules.refund_timing),
    ):
        for key, condition in chosen:
            said[f"{kind} {key} when"] = condition.text
    for name, value in vars(texts.email).items() if hasattr(texts.email, "__dict__") else ():
        said[f"email {name}"] = " / ".join(value) if isinstance(value, tuple) else str(value)
    return said


def frozen_words(
    policy: PolicyPackage, record: Published, new: Policies, today: date, new_version: str
) -> list[str]:
    """How the policy file changes what a version in force says or asks (its questions, notes,
    warnings, alternatives, refund timings, email, and when each applies) from the file as the
    commit that published it had it; one refusal per version, with each change word for word.
    A change is accepted with a typo fix recorded since (the version's typo_fixes grew), and
    never moves a decision (the ledger's comparison holds that)."""
    problems = []
    folder = policy.policy_path.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return []
    try:
        path = policy.policy_path.resolve().relative_to(Path(top.strip())).as_posix()
    except ValueError:
        return []
    for day, commit in sorted(record.commits.items()):
        if date.fromisoformat(day) > today:
            continue
        now = next((v for v in new.versions if v.effective.isoformat() == day), None)
        text = _git(Path(top.strip()), "show", f"{commit}:{path}")
        if now is None or text is None:
            continue
        try:
            was_all = policies_from_mapping(
                tomllib.loads(text), text=text, source=path, policy_class=policy.rulebook.policy
            )
        except (PolicyError, tomllib.TOMLDecodeError):
            continue  # a file of another form (before the rules were data): the ledger holds it
        was = next((v for v in was_all.versions if v.effective.isoformat() == day), None)
        if was is None or len(now.typo_fixes) > len(was.typo_fixes):
            continue
        before, after = version_words(was), version_words(now)
        changed = [
            f"{name}: “{before.get(name, '(none)')}” → “{after.get(name, '(none)')}”"
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]
        if changed:
            shown = "".join(f"\n      {line}" for line in changed[:12])
            more = f"\n      … and {len(changed) - 12} more" if len(changed) > 12 else ""
            problems.append(
                f"{display_name(policy.policy_path)}: the version of "
                f"{long_date(date.fromisoformat(day))} has taken effect, so it is frozen, and what "
                f"its self-check says or asks changed since it was published (commit {commit}). "
                "If this corrects a typo, record it under that version: typo_fixes = "
                f'["what you corrected"]. Otherwise undo it, and change the policy with a new '
                f"version ({new_version}).{shown}{more}"
            )
    return problems


def frozen_checks(
    policy: PolicyPackage,
    committed: Book | None,
    new: Book,
    today: date,
    history: Path,
    new_version: str = "./run new-version YYYY-MM-DD",
) -> tuple[list[str], list[str], str]:
    """Every way ``new`` changes a version in force by ``today`` from what was published (git's
    record, :func:`published`; without git, the working tree's ledger ``committed``): its values
    and words (:func:`frozen_problems`), its decisions (:func:`moved_situations`) and its page's
    words (:func:`frozen_page_problems`). Returns (refusals, typo fixes accepted, a note on how
    what was published was found, or "")."""
    days = sorted(
        day
        for day in {*new.versions, *(committed.versions if committed else ())}
        if date.fromisoformat(day) <= today
    )
    record = published(policy, history, days)
    note = NO_GIT if record is None else record.note
    baseline = with_published(committed, record) if record is not None else committed
    if baseline is None:
        return [], [], note
    name = display_name(policy.policy_path)
    refused = frozen_problems(
        baseline, new, today, name, history, policy.rulebook.policy, new_version
    )
    if record is not None and committed is not None:
        # Each change since the last accepted ledger records a typo fix of its own, too: held to
        # the publishing commit alone, one fix recorded since would let any later rewording by.
        step = frozen_problems(
            committed, new, today, name, history, policy.rulebook.policy, new_version
        )
        refused += [problem for problem in step if problem not in refused]
    refused += moved_situations(baseline, new, today, name)
    fixed: list[str] = []
    if record is not None:
        pages, fixed = frozen_page_problems(policy, record, new, today, history, new_version)
        refused += pages
        try:
            current = policy.read_policies()
        except PolicyError:
            current = None  # the file's own messages say what is wrong
        if current is not None:
            refused += frozen_words(policy, record, current, today, new_version)
    return refused, fixed, note


def site_policy(
    name: str | None, policy_file: Path | None, config_file: Path = Path("mkdocs.yml")
) -> PolicyPackage:
    """The policy a command run beside mkdocs.yml works on: the one called ``name`` among
    mkdocs.yml's ``policies`` (the only one, or the one whose file ``policy_file`` is, if not
    given), read from ``policy_file`` if given.
    Raises :class:`policy_site.package.PackageError`."""
    policies = packages.from_mkdocs(config_file)
    if name is None and policy_file is not None:
        # The policy whose file it is (./run review --policy returns/policy.toml needs no name).
        given = policy_file.resolve()
        mine = [policy for policy in policies if policy.policy_path.resolve() == given]
        # (A copy of the file elsewhere: by its folder, named as the policy's package, or as
        # the folder of a policy that is data.)
        mine = mine or [
            p
            for p in policies
            if given.parent.name
            in (p.import_name.split(".")[-1], p.data_folder.name if p.data_folder else None)
        ]
        if len(mine) == 1:
            name = mine[0].name
    chosen = packages.choose(policies, name)
    if policy_file is None:
        return chosen
    return packages.PolicyPackage(chosen.module, chosen.page, policy_file, None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./run review",
        description="Compare what the self-check decides under the current rules and policy with "
        "the committed ledger, and explain the difference.",
        epilog="Exit status: 0 when the ledger is up to date (or was just accepted), 1 when it is "
        "out of date or a change to a version in effect is refused, 2 when a file cannot be read.",
    )
    parser.add_argument(
        "--accept", action="store_true", help="write the new ledger (then commit it)"
    )
    parser.add_argument(
        "name",
        nargs="?",
        help="the policy's name, when mkdocs.yml lists more than one (refund)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        help="the policy file (default: the one mkdocs.yml's policies give, checker/policy.toml)",
    )
    parser.add_argument(
        "--ledger", type=Path, help="the ledger file (default: ledger.txt beside the policy)"
    )
    parser.add_argument(
        "--history",
        type=Path,
        help="the folder of archived version pages (default: docs/history beside checker/)",
    )
    args = parser.parse_args(argv)
    try:
        policy = site_policy(args.name, args.policy)
    except packages.PackageError as error:
        sys.stderr.write(f"review: {error}\n")
        return EXIT_PROBLEM
    ledger_file = args.ledger or Path(display_name(policy.ledger_path))
    # The commands to suggest name the policy when it was named (a site of several).
    named = f" {policy.name}" if args.name else ""
    try:
        text = current_text(policy, history=args.history)
    except PolicyError as error:
        sys.stderr.write("".join(f"review: {problem}\n" for problem in error.problems))
        return EXIT_PROBLEM
    except LedgerError as error:  # rules the ledger cannot tabulate: said, never a traceback
        sys.stderr.write(f"review: {display_name(policy.policy_path)}: {error}\n")
        return EXIT_PROBLEM
    new = ledgers.parse(text)
    try:
        today = versions.build_day()
    except versions.VersionError as error:
        sys.stderr.write(f"review: {error}\n")
        return EXIT_PROBLEM
    # What the site's pages would stop on, today or on an announced effective day.
    site = site_problems(policy, today, args.history)
    old: Book | None = None
    up_to_date = False
    if not ledger_file.is_file():
        sys.stdout.write(f"There is no ledger at {ledger_file} yet.\n")
    elif ledger_file.read_text(encoding="utf-8") == text:
        sys.stdout.write(f"The ledger ({ledger_file}) is up to date.\n")
        up_to_date = True
    else:
        try:
            old = ledgers.parse(ledger_file.read_text(encoding="utf-8"))
        except LedgerError as error:
            sys.stdout.write(
                f"The committed ledger ({ledger_file}) cannot be read ({error}), so there is "
                "nothing to compare with.\n"
            )
    if old is not None:
        sections = compare_books(old, new)
        if sections:
            sys.stdout.write(format_sections(sections, str(ledger_file)))
        else:
            sys.stdout.write(
                f"The text of {ledger_file} differs from the one these rules make, but nothing it "
                "records changes (it was edited by hand, or made by an older version).\n"
            )
    # The versions in force by the real date (a preview date may look ahead, never back), held
    # to what was published: git's record, not the working tree's ledger alone.
    frozen, fixed, note = frozen_checks(
        policy,
        old if old is not None else new if up_to_date else None,
        new,
        versions.frozen_day(today),
        args.history or history_of(policy),
        f"./run new-version YYYY-MM-DD{named and ' --name ' + policy.name}",
    )
    if fixed:
        sys.stdout.write(
            "\nRecorded as typo fixes (the page's words, word by word):\n"
            + "".join(f"  {line}\n" for line in fixed)
        )
    if up_to_date and not frozen and not site:
        return 0
    if up_to_date and not frozen:
        sys.stdout.write("\nBut the site would not build:\n" + "".join(f"  {p}\n" for p in site))
        return EXIT_STALE
    refused = frozen + site + ([note] if frozen and note else [])
    if refused:
        sys.stdout.write("\nThis cannot be accepted:\n" + "".join(f"  {p}\n" for p in refused))
        return EXIT_STALE
    if args.accept:
        ledger_file.write_text(text, encoding="utf-8")
        sys.stdout.write(f"\nAccepted: wrote {ledger_file}. Commit it together with your change.\n")
        return 0
    sys.stdout.write(
        f"\nThe ledger is out of date. Read the changes above: if they are what you meant, run "
        f"`./run review{named} --accept` and commit {ledger_file} with your change.\n"
        if old is not None
        else f"`./run review{named} --accept` writes it: read it, then commit it with your "
        "change.\n"
    )
    return EXIT_STALE


if __name__ == "__main__":
    sys.exit(main())
