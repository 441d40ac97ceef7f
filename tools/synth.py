"""Render a stack's desired state offline: `python -m tools.synth --stack NAME|all`.

Runs the real program under Pulumi's mock runtime with the stack file's config; no Pulumi
CLI, backend, provider plugin or credential is needed. Then runs the policy pack over the
result through the Analyzer protocol, as the CLI would. Exit 0 when rendered with no
mandatory violation, 1 when one remains, 2 with one line on stderr for a config or usage error.
`--diff BASE_REF` hands over to the PR diff (tools/diff/), which runs this command in each revision.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vital import stackfile
from vital.names import TIERS

from .entry import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, OneLineParser, UsageError

if TYPE_CHECKING:
    from .mockrt import Rendered

STACKS = TIERS
# What --diff cannot take: each revision is rendered from its own stack files, with no pack config.
_NOT_WITH_DIFF = (("config_file", "--config-file"), ("policy_pack_config", "--policy-pack-config"))


class SynthError(Exception):
    """A config error, reported as one line."""


@dataclass(frozen=True)
class Synthesized:
    """One stack rendered: synth's document, the registrations the policy pack analyzes, the
    stack's config as the CLI passes it (the pack reads the tier and plan from it), and the
    secrets not set yet that were rendered with stand-ins."""

    doc: dict[str, Any]
    rendered: "Rendered"
    config: dict[str, str]
    standins: tuple[str, ...] = ()


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the three tier stacks")
    parser.add_argument("--config-file", type=Path, help="stands in for Pulumi.<stack>.yaml (one stack only)")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--diff", metavar="BASE_REF", help="diff each stack against BASE_REF (see tools/diff/)")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pack")
    parser.add_argument("--policy-pack-config", type=Path, metavar="FILE",
                        help="policy pack config (JSON), as `pulumi preview --policy-pack-config`")
    return parser


def synthesize(stack: str, config_file: Path | None = None) -> Synthesized:
    """Render one stack from its stack file (or `config_file`); raises SynthError for bad config."""
    return _synthesize(stack, read_source(stack, config_file))


def _synthesize(stack: str, source: stackfile.StackConfigInput) -> Synthesized:
    doc, rendered = _render(stack, source.config, source.secret_keys, source.path)
    return Synthesized(doc, rendered, source.config, tuple(source.standins))


def render_stack(stack: str, config_file: Path | None = None) -> dict[str, Any]:
    """Render one stack from its stack file; raises SynthError for bad config."""
    return synthesize(stack, config_file).doc


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


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.diff is not None:
        for dest, flag in _NOT_WITH_DIFF:
            if getattr(args, dest) is not None:
                parser.error(f"{flag} cannot be used with --diff: each revision is rendered from its own stack files")
    return args


def _synth(args: argparse.Namespace) -> list[Synthesized]:
    """Each stack's document, with the policy pack's result unless --no-policy."""
    from .policy.config import load_pack_config
    from .policy.process import spawned

    sources = [(stack, read_source(stack, args.config_file)) for stack in _stacks(args.stack, args.config_file)]
    pack_config = load_pack_config(args.policy_pack_config) if args.policy_pack_config else None
    project = stackfile.project()["name"]
    packs = [] if args.no_policy else [(project, stack, src.config) for stack, src in sources]
    # The packs (one per stack, as the CLI runs them) start before the stacks render, so
    # their start-up, a fresh Python importing the Pulumi SDK, runs on the other core.
    with spawned(packs) as started:
        done = [_synthesize(stack, src) for stack, src in sources]
        for pack, synthesized in zip(started, done):
            pack.wait_ready()
            synthesized.doc["policy"] = pack.run(synthesized.rendered.resources, pack_config)
    return done


def _print(done: list[Synthesized], args: argparse.Namespace) -> None:
    for synthesized in done:
        if synthesized.standins:
            print(f"synth: stack '{synthesized.doc['stack']}': rendered with stand-ins for secrets not set yet: "
                  f"{', '.join(synthesized.standins)} (the CLI will ask for them; `make doctor` prints the commands)",
                  file=sys.stderr)
    docs = [synthesized.doc for synthesized in done]
    for doc in docs:
        for entry in doc.pop("logs"):
            print(f"{doc['stack']}: {entry['level']}: {entry['message']}", file=sys.stderr)
    if args.format == "json":
        out = docs[0] if args.stack != "all" else docs
        print(json.dumps(out, indent=2, sort_keys=False))
    else:
        from .render import stack_markdown

        print("\n".join(stack_markdown(doc) for doc in docs))


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parse(argv)
    except UsageError as err:
        print(f"synth: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.diff is not None:  # the PR diff against a base revision
        from .diff.cli import run as diff

        return diff(args.diff, args.stack, args.format, args.no_policy)
    from .policy.analyzer import PolicyPackError
    from .policy.config import PolicyConfigError
    from .policy.results import has_mandatory

    try:
        done = _synth(args)
    except (UsageError, SynthError, PolicyConfigError, PolicyPackError) as err:
        print(f"synth: {err}", file=sys.stderr)
        return EXIT_USAGE
    _print(done, args)
    return EXIT_FINDINGS if any(has_mandatory(s.doc["policy"]) for s in done if "policy" in s.doc) else EXIT_OK


if __name__ == "__main__":
    from .entry import run as run_tool

    sys.exit(run_tool(main, "python -m tools.synth"))  # an unexpected error: exit 3, traceback in a log
