"""The policy pack's entry point: the Pulumi CLI runs it with `python -m pulumi.policy`.

It only builds the PolicyPack, whose constructor serves the Analyzer gRPC protocol and never
returns; the rules live in the importable `vital_policies` package (tests import that, never
this file). pulumi.policy runs this directory with runpy, which puts it on sys.path; the
contract package `vital` comes from the project's virtualenv (`make venv` installs it).
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from vital_policies.catalog import PACK_NAME, build_policies

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
