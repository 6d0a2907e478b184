"""The build's steps, each one function that the MkDocs plugin ``policy-site`` calls from one of
its events (build time only).

The plugin (:mod:`policy_site.plugin`) holds no logic of its own: it keeps what one build knows
(the site's policies, the output folder) and calls these steps in MkDocs' order. A step that
must stop the build raises :class:`StepError` with the messages to show; the plugin shows them,
leaves the last good site as it was and ends with a plain line. Kept apart from the plugin so
that another host of the Markdown extension (MkDocs 2 has no plugins, Zensical ignores them; see
dev/site.md) can call the same steps.
"""

from __future__ import annotations

import os
import posixpath
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from policy_engine.policy import Policies, PolicyError, display_name, long_date
from policy_review import ledger as ledgers
from policy_review import review
from policy_site import package, shipping
from policy_site.pages import editor_files, proofread, site_name, upcoming, versions
from policy_site.pages.context import page_url, version_urls
from policy_site.pages.extension import PolicySiteExtension, is_named, unknown_options
from policy_site.pages.front_matter import front_matter_lines, front_matter_problems
from policy_site.pages.page import PageContext, PageRole, WidgetSettings
from policy_site.pages.theme_markup import OUR_THEME_SCRIPT, UNUSED_THEME_SCRIPTS
from policy_site.publishing import headers, precompress
from policy_site.shipping import decisions, runtime
from policy_site.site_config import placeholder_addresses

# MkDocs' logger for plugins: every message starts "policy-site: ".
log = get_plugin_logger("policy-site")

# For the test suite only (tests/site/projects.py): a folder that the test session made empty and
# that only its own builds write, each ledger part made once there and then read back, instead of
# made afresh by every build (about 1.5 s of CPU per version, some 40 builds). Never set where a
# site is published: without it a build makes every part itself and trusts no folder (issue 33).
TEST_SESSION_LEDGERS = "POLICY_SITE_TEST_SESSION_LEDGERS"


class StepError(Exception):
    """A step that stops the build: its messages say why and what to do."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = messages


@dataclass
class SitePolicy:
    """One policy of the site as the build holds it: its package, its versions, its ledger, what
    ships for its self-check, and the pages that show its versions."""

    source: package.PolicyPackage
    policies: Policies
    book: ledgers.Book | None = None
    shipment: shipping.Shipment | None = None
    # The pages that show a version of the policy, by where MkDocs publishes them from.
    version_pages: dict[str, versions.VersionPage] = field(default_factory=dict)

    @property
    def history(self) -> str:
        """Its frozen pages' folder, relative to the docs folder."""
        return versions.history_dir(self.source.page)

    @property
    def label(self) -> str:
        """How the build's messages name it when the site has more than one policy."""
        return f"the {self.source.name} policy"


# on_config ---------------------------------------------------------------------------------------


def read_site(sources: list[package.PolicyPackage]) -> list[SitePolicy]:
    """Every version of each policy, read and checked; a policy file with problems, or a
    placeholder support address, stops the build."""
    site = []
    problems: list[str] = []
    for source in sources:
        try:
            policies = source.read_policies()
        except PolicyError as error:
            problems += error.problems
            continue
        problems += placeholder_addresses(source, policies)
        site.append(SitePolicy(source, policies))
    if problems:
        raise StepError(*problems)
    return site


def check_pages(site: list[SitePolicy], docs: Path, today: date) -> None:
    """Each policy's page exists and publishes it alone; what its file may get wrong is said, and
    each version is logged with what it inherits resolved."""
    pages = [entry.source.page for entry in site]
    for entry in site:
        if not (docs / entry.source.page).is_file():
            raise StepError(
                f"mkdocs.yml: the page of {entry.label}, {docs.name}/{entry.source.page}, "
                "does not exist. Create it (./run new-policy makes one) or correct `page:`."
            )
        if pages.count(entry.source.page) > 1:
            raise StepError(f"mkdocs.yml: two policies are published by {entry.source.page}.")
        for problem in proofread.policy_file_problems(entry.source.policy_path, entry.policies):
            log.warning(problem)
        for version in entry.policies.versions:
            # Each version with what it inherits resolved, as the self-check will use it.
            log.info(
                f"{entry.source.name} policy version of {version.effective.isoformat()} "
                f"({versions.status(entry.policies, version, today)}): "
                f"{versions.summary(version)}"
            )


