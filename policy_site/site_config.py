"""The site's policies as ``mkdocs.yml`` lists them (build time only).

One schema, read by both halves of the generator: the MkDocs plugin ``policy-site`` validates its
``policies:`` option with it, and the Markdown extension, run without the plugin (as MkDocs 2 or
Zensical would run it), reads the same list from the same file (:func:`read_policies_list`). So
the list is written once, and an entry that is wrong gets the same message either way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.utils.yaml import yaml_load

from policy_engine.policy import Lines, Policies, PolicyError, display_name
from policy_site import package

# The plugin's name in mkdocs.yml, whose ``policies:`` the extension reads when it runs alone.
PLUGIN = "policy-site"


class PolicyEntry(base.Config):
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


class PoliciesOption(c.ListOfItems[PolicyEntry]):
    """``policies``: the site's policies, each loaded (:func:`policy_site.package.load`)."""

    def __init__(self) -> None:
        super().__init__(c.SubConfig(PolicyEntry), default=[])

    def post_validation(self, config: base.Config, key_name: str) -> None:
        entries: list[PolicyEntry] = config[key_name]
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


class SitePolicies(base.Config):
    """Just the ``policies:`` list, validated as the plugin validates it."""

    policies = PoliciesOption()


class SiteConfigError(ValueError):
    """``mkdocs.yml`` cannot give the site's policies: each message says what to write."""

    def __init__(self, *messages: str) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def load_policies(entries: object, config_file: Path) -> list[package.PolicyPackage]:
    """The policies that ``entries`` (a ``policies:`` list as mkdocs.yml writes it) name,
    loaded, with paths relative to ``config_file``; raises :class:`SiteConfigError`."""
    config = SitePolicies(config_file_path=str(config_file))
    config.load_dict({"policies": entries})
    failed, _ = config.validate()
    if failed:
        raise SiteConfigError(
            "; ".join(f"{config_file.name}: policies: {error}" for _, error in failed)
        )
    loaded: list[package.PolicyPackage] = config.policies  # type: ignore[assignment]
    return loaded


def read_policies_list(config_file: Path) -> object:
    """The ``policies:`` list of the ``policy-site`` plugin's entry in ``config_file`` (its
    ``plugins:``), as written; raises :class:`SiteConfigError` when there is none."""
    try:
        with config_file.open(encoding="utf-8") as opened:
            raw: Any = yaml_load(opened)
    except (OSError, ValueError) as error:
        message = f"{config_file.name} cannot be read ({error}); fix it first."
        raise SiteConfigError(message) from None
    plugins = raw.get("plugins") if isinstance(raw, dict) else None
    for item in plugins if isinstance(plugins, list) else []:
        options = item.get(PLUGIN) if isinstance(item, dict) else None
        if isinstance(options, dict) and "policies" in options:
            return options["policies"]
    raise SiteConfigError(
        f"{config_file.name} lists no policies for the Markdown extension policy_site.pages."
        "extension: give them under the policy-site plugin (plugins: - policy-site: "
        "policies: [{package: checker, page: index.md}]), or, on a site without the plugin, as "
        "the extension's own option (markdown_extensions: - policy_site.pages.extension: "
        "policies: [...])."
    )


def placeholder_addresses(source: package.PolicyPackage, policies: Policies) -> list[str]:
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


# The site's policies as the extension last read them, by mkdocs.yml's state, and each policy
# file's versions by the file's: MkDocs makes the extension afresh for every page.
_SITES: dict[tuple[str, int, str], list[package.PolicyPackage]] = {}
_VERSIONS: dict[tuple[str, int, int], Policies] = {}


def site_policies(
    config_file: Path, entries: object | None
) -> list[tuple[package.PolicyPackage, Policies]]:
    """The site's policies, each with every version of its file, for the Markdown extension run
    without the plugin: ``entries`` as the extension's own option, or else the plugin's list in
    ``config_file``. Raises :class:`SiteConfigError` with every problem, the plugin's words."""
    try:
        stamp = config_file.stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = (str(config_file.resolve()), stamp, repr(entries))
    if key not in _SITES:
        listed = read_policies_list(config_file) if entries is None else entries
        _SITES.clear()
        _SITES[key] = load_policies(listed, config_file)
    site = []
    problems: list[str] = []
    for source in _SITES[key]:
        path = source.policy_path
        try:
            state = path.stat()
        except OSError:
            state = None
        file_key = (str(path), state.st_mtime_ns if state else 0, state.st_size if state else 0)
        try:
            policies = _VERSIONS.get(file_key) or source.read_policies()
        except PolicyError as error:
            problems += error.problems
            continue
        _VERSIONS[file_key] = policies
        problems += placeholder_addresses(source, policies)
        site.append((source, policies))
    if problems:
        raise SiteConfigError(*problems)
    return site
