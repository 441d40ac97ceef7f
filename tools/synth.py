"""Render a stack's desired state offline: `python -m tools.synth --stack NAME|all`.

Runs the real program under Pulumi's mock runtime with the stack file's config; no Pulumi
CLI, backend, provider plugin or credential is needed. Then runs the policy pack over the
result through the Analyzer protocol, as the CLI would. Exit 0 when rendered with no
mandatory violation, 1 when one remains, 2 with one line on stderr for a config or usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vital import stackfile
from vital.names import TIERS

STACKS = TIERS
EXIT_OK, EXIT_VIOLATION, EXIT_CONFIG = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the three tier stacks")
    parser.add_argument("--config-file", type=Path, help="stands in for Pulumi.<stack>.yaml (one stack only)")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--diff", metavar="BASE_REF", help="diff each stack against BASE_REF (see tools/diff.py)")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pack")
    parser.add_argument("--policy-pack-config", type=Path, metavar="FILE",
                        help="policy pack config (JSON), as `pulumi preview --policy-pack-config`")
    return parser


def render_stack(stack: str, config_file: Path | None = None) -> dict[str, Any]:
    """Render one stack from its stack file; raises SynthError for bad config."""
    return _render_source(stack, config_file)[0]


def read_source(stack: str, config_file: Path | None = None) -> stackfile.StackConfigInput:
    """The stack file as the CLI reads it; secrets not set yet get stand-ins (and are listed)."""
    from program.secrets import required_secrets
    from vital.names import PROJECT

    try:
        path = config_file or stackfile.ROOT / f"Pulumi.{stack}.yaml"
        tier = stackfile.config_section(stackfile.load_yaml(path)).get(f"{PROJECT}:tier", stack)
        standins = required_secrets(tier, providers=False) if tier in TIERS else []
        return stackfile.read(stack, config_file, standins)
    except stackfile.StackFileError as err:
        raise SynthError(str(err)) from None


def _render_source(stack: str, config_file: Path | None):
    """(doc, rendered, config) for one stack file; the last two feed the policy pass."""
    source = read_source(stack, config_file)
    doc, rendered = _render(stack, source.config, source.secret_keys, source.path)
    return doc, rendered, source.config


class SynthError(Exception):
    """A config error, reported as one line."""


def render_config(stack: str, config: dict[str, str], secret_keys: list[str], stack_file: Path | None = None) -> dict[str, Any]:
    """Render one stack from config as the CLI would pass it (values decrypted or placeholders)."""
    return _render(stack, config, secret_keys, stack_file)[0]


def _render(stack: str, config: dict[str, str], secret_keys: list[str], stack_file: Path | None):
    import pulumi

    from program.load import ConfigError

    from .mockrt import run_program
    from .render import stack_doc

    # Checked here too, so the file named in the error is the one given with --config-file.
    try:
        load_stack_config_check(stack, config, secret_keys, stack_file)
    except ConfigError as err:
        raise SynthError(str(err)) from None
    try:
        rendered = run_program(stack, config, secret_keys)
    except pulumi.RunError as err:
        raise SynthError(str(err)) from None
    doc = stack_doc(rendered)
    doc["logs"] = [{"level": level, "message": message} for level, message in rendered.logs]
    return doc, rendered


def load_stack_config_check(stack, config, secret_keys, stack_file) -> None:
    """Validate config before the program runs, with the given stack file's secret leaves."""
    import pulumi

    from program.load import load_stack_config

    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    load_stack_config(stack, stack_file)


def _stacks(arg: str, config_file: Path | None) -> list[str]:
    if arg == "all":
        if config_file is not None:
            raise UsageError("--config-file stands in for one stack's file; give --stack NAME with it")
        return list(STACKS)
    return [arg]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--diff" in argv:  # the PR diff against a base revision (tools/diff.py)
        from .diff import main as diff_main

        return diff_main(argv)
    args = build_parser().parse_args(argv)
    from .policy.analyzer import PolicyPackError
    from .policy.config import PolicyConfigError, load_pack_config
    from .policy.process import spawned
    from .policy.results import has_mandatory

    try:
        sources = [(stack, read_source(stack, args.config_file)) for stack in _stacks(args.stack, args.config_file)]
        pack_config = load_pack_config(args.policy_pack_config) if args.policy_pack_config else None
        project = stackfile.project()["name"]
        packs = [] if args.no_policy else [(project, stack, src.config) for stack, src in sources]
        # The packs (one per stack, as the CLI runs them) start before the stacks render, so
        # their start-up, a fresh Python importing the Pulumi SDK, runs on the other core.
        with spawned(packs) as started:
            docs, rendered = [], []
            for stack, src in sources:
                doc, result = _render(stack, src.config, src.secret_keys, src.path)
                docs.append(doc)
                rendered.append(result)
            for pack, doc, result in zip(started, docs, rendered):
                pack.wait_ready()
                doc["policy"] = pack.run(result.resources, pack_config)
    except (UsageError, SynthError, PolicyConfigError, PolicyPackError) as err:
        print(f"synth: {err}", file=sys.stderr)
        return EXIT_CONFIG
    for stack, src in sources:
        if src.standins:
            print(f"synth: stack '{stack}': rendered with stand-ins for secrets not set yet: {', '.join(src.standins)} "
                  f"(the CLI will ask for them; `make doctor` prints the commands)", file=sys.stderr)
    for doc in docs:
        for entry in doc.pop("logs"):
            print(f"{doc['stack']}: {entry['level']}: {entry['message']}", file=sys.stderr)
    if args.format == "json":
        out = docs[0] if args.stack != "all" else docs
        print(json.dumps(out, indent=2, sort_keys=False))
    else:
        from .render import stack_markdown

        print("\n".join(stack_markdown(doc) for doc in docs))
    return EXIT_VIOLATION if any(has_mandatory(doc["policy"]) for doc in docs if "policy" in doc) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
