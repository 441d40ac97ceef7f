"""Record a secret's rotation date: `python -m tools.rotate --stack S KEY`.

Writes `secretRotation.KEY: <date>` into the stack file (comments kept) and prints the
`pulumi config set --secret` line that stores the new value. The new value itself is never
asked for, read, printed or written here: the CLI prompts for it, so it stays out of shell
history and out of this tool.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from tools.entry import OneLineParser, run
from vital import stackfile
from vital.names import PROJECT
from vital.stackfile import RequiredSecret
from vital.stackfile import ROOT

TOP_LEVEL_SECRETS = ("vercelDeployToken", "supabaseAccessToken", "protectionPassword")


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
    required = required_secrets(tier, providers=False) if tier in TIERS else []
    names = [s.subkey or s.name for s in required]
    names += [k for k in TOP_LEVEL_SECRETS if f"{PROJECT}:{k}" in config]
    names += list((config.get(f"{PROJECT}:secretEnv") or {}).keys())
    return list(dict.fromkeys(names))


def set_command(stack: str, key: str) -> str:
    secret = RequiredSecret(f"{PROJECT}:{key}") if key in TOP_LEVEL_SECRETS else RequiredSecret(f"{PROJECT}:secretEnv", key)
    return secret.command(stack)


def rotate(stack: str, key: str, when: date, path: Path) -> str:
    if when > date.today():
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
    parser.add_argument("--stack", required=True, type=_stack)
    parser.add_argument("key", help="the secret: a secretEnv key or vercelDeployToken, supabaseAccessToken, protectionPassword")
    parser.add_argument("--date", type=_date, default=date.today(), help="rotation date (default today)")
    parser.add_argument("--config-file", type=Path, help="stands in for Pulumi.<stack>.yaml")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0 recorded, 2 bad input or usage (one line), 3 an internal error (logged)."""
    return run(lambda: _main(argv), "python -m tools.rotate")


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    path = args.config_file or ROOT / f"Pulumi.{args.stack}.yaml"
    try:
        command = rotate(args.stack, args.key, args.date, path)
    except RotateError as err:
        print(f"rotate: {err}", file=sys.stderr)
        return 2
    print(f"recorded {PROJECT}:secretRotation.{args.key} = {args.date.isoformat()} in {path.name}")
    print("now store the new value (the CLI prompts for it):")
    print(f"  {command}")
    print(f"then commit {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
