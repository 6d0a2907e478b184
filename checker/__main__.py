"""``refund-check``: what the refund policy says about a customer's situation, for support staff
(the engine's CLI, :mod:`policy_engine.cli`, made for this policy; ``--for NAME`` another's).

    refund-check --purchase-date 2026-05-01 --purchase-type credit_pack \\
                 --reason duplicate_payment --credits-used none
    echo '{"purchase_date": "2026-05-01", ...}' | refund-check --json
    refund-check --from-link 'https://refunds.imgtostl.com/#check?purchase_date=…'
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from checker import CHECKER, RULEBOOK
from policy_engine import cli
from policy_engine.questions import Question


def _parser(questions: Sequence[Question] | None = None) -> argparse.ArgumentParser:
    """The refund policy's flags (one per question any version asks)."""
    return cli.parser_for(RULEBOOK.questions if questions is None else questions)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI for the refund policy; returns the exit status."""
    return cli.main(argv, CHECKER)


if __name__ == "__main__":
    sys.exit(main())
