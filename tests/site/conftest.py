"""Fixtures shared by the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.projects import build, copy_project


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once with ``mkdocs build --strict`` from a copy of its sources."""
    project = copy_project(tmp_path_factory.mktemp("real-site"))
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"
