"""Copies of the site's sources as an editor has them, built with the real `mkdocs`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from policy_review import review
from policy_site.plugin import TEST_SESSION_LEDGERS
from tests import preloaded
from tests.browser.server import SiteServer, load_headers_file
from tests.policies import first_published, first_published_ledger

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = Path(sys.executable).with_name("mkdocs")
RUNTIME = "assets/pyodide/314.0.7"

# The test session's own folder of ledger parts (tests/conftest.py: ``session_ledgers``), where a
# build of a copy makes each part once for the whole session instead of afresh every time
# (policy_site/plugin.py: TEST_SESSION_LEDGERS). ``build(publishing=True)`` builds without it, as
# the site is published: every part made afresh, no folder trusted.
SESSION_LEDGERS: Path | None = None


def copy_project(destination: Path) -> Path:
    """The site's sources as an editor has them (mkdocs.yml, docs/, the theme's overrides, the
    refund policy's file and ledger), the refund policy alone and as it was published on its first
    version's day.

    The first version is frozen for good, so the tests that build a copy stand on ground editors'
    work never moves: a new version, announced or in force, is cut off (its entry in policy.toml,
    its part of the ledger), and docs/index.md is the first version's page again (its frozen copy,
    which ./run new-version made). Tests that add versions add them to that."""
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", destination / "docs")
    shutil.copytree(ROOT / "overrides", destination / "overrides")
    (destination / "checker").mkdir()
    for name in ("policy.toml", "ledger.txt"):
        shutil.copy(ROOT / "checker" / name, destination / "checker" / name)
    only_the_refund_policy(destination)
    as_first_published(destination)
    return destination


def only_the_refund_policy(project: Path) -> None:
    """``project`` as a site of the refund policy alone: another policy an editor added with
    ``./run new-policy`` (its mkdocs.yml entry, its navigation line and its pages) is left out,
    so that the tests' commands need no policy name. Tests of a site of several make their own."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # A policy in Python (package: NAME) or as data (folder: policies/NAME), and its page.
    entry = re.compile(
        r"^(?P<indent>\s*)- (?:package: (?P<package>[A-Za-z_][\w.]*)|folder: (?P<folder>\S+))\n"
        r"(?P=indent)  page: (?P<page>\S+)\n",
        re.MULTILINE,
    )
    for found in list(entry.finditer(text)):
        if found.group("package") == "checker":
            continue
        pages = [found.group("page")]
        # The pages that say they are its (front matter policy: NAME), such as its history.
        name = Path(found.group("folder") or found.group("package")).name.replace("_", "-")
        pages += [
            str(page.relative_to(project / "docs"))
            for page in (project / "docs").rglob("*.md")
            if page.read_text(encoding="utf-8").startswith(f"---\npolicy: {name}\n")
        ]
        text = text.replace(found.group(0), "")
        for page in pages:
            text = re.sub(rf"^\s*- [^\n]*: {re.escape(page)}\n", "", text, flags=re.MULTILINE)
            (project / "docs" / page).unlink(missing_ok=True)
        shutil.rmtree(project / "docs" / Path(pages[0]).stem, ignore_errors=True)
    config.write_text(text, encoding="utf-8")


def as_first_published(project: Path) -> None:
    """The refund policy of ``project`` as published on its first version's day (see
    :func:`copy_project`)."""
    policy, ledger = project / "checker" / "policy.toml", project / "checker" / "ledger.txt"
    text = policy.read_text(encoding="utf-8")
    cut = first_published(text)
    if cut == text:
        return
    first = re.search(r"^effective\s*=\s*(\d{4}-\d{2}-\d{2})", cut, re.MULTILINE)
    assert first is not None, "the policy file's first version has no effective date"
    policy.write_text(cut, encoding="utf-8")
    history = project / "docs" / "history"
    page = history / f"{first.group(1)}.md"
    if page.is_file():
        shutil.copy(page, project / "docs" / "index.md")
    for archived in history.glob("*.md"):
        archived.unlink()
    ledger.write_text(first_published_ledger(ledger.read_text(encoding="utf-8")), "utf-8")


