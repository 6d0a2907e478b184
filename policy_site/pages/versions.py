"""The policy's versions on the site, and ``./run new-version`` (build time only).

``checker/policy.toml`` keeps every published version, oldest first; the checker judges each
purchase by the version in force on its purchase date. Here, for the site:

* each version has a page. The latest version's is ``docs/index.md``, the page editors change;
  each earlier version's is a frozen copy, ``docs/history/<date it took effect>.md``, made by
  ``./run new-version`` when the next version was added (the change review records its hash);
* the site's home page shows the version in force on the day of the build. When the latest
  version is still to come, the home page shows the current version's frozen copy and announces
  the coming one, whose page (``docs/index.md``) is published under ``/history/<date>/``;
* every version's page says which version it is, and links to the current policy.

"The day of the build" is today, or ``$POLICY_SITE_TODAY`` (``YYYY-MM-DD``) to preview the
site as it will be on another day.
"""

from __future__ import annotations

import argparse
import difflib
import os
import posixpath
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from policy_engine.policy import (
    MONTHS,
    PLACEHOLDER,
    Lines,
    Policies,
    Policy,
    PolicyError,
    display_name,
    long_date,
    parameters_of,
    versioned,
)
from policy_engine.words import capitalised
from policy_site.package import PackageError, PolicyPackage

TODAY_ENV = "POLICY_SITE_TODAY"
HISTORY = "history"  # docs/history/<date>.md: the frozen pages of earlier versions
PAST, CURRENT, COMING = "past", "current", "coming"


class VersionError(Exception):
    """A version cannot be added, or the day of the build is not a date. Says what to do."""


def build_day() -> date:
    """The day the site is built for: today, or ``$POLICY_SITE_TODAY``."""
    given = os.environ.get(TODAY_ENV, "").strip()
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError as error:
        raise VersionError(
            f"{TODAY_ENV}={given} is not a date: write it as YYYY-MM-DD, like 2026-12-01, or "
            "leave it unset to build for today."
        ) from error


def real_day() -> date:
    """Today in UTC, whatever ``$POLICY_SITE_TODAY`` says (the publish runs in UTC)."""
    return datetime.now(UTC).date()


def frozen_day(preview: date | None = None) -> date:
    """The day that decides which versions are in force, and so frozen: the real date, or the
    preview date (``$POLICY_SITE_TODAY``, or ``preview``) when it is later. A preview may look
    ahead (and freeze what will be in force by then), never back: a version in force today
    stays frozen whatever day the site is previewed for."""
    if preview is None:
        try:
            preview = build_day()
        except VersionError:
            preview = None
    today = real_day()
    return max(today, preview) if preview is not None else today


def status(policies: Policies, version: Policy, today: date) -> str:
    """Whether ``version`` is past, current or coming on ``today``. (A first version still to
    come is coming, though it judges the purchases made before it: there is no other.)"""
    if version.effective > today:
        return COMING
    return CURRENT if version is policies.in_force(today) else PAST


def until(policies: Policies, version: Policy) -> date | None:
    """The last day ``version`` was in force (None while no later version replaces it)."""
    later = [v.effective for v in policies.versions if v.effective > version.effective]
    return min(later) - timedelta(days=1) if later else None


def history_dir(page: str = "index.md") -> str:
    """Where the frozen pages of the policy published by ``page`` are kept, relative to the docs
    folder: ``history`` for the home page (index.md), ``returns/history`` for returns.md."""
    folder, name = posixpath.split(page)
    stem = name.removesuffix(".md")
    return posixpath.join(folder if stem == "index" else posixpath.join(folder, stem), HISTORY)


def archived_page(version: Policy, page: str = "index.md") -> str:
    """The frozen page of a version of the policy published by ``page``, relative to the docs
    folder."""
    return f"{history_dir(page)}/{version.effective.isoformat()}.md"


@dataclass(frozen=True)
class VersionPage:
    """One page of the site that shows a version of the policy."""

    src_uri: str  # where MkDocs publishes it from (docs-relative)
    source: str  # the file an editor would open, for messages: docs/index.md
    version: Policy
    home: bool  # the site's home page, with the self-check


