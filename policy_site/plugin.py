"""The MkDocs plugin ``refund-policy``: ties the policy's Markdown, the checker and the widget.

At build time (never in the browser) it

* loads each policy that ``policies:`` lists (its package and its ``policy.toml``) once and gives
  it to the Markdown extension, which fills placeholders, anchors clauses, runs the worked
  examples and renders the widget;
* holds the change review: each policy's committed ledger must be its current rules' and words';
* checks, after every page is rendered, that each of the rules' clauses has its bullet, and
  renders in memory the site of each announced effective day (:mod:`policy_site.pages.upcoming`), so
  that the build of that day cannot fail;
* ships the self-check (:mod:`policy_site.shipping`): the verified runtime, the checker's wheel,
  lock and standard library, and the widget's files, in content-named folders;
* writes the security headers and the precompressed copies once the pages are final;
* builds into a staging folder and swaps it in only when the build succeeds
  (:mod:`policy_site.publishing.output`): a failed build leaves the last good site as it was.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import YAML_RE
from mkdocs.utils.templates import TemplateContext

from policy_engine.policy import Lines, Policies, PolicyError, display_name, long_date
from policy_review import ledger as ledgers
from policy_review import review
from policy_site import package, shipping
from policy_site.pages import editor_files, proofread, site_name, upcoming, versions
from policy_site.pages.extension import RefundPolicyExtension
from policy_site.pages.page import PageContext, PageRole, WidgetSettings
from policy_site.publishing import headers, output, precompress
from policy_site.shipping import decisions, runtime

# MkDocs' logger for plugins: every message starts "refund-policy: ".
log = get_plugin_logger("refund-policy")

# For the test suite only (tests/site/projects.py): a folder that the test session made empty and
# that only its own builds write, each ledger part made once there and then read back, instead of
# made afresh by every build (about 1.5 s of CPU per version, some 40 builds). Never set where a
# site is published: without it a build makes every part itself and trusts no folder (issue 33).
TEST_SESSION_LEDGERS = "REFUND_POLICY_TEST_SESSION_LEDGERS"


class _Milliseconds(c.Type[int]):
    """A whole number of milliseconds, at least ``minimum``."""

    def __init__(self, minimum: int, default: int) -> None:
        super().__init__(int, default=default)
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        number = super().run_validation(value)
        if number < self.minimum:
            raise ValidationError(
                f"Expected a number of milliseconds of at least {self.minimum} but received: "
                f"{number}"
            )
        return number


class _PolicyEntry(base.Config):
    folder = c.Optional(c.Type(str))
    """A policy that is data: its folder (relative to mkdocs.yml), holding its policy.toml and
    ledger.txt, named as the policy is (``policies/print-guarantee``)."""
    package = c.Optional(c.Type(str))
    """Or a policy in Python: its package (its import name), its RULEBOOK, check and
    read_policies."""
    page = c.Type(str, default="index.md")
    """The page of the docs folder that publishes the policy, with its self-check."""
    policy = c.Optional(c.Type(str))
    """Its values and words (default: policy.toml in the package's folder, beside mkdocs.yml)."""
    ledger = c.Optional(c.Type(str))
    """Its committed ledger of every decision (default: ledger.txt beside the policy file)."""


class _Policies(c.ListOfItems[_PolicyEntry]):
    """``policies``: the site's policies, each loaded (:func:`policy_site.package.load`)."""

    def __init__(self) -> None:
        super().__init__(c.SubConfig(_PolicyEntry), default=[])

    def post_validation(self, config: base.Config, key_name: str) -> None:
        entries: list[_PolicyEntry] = config[key_name]
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        # A policy's package sits beside mkdocs.yml (or is installed): found there first, so that
        # the project's own package always wins over an installed one of the same name.
        if str(root) in sys.path:
            sys.path.remove(str(root))
        sys.path.insert(0, str(root))
        loaded = []
        for entry in entries:
            try:
                if (entry.folder is None) == (entry.package is None):
                    raise package.PackageError(
                        "policies: give each policy either its folder (folder: "
                        "policies/returns, holding its policy.toml and ledger.txt) or its "
                        "Python package (package: checker), not "
                        + ("both." if entry.folder else "neither.")
                    )
                if entry.package is None and (entry.policy or entry.ledger):
                    raise package.PackageError(
                        f"policies: the folder “{entry.folder}” holds its policy.toml and "
                        "ledger.txt; remove policy: and ledger: from its entry (they are for a "
                        "Python package's files elsewhere)."
                    )
                if entry.package is None:
                    loaded.append(
                        package.load_folder(
                            root / str(entry.folder), entry.page, shown=str(entry.folder)
                        )
                    )
                    continue
                policy_file = (
                    root / entry.policy
                    if entry.policy
                    else package.default_policy_file(root, entry.package)
                )
                found = package.load(
                    entry.package,
                    entry.page,
                    policy_file=policy_file,
                    ledger_file=root / entry.ledger if entry.ledger else None,
                )
                if not policy_file.is_file():
                    raise package.PackageError(
                        f"policies: the policy file {policy_file.relative_to(root)} of "
                        f"“{entry.package}” does not exist. Restore it from git, or give its "
                        "path as `policy:` (relative to mkdocs.yml)."
                    )
                loaded.append(found)
            except package.PackageError as error:
                raise ValidationError(str(error).removeprefix("policies: ")) from None
        if not loaded:
            raise ValidationError(
                "list the site's policies, each with its package and page: "
                "policies: [{package: checker, page: index.md}] (dev/engine.md, “Publishing "
                "another policy”)."
            )
        names = [policy.name for policy in loaded]
        for name in sorted({name for name in names if names.count(name) > 1}):
            raise ValidationError(f"two policies are called “{name}”: list each package once.")
        config[key_name] = loaded


class RefundPolicyConfig(base.Config):
    policies = _Policies()
    """The site's policies: ``- package: checker`` (``page:`` index.md by default)."""
    pyodide_source = c.Optional(c.Type(str))
    """A local ``pyodide-314.0.7.tgz`` or folder with the core files, for offline builds."""
    cache_dir = c.Optional(c.Type(str))
    """Where the runtime and built wheels are kept between builds."""
    stall_timeout_ms = _Milliseconds(minimum=1000, default=15000)
    """How long the page waits without a single byte of the runtime arriving before it calls the
    download stalled and offers to try again (a slow download that moves is never given up)."""
    start_timeout_ms = _Milliseconds(minimum=1000, default=30000)
    """How long the page waits for the runtime to start once every byte has arrived."""
    fast_start = c.Type(bool, default=True)
    """Ship only the standard-library modules the checker imports, compiled (needs Node.js)."""
    precompress = c.Type(bool, default=True)
    """Write ``.gz`` and ``.br`` copies of the site's files for hosts that serve them."""


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


class RefundPolicyPlugin(BasePlugin[RefundPolicyConfig]):
    def __init__(self) -> None:
        self.extension: RefundPolicyExtension | None = None
        self.cache = runtime.default_cache_dir()
        self.serving = False  # `mkdocs serve` injects its own live-reload script
        self.dirty = False
        self.output: output.Output | None = None
        self.today = date.today()
        # The site's policies, in mkdocs.yml's order (the first serves the pages of no policy).
        self.site: list[SitePolicy] = []
        # The pages in the navigation, by where MkDocs publishes them from (see THEME_MARKUP).
        self.in_navigation: set[str] = set()

    @property
    def packages(self) -> list[package.PolicyPackage]:
        """Every policy of the site, loaded (``./run review`` reads them here)."""
        return list(self.config.policies)  # type: ignore[arg-type]

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def stop(self, *messages: str) -> NoReturn:
        """Stop the build: say why, leave the last good site as it was, end with a plain line."""
        for message in messages:
            log.error(message)
        self._abort()

    def _abort(self) -> NoReturn:
        target = self.output.target if self.output else Path("site")
        if self.output is not None:
            self.output.discard()
        # Abort, not PluginError: MkDocs would end with "Aborted with a BuildError!".
        raise Abort(output.nothing_built(output.problems_counted(), target, serving=self.serving))

    @event_priority(100)  # first: every later step writes into the staging folder
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_dir = Path(config.config_file_path).parent
        self.cache = config_dir / (self.config.cache_dir or runtime.default_cache_dir())
        self.output = output.Output(Path(config.site_dir))
        unsupported = output.mkdocs_problem()
        if unsupported:
            self.stop(unsupported)
        try:
            self.today = versions.build_day()
        except versions.VersionError as error:
            self.stop(str(error))
        self.site = []
        problems: list[str] = []
        for source in self.packages:
            try:
                policies = source.read_policies()
            except PolicyError as error:
                problems += error.problems
                continue
            problems += _placeholder_addresses(source, policies)
            self.site.append(SitePolicy(source, policies))
        if problems:
            self.stop(*problems)
        docs = Path(config.docs_dir)
        pages = [entry.source.page for entry in self.site]
        for entry in self.site:
            if not (docs / entry.source.page).is_file():
                self.stop(
                    f"mkdocs.yml: the page of {entry.label}, {docs.name}/{entry.source.page}, "
                    "does not exist. Create it (./run new-policy makes one) or correct `page:`."
                )
            if pages.count(entry.source.page) > 1:
                self.stop(f"mkdocs.yml: two policies are published by {entry.source.page}.")
            for problem in proofread.policy_file_problems(entry.source.policy_path, entry.policies):
                log.warning(problem)
            for version in entry.policies.versions:
                # Each version with what it inherits resolved, as the self-check will use it.
                log.info(
                    f"{entry.source.name} policy version of {version.effective.isoformat()} "
                    f"({versions.status(entry.policies, version, self.today)}): "
                    f"{versions.summary(version)}"
                )
        # Stylesheets and drawings reach every page as they are: judged before anything is built.
        shown_docs = Path(os.path.relpath(docs, config_dir)).as_posix()
        unsafe = editor_files.docs_problems(docs, list(config.extra_css), shown_docs)
        if unsafe:
            self.stop(*unsafe)
        try:
            config.site_dir = str(self.output.begin(dirty=self.dirty))
        except output.OutputError as error:
            self.output = None
            self.stop(str(error))
        for entry in self.site:
            self._check_ledger(entry, config_dir, docs / entry.history)
            for problem in versions.unchanged_versions(
                entry.source.policy_path, docs, entry.policies, self.today, entry.source.page
            ):
                log.warning(problem)
        first = self.site[0]
        self.extension = RefundPolicyExtension(
            first.source, first.policies.in_force(self.today), policies=first.policies
        )
        self.extension.docs_dir = docs
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        widget = shipping.widget_dir()
        config.extra_css.append(shipping.POLICY_CSS)
        config.extra_css.append(f"{widget}/widget.css")
        script = c.ExtraScriptValue(f"{widget}/widget.js")
        script.type = "module"  # an ES module: loaded once, deferred, strict
        config.extra_javascript.append(script)
        # The modules widget.js imports, announced in the page's head (overrides/main.html) so
        # that they download with it rather than one round trip after it: on a phone network a
        # round trip is half a second.
        config.extra["refund_check_modules"] = [
            f"{widget}/{name}" for name in shipping.WIDGET_IMPORTS
        ]
        return config

    def _check_ledger(self, entry: SitePolicy, config_dir: Path, history: Path) -> None:
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
            expected = review.current_text(
                entry.source, self.cache, history, trust_cache=self.serving
            )
        # The page's decision table is this ledger (policy_site/shipping/decisions.py).
        entry.book = ledgers.parse(expected)
        actual = ledger_file.read_text(encoding="utf-8") if ledger_file.is_file() else None
        shown = os.path.relpath(ledger_file, config_dir)
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
            versions.frozen_day(self.today),
            history,
            "./run new-version YYYY-MM-DD"
            + (f" --name {entry.source.name}" if len(self.site) > 1 else ""),
        )
        for problem in frozen:
            log.warning(problem)
        if note and (frozen or not self.serving):
            log.info(f"{display_name(policy_file)}: {note}")
        if actual == expected:
            return
        what = "is missing" if actual is None else "is out of date"
        name = f" {entry.source.name}" if len(self.site) > 1 else ""
        message = (
            f"the change review ({shown}) {what}: the policy or the rules now decide some "
            "situations differently, or word a clause differently. Run "
            f"`./run review{name}` to see what changes; if that is what you meant, run "
            f"`./run review{name} --accept` and commit {shown} with your change."
        )
        if self.serving:
            log.info(message + " The preview shows the change meanwhile.")
        else:
            log.warning(message)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        # Editors change policy.toml too, and the theme's overrides (the footer, the look):
        # `mkdocs serve` rebuilds when either is saved.
        for entry in self.site:
            server.watch(str(entry.source.policy_path))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        # A rebuild that stops leaves the last good build in place; MkDocs' server would hold
        # every request until the next good build ("appear stuck"), so it is told the rebuild
        # ended: the preview goes on serving the last good build, and the terminal has said what
        # to fix.
        rebuild = server.builder

        def rebuild_or_keep_the_last_good_build() -> None:
            try:
                rebuild()
            except Abort as stopped:
                stopped.show()

        server.builder = rebuild_or_keep_the_last_good_build
        return server

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Every build (also each rebuild of `mkdocs serve`) checks the whole site afresh.
        if self.extension is not None:
            self.extension.begin_site()

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        config_dir = Path(config.config_file_path).parent
        source = self.config.pyodide_source or os.environ.get(runtime.SOURCE_ENV)
        shipped: dict[str, Path] = {}
        for entry in self.site:
            assert entry.book is not None
            try:
                entry.shipment = shipping.ship(
                    entry.source,
                    self.cache,
                    pyodide_source=config_dir / source if source else None,
                    fast_start=self.config.fast_start,
                    decisions=decisions.decision_json(
                        entry.source.rulebook, entry.policies, entry.book
                    ).encode("utf-8"),
                )
            except shipping.ShippingError as error:
                self.stop(str(error))
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
        for entry in self.site:
            self._place_versions(entry, files, config)
        return files

    def _place_versions(self, entry: SitePolicy, files: Files, config: MkDocsConfig) -> None:
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
        plan = versions.plan(entry.policies, self.today, archived, entry.source.page)
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

    def policy_of(
        self, page: Page, *, warn: bool = False
    ) -> tuple[SitePolicy, versions.VersionPage | None]:
        """The policy a page belongs to, and the version it shows: a version's page is its
        policy's; any other page (the examples, the history) the one its front matter names
        (``policy: returns``), or the site's first."""
        for entry in self.site:
            shown = entry.version_pages.get(page.file.src_uri)
            if shown is not None:
                return entry, shown
        named = page.meta.get("policy") if isinstance(page.meta, dict) else None
        for entry in self.site:
            if entry.source.name == named:
                return entry, None
        if named is not None and warn:
            known = ", ".join(entry.source.name for entry in self.site)
            log.warning(
                f"{page.file.src_uri}: “policy: {named}” names no policy of this site "
                f"({known}). Correct it in the page's front matter."
            )
        return self.site[0], None

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.extension is not None
        entry, shown = self.policy_of(page, warn=True)
        shipment = entry.shipment
        assert shipment is not None
        source = page.file.content_string
        docs_name = Path(config.docs_dir).name
        for line, message in front_matter_problems(page.meta, source):
            log.warning(f"{docs_name}/{page.file.src_uri}:{line}: {message}")

        def here(target: str) -> str:
            return get_relative_url(target, page.file.url)

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
        urls = {
            day: here(files.get_file_from_path(src).url)  # type: ignore[union-attr]
            for day, src in pages.items()
        }
        docs = Path(config.docs_dir).name
        # The page's policy: its rules, its versions and the version in force.
        self.extension.package = entry.source
        self.extension.policies = entry.policies
        self.extension.policy = entry.policies.in_force(self.today)
        self.extension.begin_page(
            PageContext(
                name=posixpath.join(docs, shown.source if shown else page.file.src_uri),
                key=page.file.src_uri,
                line_offset=front_matter_lines(source),
                policy=shown.version if shown else None,
                role=(PageRole.CURRENT if shown.home else PageRole.VERSION)
                if shown
                else PageRole.OTHER,
                banner=versions.banner(
                    entry.policies,
                    shown,
                    self.today,
                    markdown_link(policy_page),
                    {day: markdown_link(src) for day, src in pages.items()},
                )
                if shown
                else [],
                version_urls=urls,
                current_url=home,
                today=self.today,
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
                    stall_timeout_ms=self.config.stall_timeout_ms,
                    start_timeout_ms=self.config.start_timeout_ms,
                    downloads=shipment.downloads,
                ),
            )
        )
        return markdown

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        # The footer's "Refund policy last updated": the version this page shows, or the one in
        # force on pages that show none (overrides/partials/copyright.html).
        entry, shown = self.policy_of(page)
        policy = shown.version if shown else entry.policies.in_force(self.today)
        context["refund_policy_last_updated"] = policy.last_updated  # type: ignore[typeddict-unknown-key]
        # "Refund policy", "Returns policy": the page's policy, by its name.
        title = f"{entry.source.name.replace('-', ' ').capitalize()} policy"
        context["policy_title"] = title  # type: ignore[typeddict-unknown-key]
        if entry is not self.site[0]:
            # Another policy's page carries that policy's name, not the site's (the first's).
            name, home = site_name.policy_home(entry.source.page, title, nav)
            context["config"] = site_name.SiteAs(config, name, home)  # type: ignore[typeddict-item]
        return context

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.in_navigation = {page.file.src_uri for page in nav.pages}
        return nav

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        fixed, missed = theme_markup(output, in_navigation=page.file.src_uri in self.in_navigation)
        for fix in missed:
            log.warning(theme_changed(fix, page.file.src_uri))
        return fixed

    def on_post_template(
        self, output_content: str, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):  # sitemap.xml
            return output_content
        fixed, missed = theme_markup(output_content, in_navigation=False)  # 404.html
        for fix in missed:
            log.warning(theme_changed(fix, template_name))
        return fixed

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        # Every page's Markdown has been rendered by now: what the version pages lack today,
        # then what the build of each announced effective day would stop on (policy_site/
        # upcoming.py), checked in memory now so that the day's publish cannot fail.
        assert self.extension is not None
        docs = Path(config.docs_dir)
        others = [e for e in config.markdown_extensions if e is not self.extension]
        for entry in self.site:
            for problem in upcoming.page_problems(
                self.extension, entry.version_pages.values(), docs.name, entry.source
            ):
                log.warning(problem)
            for problem in upcoming.upcoming_problems(
                entry.source,
                entry.policies,
                self.today,
                docs,
                others,
                config.mdx_configs,
                [e.source.page for e in self.site],
            ):
                log.warning(problem)
        return env

    @event_priority(-100)  # after every other plugin's on_post_build: the pages are final
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.output is not None
        # A strict build with problems publishes nothing (MkDocs would stop after this event,
        # but only once everything had been written into the site).
        if output.problems_counted():
            self._abort()
        site_dir = Path(config.site_dir)
        # Hash the theme's inline code into the Content-Security-Policy of `_headers` and of each
        # page's meta tag. Not the meta tag under `mkdocs serve`, whose live-reload script is not
        # in the policy and would be blocked.
        try:
            written = headers.write_headers(site_dir, config.theme.dirs, meta=not self.serving)
        except headers.UnsafePage as error:
            self.stop(str(error))
        log.debug(f"wrote {written}")
        # Last: the copies must hold the pages' final bytes. Not while previewing: the preview
        # server does not send them.
        if self.config.precompress and not self.serving:
            started = time.perf_counter()
            try:
                done = precompress.precompress_site(site_dir, self.cache)
            except OSError as error:
                self.stop(
                    f"the precompressed copies could not be written "
                    f"({error.strerror or error}: {error.filename}). Free some disk space, or "
                    f"set `precompress: false` for the refund-policy plugin in mkdocs.yml."
                )
            log.info(
                f"precompressed {done.files} files (.gz and .br; "
                f"{done.raw_bytes / 1e6:.1f} MB as {done.brotli_bytes / 1e6:.1f} MB of brotli) "
                f"in {time.perf_counter() - started:.1f} s, {done.made} copies made, "
                "the rest from the cache"
            )
        try:
            self.output.publish()
        except output.OutputError as error:
            self.stop(str(error))
        # `mkdocs gh-deploy` publishes config.site_dir once the build returns.
        config.site_dir = str(self.output.target)

    def on_build_error(self, *, error: Exception) -> None:
        # Any other failure (a theme error, an exception in Markdown): nothing is published.
        if self.output is not None:
            self.output.discard()


