"""What the policy pack needs to know of the other tiers, as pack config: `python -m tools.policy.committed`.

The pack reads no file (it sees one stack: its resources and its config). Two rules need the other
tiers: `isolation` (no two tiers share a Supabase project) and `cost-ceiling` (the tiers' modelled
costs add up within the strategy's ceilings). This module reads each tier's stack file as the CLI
reads it and prints that knowledge as the pack config `pulumi preview --policy-pack-config` takes:

    {"isolation": {"supabaseProjectRefs": {tier: ref}},
     "cost-ceiling": {"tierCosts": {tier: {"vercel": usd, "supabase": usd, "upstash": usd}}}}

synth and the PR diff pass it on their own (tools/synth.py); workflows that run the CLI write it to a
file first. A pack config the user gives is merged over it (theirs wins, property by property).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.entry import OneLineParser
from vital import costs, stackfile
from vital.names import PROJECT, TIERS
from vital.validators import SUPABASE_REF_PATTERN


def tier_of(stack: str, config: Mapping[str, Any]) -> str | None:
    tier = config.get(f"{PROJECT}:tier") or stack
    return tier if tier in TIERS else None


def pack_config(configs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The pack config for stacks given by name -> config as the CLI passes it."""
    refs, totals = {}, {}
    for stack, config in configs.items():
        tier = tier_of(stack, config)
        if tier is None:
            continue
        ref = config.get(f"{PROJECT}:supabaseProjectRef")
        if isinstance(ref, str) and re.match(SUPABASE_REF_PATTERN, ref):
            refs[tier] = ref
        try:
            totals[tier] = costs.from_config(tier, config, PROJECT).totals()
        except (TypeError, ValueError):
            continue  # a value the config checks refuse, with one line, when that stack renders
    return {"isolation": {"supabaseProjectRefs": refs}, "cost-ceiling": {"tierCosts": totals}}


def committed(root: Path = stackfile.ROOT, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The pack config from the committed stack files (each stand-in in `overrides` used instead)."""
    overrides = overrides or {}
    # A stack file stood in for is not read (in the tiers' order, as before; overrides of other stacks after).
    configs = {tier: overrides[tier] if tier in overrides else stackfile.committed_config(tier, root) for tier in TIERS}
    configs.update(overrides)
    return pack_config(configs)


def merged(base: Mapping[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """`given` over `base`, property by property (a level string in `given` keeps base's properties)."""
    out = {name: dict(props) for name, props in base.items()}
    for name, value in (given or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(name), dict):
            out[name].update(value)
        elif isinstance(value, str) and isinstance(out.get(name), dict):
            out[name]["enforcementLevel"] = value
        else:
            out[name] = value
    return out


def main(argv: list[str] | None = None) -> int:
    OneLineParser(prog="python -m tools.policy.committed", description=__doc__.splitlines()[0]).parse_args(argv)
    json.dump(committed(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    from tools.entry import run

    sys.exit(run(main, "python -m tools.policy.committed"))
