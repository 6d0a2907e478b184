"""Run the benchmarks: ``python -m benchmarks [--runs N] [--baseline COMMIT] [NAME ...]``.

``./run bench`` runs this with its arguments. With no NAME it runs them all, in this order:

* ``checker``: the checker on CPython (import time, calls per second);
* ``self_check``: the self-check in Chromium against a bare ``loadPyodide()`` (issue 5);
* ``page``: the policy page on a phone;
* ``network``: the self-check on phone networks.

``--runs`` goes to each benchmark named (otherwise each uses its own default). ``--baseline``
goes to those that compare with a commit (``page``, ``network``): they then also measure the site
of that commit, alternated run by run with the site now, and print the ratios. Without it, every
benchmark prints its own figures only. A benchmark's other options: ``python -m benchmarks.NAME
--help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from benchmarks import checker, network, page, self_check
from benchmarks.harness import check_baseline, say

BENCHMARKS: dict[str, Callable[[list[str] | None], int]] = {
    "checker": checker.main,
    "self_check": self_check.main,
    "page": page.main,
    "network": network.main,
}
COMPARING = ("page", "network")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks named (all by default) with the options given; stop at a failure."""
    parser = argparse.ArgumentParser(
        prog="./run bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--runs", type=int, help="runs of each benchmark (default: each its own)")
    parser.add_argument(
        "--baseline",
        metavar="COMMIT",
        help=f"a commit to compare with, side by side ({', '.join(COMPARING)})",
    )
    args = parser.parse_args(argv)
    names = [name.replace("-", "_") for name in args.names] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(
            f"no benchmark named {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.baseline:
        if not any(name in COMPARING for name in names):
            parser.error(f"--baseline is for {' and '.join(COMPARING)}, and neither is named")
        check_baseline(args.baseline)  # a commit it cannot build stops it before the long runs
    for name in names:
        options = [] if args.runs is None else ["--runs", str(args.runs)]
        if args.baseline and name in COMPARING:
            options += ["--baseline", args.baseline]
        say(f"\n=== benchmarks.{name} {' '.join(options)}".rstrip())
        status = BENCHMARKS[name](options)
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