def check_editor_files(config: MkDocsConfig) -> None:
    """Stylesheets and drawings reach every page as they are: judged before anything is built."""
    config_dir = Path(config.config_file_path).parent
    docs = Path(config.docs_dir)
    shown_docs = Path(os.path.relpath(docs, config_dir)).as_posix()
    unsafe = editor_files.docs_problems(docs, list(config.extra_css), shown_docs)
    if unsafe:
        raise StepError(*unsafe)


@dataclass(frozen=True)
class LedgerGate:
    """How one build holds the committed ledgers to the rules (:func:`check_ledger`)."""

    config_dir: Path
    cache: Path
    today: date
    serving: bool  # previewing: a stale ledger is only announced
    several: bool  # the site has more than one policy: commands name it


def check_ledgers(site: list[SitePolicy], docs: Path, gate: LedgerGate) -> None:
    """The change review of every policy (:func:`check_ledger`), then the coming versions that
    change nothing."""
    for entry in site:
        check_ledger(entry, docs / entry.history, gate)
        for problem in versions.unchanged_versions(
            entry.source.policy_path, docs, entry.policies, gate.today, entry.source.page
        ):
            log.warning(problem)


def check_ledger(entry: SitePolicy, history: Path, gate: LedgerGate) -> None:
    """The committed ledger must be the one of this policy and these rules (see review.py),
    and no version in effect may have changed beyond a recorded typo fix.

    While previewing, a stale ledger is only announced: the editor reviews after seeing the
    change. A build that would publish stops. A change to a version in effect stops both.
    """
    policy_file = entry.source.policy_path
    ledger_file = entry.source.ledger_path
    # A build that publishes makes it afresh: the cache could say anything (issue 33).
    trusted = os.environ.get(TEST_SESSION_LEDGERS)
    if trusted:  # a test's build: the parts this test session made, once each
        expected = review.current_text(entry.source, Path(trusted), history, trust_cache=True)
    else:
        expected = review.current_text(entry.source, gate.cache, history, trust_cache=gate.serving)
    # The page's decision table is this ledger (policy_site/shipping/decisions.py).
    entry.book = ledgers.parse(expected)
    actual = ledger_file.read_text(encoding="utf-8") if ledger_file.is_file() else None
    shown = os.path.relpath(ledger_file, gate.config_dir)
    try:
        committed = ledgers.parse(actual) if actual is not None else None
    except ledgers.LedgerError:
        committed = None
    # The versions in force by the real date (a preview date may look ahead, never back),
    # held to what git published, whether or not the ledger file is up to date.
    frozen, _, note = review.frozen_checks(
        entry.source,
        committed,
        entry.book,
        versions.frozen_day(gate.today),
        history,
        "./run new-version YYYY-MM-DD" + (f" --name {entry.source.name}" if gate.several else ""),
    )
    for problem in frozen:
        log.warning(problem)
    if note and (frozen or not gate.serving):
        log.info(f"{display_name(policy_file)}: {note}")
    if actual == expected:
        return
    what = "is missing" if actual is None else "is out of date"
    name = f" {entry.source.name}" if gate.several else ""
    message = (
        f"the change review ({shown}) {what}: the policy or the rules now decide some "
        "situations differently, or word a clause differently. Run "
        f"`./run review{name}` to see what changes; if that is what you meant, run "
        f"`./run review{name} --accept` and commit {shown} with your change."
    )
    if gate.serving:
        log.info(message + " The preview shows the change meanwhile.")
    else:
        log.warning(message)


