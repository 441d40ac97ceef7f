"""The policy pack's entry point: the Pulumi CLI runs it with `python -m pulumi.policy`.

It only builds the PolicyPack, whose constructor serves the Analyzer gRPC protocol and never
returns; the rules live in the importable `vital_policies` package (tests import that, never
this file). pulumi.policy runs this directory with runpy, which puts it on sys.path; the
contract package `vital` comes from the project's virtualenv when `make venv` built it
(`pip install -e .`), and from the repository root otherwise (below).
"""

import sys
from pathlib import Path

try:
    import vital  # noqa: F401  (installed into the virtualenv by `make venv`)
except ModuleNotFoundError:
    # A virtualenv the Pulumi CLI made itself has only requirements.txt in it: its Python toolchain
    # runs `python -m venv <dir>` and `python -m pip install -r requirements.txt`, nothing else
    # (pulumi/pulumi sdk/python/toolchain/pip.go InstallDependencies). requirements.txt cannot
    # install the project (`.` or `-e .`) once it is a hash-locked lock: pip refuses a local
    # directory under --require-hashes. So the contract package is found where it lives, beside
    # this directory; appended, so an installed `vital` would still come first.
    sys.path.append(str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from vital_policies.catalog import PACK_NAME, build_policies

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
