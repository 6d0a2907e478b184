"""Fixes to Material's markup on every built page (build time only; the plugin calls them from
``on_post_page`` and ``on_post_template``)."""

from __future__ import annotations

from dataclasses import dataclass

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
        "policy_site/pages/theme_markup.py (THEME_MARKUP) fixes on every page: the theme has "
        "changed since 9.8.1. Pin mkdocs-material back, or change the fix to the markup the "
        "theme writes now."
    )
