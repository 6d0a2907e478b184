"""The MkDocs plugin ``refund-policy``: ties the policy's Markdown, the checker and the widget.

At build time (never in the browser) it

* reads the policy parameters once (the checker's ``policy.toml``) and gives them to the
  Markdown extension, which fills placeholders, anchors clauses, runs the worked examples and
  renders the widget;
* checks, after every page is rendered, that each of the rules' clauses has its bullet on the page;
* ships the self-check: its JS/CSS, the pinned and verified Pyodide runtime, and the checker
  built as a wheel that the shipped ``pyodide-lock.json`` lists with its sha256, all under a
  versioned path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import time
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import checker
from checker import CLAUSE_IDS, PolicyError, load_policy
from refund_site import blocks, headers, precompress, review, runtime, stdlib, wheel
from refund_site.extension import RefundPolicyExtension

log = logging.getLogger("mkdocs.plugins.refund_policy")

ASSETS = Path(__file__).parent / "assets" / "refund-check"
WIDGET_DIR = "assets/refund-check"
WIDGET_FILES = (
    "widget.js",
    "runtime.js",
    "state.js",
    "form.js",
    "result.js",
    "worker.js",
    "widget.css",
)
POLICY_CSS = "assets/policy.css"
RUNTIME_DIR = f"assets/pyodide/{runtime.PYODIDE_VERSION}"
# The runtime's core files. Its lock file is not shipped: ours lists only the checker's wheel and
# lives beside that wheel; so does the standard library the page starts Python with (with
# fast_start, only the modules the checker imports, compiled: refund_site/stdlib.py). The stock
# python_stdlib.zip still ships here, unused by this build's pages: a browser holding an older
# widget.js or worker.js in its cache (their URLs do not change) asks Pyodide for it here.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


class RefundPolicyConfig(base.Config):
    policy = c.File(exists=True, default="checker/policy.toml")
    """The policy parameters and clause words (defined once; the checker reads the same file)."""
    ledger = c.Optional(c.File(exists=False))
    """The committed ledger of every decision (default: ledger.txt beside the policy file)."""
    pyodide_source = c.Optional(c.Type(str))
    """A local ``pyodide-314.0.7.tgz`` or folder with the core files, for offline builds."""
    cache_dir = c.Optional(c.Type(str))
    """Where the runtime and built wheels are kept between builds."""
    load_timeout_ms = c.Type(int, default=20000)
    """How long the page waits for the runtime before offering to try again."""
    fast_start = c.Type(bool, default=True)
    """Ship only the standard-library modules the checker imports, compiled (needs Node.js)."""
    precompress = c.Type(bool, default=True)
    """Write ``.gz`` and ``.br`` copies of the site's files for hosts that serve them."""


