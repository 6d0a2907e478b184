"""The site as it will be built on each announced effective day, checked today, in memory.

A static site switches to a new version only when it is built on or after its day (the daily
publish, dev/publishing.md). That build must not be the first to find a problem: on that day
docs/index.md becomes the home page (it must hold the self-check and the summary, and mark every
clause), a frozen page becomes an earlier version's, and every page is proofread with the values
of the version it shows then. So ``./run review`` and every build render each version page, and
every other page of the docs folder, as ``POLICY_SITE_TODAY=<that day> ./run build`` would,
and report what would stop that build, named with the day.

Build time only: it renders Markdown with the site's own extensions; nothing is written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import markdown
from mkdocs.utils.meta import get_data

from policy_engine.policy import Policies, long_date
from policy_site.package import PolicyPackage
from policy_site.pages import blocks, versions
from policy_site.pages.extension import PolicySiteExtension, Problem, is_named
from policy_site.pages.page import PageContext, PageRole

# The blocks a home page must hold, and what its readers would miss without each.
MISSING_BLOCK = {
    "policy-check": "customers get no self-check",
    "decision-summary": (
        "readers without JavaScript get no summary of usual outcomes, and the self-check's "
        "way out links to nothing"
    ),
}


def page_problems(
    extension: PolicySiteExtension,
    pages: Iterable[versions.VersionPage],
    docs_name: str,
    package: PolicyPackage,
) -> list[str]:
    """What the version pages of one build lack, once every page is rendered: each page of a
    version that may still change (the home page, a coming version's) marks every clause of the
    rules, and the home page holds the self-check and the summary. (A frozen page stays as it
    was.)"""
    found = []
    for shown in pages:
        name = posixpath.join(docs_name, shown.source)
        frozen = shown.source.startswith(versions.history_dir(package.page) + "/")
        marked = extension.clauses_seen.get(shown.src_uri, {})
        for clause_id in [] if frozen else package.rulebook.clause_ids:
            if clause_id not in marked:
                found.append(
                    f"{name}: no bullet of the policy is marked as clause “{clause_id}”, "
                    f"which the self-check uses. Add {{clause: {clause_id}}} at the end of its "
                    f"bullet (“{shown.version.clause_texts[clause_id]}”) in the Usually "
                    "Eligible or Usually Not Eligible list."
                )
        quoted = extension.quotes_seen.get(shown.src_uri, {})
        for kind in [] if frozen else package.rulebook.outcomes.ids.kinds:
            for text_id, said in shown.version.texts.of(kind).items():
                if said.clause or (kind.marker, text_id) in quoted:
                    continue
                found.append(
                    f"{name}: no passage of the policy is marked {{{kind.marker}: {text_id}}}, "
                    f"whose words the self-check quotes to customers (“{said.quote}”, "
                    f"{said.where}). Add {{{kind.marker}: {text_id}}} after the sentence that "
                    "says them."
                )
        needed = {
            block: without
            for block, without in MISSING_BLOCK.items()
            if block != "decision-summary" or blocks.summary_fits(package.rulebook)
        }
        for block, without in needed.items() if shown.home else ():
            if not extension.site_blocks.get(shown.src_uri, {}).get(block):
                found.append(
                    f"{name}: the policy page has no “/// {block}” block, so {without}. Add "
                    f"a line “/// {block}” and, below it, a line “///” where it belongs "
                    "(see EDITING.md)."
                )
    return found


def effective_days(policies: Policies, today: date) -> list[date]:
    """The announced days still to come on which a version takes effect."""
    return [v.effective for v in policies.versions if v.effective > today]


def problems_on(
    package: PolicyPackage,
    day: date,
    policies: Policies,
    docs: Path,
    extensions: list[Any],
    extension_configs: Mapping[str, Any],
    policy_pages: Sequence[str] = ("index.md",),
) -> list[str]:
    """What would stop ``POLICY_SITE_TODAY=<day> ./run build``, in the Markdown of the pages of
    ``package``'s policy: each problem as ``file:LINE: message`` (or ``file: message``).
    ``policy_pages`` are the pages of every policy of the site, the first's first: a page of no
    policy belongs to the first."""
    found: list[Problem] = []
    extension = PolicySiteExtension(
        package, policies.in_force(day), policies=policies, on_problem=found.append
    )
    extension.docs_dir = docs
    dates = {v.effective.isoformat() for v in policies.versions}
    history = docs / versions.history_dir(package.page)
    archived = {f.stem for f in history.glob("*.md") if f.stem in dates}
    plan = versions.plan(policies, day, archived, package.page)
    shown = {page.src_uri: page for page in plan}
    histories = tuple(versions.history_dir(page) + "/" for page in policy_pages)
    first = not policy_pages or policy_pages[0] == package.page
    others = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if relative.startswith(histories) or relative in policy_pages:
            continue
        named = get_data(path.read_text(encoding="utf-8"))[1].get("policy")
        if named == package.name or (named is None and first):
            others.append(relative)
    urls = {
        page.version.effective.isoformat(): f"{page.src_uri[: -len('.md')]}/"
        for page in plan
        if not page.home
    }
    extension.begin_site()
    for src_uri in [*shown, *others]:
        page = shown.get(src_uri)
        source = page.source if page else src_uri
        text, _ = get_data((docs / source).read_text(encoding="utf-8"))
        if page is not None:
            text = versions.rebase_links(
                text, posixpath.dirname(src_uri), posixpath.dirname(package.page)
            )
        extension.begin_page(
            PageContext(
                name=posixpath.join(docs.name, source),
                key=src_uri,
                policy=page.version if page else None,
                role=(PageRole.CURRENT if page.home else PageRole.VERSION)
                if page
                else PageRole.OTHER,
                banner=versions.banner(policies, page, day, package.page, urls) if page else [],
                version_urls=urls,
                current_url="./",
                today=day,
            )
        )
        # mkdocs.yml's own entry for the extension (read without the plugin) is this instance.
        renderer = markdown.Markdown(
            extensions=[*(e for e in extensions if not is_named(e)), extension],
            extension_configs=dict(extension_configs),
        )
        renderer.convert(text)
    return [str(problem) for problem in found] + page_problems(extension, plan, docs.name, package)


def upcoming_problems(
    package: PolicyPackage,
    policies: Policies,
    today: date,
    docs: Path,
    extensions: list[Any],
    extension_configs: Mapping[str, Any],
    policy_pages: Sequence[str] = ("index.md",),
) -> list[str]:
    """For each announced effective day after ``today``, what would stop the build on that day,
    each message naming the day and the command that shows it."""
    found: list[str] = []
    days = effective_days(policies, today)
    if not days:
        return found

    def on(day: date) -> list[str]:
        return problems_on(
            package, day, policies, docs, extensions, extension_configs, policy_pages
        )

    # A problem the build of today reports already is not repeated for every day to come.
    known = set(on(today))
    for day in days:
        for problem in on(day):
            if problem in known:
                continue
            found.append(
                f"on {long_date(day)}, when the version of that day takes effect, the build "
                f"would stop (see it with POLICY_SITE_TODAY={day.isoformat()} ./run serve): "
                f"{problem}"
            )
    return found