def plan(
    policies: Policies, today: date, archived: set[str], page: str = "index.md"
) -> list[VersionPage]:
    """Which page shows which version: the policy's page (``page``, with the self-check: "home"),
    and one page per version besides it.

    ``archived`` are the ISO dates that have a frozen page in the policy's history folder.
    """
    current, latest = policies.in_force(today), policies.latest
    pages = []
    if latest is current or current.effective.isoformat() not in archived:
        pages.append(VersionPage(page, page, latest, home=True))
    else:
        pages.append(VersionPage(page, archived_page(current, page), current, home=True))
        pages.append(VersionPage(archived_page(latest, page), page, latest, home=False))
    for version in policies.versions:
        if version is not latest and version.effective.isoformat() in archived:
            frozen = archived_page(version, page)
            pages.append(VersionPage(frozen, frozen, version, home=False))
    return pages


def banner(
    policies: Policies, page: VersionPage, today: date, current_url: str, urls: dict[str, str]
) -> list[str]:
    """The note under a version page's title: which version it is, and where the current is.

    ``current_url`` and ``urls`` are links to the pages' Markdown files, relative to this page's,
    so that MkDocs checks them and writes each page's URL."""
    version = page.version
    since = long_date(version.effective)
    coming = [v for v in policies.versions if v.effective > today]
    # What the policy is about, in its words ([words]): "purchases made", "refund policy".
    said = version.texts.words
    things_made = f"{said.things} {said.made}"
    if page.home:
        if version.effective > today:
            # The policy's first version, announced before its day.
            return [
                f'!!! info "This policy comes into effect on {since}"',
                "",
                f"    It applies to {things_made} from {since}.",
            ]
        if not coming:
            return []
        nxt = coming[0]
        link = urls.get(nxt.effective.isoformat())
        read = f" [Read the new version]({link})." if link else ""
        when = long_date(nxt.effective)
        return [
            f'!!! info "A new version of this policy comes into effect on {when}"',
            "",
            f"    {capitalised(things_made)} before then follow this version, in force since "
            f"{since}.{read}",
        ]
    kind = status(policies, version, today)
    if kind == COMING:
        return [
            f'!!! info "This version comes into effect on {since}"',
            "",
            f"    It applies to {things_made} from {since}. Until then, "
            f"[the current policy]({current_url}) applies.",
        ]
    if kind == CURRENT:
        return [
            '!!! note "This is the current policy"',
            "",
            f"    In force since {since}. This is its permanent page; the "
            f"[policy page]({current_url}) shows the same version.",
        ]
    last = until(policies, version)
    span = f"from {since} until {long_date(last)}" if last else f"from {since}"
    return [
        '!!! warning "This is not the current policy"',
        "",
        f"    This is the {said.policy_name} as it was {span}: {things_made} in that time are "
        f"judged by it. [Read the current policy]({current_url}).",
    ]


# A page's text was written for docs/index.md; a version's page is published from docs/history/.
_RELATIVE_LINK = re.compile(r"(\]\(\s*<?|^\[[^\]]+\]:\s*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)", re.M)


def rebase_links(markdown: str, page_dir: str, written_in: str = "") -> str:
    """The Markdown of a page written in the docs folder ``written_in`` (its top, for
    docs/index.md), with each relative link made relative to ``page_dir`` (``history``, for
    docs/history/2026-05-01.md), so that a frozen page's links go where they went when it was
    written. Links to anchors, to absolute paths and with a scheme (https:, mailto:) stay as they
    are."""
    if page_dir.strip("/") == written_in.strip("/"):
        return markdown
    back = posixpath.relpath(written_in or ".", page_dir or ".")
    up = "" if back == "." else back + "/"
    return _RELATIVE_LINK.sub(lambda found: found.group(1) + up, markdown)


# What a version changes, in its words -----------------------------------------------------------


def value_words(policy: Policy | type[Policy]) -> dict[str, tuple[str, str]]:
    """The values a version can change, in words, with how to show one (the history page, the
    checks): read from their declarations (checker/policy.py)."""
    return {p.name: (p.label, p.shown) for p in versioned(parameters_of(policy))}