# What a page's front matter (the "---" lines at its top) may set, as plain text: the theme
# writes these values into the page's <head> without escaping them, and other keys change how
# the page is made (its template, what the theme hides).
FRONT_MATTER = ("title", "description", "policy")


def front_matter_lines(source: str) -> int:
    """How many lines of ``source`` its front matter takes, found as MkDocs finds it (the
    Markdown the extension numbers starts after them)."""
    found = YAML_RE.match(source)
    return found.group(0).count("\n") if found else 0


def front_matter_problems(meta: Mapping[str, Any], source: str) -> list[tuple[int, str]]:
    """Each key of a page's front matter that may not be published, with its line."""
    lines = source.splitlines()

    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*['\"]?{re.escape(str(key))}['\"]?\s*:")
        return next((n for n, text in enumerate(lines, 1) if pattern.match(text)), 1)

    found = []
    for key, value in meta.items():
        if key not in FRONT_MATTER:
            found.append(
                (
                    line_of(key),
                    f"“{key}:” in the page's front matter is not allowed: it changes how the page "
                    f"is made. Remove the line; a page may set only {', '.join(FRONT_MATTER)}.",
                )
            )
        elif not isinstance(value, str) or re.search(r"[<>\"&]", value):
            found.append(
                (
                    line_of(key),
                    f"“{key}:” in the page's front matter must be plain text, without <, >, "
                    "quotation marks or &: the theme writes it into the page's head as it is. "
                    "Write it in words.",
                )
            )
    return found


