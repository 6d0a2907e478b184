"""``policy-check``: what any policy of the site says about a customer's situation, for support
staff (the engine's command line, :mod:`policy_engine.cli`, for the policy chosen here).

    policy-check --for print-guarantee --order-date 2026-05-01 --defect warped
    policy-check --policy policies/print-guarantee/policy.toml --help

The policy is one of those the site's ``mkdocs.yml`` (in the working folder) lists, by its name
(``--for NAME``; the only one needs none), or the one whose ``policy.toml`` ``--policy FILE``
gives (a policy that is data needs no ``mkdocs.yml``: its folder is read as it is). Build time
only: it reads ``mkdocs.yml``, which the browser's engine never does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from policy_engine import cli
from policy_engine.checking import PolicyChecker
from policy_site.package import PackageError, PolicyPackage, choose, from_mkdocs

PROG = "policy-check"
CONFIG = Path("mkdocs.yml")


def _data_policy(policy_file: Path, name: str | None) -> PolicyChecker:
    """The policy that is data whose ``policy.toml`` is ``policy_file``: its folder, read as is."""
    from policy_engine.folder import policy_module

    checker: PolicyChecker = policy_module(policy_file.resolve().parent, name).CHECKER
    return checker


def _chosen(name: str | None, policy_file: Path | None) -> PolicyChecker:
    """The checker of the policy asked for; raises :class:`PackageError` saying what to give."""
    if not CONFIG.is_file():
        if policy_file is not None and policy_file.is_file():
            return _data_policy(policy_file, name)
        raise PackageError(
            f"there is no {CONFIG} here to list the site's policies. Run it in the folder of the "
            "site's mkdocs.yml, or give the policy's file: --policy policies/NAME/policy.toml."
        )
    policies = from_mkdocs(CONFIG)
    if name is None and policy_file is not None and policy_file.is_file():
        given = policy_file.resolve()
        mine = [policy for policy in policies if policy.policy_path.resolve() == given]
        if not mine and name is None:
            # A file of none of the site's policies (a policy that is data, being written
            # elsewhere): its folder is the policy.
            return _data_policy(policy_file, name)
        name = mine[0].name if len(mine) == 1 else None
    if name is None and len(policies) > 1:
        names = ", ".join(policy.name for policy in policies)
        raise PackageError(
            f"this site has {len(policies)} policies ({names}): say which one, as in "
            f"{PROG} --for {policies[-1].name} --help."
        )
    chosen: PolicyPackage = choose(policies, name)
    found: PolicyChecker = chosen.module.CHECKER
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``policy-check``; returns the exit status."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--for", dest="policy_name")
    early.add_argument("--policy")
    given = early.parse_known_args(argv)[0]
    if (
        given.policy_name is None
        and given.policy is None
        and ({"-h", "--help"} & set(argv or sys.argv[1:]))
    ):
        try:
            names = [policy.name for policy in from_mkdocs(CONFIG)] if CONFIG.is_file() else []
        except PackageError:
            names = []
        if len(names) != 1:
            sys.stdout.write(
                f"usage: {PROG} --for NAME [answers as flags] [--json] [--from-link URL]\n\n"
                "What a policy of the site says about one customer's situation. "
                + (f"The site's policies: {', '.join(names)}. " if names else "")
                + f"{PROG} --for NAME --help lists that policy's questions, as flags.\n"
            )
            return 0
    try:
        checker = _chosen(given.policy_name, Path(given.policy) if given.policy else None)
    except PackageError as error:
        message = str(error).removeprefix("policies: ")
        sys.stderr.write(f"{PROG}: {message}\n")
        return cli.EXIT_INVALID
    return cli.main(argv, checker, prog=PROG)


if __name__ == "__main__":
    sys.exit(main())