def take_over_extension(config: MkDocsConfig, extension: PolicySiteExtension) -> None:
    """Render the pages with ``extension``, which the plugin sets page by page: in place of the
    extension's entry in ``markdown_extensions`` if mkdocs.yml has one (so that it runs once),
    else added."""
    listed = [e for e in config.markdown_extensions if is_named(e)]
    for name in listed:
        wrong = unknown_options(config.mdx_configs.get(name) or {})
        if wrong:
            raise StepError(wrong)
        config.markdown_extensions.remove(name)
        config.mdx_configs.pop(name, None)
    config.markdown_extensions.append(extension)  # type: ignore[arg-type]


def add_widget_assets(config: MkDocsConfig) -> None:
    """The policy's and the self-check's styles and script, on every page."""
    widget = shipping.widget_dir()
    config.extra_css.append(shipping.POLICY_CSS)
    config.extra_css.append(f"{widget}/widget.css")
    script = c.ExtraScriptValue(f"{widget}/widget.js")
    script.type = "module"  # an ES module: loaded once, deferred, strict
    config.extra_javascript.append(script)
    # The modules widget.js imports, announced in the page's head (overrides/main.html) so
    # that they download with it rather than one round trip after it: on a phone network a
    # round trip is half a second.
    config.extra["policy_check_modules"] = [f"{widget}/{name}" for name in shipping.WIDGET_IMPORTS]


# on_files ----------------------------------------------------------------------------------------


def ship_site(
    site: list[SitePolicy],
    files: Files,
    config: MkDocsConfig,
    cache: Path,
    *,
    pyodide_source: str | None,
    fast_start: bool,
) -> None:
    """Ship each policy's self-check (:func:`policy_site.shipping.ship`) into ``files``, and leave
    out the theme's scripts that the pages do not load."""
    config_dir = Path(config.config_file_path).parent
    shipped: dict[str, Path] = {}
    for entry in site:
        assert entry.book is not None
        try:
            entry.shipment = shipping.ship(
                entry.source,
                cache,
                pyodide_source=config_dir / pyodide_source if pyodide_source else None,
                fast_start=fast_start,
                decisions=decisions.decision_json(
                    entry.source.rulebook, entry.policies, entry.book
                ).encode("utf-8"),
            )
        except shipping.ShippingError as error:
            raise StepError(str(error)) from None
        # The runtime and the widget's files are the same for every policy: shipped once.
        shipped.update(entry.shipment.files)
    for path, file in shipped.items():
        files.append(File.generated(config, path, abs_src_path=str(file)))
    # Material's scripts (its bundle, search's index builder and worker) are not loaded by
    # these pages (overrides/main.html): the site does not ship them either.
    for unused in [f for f in files if f.src_uri.startswith(UNUSED_THEME_SCRIPTS)]:
        if f"/{unused.src_uri}".endswith(OUR_THEME_SCRIPT):
            continue
        files.remove(unused)


def place_versions(entry: SitePolicy, files: Files, config: MkDocsConfig, today: date) -> None:
    """Give each version its page (see policy_site/pages/versions.py): the policy's page shows
    the version in force today; a coming version's page is the policy's page (docs/index.md),
    published in its history folder (/history/)."""
    docs = Path(config.docs_dir)
    dates = {v.effective.isoformat(): v for v in entry.policies.versions}
    archived = set()
    for frozen in (docs / entry.history).glob("*.md"):
        if frozen.stem in dates:
            archived.add(frozen.stem)
        else:
            log.warning(
                f"{docs.name}/{entry.history}/{frozen.name}: no version of the policy took "
                f"effect on {frozen.stem}, so this frozen page belongs to none. Rename it to "
                f"the date of its version in {display_name(entry.source.policy_path)}, or "
                "remove it."
            )
    for version in entry.policies.versions[:-1]:
        if version.effective.isoformat() not in archived:
            log.warning(
                f"{docs.name}/{versions.archived_page(version, entry.source.page)} is "
                f"missing: the version of {long_date(version.effective)} has no frozen page, "
                "so customers who bought under it cannot read it. `./run new-version` makes "
                "it when a version is added; restore it from git."
            )
    plan = versions.plan(entry.policies, today, archived, entry.source.page)
    entry.version_pages = {page.src_uri: page for page in plan}
    for page in plan:
        if page.src_uri == page.source:
            continue
        # A page published from another file's text: the policy's page from a frozen copy,
        # or the coming version's page from the policy's page.
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            files.remove(existing)
        text = (docs / page.source).read_text(encoding="utf-8")
        files.append(File.generated(config, page.src_uri, content=text))