UNUSED_THEME_SCRIPTS = "assets/javascripts/"
OUR_THEME_SCRIPT = "/assets/javascripts/theme.js"  # overrides/: what the pages use of Material's


# Material's markup, made valid and labelled where the theme leaves it so on these pages. Its two
# hidden checkboxes in base.html carry autocomplete="off", which HTML does not allow on a checkbox
# (the Nu Html Checker's only errors here); the search toggle has no label once search is left
# out, and the contents' toggle none on a page without headings (HTML_CodeSniffer's H91, F68).
# They are outside any template block, so the page is changed as built. (Firefox may then restore
# a drawer left open when the visitor comes back with Back: harmless.) Each fix is the exact text
# mkdocs-material 9.8.1 writes: one that finds nothing where its template writes it stops the
# build (the theme has changed), never passes silently.
@dataclass(frozen=True)
class MarkupFix:
    """A change to the theme's markup: the template that writes it, its text and ours."""

    template: str  # under material/templates/
    theirs: str
    ours: str
    # Written only in the navigation's entry for the page shown: not on a page outside the
    # navigation (an earlier version's page) nor on 404.html.
    navigation_only: bool = False


THEME_MARKUP = (
    MarkupFix(
        "base.html",
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
        'autocomplete="off">',
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">',
    ),
    MarkupFix(
        "base.html",
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" '
        'autocomplete="off">',
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" '
        'aria-label="Search">',
    ),
    MarkupFix(
        "partials/nav-item.html",
        '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">',
        '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc" '
        'aria-label="Table of contents">',
        navigation_only=True,
    ),
)


