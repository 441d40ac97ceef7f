"""Record a secret's rotation date: `python -m tools.rotate --stack S KEY`; or sound the alarm:
`python -m tools.rotate --check [--stack S|all]`.

Recording writes `secretRotation.KEY: <date>` into the stack file (comments kept) and prints the
`pulumi config set --secret` line that stores the new value. The new value itself is never
asked for, read, printed or written here: the CLI prompts for it, so it stays out of shell
history and out of this tool.

`--check` reads the committed stack files (nothing else: no backend, no credential) and prints
one line per secret of the tiers held to rotation (vital/rotation.py) that is overdue or was never
recorded, and one per secret due soon. Exit 1 when any is overdue or never recorded (the infra-drift
workflow's daily alarm), 0 when none is, 2 for bad input (one line). It is the only place the
calendar fails anything: `make plan`, the PR workflow and deploys report rotation as advisory.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from tools.entry import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, OneLineParser, run
from vital import clock, rotation, stackfile
from vital.names import PROJECT
from vital.stackfile import ROOT, RequiredSecret

TOP_LEVEL_SECRETS = ("vercelDeployToken", "protectionPassword")


class RotateError(Exception):
    pass


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold the long ciphertexts
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def secret_names(stack: str, config: dict) -> list[str]:
    """The secrets a stack holds or must hold: top-level secret keys and secretEnv entries."""
    from program.secrets import required_secrets
    from vital.names import TIERS

    tier = config.get(f"{PROJECT}:tier") or stack
    required = required_secrets(tier) if tier in TIERS else []
    names = [s.subkey or s.name for s in required]
    names += [k for k in TOP_LEVEL_SECRETS if f"{PROJECT}:{k}" in config]
    names += list((config.get(f"{PROJECT}:secretEnv") or {}).keys())
    return list(dict.fromkeys(names))


def set_command(stack: str, key: str) -> str:
    secret = (
        RequiredSecret(f"{PROJECT}:{key}") if key in TOP_LEVEL_SECRETS else RequiredSecret(f"{PROJECT}:secretEnv", key)
    )
    return secret.command(stack)


def rotate(stack: str, key: str, when: date, path: Path) -> str:
    if when > clock.today():
        raise RotateError(f"stack '{stack}': --date {when.isoformat()} is in the future; allowed: today or earlier")
    try:
        stackfile.load_yaml(path)  # what the CLI would refuse is refused here too, before any edit
    except stackfile.StackFileError as err:
        raise RotateError(f"stack '{stack}': {err}") from None
    yaml = _yaml()
    doc = yaml.load(path.read_text())
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise RotateError(f"stack '{stack}': {path}: 'config' is a {type(config).__name__}; allowed: a mapping of keys")
    names = secret_names(stack, config)
    if key not in names:
        raise RotateError(f"stack '{stack}': '{key}' is not a secret of this stack; allowed: {', '.join(names)}")
    rotation_key = f"{PROJECT}:secretRotation"
    if config.get(rotation_key) is None:
        config[rotation_key] = {}
    config[rotation_key][key] = when.isoformat()
    with path.open("w") as fh:
        yaml.dump(doc, fh)
    return set_command(stack, key)


def check(stack: str, path: Path, today: date) -> tuple[list[str], list[str]]:
    """(overdue lines, due lines) for one stack file: every secret it holds, judged by vital.rotation."""
    try:
        config = stackfile.config_section(stackfile.load_yaml(path))
    except stackfile.StackFileError as err:
        raise RotateError(f"stack '{stack}': {err}") from None
    recorded = config.get(f"{PROJECT}:secretRotation") or {}
    if not isinstance(recorded, dict):
        raise RotateError(
            f"stack '{stack}': {path.name}: {PROJECT}:secretRotation is a {type(recorded).__name__}; "
            f"allowed: a mapping of secret -> 'YYYY-MM-DD'"
        )
    overdue, due = [], []
    for name in secret_names(stack, config):
        when = recorded.get(name)
        state = rotation.status(when, today)
        hint = f"rotate it, then `python -m tools.rotate --stack {stack} {name}`"
        where = f"stack '{stack}': secret {name}"
        if state == rotation.NEVER:
            overdue.append(f"{where}: rotation {rotation.NEVER_RECORDED} (no secretRotation.{name}); {hint}")
        elif state in (rotation.NOT_A_DATE, rotation.FUTURE):
            raise RotateError(
                f"{where}: secretRotation.{name} is {str(when)!r}; allowed: a quoted 'YYYY-MM-DD' "
                f"date not after today ({today.isoformat()})"
            )
        elif state in (rotation.OVERDUE, rotation.DUE):
            last = rotation.parse(when)
            assert last is not None  # rotation.status says OVERDUE or DUE of a date only
            if state == rotation.OVERDUE:
                overdue.append(
                    f"{where}: last rotated {last.isoformat()}, {(today - last).days} "
                    f"days ago (limit {rotation.FAIL_DAYS}, today {today.isoformat()}); {hint}"
                )
            else:
                deadline = last.toordinal() + rotation.FAIL_DAYS
                due.append(
                    f"{where}: due, rotate before {date.fromordinal(deadline).isoformat()} (last rotated "
                    f"{last.isoformat()})"
                )
    return overdue, due


def _check(args: argparse.Namespace) -> int:
    from vital.names import TIERS

    stacks = list(rotation.TIERS) if args.stack in (None, "all") else [args.stack]
    if args.config_file is not None and len(stacks) != 1:
        raise RotateError("--config-file stands in for one stack's file; give --stack NAME with it")
    today = clock.today()
    overdue: list[str] = []
    for stack in stacks:
        path = args.config_file or ROOT / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            known = ", ".join(TIERS)
            raise RotateError(f"stack '{stack}': {path.name} not found; allowed: a stack with its file ({known})")
        late, due = check(stack, path, today)
        overdue += late
        for line in due:
            print(f"rotate: {line}")
    for line in overdue:
        print(f"rotate: {line}")
    print(
        f"rotate: {len(overdue)} secret(s) overdue or never recorded (limit {rotation.FAIL_DAYS} days)"
        if overdue
        else "rotate: no secret overdue"
    )
    return EXIT_FINDINGS if overdue else EXIT_OK


def _stack(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a stack name (letters, digits, '_', '.', '-')")
    return value


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; allowed: YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.rotate", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", type=_stack, help="the stack (with --check: a stack or 'all', the default)")
    parser.add_argument("key", nargs="?", help="the secret: a secretEnv key or vercelDeployToken, protectionPassword")
    parser.add_argument("--date", type=_date, help="rotation date (default today)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="the alarm: exit 1 naming each secret overdue or never recorded, 0 when none is",
    )
    parser.add_argument("--config-file", type=Path, help="stands in for Pulumi.<stack>.yaml")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0 recorded (or, with --check, nothing overdue), 1 overdue secrets (--check), 2 bad input or
    usage (one line), 3 an internal error (logged)."""
    return run(lambda: _main(argv), "python -m tools.rotate")


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.check:
        if args.key is not None or args.date is not None:
            parser.error("--check takes no KEY or --date: it judges every secret of the stack")
        try:
            return _check(args)
        except RotateError as err:
            print(f"rotate: {err}", file=sys.stderr)
            return EXIT_USAGE
    if args.stack is None or args.stack == "all" or args.key is None:
        parser.error("give --stack NAME and the secret KEY to record (or --check)")
    args.date = args.date or clock.today()
    path = args.config_file or ROOT / f"Pulumi.{args.stack}.yaml"
    try:
        command = rotate(args.stack, args.key, args.date, path)
    except RotateError as err:
        print(f"rotate: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"recorded {PROJECT}:secretRotation.{args.key} = {args.date.isoformat()} in {path.name}")
    print("now store the new value (the CLI prompts for it):")
    print(f"  {command}")
    print(f"then commit {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
