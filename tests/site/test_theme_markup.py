"""The fixes to Material's markup (policy_site/plugin.py, THEME_MARKUP): each one is applied on
every page its template writes, and a theme that writes its markup differently stops the build."""

from __future__ import annotations

from pathlib import Path

import material
import pytest

from policy_site.plugin import THEME_MARKUP, MarkupFix, theme_markup
from tests.site.projects import build, copy_project

TEMPLATES = Path(material.__file__).with_name("templates")
NAVIGATION_PAGES = ("index.html", "examples/index.html", "history/index.html")


@pytest.mark.parametrize("fix", THEME_MARKUP, ids=lambda fix: fix.ours.split('id="')[1][:8])
def test_each_fix_is_of_markup_the_installed_material_writes_in_the_template_it_names(
    fix: MarkupFix,
) -> None:
    assert fix.theirs in (TEMPLATES / fix.template).read_text(encoding="utf-8")


def test_every_fix_is_applied_on_every_page_its_template_writes(site: Path) -> None:
    for name in (*NAVIGATION_PAGES, "404.html"):
        page = (site / name).read_text(encoding="utf-8")
        for fix in THEME_MARKUP:
            assert fix.theirs not in page, (name, fix.template)
            if name != "404.html" or not fix.navigation_only:
                assert fix.ours in page, (name, fix.template)


def test_a_theme_that_writes_its_markup_differently_stops_the_build(tmp_path: Path) -> None:
    # Material's base.html, as a later release might write it: the same input, its attributes
    # in another order. Through the theme's overrides, as a new version of the theme would.
    project = copy_project(tmp_path)
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    drawer = THEME_MARKUP[0].theirs
    assert drawer in base
    reordered = drawer.replace(
        ' id="__drawer" autocomplete="off"', ' autocomplete="off" id="__drawer"'
    )
    (project / "overrides" / "base.html").write_text(base.replace(drawer, reordered), "utf-8")
    result = build(project)
    assert result.returncode != 0
    assert (
        'index.md: mkdocs-material\'s base.html no longer writes <input class="md-toggle" '
        'data-md-toggle="drawer"'
    ) in result.stderr, result.stderr
    assert "404.html: mkdocs-material's base.html no longer writes" in result.stderr
    assert not (project / "site").exists()


def test_the_contents_toggle_is_expected_only_on_pages_in_the_navigation(site: Path) -> None:
    # The 404 page as Material wrote it (the fixes undone): it has the drawer and search
    # toggles, and no contents toggle, as no page outside the navigation has.
    written = (site / "404.html").read_text(encoding="utf-8")
    for fix in THEME_MARKUP:
        written = written.replace(fix.ours, fix.theirs)
    fixed, missed = theme_markup(written, in_navigation=False)
    assert missed == []
    assert fixed == (site / "404.html").read_text(encoding="utf-8")
    _, missed = theme_markup(written, in_navigation=True)
    assert [fix.template for fix in missed] == ["partials/nav-item.html"]
