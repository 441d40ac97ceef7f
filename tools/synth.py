"""Render a stack's desired state offline: `python -m tools.synth --stack NAME|all`.

Runs the real program under Pulumi's mock runtime with the stack file's config; no Pulumi
CLI, backend, provider plugin or credential is needed. Then runs the policy pack over the
result through the Analyzer protocol, as the CLI would: pulumi-policy's own servicer in this
process (tools/policy/inprocess.py), sent the requests the CLI sends. Stacks render one after
another in this process, in stack order (`--jobs` and `--policy-process` are retired: one line,
exit 2, tools/entry.py RETIRED_RENDER_FLAGS). Exit 0 when
rendered with no mandatory violation, 1 when one remains, 2 with one line on stderr for a
config or usage error. `--diff BASE_REF` hands over to the PR diff (tools/diff/), which runs
this command in each revision. `--project bootstrap` renders the bootstrap project
(bootstrap/: the state backend and the CI's identities) the same way, judged by its own pack
(bootstrap/policies); `--stack all` means each project's own stacks.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from vital import stackfile
from vital.names import TIERS

from .entry import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, RETIRED_RENDER_FLAGS, OneLineParser, UsageError, retire
from .projects import INFRA, PROJECTS, Project

if TYPE_CHECKING:
    from .mockrt import Rendered

STACKS = TIERS
# What --diff cannot take: each revision is rendered from its own stack files, with no pack config.
_NOT_WITH_DIFF = (("config_file", "--config-file"), ("policy_pack_config", "--policy-pack-config"))


class SynthError(Exception):
    """A config error, reported as one line."""


@dataclass(frozen=True)
class Synthesized:
    """One stack rendered: synth's document, the registrations the policy pack analyzes (None
    once released), the stack's config as the CLI passes it (the pack reads the tier and plan
    from it), and the secrets not set yet that were rendered with stand-ins."""

    doc: dict[str, Any]
    rendered: Rendered | None
    config: dict[str, str]
    standins: tuple[str, ...] = ()
    cli_missing: tuple[str, ...] = ()  # declared keys among them: the CLI's config validation stops on these
    warnings: tuple[str, ...] = ()  # what the CLI warns about the stack file


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.synth", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--project",
        choices=sorted(PROJECTS),
        default=INFRA.key,
        help="infra: the three tier stacks (default); bootstrap: the state backend and CI identities",
    )
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the project's stacks")
    parser.add_argument("--config-file", type=Path, help="stands in for Pulumi.<stack>.yaml (one stack only)")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--diff", metavar="BASE_REF", help="diff each stack against BASE_REF (see tools/diff/)")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pack")
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="policy pack config (JSON), as `pulumi preview --policy-pack-config`",
    )
    retire(parser, RETIRED_RENDER_FLAGS)
    return parser


def synthesize(stack: str, config_file: Path | None = None, project: Project = INFRA) -> Synthesized:
    """Render one stack from its stack file (or `config_file`); raises SynthError for bad config."""
    return _synthesize(stack, read_source(stack, config_file, project), project)


def synthesize_source(stack: str, source: stackfile.StackConfigInput) -> Synthesized:
    """Render one stack from its stack file as read (read_source); raises SynthError for bad config."""
    return _synthesize(stack, source)


def _synthesize(stack: str, source: stackfile.StackConfigInput, project: Project = INFRA) -> Synthesized:
    from vital import costs
    from vital.names import PROJECT

    from .policy.committed import tier_of

    doc, rendered = _render(stack, source.config, source.secret_keys, source.path, project)
    tier = tier_of(stack, source.config) if project == INFRA else None
    if tier is not None:  # the tier's modelled monthly cost (vital/costs.py), which the PR diff compares
        doc["cost"] = costs.from_config(tier, source.config, PROJECT).to_json()
    return Synthesized(
        doc, rendered, source.config, tuple(source.standins), tuple(source.cli_missing), tuple(source.warnings)
    )


def render_stack(stack: str, config_file: Path | None = None) -> dict[str, Any]:
    """Render one stack from its stack file; raises SynthError for bad config."""
    return synthesize(stack, config_file).doc


def read_source(stack: str, config_file: Path | None = None, project: Project = INFRA) -> stackfile.StackConfigInput:
    """The stack file as the CLI reads it; secrets not set yet get stand-ins (and are listed)."""
    from program.secrets import required_secrets
    from vital.names import PROJECT

    try:
        if project is not INFRA:  # the bootstrap stack holds no secret
            return stackfile.read(stack, config_file, (), project.project_file)
        path = config_file or stackfile.ROOT / f"Pulumi.{stack}.yaml"
        tier = stackfile.config_section(stackfile.load_yaml(path)).get(f"{PROJECT}:tier", stack)
        standins = required_secrets(tier) if tier in TIERS else []
        return stackfile.read(stack, config_file, standins)
    except stackfile.StackFileError as err:
        raise SynthError(str(err)) from None


def render_config(
    stack: str, config: dict[str, str], secret_keys: list[str], stack_file: Path | None = None
) -> dict[str, Any]:
    """Render one stack from config as the CLI would pass it (values decrypted or placeholders)."""
    return _render(stack, config, secret_keys, stack_file)[0]


def _render(
    stack: str, config: dict[str, str], secret_keys: list[str], stack_file: Path | None, project: Project = INFRA
):
    import pulumi

    from program.load import ConfigError

    from .mockrt import run_program
    from .render import stack_doc

    # Checked here too, so the file named in the error is the one given with --config-file.
    try:
        if project is INFRA:
            load_stack_config_check(stack, config, secret_keys, stack_file)
    except ConfigError as err:
        raise SynthError(str(err)) from None
    try:
        rendered = run_program(stack, config, secret_keys, project.name, program=project.program)
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


def _stacks(arg: str, config_file: Path | None, project: Project = INFRA) -> list[str]:
    if arg == "all":
        if config_file is not None and len(project.stacks) > 1:
            raise UsageError("--config-file stands in for one stack's file; give --stack NAME with it")
        return list(project.stacks)
    return [arg]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.diff is not None:
        if args.project != INFRA.key:
            parser.error(f"--diff renders the tier stacks only; allowed with --project {INFRA.key}")
        for dest, flag in _NOT_WITH_DIFF:
            if getattr(args, dest) is not None:
                parser.error(f"{flag} cannot be used with --diff: each revision is rendered from its own stack files")
    return args


def synth_stack(
    item: tuple[str, stackfile.StackConfigInput], project: Project, policy: bool, pack_config: Mapping[str, Any] | None
) -> Synthesized:
    """One stack rendered and, when `policy`, judged by the project's pack in this process;
    returned without its registrations, which are released here."""
    stack, source = item
    if not policy:  # nothing of the pack's runner is imported: --no-policy loads no pulumi_policy
        return dataclasses.replace(_synthesize(stack, source, project), rendered=None)
    from .policy.inprocess import InProcessPack

    synthesized = _synthesize(stack, source, project)
    assert synthesized.rendered is not None  # released only below
    with InProcessPack(project.name, stack, source.config, pack_dir=project.pack_dir) as pack:
        synthesized.doc["policy"] = pack.run(synthesized.rendered.resources, pack_config)
    return dataclasses.replace(synthesized, rendered=None)


def _synth(args: argparse.Namespace, own_process: bool = False) -> list[Synthesized]:
    """Each stack's document, with the policy pack's result unless --no-policy, in stack order."""
    if own_process:  # the collector off until freeze_imports freezes what was imported (see there)
        gc.disable()
    project = PROJECTS[args.project]
    sources = [
        (stack, read_source(stack, args.config_file, project))
        for stack in _stacks(args.stack, args.config_file, project)
    ]
    policy = not args.no_policy
    pack_config = _pack_config(args, project, sources, policy)
    if own_process:
        freeze_imports(project.program)
    return [synth_stack(item, project, policy, pack_config) for item in sources]


def freeze_imports(program: Path) -> None:
    """Import what `program` imports at its top, hand everything alive to gc.freeze(), and turn
    the collector back on.

    The modules (the SDKs' thousands of classes) live as long as the process; left to the
    cyclic collector, every full collection walks them again while the stacks render, and the
    teardown at exit once more: about a quarter of a `synth --stack all` (bench/results.md).
    Frozen, the collector skips them; reference counting still frees what a render drops. The
    collector is off from synth's start until here, so the imports are not walked either. The gc
    docs give that sequence (gc.disable() early, gc.freeze(), then gc.enable()) for a process
    that forks, to keep the collector off the pages its children share
    (https://docs.python.org/3/library/gc.html#gc.freeze); synth does not fork, and uses it for
    the walks themselves: what is unreachable when frozen (under a thousand objects here) is
    kept to the end. Only for synth's own process: a caller's heap (a test's) is not ours.
    """
    import ast
    import importlib

    for node in ast.parse(program.read_text()).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                importlib.import_module(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            importlib.import_module(node.module)
    gc.freeze()
    gc.enable()


def _pack_config(args: argparse.Namespace, project: Project, sources, policy: bool) -> Mapping[str, Any] | None:
    """What the tier pack needs of the other tiers (it reads no file): from their committed stack
    files, this run's own stack files standing in for theirs; the user's pack config over it.
    A given file is read (and refused when bad) even with --no-policy; the other tiers are read only for the pack."""
    from .policy.committed import committed, merged
    from .policy.config import load_pack_config

    given = load_pack_config(args.policy_pack_config) if args.policy_pack_config else None
    if project != INFRA or not policy:
        return given
    return merged(committed(overrides={stack: source.config for stack, source in sources}), given)


def _standins_line(stack: str, synthesized: Synthesized) -> str:
    """What was stood in for, what the CLI really does without it (it does not prompt), and the commands."""
    if synthesized.cli_missing:
        stops = f'`pulumi preview` stops with "{stackfile.cli_stops(stack, synthesized.cli_missing)}"'
    else:
        stops = "`pulumi preview` stops in the program, which names the first one missing"
    return (
        f"rendered with stand-ins for secrets not set yet: {', '.join(synthesized.standins)}; {stops}; "
        f"set them first: {stackfile.set_commands(stack, synthesized.standins)}"
    )


def _print(done: list[Synthesized], args: argparse.Namespace, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for synthesized in done:
        stack = synthesized.doc["stack"]
        for warning in synthesized.warnings:
            print(f"synth: stack '{stack}': warning: {warning}", file=sys.stderr)
        if synthesized.standins:
            print(f"synth: stack '{stack}': {_standins_line(stack, synthesized)}", file=sys.stderr)
    docs = [synthesized.doc for synthesized in done]
    for doc in docs:
        for note in doc.get("notes", ()):
            print(f"synth: stack '{doc['stack']}': note: {note}", file=sys.stderr)
        for entry in doc.pop("logs"):
            print(f"{doc['stack']}: {entry['level']}: {entry['message']}", file=sys.stderr)
    if args.format == "json":
        write_json(docs[0] if args.stack != "all" else docs, out)
    else:
        from .render import stack_markdown

        for i, doc in enumerate(docs):
            out.write(("\n" if i else "") + stack_markdown(doc))
        out.write("\n")


def write_json(value: Any, out: TextIO) -> None:
    """`print(json.dumps(value, indent=2))`, byte for byte, written as it is encoded: a list of
    documents one document at a time, never the whole text in memory."""
    encoder = json.JSONEncoder(indent=2)
    if not isinstance(value, list) or not value:
        for chunk in encoder.iterencode(value):
            out.write(chunk)
        out.write("\n")
        return
    out.write("[\n")
    for i, doc in enumerate(value):
        out.write(",\n  " if i else "  ")
        for chunk in encoder.iterencode(doc):
            out.write(chunk.replace("\n", "\n  "))  # one level deeper; strings never hold a raw newline
    out.write("\n]\n")


def main(argv: list[str] | None = None, own_process: bool = False) -> int:
    """synth's command line; `own_process` when this process is synth's alone (python -m tools.synth)."""
    try:
        args = _parse(argv)
    except UsageError as err:
        print(f"synth: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.diff is not None:  # the PR diff against a base revision
        from .diff.cli import run as diff

        return diff(args.diff, args.stack, args.format, args.no_policy)
    from .policy.errors import PolicyConfigError, PolicyPackError
    from .policy.results import has_mandatory

    try:
        done = _synth(args, own_process)
    except (UsageError, SynthError, PolicyConfigError, PolicyPackError) as err:
        print(f"synth: {err}", file=sys.stderr)
        return EXIT_USAGE
    _print(done, args)
    return EXIT_FINDINGS if any(has_mandatory(s.doc["policy"]) for s in done if "policy" in s.doc) else EXIT_OK


if __name__ == "__main__":
    from .entry import run as run_tool

    # An unexpected error: exit 3, traceback in a log.
    sys.exit(run_tool(lambda: main(own_process=True), "python -m tools.synth"))
