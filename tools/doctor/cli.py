"""`python -m tools.doctor --stack NAME|all`: print each finding on one line, with its fix."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from tools.entry import EXIT_FINDINGS, EXIT_OK, OneLineParser, run
from vital.names import TIERS

from . import checks

PROG = "python -m tools.doctor"


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=PROG,
        description="What would stop the Pulumi CLI before the first `pulumi up`, each with the command that fixes it.",
    )
    parser.add_argument("--stack", default="all", choices=(*TIERS, "all"), help="a tier's stack, or all three")
    parser.add_argument(
        "--commands",
        action="store_true",
        help="print only the commands that set each stack's secrets (docs/operators.md, First deploy of a stack)",
    )
    return parser


def _commands(stacks: Sequence[str]) -> int:
    from program.secrets import required_secrets

    for stack in stacks:
        print(f"# {stack}")
        for secret in required_secrets(stack):
            print(secret.command(stack))
    return EXIT_OK


def _print(report: checks.Report) -> None:
    if not report.findings:
        print(f"doctor: stack '{report.stack}': ok, the CLI will get past config")
    for finding in report.findings:
        print(f"doctor: stack '{report.stack}': {finding.what}; fix: {finding.fix}")
    for note in report.notes:
        print(f"doctor: stack '{report.stack}': note: {note}")


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    stacks = TIERS if args.stack == "all" else (args.stack,)
    if args.commands:
        return _commands(stacks)
    reports = [checks.examine(stack) for stack in stacks]
    for report in reports:
        _print(report)
    return EXIT_FINDINGS if any(r.findings for r in reports) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(lambda: _main(argv), PROG)


if __name__ == "__main__":
    sys.exit(main())
