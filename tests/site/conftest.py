"""Fixtures shared by the site tests: the runtime fetched once, the checker's wheel, lock and
tailored standard library made once. (The real site, built once: ``site``, tests/conftest.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_site.shipping.runtime import default_cache_dir, ensure_runtime
from policy_site.shipping.stdlib import tailored_stdlib
from policy_site.shipping.wheel import LOCK_PACKAGE_NAME, build_checker_wheel, write_lock
from tests.site.projects import ROOT


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's runtime: fetched once (test_runtime.py checks how), re-verified by each use."""
    return ensure_runtime(tmp_path_factory.getbasetemp() / "pyodide-cache")


@pytest.fixture(scope="session")
def shipped(runtime: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The checker's wheel and lock as the site ships them, and the cache they are made in: the
    build's own, where the site's build (browser tests) has usually made them already. Its entries
    are named by content, so sharing it changes no result."""
    cache = default_cache_dir()
    wheel = build_checker_wheel(ROOT / "checker", ROOT / "checker" / "policy.toml", cache)
    out_dir = tmp_path_factory.mktemp("checker-folder")
    lock = write_lock(runtime / "pyodide-lock.json", wheel, out_dir)
    return {"runtime": runtime, "wheel": out_dir / wheel.name, "lock": lock, "cache": cache}


@pytest.fixture(scope="session")
def tailored(shipped: dict[str, Path]) -> Path:
    """The standard library tailored to the checker: made once for the whole session."""
    return tailored_stdlib(
        shipped["runtime"], shipped["wheel"], shipped["lock"], LOCK_PACKAGE_NAME, shipped["cache"]
    )