# on_page_markdown --------------------------------------------------------------------------------


def policy_of(
    site: list[SitePolicy], page: Page, *, warn: bool = False
) -> tuple[SitePolicy, versions.VersionPage | None]:
    """The policy a page belongs to, and the version it shows: a version's page is its
    policy's; any other page (the examples, the history) the one its front matter names
    (``policy: returns``), or the site's first."""
    for entry in site:
        shown = entry.version_pages.get(page.file.src_uri)
        if shown is not None:
            return entry, shown
    named = page.meta.get("policy") if isinstance(page.meta, dict) else None
    for entry in site:
        if entry.source.name == named:
            return entry, None
    if named is not None and warn:
        known = ", ".join(entry.source.name for entry in site)
        log.warning(
            f"{page.file.src_uri}: “policy: {named}” names no policy of this site "
            f"({known}). Correct it in the page's front matter."
        )
    return site[0], None


@dataclass(frozen=True)
class Timeouts:
    """How long the widget waits: the plugin's ``stall_timeout_ms`` and ``start_timeout_ms``."""

    stall_ms: int
    start_ms: int


def begin_page(
    extension: PolicySiteExtension,
    site: list[SitePolicy],
    page: Page,
    markdown: str,
    *,
    config: MkDocsConfig,
    files: Files,
    today: date,
    timeouts: Timeouts,
) -> str:
    """Hand the extension the page's policy, the version it shows and what only the plugin
    knows (the shipped widget's URLs, the banner, the version pages made from frozen copies);
    returns the page's Markdown (a frozen copy's links rebased to where it is published)."""
    entry, shown = policy_of(site, page, warn=True)
    shipment = entry.shipment
    assert shipment is not None
    source = page.file.content_string
    docs_name = Path(config.docs_dir).name
    for line, message in front_matter_problems(page.meta, source):
        log.warning(f"{docs_name}/{page.file.src_uri}:{line}: {message}")

    def here(target: str) -> str:
        return page_url(target, page.file.url)

    def markdown_link(target: str) -> str:
        """A link to another page's Markdown, which MkDocs checks and turns into its URL."""
        return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")

    policy_page = entry.source.page
    if shown is not None:
        # Every version's text was written as the policy's page, beside it.
        markdown = versions.rebase_links(
            markdown, posixpath.dirname(page.file.src_uri), posixpath.dirname(policy_page)
        )
    home = here(files.get_file_from_path(policy_page).url)  # type: ignore[union-attr]
    # The pages of versions other than the current (by ISO date): their sources, for the
    # banner's Markdown links, and their URLs, for the widget.
    pages = {
        other.version.effective.isoformat(): other.src_uri
        for other in entry.version_pages.values()
        if not other.home
    }
    # The page's policy: its rules, its versions and the version in force.
    extension.package = entry.source
    extension.policies = entry.policies
    extension.policy = entry.policies.in_force(today)
    extension.begin_page(
        PageContext(
            name=posixpath.join(docs_name, shown.source if shown else page.file.src_uri),
            key=page.file.src_uri,
            line_offset=front_matter_lines(source),
            policy=shown.version if shown else None,
            role=(PageRole.CURRENT if shown.home else PageRole.VERSION)
            if shown
            else PageRole.OTHER,
            banner=versions.banner(
                entry.policies,
                shown,
                today,
                markdown_link(policy_page),
                {day: markdown_link(src) for day, src in pages.items()},
            )
            if shown
            else [],
            version_urls=version_urls(pages, files, page.file.url),
            current_url=home,
            today=today,
            widget=WidgetSettings(
                runtime=here(shipment.runtime_dir) + "/",
                lock=here(shipment.lock),
                stdlib=here(shipment.stdlib),
                wheel=here(shipment.wheel),
                wheel_sha256=shipment.wheel_sha256,
                decisions=here(shipment.decisions),
                decision_table=shipment.files[shipment.decisions].read_text(encoding="utf-8"),
                package=shipment.package,
                module=entry.source.import_name,
                worker=here(shipment.worker),
                stall_timeout_ms=timeouts.stall_ms,
                start_timeout_ms=timeouts.start_ms,
                downloads=shipment.downloads,
            ),
        )
    )
    return markdown


