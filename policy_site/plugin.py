"""The MkDocs plugin ``policy-site``: a list of MkDocs events, each calling one build step.

The work is done elsewhere, so that the generator does not hang on MkDocs' plugins (MkDocs 2
removes them; Zensical ignores them): the pages by the Markdown extension
(:mod:`policy_site.pages.extension`, which also runs alone from ``markdown_extensions``), and
everything else by the steps of :mod:`policy_site.steps`. What the plugin adds is what only it
can: each page's full context handed to the extension (the shipped self-check's URLs, the banner
of a version's page, the version pages made from frozen copies), and the order of the steps:

* ``on_config``: read each policy ``policies:`` lists, check its pages, the editors' stylesheets
  and drawings and the change review (the ledger gate), and take over the extension;
* ``on_files``: ship the self-check (:mod:`policy_site.shipping`) and place each version's page;
* ``on_page_markdown``: hand the extension the page's context;
* ``on_page_context``, ``on_post_page``, ``on_post_template``: the theme's words and markup;
* ``on_env``: what the version pages lack, and what each announced day's build would stop on;
* ``on_post_build``: the headers and the precompressed copies, then the staged site swapped in
  (:mod:`policy_site.publishing.output`): a failed build leaves the last good site as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from policy_site import package, steps
from policy_site.pages import versions
from policy_site.pages.extension import PolicySiteExtension
from policy_site.pages.front_matter import FRONT_MATTER, front_matter_lines, front_matter_problems
from policy_site.pages.theme_markup import THEME_MARKUP, MarkupFix, theme_changed, theme_markup
from policy_site.publishing import output
from policy_site.shipping import runtime
from policy_site.site_config import PoliciesOption
from policy_site.steps import TEST_SESSION_LEDGERS, SitePolicy

# Where these lived before they were steps of their own: kept importable from here.
__all__ = [
    "FRONT_MATTER",
    "TEST_SESSION_LEDGERS",
    "THEME_MARKUP",
    "MarkupFix",
    "PolicySiteConfig",
    "PolicySitePlugin",
    "SitePolicy",
    "front_matter_lines",
    "front_matter_problems",
    "theme_changed",
    "theme_markup",
]

# MkDocs' logger for plugins: every message starts "policy-site: ".
log = get_plugin_logger("policy-site")


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


class PolicySiteConfig(base.Config):
    policies = PoliciesOption()
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


class PolicySitePlugin(BasePlugin[PolicySiteConfig]):
    def __init__(self) -> None:
        self.extension: PolicySiteExtension | None = None
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

    @contextmanager
    def steps(self) -> Iterator[None]:
        """Run build steps: one that raises :class:`policy_site.steps.StepError` stops the
        build with its messages."""
        try:
            yield
        except steps.StepError as error:
            self.stop(*error.messages)

    def _abort(self) -> NoReturn:
        target = self.output.target if self.output else Path("site")
        if self.output is not None:
            self.output.discard()
        # Abort, not PluginError: MkDocs would end with "Aborted with a BuildError!".
        raise Abort(output.nothing_built(output.problems_counted(), target, serving=self.serving))

    @event_priority(100)  # first: every later step writes into the staging folder
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.cache = steps.cache_dir(config, self.config.cache_dir)
        self.output = output.Output(Path(config.site_dir))
        unsupported = output.mkdocs_problem()
        if unsupported:
            self.stop(unsupported)
        try:
            self.today = versions.build_day()
        except versions.VersionError as error:
            self.stop(str(error))
        docs = Path(config.docs_dir)
        with self.steps():
            self.site = steps.read_site(self.packages)
            steps.check_pages(self.site, docs, self.today)
            steps.check_editor_files(config)
        try:
            config.site_dir = str(self.output.begin(dirty=self.dirty))
        except output.OutputError as error:
            self.output = None
            self.stop(str(error))
        gate = steps.LedgerGate(
            config_dir=Path(config.config_file_path).parent,
            cache=self.cache,
            today=self.today,
            serving=self.serving,
            several=len(self.site) > 1,
        )
        steps.check_ledgers(self.site, docs, gate)
        first = self.site[0]
        self.extension = PolicySiteExtension(
            first.source, first.policies.in_force(self.today), policies=first.policies
        )
        self.extension.docs_dir = docs
        with self.steps():
            steps.take_over_extension(config, self.extension)
        steps.add_widget_assets(config)
        return config

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
        with self.steps():
            steps.ship_site(
                self.site,
                files,
                config,
                self.cache,
                pyodide_source=self.config.pyodide_source or os.environ.get(runtime.SOURCE_ENV),
                fast_start=self.config.fast_start,
            )
        for entry in self.site:
            steps.place_versions(entry, files, config, self.today)
        return files

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.extension is not None
        return steps.begin_page(
            self.extension,
            self.site,
            page,
            markdown,
            config=config,
            files=files,
            today=self.today,
            timeouts=steps.Timeouts(self.config.stall_timeout_ms, self.config.start_timeout_ms),
        )

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        return steps.page_template_context(context, self.site, page, config, nav, self.today)

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
        assert self.extension is not None
        steps.check_site(self.extension, self.site, config, self.today)
        return env

    @event_priority(-100)  # after every other plugin's on_post_build: the pages are final
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.output is not None
        # A strict build with problems publishes nothing (MkDocs would stop after this event,
        # but only once everything had been written into the site).
        if output.problems_counted():
            self._abort()
        with self.steps():
            steps.finish_site(
                Path(config.site_dir),
                config,
                self.cache,
                serving=self.serving,
                compress=self.config.precompress,
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
