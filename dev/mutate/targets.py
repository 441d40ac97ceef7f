"""What `make mutate` mutates, and which test files judge each module: the one table to extend.

A module's tests are the files whose tests call into it in-process (found by tracing the suite),
plus, for the rules, the pack run end to end over the committed stacks. Fastest and most
direct first: pytest stops at the first failure (-x), so a killed mutant costs little and a
survivor costs the whole list. Left out on purpose:
- tests/test_golden.py: a byte-for-byte snapshot, regenerated wholesale whenever a change is
  meant, so it tells nothing about which behaviour matters (and costs ~20 s a run);
- tests/policies/test_analyzer.py for the policy modules: it drives the same rule functions
  through the pack's subprocess, whose verdicts tests/policies/test_rules.py checks in-process;
- tests/program/test_components.py and tests/policies/test_analyzer.py for the rules: the header
  and firewall tables are pinned exactly by tests/program/test_vercel_rules.py, in a fraction of
  their time;
- for the config (program/config.py, program/checks.py, vital/validators.py), the files that go
  through synth or render stacks (test_config_errors.py, test_fuzz.py, test_stacks.py,
  test_data_services.py, test_env_var_mode_retired.py, test_adoption_rotation.py, test_secrets.py):
  tests/program/test_config_contract.py and test_config_fields.py build StackConfig in-process
  and, measured alone, leave only the documented equivalents alive (2 s a run instead of 40);
- the tools' end-to-end files (tests/tools/test_synth_policy.py, test_policy_runner.py): they
  test the tools through subprocesses and cost a minute a run.
"""

from __future__ import annotations

from dataclasses import dataclass

POLICY_RULE_TESTS = (
    "tests/policies/test_rules.py",
    "tests/policies/test_no_secret_in_messages.py",
)
CONFIG_TESTS = (
    "tests/program/test_config_contract.py",
    "tests/program/test_config_fields.py",
)
# The stack-file reader: its rules word for word and count for count (fastest first), the scalar
# and number tables, and Go's own output for each case (tests/fixtures/stackfile-oracle.json).
READER_TESTS = (
    "tests/vital/test_reader_rules.py",
    "tests/vital/test_goyaml.py",
    "tests/vital/test_stackfile.py",
)


@dataclass(frozen=True)
class Target:
    path: str  # relative to the repository root
    tests: tuple[str, ...]