# on_page_context ---------------------------------------------------------------------------------


def page_template_context(
    context: TemplateContext,
    site: list[SitePolicy],
    page: Page,
    config: MkDocsConfig,
    nav: Navigation,
    today: date,
) -> TemplateContext:
    """The theme's words of the page's policy: the footer's "Refund policy last updated" (the
    version this page shows, or the one in force on pages that show none:
    overrides/partials/copyright.html), its title, and the site's name on another policy's page."""
    entry, shown = policy_of(site, page)
    policy = shown.version if shown else entry.policies.in_force(today)
    context["policy_last_updated"] = policy.last_updated  # type: ignore[typeddict-unknown-key]
    # "Refund policy", "Returns policy": the page's policy, by its name.
    title = f"{entry.source.name.replace('-', ' ').capitalize()} policy"
    context["policy_title"] = title  # type: ignore[typeddict-unknown-key]
    if entry is not site[0]:
        # Another policy's page carries that policy's name, not the site's (the first's).
        name, home = site_name.policy_home(entry.source.page, title, nav)
        context["config"] = site_name.SiteAs(config, name, home)  # type: ignore[typeddict-item]
    return context


# on_env ------------------------------------------------------------------------------------------


def check_site(
    extension: PolicySiteExtension, site: list[SitePolicy], config: MkDocsConfig, today: date
) -> None:
    """Every page's Markdown has been rendered by now: what the version pages lack today, then
    what the build of each announced effective day would stop on (policy_site/pages/upcoming.py),
    checked in memory now so that the day's publish cannot fail."""
    docs = Path(config.docs_dir)
    others: list[Any] = [e for e in config.markdown_extensions if e is not extension]
    for entry in site:
        for problem in upcoming.page_problems(
            extension, entry.version_pages.values(), docs.name, entry.source
        ):
            log.warning(problem)
        for problem in upcoming.upcoming_problems(
            entry.source,
            entry.policies,
            today,
            docs,
            others,
            config.mdx_configs,
            [e.source.page for e in site],
        ):
            log.warning(problem)


# on_post_build -----------------------------------------------------------------------------------


def finish_site(
    site_dir: Path, config: MkDocsConfig, cache: Path, *, serving: bool, compress: bool
) -> None:
    """The headers, then the precompressed copies, of the built site, whose pages are final."""
    # Hash the theme's inline code into the Content-Security-Policy of `_headers` and of each
    # page's meta tag. Not the meta tag under `mkdocs serve`, whose live-reload script is not
    # in the policy and would be blocked.
    try:
        written = headers.write_headers(site_dir, config.theme.dirs, meta=not serving)
    except headers.UnsafePage as error:
        raise StepError(str(error)) from None
    log.debug(f"wrote {written}")
    # Last: the copies must hold the pages' final bytes. Not while previewing: the preview
    # server does not send them.
    if not compress or serving:
        return
    started = time.perf_counter()
    try:
        done = precompress.precompress_site(site_dir, cache)
    except OSError as error:
        raise StepError(
            f"the precompressed copies could not be written "
            f"({error.strerror or error}: {error.filename}). Free some disk space, or "
            f"set `precompress: false` for the policy-site plugin in mkdocs.yml."
        ) from None
    log.info(
        f"precompressed {done.files} files (.gz and .br; "
        f"{done.raw_bytes / 1e6:.1f} MB as {done.brotli_bytes / 1e6:.1f} MB of brotli) "
        f"in {time.perf_counter() - started:.1f} s, {done.made} copies made, "
        "the rest from the cache"
    )


def cache_dir(config: MkDocsConfig, option: str | None) -> Path:
    """Where the runtime and built wheels are kept (the plugin's ``cache_dir``)."""
    return Path(config.config_file_path).parent / (option or runtime.default_cache_dir())
