"""The identity pack's entry point: the Pulumi CLI runs it with `python -m pulumi.policy`.

It only builds the PolicyPack (whose constructor serves the Analyzer protocol and never
returns); the rules live in the importable `identity_policies` package.
"""

from identity_policies.catalog import PACK_NAME, build_policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