TARGETS = (
    Target(
        "program/vercel_rules.py",
        (
            "tests/program/test_vercel_rules.py",
            "tests/program/test_traffic.py",
            "tests/program/test_stacks.py",
        ),
    ),
    Target(
        "policies/vital_policies/caching.py",
        (
            "tests/policies/test_caching.py",
            "tests/policies/test_traffic.py",
        ),
    ),
    Target("policies/vital_policies/firewall.py", ("tests/policies/test_firewall_policy.py", *POLICY_RULE_TESTS)),
    Target("policies/vital_policies/env_vars.py", ("tests/policies/test_env_vars_policy.py", *POLICY_RULE_TESTS)),
    # The rest of the policy pack: each module's own test file first, then the in-process rule and
    # message tests that reach it (tests/policies/test_rules.py runs the catalog over fake stacks).
    Target("policies/vital_policies/access.py", ("tests/policies/test_access.py", *POLICY_RULE_TESTS)),
    Target("policies/vital_policies/catalog.py", (*POLICY_RULE_TESTS, "tests/policies/test_catalog.py")),
    Target(
        "policies/vital_policies/context.py",
        ("tests/policies/test_context.py", *POLICY_RULE_TESTS, "tests/policies/test_env_vars_policy.py"),
    ),
    Target("policies/vital_policies/dns_records.py", ("tests/policies/test_dns_records.py", *POLICY_RULE_TESTS)),
    Target(
        "policies/vital_policies/headers.py",
        ("tests/policies/test_traffic.py", "tests/policies/test_caching.py", *POLICY_RULE_TESTS),
    ),
    Target(
        "policies/vital_policies/probes.py",
        (
            "tests/policies/test_probes.py",
            "tests/policies/test_traffic.py",
            "tests/policies/test_caching.py",
            *POLICY_RULE_TESTS,
        ),
    ),
    Target("policies/vital_policies/project.py", POLICY_RULE_TESTS),
    Target("policies/vital_policies/releases.py", ("tests/policies/test_releases.py", *POLICY_RULE_TESTS)),
    Target(
        "policies/vital_policies/resources.py",
        (
            "tests/policies/test_resources.py",
            *POLICY_RULE_TESTS,
            "tests/policies/test_env_vars_policy.py",
            "tests/policies/test_traffic.py",
        ),
    ),
    Target("policies/vital_policies/rls.py", ("tests/policies/test_reported_data.py", *POLICY_RULE_TESTS)),
    Target(
        "policies/vital_policies/routes.py",
        (
            "tests/policies/test_routes.py",
            "tests/policies/test_traffic.py",
            "tests/policies/test_caching.py",
            *POLICY_RULE_TESTS,
        ),
    ),
    # The modules issue 25 reworked: the data services, rotation and the pack config, judged on fake
    # stacks first (test_data_rotation.py), then through the pack on the committed stacks.
    Target("policies/vital_policies/costs.py", ("tests/policies/test_releases.py", *POLICY_RULE_TESTS)),
    Target(
        "policies/vital_policies/data.py",
        (
            "tests/policies/test_data.py",
            "tests/policies/test_reported_data.py",
            "tests/policies/test_data_rotation.py",
            *POLICY_RULE_TESTS,
            "tests/policies/test_operations.py",
        ),
    ),
    Target(
        "policies/vital_policies/isolation.py",
        ("tests/policies/test_isolation.py", *POLICY_RULE_TESTS, "tests/policies/test_data_rotation.py"),
    ),
    Target(
        "policies/vital_policies/pack_config.py",
        ("tests/policies/test_pack_config.py", *POLICY_RULE_TESTS, "tests/policies/test_data_rotation.py"),
    ),
    Target(
        "policies/vital_policies/pack_schemas.py",
        ("tests/policies/test_pack_config.py", *POLICY_RULE_TESTS, "tests/policies/test_data_rotation.py"),
    ),
    Target(
        "policies/vital_policies/redirects.py",
        ("tests/policies/test_redirects.py", "tests/policies/test_operations.py", *POLICY_RULE_TESTS),
    ),
    Target(
        "policies/vital_policies/rotation.py",
        ("tests/policies/test_rotation.py", "tests/policies/test_data_rotation.py", *POLICY_RULE_TESTS),
    ),
    Target("program/config.py", CONFIG_TESTS),
    Target("program/checks.py", CONFIG_TESTS),
    Target("program/delivery_checks.py", CONFIG_TESTS),
    Target("program/name_checks.py", CONFIG_TESTS),
    Target("vital/validators.py", ("tests/vital/test_validators.py", *CONFIG_TESTS)),
    Target("vital/aws_validators.py", ("tests/vital/test_validators.py", "tests/bootstrap/test_program.py")),
    Target("vital/stackfile.py", READER_TESTS),
    Target("vital/goyaml.py", READER_TESTS),
    Target("vital/goscalar.py", READER_TESTS),
    Target("vital/gofmt.py", READER_TESTS),
    Target("vital/configkeys.py", READER_TESTS),
    Target("vital/secretsscheme.py", READER_TESTS),
)

# Imported once by the process that forks every run (third-party only: never the project's code).
PRELOAD = (
    "pytest",
    "_pytest.python",
    "pydantic",
    "yaml",
    "grpc",
    "pulumi",
    "pulumi.runtime",
    "pulumi.dynamic",
    "pulumi_policy",
    "pulumiverse_vercel",
    "pulumi_github",
    "upstash_pulumi",
    "ruamel.yaml",
    "detect_secrets",
)
