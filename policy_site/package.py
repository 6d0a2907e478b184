"""A policy as the site reads it: the folder or Python package that ``mkdocs.yml`` names (build
time only).

The site's machinery imports no policy by name. ``mkdocs.yml`` lists the site's policies::

    plugins:
      - policy-site:
          policies:
            - package: checker
              page: index.md
            - folder: policies/print-guarantee
              page: print-guarantee.md

and each entry is loaded here. A ``folder`` is a policy that is data: its ``policy.toml`` (values,
questions, clauses and words) and ``ledger.txt``, no Python; the engine makes its rulebook and
checker (:mod:`policy_engine.folder`). A ``package`` is a Python package declaring its
``RULEBOOK`` (its name, questions and clauses, and the folder of its ``policy.toml`` and
``ledger.txt``) and exporting the functions the engine gives every policy (``check``,
``read_policies``). The browser is told the policy's import name too: its worker imports that
package from the policy's own wheel (for a folder, a package the build writes into the wheel).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policy_engine.policy import Policies
    from policy_engine.result import Result
    from policy_engine.rules import Rulebook

# A policy's name in file and element names: lower-case words joined by hyphens.
NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


class PackageError(ValueError):
    """A ``policies`` entry that cannot be loaded: the message says which and what to do."""


@dataclass(frozen=True)
class PolicyPackage:
    """One policy of the site: its package, the page (in the docs folder) that publishes it, and
    the files an editor changes: its ``policy.toml`` and its committed ``ledger.txt`` (by default
    the package's folder's, as the project has them beside ``mkdocs.yml``)."""

    module: ModuleType
    page: str = "index.md"
    policy_file: Path | None = None
    ledger_file: Path | None = None

    @property
    def policy_path(self) -> Path:
        path: Path = self.policy_file or self.module.RULEBOOK.policy_file
        return path

    @property
    def ledger_path(self) -> Path:
        """The committed ledger: beside the policy file unless given."""
        return self.ledger_file or self.policy_path.with_name("ledger.txt")

    @property
    def rulebook(self) -> Rulebook:
        """The package's rulebook, reading the site's own policy file: its questions, clauses and
        outcomes are that file's (a copy of the project has its own)."""
        rulebook: Rulebook = self.module.RULEBOOK
        if self.policy_file is None or self.policy_file == rulebook.policy_file:
            return rulebook
        try:
            stat = self.policy_file.stat()
        except OSError:
            return rulebook  # the file's reader says what is wrong
        key = (id(rulebook), str(self.policy_file), stat.st_mtime_ns, stat.st_size)
        if key not in _RULEBOOKS:
            if len(_RULEBOOKS) > 8:  # the files of the policies the site is built from now
                _RULEBOOKS.clear()
            try:
                policies = self.module.read_policies(self.policy_file)
            except ValueError:  # PolicyError: the build's own reading of the file reports it
                return rulebook
            _RULEBOOKS[key] = rulebook.for_policies(policies)
        return _RULEBOOKS[key]

    @property
    def name(self) -> str:
        """The policy's name (``refund``): for ``./run review NAME`` and the CLI."""
        name: str = self.module.RULEBOOK.name
        return name

    @property
    def data_folder(self) -> Path | None:
        """The folder of a policy that is data (no Python of its own); None for a package."""
        folder: Path | None = getattr(self.module, "DATA_FOLDER", None)
        return folder

    @property
    def import_name(self) -> str:
        """What the browser's worker imports (``checker``)."""
        return self.module.__name__

    @property
    def folder(self) -> Path:
        """The package's folder: its rules, ``policy.toml`` and ``ledger.txt``."""
        folder: Path = self.module.RULEBOOK.folder
        return folder

    def read_policies(self, path: str | Path | None = None) -> Policies:
        """Every version of the policy file (by default the package's own), checked against the
        rules; raises the engine's ``PolicyError``."""
        policies: Policies = self.module.read_policies(path or self.policy_path)
        return policies

    def check(self, answers: object, *, today: date, policy: Any = None, **more: Any) -> Result:
        """The package's ``check``: what the policy says about ``answers``."""
        result: Result = self.module.check(answers, today=today, policy=policy, **more)
        return result