def command(
    project: Path, module: str, *args: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    """A ``./run`` command in the copy, as an editor types it (``module``: the one ``./run``
    runs, such as ``policy_review.review``), in the editor's environment (:func:`build_environment`;
    ``environment`` adds to it)."""
    return preloaded.run(
        [sys.executable, "-m", module, *args],
        timeout=300,
        cwd=project,
        env=build_environment() | environment,
    )


def accept_review(project: Path) -> subprocess.CompletedProcess[str]:
    """``./run review --accept`` in a copy of the project, as an editor runs it."""
    return preloaded.run(
        [sys.executable, "-m", "policy_review.review", "--accept"],
        timeout=120,
        cwd=project,
        env=dict(os.environ),
    )


def build(
    project: Path, *, site_url: str | None = None, publishing: bool = False, **environment: str
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``project/site``, as ``./run build`` does,
    in the editor's environment (:func:`build_environment`; ``environment`` adds to it or
    replaces part of it). Every test that builds the real site builds it here.

    Each version's part of the ledger is made once per test session (:data:`SESSION_LEDGERS`);
    with ``publishing``, as the publishing build makes it: afresh, trusting no cache.

    ``site_url``: the address it will be served at, for a site a test server serves. The project's
    ``mkdocs.yml`` is then used as is through MkDocs' ``INHERIT``, read from standard input so
    that its paths stay relative to the project; only the address changes, as ``mkdocs serve``
    does. Links that the theme makes absolute (the canonical link, the sitemap) then lead to the
    test server, not to the published site.
    """
    config = ["-f", str(project / "mkdocs.yml")]
    stdin = None
    if site_url is not None:
        config = ["-f", "-"]
        stdin = f"INHERIT: mkdocs.yml\nsite_url: {site_url}\n"
    return preloaded.run(
        [str(MKDOCS), "build", "--strict", *config, "-d", str(project / "site")],
        input=stdin,
        timeout=600,
        cwd=project,
        env=build_environment() | session_ledgers(publishing) | environment,
    )


def ledger_text(policy: Path) -> str:
    """The ledger of ``policy`` (a policy file) as ``./run review --accept`` writes it, its parts
    made once per test session, where the tests' builds find them (:data:`SESSION_LEDGERS`)."""
    return review.current_text(policy, SESSION_LEDGERS)


def session_ledgers(publishing: bool) -> dict[str, str]:
    """The switch that lets a test's build take the ledger parts its session made already."""
    if publishing or SESSION_LEDGERS is None:
        return {}
    return {TEST_SESSION_LEDGERS: str(SESSION_LEDGERS)}


@contextmanager
def built_and_served(
    project: Path, *, precompressed: bool = False, **environment: str
) -> Iterator[SiteServer]:
    """The real site of ``project``, built (:func:`build`, with ``environment``) for the address
    of a server on 127.0.0.1 that serves it, with the response headers of its ``_headers`` file
    (and, with ``precompressed``, its ``.br``/``.gz`` copies, as :class:`SiteServer` sends them).

    The server starts first, so that the site can be built for its address: the browser tests
    follow the site's absolute links (canonical, sitemap) to the server, not to the published site.
    """
    with SiteServer(project / "site", precompressed=precompressed) as server:
        result = build(project, site_url=server.url("/"), **environment)
        if result.returncode != 0:
            pytest.fail(
                f"The site did not build (mkdocs exited with {result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
        server.header_rules = load_headers_file(project / "site")
        yield server


def build_environment() -> dict[str, str]:
    """A bare environment, as an editor's shell has it: the system's programs plus Node.js and
    npm (which the build uses), and the cache settings the test run was given."""
    tools = {str(Path(found).parent) for name in ("node", "npm") if (found := shutil.which(name))}
    environment = {
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": os.pathsep.join(["/usr/bin", "/bin", *sorted(tools)]),
        "HOME": str(Path.home()),
    }
    for name in ("POLICY_SITE_CACHE", "XDG_CACHE_HOME"):
        if name in os.environ:
            environment[name] = os.environ[name]
    return environment


def overview_sentence(page: Path) -> str:
    """The last sentence of the overview on the refund policy's ``page`` (a sentence no clause,
    value or note reads, which tests reword), as the page has it: editors may correct it."""
    text = page.read_text(encoding="utf-8")
    assert "## Overview\n\n" in text, f"{page} has no overview for the tests to reword"
    paragraph = text.split("## Overview\n\n", 1)[1].split("\n", 1)[0]
    return re.split(r"(?<=[.!?]) ", paragraph)[-1]


def retyped(sentence: str) -> str:
    """``sentence`` with its last mark changed: a correction that keeps its meaning, for tests
    of recorded typo fixes."""
    return sentence[:-1] + ("!" if sentence[-1] != "!" else ".")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
