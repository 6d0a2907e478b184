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

"The day of the build" is today, or ``$REFUND_POLICY_TODAY`` (``YYYY-MM-DD``) to preview the
site as it will be on another day.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from checker import Policies, Policy, PolicyError, read_policies
from checker.policy import MONTHS, display_name, long_date

TODAY_ENV = "REFUND_POLICY_TODAY"
HISTORY = "history"  # docs/history/<date>.md: the frozen pages of earlier versions
PAST, CURRENT, COMING = "past", "current", "coming"


class VersionError(Exception):
    """A version cannot be added, or the day of the build is not a date. Says what to do."""


def build_day() -> date:
    """The day the site is built for: today, or ``$REFUND_POLICY_TODAY``."""
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


def status(policies: Policies, version: Policy, today: date) -> str:
    """Whether ``version`` is past, current or coming on ``today``."""
    current = policies.in_force(today)
    if version is current:
        return CURRENT
    return COMING if version.effective > today else PAST


def until(policies: Policies, version: Policy) -> date | None:
    """The last day ``version`` was in force (None while no later version replaces it)."""
    later = [v.effective for v in policies.versions if v.effective > version.effective]
    return min(later) - timedelta(days=1) if later else None


def archived_page(version: Policy) -> str:
    """The frozen page of a version, relative to the docs folder."""
    return f"{HISTORY}/{version.effective.isoformat()}.md"


@dataclass(frozen=True)
class VersionPage:
    """One page of the site that shows a version of the policy."""

    src_uri: str  # where MkDocs publishes it from (docs-relative)
    source: str  # the file an editor would open, for messages: docs/index.md
    version: Policy
    home: bool  # the site's home page, with the self-check


def plan(policies: Policies, today: date, archived: set[str]) -> list[VersionPage]:
    """Which page shows which version: the home page, and one page per version besides it.

    ``archived`` are the ISO dates that have a frozen page in docs/history/.
    """
    current, latest = policies.in_force(today), policies.latest
    pages = []
    if latest is current or current.effective.isoformat() not in archived:
        pages.append(VersionPage("index.md", "index.md", latest, home=True))
    else:
        pages.append(VersionPage("index.md", archived_page(current), current, home=True))
        pages.append(VersionPage(archived_page(latest), "index.md", latest, home=False))
    for version in policies.versions:
        if version is not latest and version.effective.isoformat() in archived:
            page = archived_page(version)
            pages.append(VersionPage(page, page, version, home=False))
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
    if page.home:
        if not coming:
            return []
        nxt = coming[0]
        link = urls.get(nxt.effective.isoformat())
        read = f" [Read the new version]({link})." if link else ""
        when = long_date(nxt.effective)
        return [
            f'!!! info "A new version of this policy comes into effect on {when}"',
            "",
            f"    Purchases made before then follow this version, in force since {since}.{read}",
        ]
    kind = status(policies, version, today)
    if kind == COMING:
        return [
            f'!!! info "This version comes into effect on {since}"',
            "",
            f"    It applies to purchases made from {since}. Until then, "
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
        f"    This is the refund policy as it was {span}: purchases made in that time are "
        f"judged by it. [Read the current policy]({current_url}).",
    ]


# A page's text was written for docs/index.md; a version's page is published from docs/history/.
_RELATIVE_LINK = re.compile(r"(\]\(\s*<?|^\[[^\]]+\]:\s*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)", re.M)


def rebase_links(markdown: str, page_dir: str) -> str:
    """The Markdown of a page written for the docs folder's top (docs/index.md), with each
    relative link made relative to ``page_dir`` (``history``, for docs/history/2026-05-01.md), so
    that a frozen page's links go where they went when it was written. Links to anchors, to
    absolute paths and with a scheme (https:, mailto:) stay as they are."""
    if not page_dir:
        return markdown
    up = "../" * len(page_dir.strip("/").split("/"))
    return _RELATIVE_LINK.sub(lambda found: found.group(1) + up, markdown)


# ./run new-version --------------------------------------------------------------------------------

DEFAULT_POLICY = Path("checker/policy.toml")
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
    policy_file: Path, docs: Path, effective: date, today: date, changes: str = ""
) -> list[str]:
    """Freeze the latest version's page and add a version taking effect on ``effective``.

    Returns what was done, line by line. Raises :class:`VersionError`.
    """
    try:
        policies = read_policies(policy_file)
    except PolicyError as error:
        raise VersionError(
            "checker/policy.toml has mistakes; fix them first:\n" + "\n".join(error.problems)
        ) from error
    latest = policies.latest
    if effective <= latest.effective:
        raise VersionError(
            f"A new version must take effect after the latest one ({long_date(latest.effective)}"
            f"). Choose a later day."
        )
    if effective < today:
        raise VersionError(in_the_past(effective, latest.effective))
    page = docs / "index.md"
    frozen = docs / archived_page(latest)
    if frozen.exists():
        raise VersionError(
            f"{display_name(frozen)} already exists, so the page of the version of "
            f"{long_date(latest.effective)} was frozen before, yet that version is still the "
            "latest in checker/policy.toml. Check the file's last [[versions]] entry, or ask a "
            "developer."
        )
    text = policy_file.read_text(encoding="utf-8")
    month = f"{MONTHS[effective.month - 1]} {effective.year}"
    note = changes.replace("\\", "\\\\").replace('"', '\\"')
    entry = (
        "\n[[versions]]\n"
        f"# Takes effect on {long_date(effective)}. Give only what changes: everything else\n"
        "# carries over from the version above. Then change docs/index.md to match, and run\n"
        "# ./run review.\n"
        f"effective = {effective.isoformat()}\n"
        f'last_updated = "{month}"\n'
        "# In a sentence, what changes in this version (shown on the policy's history page).\n"
        f'changes = "{note}"\n'
    )
    frozen.parent.mkdir(parents=True, exist_ok=True)
    frozen.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    policy_file.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    return [
        f"Froze the page of the version of {long_date(latest.effective)} as "
        f"{display_name(frozen)} (published at /history/{latest.effective.isoformat()}/; "
        "do not edit it).",
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
        f"  - Under the new [[versions]] heading, add the values that change (for example "
        f"refund_window_days = {latest.refund_window_days + 7}), and any clause whose words "
        "change under [versions.clauses].",
        "  - Change docs/index.md to match: it is the new version's page.",
        "  - Preview with ./run serve, then run ./run review, read it, and ./run review --accept.",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./run new-version",
        description="Add a version of the refund policy that takes effect on a given day: the "
        "current page is frozen as the earlier version's, and a new [[versions]] entry is added "
        "to checker/policy.toml for you to fill in.",
    )
    parser.add_argument("effective", help="the day the new version takes effect, YYYY-MM-DD")
    parser.add_argument("--changes", default="", help="what changes, in a sentence")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY, help="%(default)s")
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="%(default)s")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.effective):
        sys.stderr.write(
            f"new-version: “{args.effective}” is not a date. Write the day the version takes "
            "effect as YYYY-MM-DD, like ./run new-version 2026-12-01.\n"
        )
        return 2
    try:
        effective = date.fromisoformat(args.effective)
        done = new_version(args.policy, args.docs, effective, build_day(), args.changes.strip())
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