class RefundPolicyPlugin(BasePlugin[RefundPolicyConfig]):
    def __init__(self) -> None:
        self.extension: RefundPolicyExtension | None = None
        # Where this build ships the checker's wheel and lock: named after the wheel's content, so
        # a browser never pairs a cached wheel with a newer lock (set in on_files).
        self.checker_dir = f"{WIDGET_DIR}/checker"
        self.cache = runtime.default_cache_dir()  # set from the configuration in on_files

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            policy = load_policy(self.config.policy)
        except PolicyError as error:
            raise PluginError(f"refund-policy: {error}") from error
        unknown = sorted(set(policy.clause_texts) - set(CLAUSE_IDS))
        missing = [clause_id for clause_id in CLAUSE_IDS if clause_id not in policy.clause_texts]
        if unknown or missing:
            raise PluginError(
                f"refund-policy: {self.config.policy}: [clauses] must give the words of exactly "
                f"the rules' clauses. "
                + (
                    f"No rule uses {', '.join(unknown)}: remove it or ask a developer for a rule. "
                    if unknown
                    else ""
                )
                + (
                    f"Missing words for {', '.join(missing)}: add a line "
                    f'“{missing[0]} = "…"” under [clauses].'
                    if missing
                    else ""
                )
            )
        if self.config.load_timeout_ms < 1000:
            raise PluginError(
                "refund-policy: load_timeout_ms: expected at least 1000 "
                f"(milliseconds) but received {self.config.load_timeout_ms}."
            )
        self._check_ledger(config)
        self.extension = RefundPolicyExtension(policy_file=self.config.policy)
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(POLICY_CSS)
        config.extra_css.append(f"{WIDGET_DIR}/widget.css")
        script = c.ExtraScriptValue(f"{WIDGET_DIR}/widget.js")
        script.type = "module"  # an ES module: loaded once, deferred, strict
        config.extra_javascript.append(script)
        return config

    def _check_ledger(self, config: MkDocsConfig) -> None:
        """The committed ledger must be the one of this policy and these rules (see review.py).

        While previewing, a stale ledger is only announced: the editor reviews after seeing the
        change. A build that would publish stops.
        """
        config_dir = Path(config.config_file_path).parent
        policy_file = Path(self.config.policy)
        ledger_file = (
            Path(self.config.ledger) if self.config.ledger else review.ledger_path_for(policy_file)
        )
        cache = config_dir / (self.config.cache_dir or runtime.default_cache_dir())
        expected = review.current_text(policy_file, cache)
        actual = ledger_file.read_text(encoding="utf-8") if ledger_file.is_file() else None
        if actual == expected:
            return
        shown = os.path.relpath(ledger_file, config_dir)
        what = "is missing" if actual is None else "is out of date"
        message = (
            f"refund-policy: the change review ({shown}) {what}: the policy or the rules now "
            "decide some situations differently, or word a clause differently. Run `./run review` "
            "to see what changes; if that is what you meant, run `./run review --accept` and "
            f"commit {shown} with your change."
        )
        if self.serving:
            log.info(message + " The preview shows the change meanwhile.")
        else:
            log.warning(message)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        # Editors change policy.toml too: `mkdocs serve` rebuilds when it is saved.
        server.watch(self.config.policy)
        return server

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Every build (also each rebuild of `mkdocs serve`) checks the whole site afresh.
        if self.extension is not None:
            self.extension.clauses_seen.clear()
            self.extension.problems.clear()

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        config_dir = Path(config.config_file_path).parent
        cache = config_dir / (self.config.cache_dir or runtime.default_cache_dir())
        self.cache = cache
        source = self.config.pyodide_source or os.environ.get(runtime.SOURCE_ENV)
        try:
            core = runtime.ensure_runtime(cache, config_dir / source if source else None)
            built = wheel.build_checker_wheel(
                Path(checker.__file__).parent, Path(self.config.policy), cache
            )
            lock_dir = cache / "site-locks" / built.parent.name
            lock = lock_dir / wheel.LOCK_FILE_NAME
            if not lock.exists():
                wheel.write_lock(core / wheel.LOCK_FILE_NAME, built, lock_dir)
            python_stdlib = core / stdlib.STDLIB_NAME
            if self.config.fast_start:
                python_stdlib = stdlib.tailored_stdlib(
                    core, lock_dir / built.name, lock, wheel.LOCK_PACKAGE_NAME, cache
                )
        except (runtime.RuntimeUnavailable, wheel.CheckerWheelError, stdlib.StdlibError) as error:
            raise PluginError(f"refund-policy: {error}") from error
        for name in RUNTIME_FILES:
            files.append(
                File.generated(config, f"{RUNTIME_DIR}/{name}", abs_src_path=str(core / name))
            )
        # The checker's wheel, its lock (Pyodide fetches a lock's wheels from the lock's own
        # folder) and the standard library it runs with, in a folder named after all three: a
        # browser can cache them forever and never pairs files of different builds.
        shipped = (lock, lock_dir / built.name, python_stdlib)
        self.checker_dir = f"{WIDGET_DIR}/checker-{_content_name(shipped)}"
        for file in shipped:
            files.append(
                File.generated(config, f"{self.checker_dir}/{file.name}", abs_src_path=str(file))
            )
        files.append(
            File.generated(config, POLICY_CSS, abs_src_path=str(ASSETS.parent / "policy.css"))
        )
        for name in WIDGET_FILES:
            files.append(
                File.generated(config, f"{WIDGET_DIR}/{name}", abs_src_path=str(ASSETS / name))
            )
        return files

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        ext = self.extension
        assert ext is not None
        ext.page = f"{posixpath.join(Path(config.docs_dir).name, page.file.src_uri)}"
        source = page.file.content_string
        start = source.find(markdown[:200]) if markdown else -1
        ext.line_offset = source[:start].count("\n") if start > 0 else 0

        def here(target: str) -> str:
            return get_relative_url(target, page.file.url)

        ext.widget_settings = blocks.WidgetSettings(
            runtime=here(RUNTIME_DIR) + "/",
            lock=here(f"{self.checker_dir}/{wheel.LOCK_FILE_NAME}"),
            stdlib=here(f"{self.checker_dir}/{stdlib.STDLIB_NAME}"),
            package=wheel.LOCK_PACKAGE_NAME,
            worker=here(f"{WIDGET_DIR}/worker.js"),
            timeout_ms=self.config.load_timeout_ms,
        )
        return markdown

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        # Every page's Markdown has been rendered by now: check the clauses across the whole site.
        ext = self.extension
        assert ext is not None
        for clause_id in CLAUSE_IDS:
            if clause_id not in ext.clauses_seen:
                words = ext.policy.clause_texts[clause_id]
                log.warning(
                    f"{Path(config.docs_dir).name}/: no bullet of the policy is marked as clause "
                    f"“{clause_id}”, which the self-check uses. Add {{clause: {clause_id}}} at the "
                    f"end of its bullet (“{words}”) in the Usually Eligible or Usually Not "
                    "Eligible list."
                )
        return env

    # --- Security headers (refund_site/headers.py) ---------------------------------------------

    serving = False  # set by on_startup: `mkdocs serve` injects its own live-reload script

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(-100)  # after every other plugin's on_post_build: the pages are final
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Every page is final now: hash its inline code into the Content-Security-Policy of
        # `_headers` and of each page's meta tag. Not the meta tag under `mkdocs serve`, whose
        # live-reload script is not in the policy and would be blocked.
        written = headers.write_headers(Path(config.site_dir), meta=not self.serving)
        log.debug(f"refund-policy: wrote {written}")
        # Last: the copies must hold the pages' final bytes. Not while previewing: the preview
        # server does not send them.
        if self.config.precompress and not self.serving:
            started = time.perf_counter()
            try:
                done = precompress.precompress_site(Path(config.site_dir), self.cache)
            except OSError as error:
                raise PluginError(
                    f"refund-policy: the precompressed copies could not be written "
                    f"({error.strerror or error}: {error.filename}). Free some disk space, or "
                    f"set `precompress: false` for the refund-policy plugin in mkdocs.yml."
                ) from error
            log.info(
                f"refund-policy: precompressed {done.files} files (.gz and .br; "
                f"{done.raw_bytes / 1e6:.1f} MB as {done.brotli_bytes / 1e6:.1f} MB of brotli) "
                f"in {time.perf_counter() - started:.1f} s, {done.made} copies made, "
                "the rest from the cache"
            )


def _content_name(files: tuple[Path, ...]) -> str:
    """16 hex digits that change whenever any of ``files`` does."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(runtime.file_sha256(file).encode())
    return digest.hexdigest()[:16]