def theme_markup(html: str, *, in_navigation: bool) -> tuple[str, list[MarkupFix]]:
    """The built page with the theme's markup made valid and labelled, and the fixes that found
    nothing to fix where their template writes it. (Tables are put in their scrolling boxes by
    the Markdown extension: policy_site.pages.extension.TableTreeprocessor.)"""
    missed = []
    for fix in THEME_MARKUP:
        if fix.theirs in html:
            html = html.replace(fix.theirs, fix.ours)
        elif in_navigation or not fix.navigation_only:
            missed.append(fix)
    return html, missed


def theme_changed(fix: MarkupFix, where: str) -> str:
    """The build's message for a fix that found nothing to fix on the page ``where``."""
    return (
        f"{where}: mkdocs-material's {fix.template} no longer writes {fix.theirs}, which "
        "policy_site/plugin.py (THEME_MARKUP) fixes on every page: the theme has changed since "
        "9.8.1. Pin mkdocs-material back, or change the fix to the markup the theme writes now."
    )


def _placeholder_addresses(source: package.PolicyPackage, policies: Policies) -> list[str]:
    """A support address that no mail can reach (a domain under .invalid, as ./run new-policy
    writes one): customers would write into the void, so the site is not built with it."""
    problems = []
    addresses = {version.support_email for version in policies.versions}
    for address in sorted(addresses):
        if address.lower().endswith(".invalid"):
            name = display_name(source.policy_path)
            text = source.policy_path.read_text(encoding="utf-8")
            line = Lines(text).of("support_email")
            problems.append(
                f"{name}:{line}: support_email is {address}, a placeholder no mail can reach "
                "(./run new-policy wrote it). Write the address where this policy's customers "
                'write, like support_email = "support@yourcompany.com", then run '
                f"./run review {source.name} --accept."
            )
    return problems
