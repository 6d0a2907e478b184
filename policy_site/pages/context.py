"""A page's context as the Markdown extension derives it from the page itself (build time only).

The MkDocs plugin hands the extension each page's full context (:mod:`policy_site.steps`). When
the extension runs without it (a site whose ``mkdocs.yml`` lists it under
``markdown_extensions`` only, as MkDocs 2, which has no plugins, or Zensical, which ignores them,
would run it), it works out here what it can from the page itself: which policy the page
publishes (its page in the ``policies`` list, or its front matter ``policy: NAME``), which
version it shows (the policy's page: the version its text is written for; a frozen copy in the
history folder: its day's), and the links between the versions' pages. What only the plugin can
add (the shipped self-check, a page published from another file's text: the version in force
from its frozen copy while a newer one is announced) is left out, and a page that would need it
says so.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markdown import Markdown
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from policy_engine.policy import Policies, long_date
from policy_site.package import PolicyPackage
from policy_site.pages import versions
from policy_site.pages.front_matter import front_matter_lines
from policy_site.pages.page import PageContext, PageRole


def page_url(target: str, here: str) -> str:
    """``target`` (a URL within the site) as a link from the page at ``here``."""
    return get_relative_url(target, here)


def version_urls(pages: dict[str, str], files: Files, here: str) -> dict[str, str]:
    """Each version's page (by ISO date: its Markdown source) as a link from the page at
    ``here``."""
    return {
        day: page_url(files.get_file_from_path(src).url, here)  # type: ignore[union-attr]
        for day, src in pages.items()
    }


@dataclass(frozen=True)
class MkDocsPage:
    """The page MkDocs is rendering, as the Markdown instance knows it: MkDocs 1.6 registers its
    own tree processor ``relpath`` on every page's Markdown, holding the page's file, the site's
    files and the config."""

    src_uri: str
    url: str
    source: str  # the file as the editor wrote it, front matter included
    files: Files
    config: Any  # MkDocsConfig

    @classmethod
    def of(cls, md: Markdown) -> MkDocsPage | None:
        """The page ``md`` renders, or None when MkDocs is not the one rendering it."""
        if "relpath" not in md.treeprocessors:
            return None
        relpath = md.treeprocessors["relpath"]
        file, files, config = (getattr(relpath, name, None) for name in ("file", "files", "config"))
        if file is None or files is None or config is None:
            return None
        source = file.content_string if not file.generated_by else ""
        return cls(file.src_uri, file.url, source, files, config)


@dataclass(frozen=True)
class Derived:
    """A page's policy and context, derived from the page, and what it would need the plugin
    for (a sentence for the build's warning, or empty)."""

    package: PolicyPackage
    policies: Policies
    context: PageContext
    needs_plugin: str = ""
    # The version page this file is (None: any other page), for the checks made once it is
    # rendered: every clause marked, the home page's blocks there.
    version_page: versions.VersionPage | None = None


def derive(
    page: MkDocsPage | None,
    site: list[tuple[PolicyPackage, Policies]],
    *,
    docs: Path,
    today: date,
) -> Derived:
    """The context of ``page`` (None: a host that does not say which page it renders, which is
    then taken as the first policy's page) among the site's policies."""
    first_package, first_policies = site[0]
    if page is None:
        latest = first_policies.versions[-1]
        return Derived(
            first_package,
            first_policies,
            PageContext(name=f"{docs.name}/{first_package.page}", policy=latest, today=today),
        )
    name = posixpath.join(docs.name, page.src_uri)
    line_offset = front_matter_lines(page.source)
    for package, policies in site:
        plan = _plan(package, policies, docs, today)
        # The version whose text this file holds: a frozen copy its day's, the policy's page
        # the newest version's (the one its clause bullets are checked against).
        holds = next((p for p in plan if p.source == page.src_uri), None)
        if holds is None:
            continue
        # What the plugin would publish here instead (the version in force, from its frozen
        # copy, while a newer one is announced): a build without it cannot.
        instead = next(
            (p for p in plan if p.src_uri == page.src_uri and p.source != page.src_uri), None
        )
        needs = ""
        if instead is not None:
            needs = (
                f"until {long_date(holds.version.effective)}, when the version this page holds "
                f"takes effect, the policy-site plugin publishes {docs.name}/{instead.source} "
                "here, and a build without the plugin cannot. Add the plugin to mkdocs.yml's "
                "plugins (dev/site.md, “Without the plugin”), or build on or after that day"
            )
        home = page.files.get_file_from_path(package.page)

        def markdown_link(target: str, here: str = page.src_uri) -> str:
            """A link to another page's Markdown, which MkDocs checks and turns into its URL."""
            return posixpath.relpath(target, posixpath.dirname(here) or ".")

        others = _other_pages(plan)
        return Derived(
            package,
            policies,
            PageContext(
                name=name,
                key=page.src_uri,
                line_offset=line_offset,
                policy=holds.version,
                # Which version the page is, and where the current one is (as the plugin says).
                banner=versions.banner(
                    policies,
                    holds,
                    today,
                    markdown_link(package.page),
                    {day: markdown_link(src) for day, src in others.items()},
                ),
                role=PageRole.CURRENT if page.src_uri == package.page else PageRole.VERSION,
                version_urls=version_urls(others, page.files, page.url),
                current_url=page_url(home.url, page.url) if home else "./",
                today=today,
            ),
            needs,
            holds if instead is None else None,
        )
    # Any other page: the policy its front matter names, or the site's first.
    named = get_data(page.source)[1].get("policy") if page.source else None
    package, policies = next(
        ((p, v) for p, v in site if p.name == named), (first_package, first_policies)
    )
    plan = _plan(package, policies, docs, today)
    home = page.files.get_file_from_path(package.page)
    return Derived(
        package,
        policies,
        PageContext(
            name=name,
            key=page.src_uri,
            line_offset=line_offset,
            role=PageRole.OTHER,
            version_urls=version_urls(_other_pages(plan), page.files, page.url),
            current_url=page_url(home.url, page.url) if home else "./",
            today=today,
        ),
    )


def _plan(
    package: PolicyPackage, policies: Policies, docs: Path, today: date
) -> list[versions.VersionPage]:
    dates = {v.effective.isoformat() for v in policies.versions}
    history = docs / versions.history_dir(package.page)
    archived = {f.stem for f in history.glob("*.md") if f.stem in dates}
    return versions.plan(policies, today, archived, package.page)


def _other_pages(plan: list[versions.VersionPage]) -> dict[str, str]:
    """Each version's own page, by ISO date, that a build without the plugin publishes (a page
    the plugin makes from another file's text is not there)."""
    return {
        p.version.effective.isoformat(): p.src_uri
        for p in plan
        if not p.home and p.src_uri == p.source
    }
