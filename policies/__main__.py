"""The policy pack's entry point: the Pulumi CLI runs it with `python -m pulumi.policy`.

It only builds the PolicyPack, whose constructor serves the Analyzer gRPC protocol and never
returns; the rules live in the importable `vital_policies` package (tests import that, never
this file).
"""

import sys
from pathlib import Path

# The pack reads the project's own tables (components.facts, components.tiers,
# components.secrets); the CLI starts it from this directory, so add the repo root.
_PACK_DIR = Path(__file__).resolve().parent
for _path in (str(_PACK_DIR), str(_PACK_DIR.parent)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from vital_policies.catalog import PACK_NAME, build_policies  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
