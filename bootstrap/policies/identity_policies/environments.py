"""environment-branches: every GitHub environment a CI role trusts is managed by this stack and
admits main alone, with no administrator bypass.

A deploy or drift role trusts a job only in its environment (vital/trust.py), and the environment
holds the tokens that can change a tier (docs/credentials-setup.md). GitHub sends a job to a runner,
and so hands it the environment's secrets, only once the environment's rules pass ("Using
environments for deployment"). A job that names an environment nobody created creates it with no
rule, so the pack asks for each one here, with custom deployment branch policies (protected branches
would admit any branch someone protects) and main as the only pattern.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from vital.trust import ENVIRONMENT_BRANCH, environments

ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment"
BRANCH_POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
MAIN_ONLY = {"protectedBranches": False, "customBranchPolicies": True}


def _problems(name: str, found: list, patterns: list[tuple[object, object]]) -> list[str]:
    if not found:
        return [
            f"GitHub environment {name!r}: not managed by this stack; allowed: a RepositoryEnvironment admitting "
            f"{ENVIRONMENT_BRANCH!r} only (a job that names a missing environment creates it with no rule)"
        ]
    problems = []
    props = found[0].props
    if props.get("canAdminsBypass") is not False:
        problems.append(
            f"GitHub environment {name!r}: canAdminsBypass is {props.get('canAdminsBypass')!r}; "
            "allowed: false (the provider's default, true, lets an administrator skip its rules)"
        )
    policy = dict(props.get("deploymentBranchPolicy") or {})
    if policy != MAIN_ONLY:
        problems.append(
            f"GitHub environment {name!r}: deploymentBranchPolicy is {policy or None!r}; allowed: "
            f"{MAIN_ONLY!r} (custom branch policies; protected branches admit any branch with a rule)"
        )
    if patterns != [(ENVIRONMENT_BRANCH, None)]:
        shown = ", ".join(sorted(f"branch {b!r}" if b else f"tag {t!r}" for b, t in patterns)) or "no pattern"
        problems.append(
            f"GitHub environment {name!r}: deploys from {shown}; allowed: the one branch pattern "
            f"{ENVIRONMENT_BRANCH!r} and no tag pattern"
        )
    return problems


def environment_branches(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    for name in environments():
        found = [r for r in args.resources if r.resource_type == ENVIRONMENT and r.props.get("environment") == name]
        patterns = [
            (r.props.get("branchPattern"), r.props.get("tagPattern"))
            for r in args.resources
            if r.resource_type == BRANCH_POLICY and r.props.get("environment") == name
        ]
        for problem in _problems(name, found, patterns):
            report_violation(problem, None)