def example_change(version: Policy) -> str:
    """A change an editor could write under a new [[versions]] heading, in brackets: the
    policy's first number that versions may change, 7 more (" (for example refund_window_days =
    14)"); "" for a policy without one."""
    for value in versioned(parameters_of(version)):
        number = getattr(version, value.name)
        if isinstance(number, int) and not isinstance(number, bool):
            return f" (for example {value.name} = {number + 7})"
    return ""


def summary(version: Policy) -> str:
    """A version's values as policy.toml writes them, for the build's log."""
    given = ", ".join(
        f"{p.name} = {getattr(version, p.name)}" for p in versioned(parameters_of(version))
    )
    return ", ".join([*([given] if given else []), f"last updated {version.last_updated}"])


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``after`` against ``before`` word by word: ("equal" | "delete" | "insert", words)."""
    old, new = before.split(), after.split()
    parts: list[tuple[str, str]] = []
    for kind, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if kind in ("delete", "replace"):
            parts.append(("delete", " ".join(old[a1:a2])))
        if kind in ("insert", "replace"):
            parts.append(("insert", " ".join(new[b1:b2])))
        if kind == "equal":
            parts.append(("equal", " ".join(old[a1:a2])))
    return parts


def trimmed(parts: list[tuple[str, str]], context: int = 8) -> list[tuple[str, str]]:
    """A word diff with long unchanged runs cut to ``context`` words beside each change ("…")."""
    shown = []
    for index, (kind, words) in enumerate(parts):
        split = words.split()
        if kind == "equal" and len(split) > 2 * context:
            head = split[:context] if index else []
            tail = split[-context:] if index < len(parts) - 1 else []
            words = " ".join([*head, "…", *tail])
        shown.append((kind, words))
    return shown


def page_file(
    docs: Path, policies: Policies, version: Policy, page: str = "index.md"
) -> Path | None:
    """The Markdown of ``version``'s page: its frozen copy in the history folder, or the policy's
    page (docs/index.md) for the latest version (the page editors change). None when it has
    neither."""
    frozen = docs / archived_page(version, page)
    if frozen.is_file():
        return frozen
    if version is policies.latest and (docs / page).is_file():
        return docs / page
    return None


_BLOCK_START = re.compile(r"^ {0,3}///\s*\S")
_BLOCK_END = re.compile(r"^ {0,3}///\s*$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
# A clause's marker, or the marker of a passage an outcome text quotes ({note: …}, …).
_CLAUSE_MARK = re.compile(
    r"\s*\{(?:clause|note|warning|alternative|refund-timing):\s*[\w, -]+\s*\}"
)
_LITERAL = re.compile(r"\{literal:\s*(?P<words>[^{}]*?)\s*\}")
_MD_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_MARKS = re.compile(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def policy_sections(markdown: str, version: Policy) -> list[tuple[str, str]]:
    """A version page's words as a reader reads them, section by section: (heading, words).

    Placeholders show the version's values; clause markers and ``{literal: …}`` marks are gone;
    the blocks (examples, the self-check, the summary) are left out: they are made by the build.
    The words before the first ``##`` heading are under the page's title."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_block = in_fence = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_block:
            in_block = not _BLOCK_END.match(line)
            continue
        if _BLOCK_START.match(line):
            in_block = True
            continue
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            sections.append((heading.group("title"), []))
            continue
        words = _CLAUSE_MARK.sub("", line)
        words = _LITERAL.sub(lambda found: found.group("words"), words)
        # Markdown's marks are not words a reader reads: links show their text, a bullet is a
        # "•", emphasis goes.
        words = _MD_LINK.sub(lambda found: found.group("text"), words)
        words = _MD_MARKS.sub("", _MD_BULLET.sub("• ", words))

        def value(found: re.Match[str]) -> str:
            try:
                return version.value_of(found.group("name"))
            except PolicyError:
                return found.group(0)

        sections[-1][1].append(PLACEHOLDER.sub(value, words))
    return [
        (title, " ".join(" ".join(lines).split()))
        for title, lines in sections
        if title or " ".join(lines).strip()
    ]


