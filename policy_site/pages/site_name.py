"""Whose name a page carries: the site's, or its own policy's (build time only).

MkDocs has one ``site_name`` for the whole site, and Material for MkDocs puts it in every page's
``<title>`` ("Worked examples - ImgToSTL Refund Policy"), header and navigation. On a site of
several policies, that name is the first policy's (the home page's): a page of another policy
would be titled with it, and so speak of refunds on a page about print reprints. A page of any
other policy carries that policy's own name instead: the title its page has in the navigation
(``mkdocs.yml``'s ``nav``, which ``./run new-policy`` writes), or its page's title. The template
(``overrides/main.html``) then titles the policy's own page by that name alone.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page


class SiteAs:
    """The site's configuration as the templates read it, with another name and home (the logo
    leads to the policy's own page, whose name it carries), and no description of the whole site
    (the first policy's). Everything else is the site's own."""

    def __init__(self, config: Any, site_name: str, home: str | None) -> None:
        self._config = config
        self.site_name = site_name
        self.site_description = ""
        extra = dict(config.extra)
        if home is not None:
            extra["homepage"] = home
        self.extra = extra

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)

    def __getitem__(self, key: str) -> Any:
        if key in ("site_name", "site_description", "extra"):
            return getattr(self, key)
        return self._config[key]

    def __contains__(self, key: object) -> bool:
        return key in self._config

    def get(self, key: str, default: Any = None) -> Any:
        """As ``dict.get``: Material's templates read some settings this way."""
        try:
            return self[key]
        except KeyError:
            return default


def policy_home(policy_page: str, fallback: str, nav: Navigation) -> tuple[str, str | None]:
    """The name of the policy published by ``policy_page`` (docs-relative): its title in the
    navigation, else ``fallback``; and its page's address (site-relative, as MkDocs' ``url``
    filter takes it), None when the navigation does not list it."""
    for page in nav.pages:
        if isinstance(page, Page) and page.file.src_uri == policy_page:
            return str(page.title or fallback), page.url
    return fallback, None