# The rulebook of the policy file a site is built from, by the file's state.
_RULEBOOKS: dict[tuple[int, str, int, int], Rulebook] = {}

REQUIRED = ("RULEBOOK", "check", "check_query", "read_policies", "warm_up")


def load(
    package: str,
    page: str = "index.md",
    *,
    policy_file: Path | None = None,
    ledger_file: Path | None = None,
) -> PolicyPackage:
    """The policy in ``package`` (an import name), published by ``page``; raises
    :class:`PackageError` naming what is missing."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", package):
        raise PackageError(
            f"policies: “{package}” is not a Python package's import name (such as checker)."
        )
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise PackageError(
            f"policies: the package “{package}” cannot be imported ({error}). Check its name in "
            "mkdocs.yml, and that its folder is beside mkdocs.yml or installed."
        ) from None
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise PackageError(
            f"policies: the package “{package}” is not a policy: it has no "
            f"{', '.join(missing)}. A policy package declares its RULEBOOK and exports the "
            "engine's check, check_query, read_policies and warm_up (see checker/__init__.py)."
        )
    loaded = PolicyPackage(module, page, policy_file, ledger_file)
    if not NAME.fullmatch(loaded.name):
        raise PackageError(
            f"policies: the policy in “{package}” is named “{loaded.name}”; a policy's name is "
            "lower-case words joined by hyphens (refund, returns, data-retention)."
        )
    return loaded


def load_folder(folder: Path, page: str = "index.md", *, shown: str = "") -> PolicyPackage:
    """The policy that is data in ``folder`` (its ``policy.toml`` and ``ledger.txt``), published
    by ``page``; ``shown`` is the folder as mkdocs.yml writes it. Raises :class:`PackageError`."""
    from policy_engine.folder import policy_module

    shown = shown or str(folder)
    name = folder.name
    if not NAME.fullmatch(name):
        raise PackageError(
            f"policies: the folder “{shown}” is not named as a policy is: its name is the "
            "policy's, lower-case words joined by hyphens (returns, print-guarantee)."
        )
    if not (folder / "policy.toml").is_file():
        raise PackageError(
            f"policies: the folder “{shown}” has no policy.toml. Check the folder in mkdocs.yml "
            "(relative to mkdocs.yml), or restore the file from git."
        )
    return PolicyPackage(policy_module(folder), page)


def default_policy_file(config_dir: Path, package: str) -> Path:
    """Where a project keeps a package's ``policy.toml``: in the package's folder beside
    ``mkdocs.yml`` (``checker/policy.toml``)."""
    return config_dir.joinpath(*package.split("."), "policy.toml")


def from_mkdocs(config_file: Path) -> list[PolicyPackage]:
    """The policies that a project's ``mkdocs.yml`` lists (for the commands run beside it:
    ``./run review``, ``./run new-version``); raises :class:`PackageError`."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except (ConfigurationError, OSError) as error:
        raise PackageError(f"{config_file.name} cannot be read ({error}); fix it first.") from None
    plugin = config.plugins.get("policy-site")
    if plugin is None:
        raise PackageError(f"{config_file.name} does not use the policy-site plugin.")
    loaded: list[PolicyPackage] = plugin.packages  # type: ignore[attr-defined]
    return loaded


def choose(policies: list[PolicyPackage], name: str | None) -> PolicyPackage:
    """The policy called ``name``, or the only one; raises :class:`PackageError` listing them."""
    names = ", ".join(policy.name for policy in policies)
    if name is None:
        if len(policies) == 1:
            return policies[0]
        raise PackageError(
            f"this site has {len(policies)} policies ({names}): say which one, as in "
            f"./run review {policies[0].name} or ./run new-version YYYY-MM-DD --name "
            f"{policies[0].name}."
        )
    for policy in policies:
        if policy.name == name:
            return policy
    raise PackageError(f"there is no policy called “{name}” in mkdocs.yml (there is {names}).")