def text_changes(
    before: list[tuple[str, str]], after: list[tuple[str, str]]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each section whose words differ between two versions' pages, with its word diff, in the
    newer page's order (a section it no longer has comes last, all deleted)."""
    was = dict(before)
    now = dict(after)
    changed = []
    for title, words in after:
        if was.get(title) != words:
            changed.append((title, trimmed(word_diff(was.get(title, ""), words))))
    for title, words in before:
        if title not in now:
            changed.append((title, word_diff(words, "")))
    return changed


def unchanged_versions(
    policy_file: Path, docs: Path, policies: Policies, today: date, page: str = "index.md"
) -> list[str]:
    """A version still to come that changes nothing from the version before it (no value, no
    clause's words, no word of its page), each as ``policy.toml:LINE: what to change``.

    A version in effect is frozen whatever it holds: only a coming one can still be given its
    change (or removed)."""
    found = []
    lines = Lines(policy_file.read_text(encoding="utf-8"))
    for index, version in enumerate(policies.versions):
        if index == 0 or version.effective <= today:
            continue
        before = policies.versions[index - 1]
        if any(getattr(before, name) != getattr(version, name) for name in value_words(version)):
            continue
        if before.clause_texts != version.clause_texts or before.texts != version.texts:
            continue
        text, was = (
            page_file(docs, policies, version, page),
            page_file(docs, policies, before, page),
        )
        if text is None or was is None:
            continue  # a missing page is reported on its own
        if " ".join(text.read_text(encoding="utf-8").split()) != " ".join(
            was.read_text(encoding="utf-8").split()
        ):
            continue
        shown = display_name(text)
        found.append(
            f"{display_name(policy_file)}:{lines.of('versions', index)}: the version of "
            f"{long_date(version.effective)} changes nothing: its values, its clauses' words and "
            f"its page ({shown}) are those of the version of {long_date(before.effective)} "
            f"({display_name(was)}). Write what changes: under its [[versions]] heading, a value"
            f"{example_change(before)}, or a clause's "
            f"new words under [versions.clauses]; or change the words of {shown}. If no new "
            f"version is needed, remove its [[versions]] entry and delete {display_name(was)} "
            f"(it holds the same words as {shown})."
        )
    return found


# ./run new-version --------------------------------------------------------------------------------

DEFAULT_DOCS = Path("docs")


def in_the_past(effective: date, before: date) -> str:
    """Why a new version may not take effect on ``effective``, a day before the build's: the
    purchases made since then were made under the version of ``before``. (``./run new-version``,
    ``./run review`` and the build say it in the same words.)"""
    return (
        f"{long_date(effective)} is in the past. Customers who bought since then did so under "
        f"the version of {long_date(before)}, and are judged by it. Choose today or a later day."
    )


def new_version(
    policy: PolicyPackage | Path,
    docs: Path,
    effective: date,
    today: date,
    changes: str = "",
    named: bool = False,
) -> list[str]:
    """Freeze the latest version's page of ``policy`` and add a version taking effect on
    ``effective`` (a path: that file of the site's policy).

    Returns what was done, line by line. Raises :class:`VersionError`.
    """
    if not isinstance(policy, PolicyPackage):
        from policy_review.review import site_policy

        policy = site_policy(None, Path(policy))
    policy_file = policy.policy_path
    try:
        policies = policy.read_policies()
    except PolicyError as error:
        raise VersionError(
            f"{display_name(policy_file)} has mistakes; fix them first:\n"
            + "\n".join(error.problems)
        ) from error
    latest = policies.latest
    if effective <= latest.effective:
        raise VersionError(
            f"A new version must take effect after the latest one ({long_date(latest.effective)}"
            f"). Choose a later day."
        )
    if effective < today:
        raise VersionError(in_the_past(effective, latest.effective))
    page = docs / policy.page
    frozen = docs / archived_page(latest, policy.page)
    # How the editor knows the policy's page, and where it and its versions are published.
    shown = f"docs/{policy.page}"
    folder = posixpath.dirname(history_dir(policy.page))
    home = f"/{folder}/" if folder else "/"
    at = "/" + history_dir(policy.page) + "/"
    # The commands to suggest name the policy when it was named (a site of several).
    review = f"./run review {policy.name}" if named else "./run review"
    if frozen.exists():
        raise VersionError(
            f"{display_name(frozen)} already exists, so the page of the version of "
            f"{long_date(latest.effective)} was frozen before, yet that version is still the "
            f"latest in {display_name(policy_file)}. Check the file's last [[versions]] entry, or "
            "ask a developer."
        )
    text = policy_file.read_text(encoding="utf-8")
    month = f"{MONTHS[effective.month - 1]} {effective.year}"
    note = changes.replace("\\", "\\\\").replace('"', '\\"')
    entry = (
        "\n[[versions]]\n"
        f"# Takes effect on {long_date(effective)}. Give only what changes: everything else\n"
        f"# carries over from the version above. Then change {shown} to match, and run\n"
        f"# {review}.\n"
        f"effective = {effective.isoformat()}\n"
        f'last_updated = "{month}"\n'
        "# In a sentence, what changes in this version (shown on the policy's history page).\n"
        f'changes = "{note}"\n'
    )
    frozen.parent.mkdir(parents=True, exist_ok=True)
    frozen.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    policy_file.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    iso, since = latest.effective.isoformat(), long_date(latest.effective)
    in_effect = latest.effective <= today
    at_home = f", and at {home} until {long_date(effective)}" if in_effect else ""
    return [
        f"Froze the page of the version of {since} as {display_name(frozen)} (published at "
        f"{at}{iso}/{at_home}). It changes only to fix a typo, recorded under its "
        "version (see below).",
        f"Added a version taking effect on {long_date(effective)} at the end of "
        f"{display_name(policy_file)}.",
        "",
        "Next:",
        *(
            []
            if changes
            else [
                f'  - In {display_name(policy_file)}, write what changes: changes = "…".',
            ]
        ),
        f"  - Under the new [[versions]] heading, add the values that change"
        f"{example_change(latest)}, any clause whose words "
        "change under [versions.clauses], and any note, warning, alternative or refund timing "
        "whose words change under its own heading ([versions.notes.<its name>], …).",
        f"  - Change {shown} to match: it is the new version's page (at "
        f"{at}{effective.isoformat()}/ until {long_date(effective)}, then at {home}).",
        f"  - Preview with ./run serve, then run {review}, read it, and {review} --accept.",
        "",
        "A typo found meanwhile:",
        f"  - in the new version: correct {shown} (and its words in "
        f"{display_name(policy_file)}); nothing to record until it takes effect;",
        f"  - in the version of {since}"
        + (f", which customers read at {home} until then" if in_effect else "")
        + f": correct {display_name(frozen)} (and {shown}, if the new version keeps "
        "those words)"
        + (
            ", and record it under that version's [[versions]] heading, anywhere in it: "
            'typo_fixes = ["what you corrected"].'
            if in_effect
            else "."
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./run new-version",
        description="Add a version of a policy that takes effect on a given day: the current "
        "page is frozen as the earlier version's, and a new [[versions]] entry is added to its "
        "policy.toml (checker/policy.toml for the refund policy) for you to fill in.",
    )
    parser.add_argument("effective", help="the day the new version takes effect, YYYY-MM-DD")
    parser.add_argument("--changes", default="", help="what changes, in a sentence")
    parser.add_argument(
        "--name", help="the policy's name, when mkdocs.yml lists more than one (refund)"
    )
    parser.add_argument(
        "--policy", type=Path, help="the policy file (default: the one mkdocs.yml's policies give)"
    )
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="%(default)s")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.effective):
        sys.stderr.write(
            f"new-version: “{args.effective}” is not a date. Write the day the version takes "
            "effect as YYYY-MM-DD, like ./run new-version 2026-12-01.\n"
        )
        return 2
    from policy_review.review import site_policy

    try:
        policy = site_policy(args.name, args.policy)
    except PackageError as error:
        sys.stderr.write(f"new-version: {error}\n")
        return 2
    try:
        effective = date.fromisoformat(args.effective)
        done = new_version(
            policy,
            args.docs,
            effective,
            # A preview date earlier than today cannot date a version in the past.
            frozen_day(build_day()),
            args.changes.strip(),
            args.name is not None,
        )
    except ValueError:
        sys.stderr.write(f"new-version: {args.effective} is not a day of the calendar.\n")
        return 2
    except VersionError as error:
        sys.stderr.write(f"new-version: {error}\n")
        return 1
    sys.stdout.write("\n".join(done) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
