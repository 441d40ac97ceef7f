"""The CI's trust in one table: which GitHub Actions job may assume which AWS role, and what
each role may reach in the state backend.

`bootstrap/` turns every `Role` here into an IAM role (its trust policy from `subjects`, its
permissions from `reads`, `decrypts`, `encrypts` and `writes`); the workflow tests check that
each job presents a subject its role trusts and runs only stacks its role may open; the
credentials table (docs/credentials.md) is derived from it. Change a rule here, nowhere else.

**The subject.** The infrastructure repository customizes its OIDC subject with the claim keys
`OIDC_CLAIM_KEYS` (GitHub docs, "OpenID Connect reference", "Customizing the subject claims
for an organization or repository": the template `["repo", "context", "job_workflow_ref"]`
gives `repo:ORG/REPO:environment:NAME:job_workflow_ref:WORKFLOW-PATH`), so every token names
the workflow file and the ref whose copy of it runs the job:

    repo:OWNER/REPO:environment:production:job_workflow_ref:OWNER/REPO/.github/workflows/infra-deploy.yml@refs/heads/main

A job of another workflow, or of this workflow on another branch, presents another subject,
whatever environment it names. `repo:OWNER/REPO` is the repository's prefix exactly as GitHub
reports it (`sub_claim_prefix` of `GET /repos/{owner}/{repo}/actions/oidc/customization/sub`):
the name form, or, for repositories created, renamed or transferred after GitHub's cut-over
(or opted in), the immutable form `repo:OWNER@OWNER-ID/REPO@REPO-ID` (same reference,
"Immutable subject claims"; "owner_id and repo_id are always included in the repo segment of
the sub claim, even when you customize claims"). The prefix is read, never assembled from
names: see bootstrap/.

**The context** is the part of GitHub's default subject after the repository (same reference,
"Example subject claims"): `environment:NAME` when the job names an environment, else
`pull_request` for a pull_request event, else `ref:REF`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import GITHUB_OWNER_PATTERN, GITHUB_REPO_PATTERN
from .names import PR_PREVIEW_STACKS, PRODUCTION, PROJECT, TIERS

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
# aws-actions/configure-aws-credentials asks for this audience by default (its action.yml `audience`).
AUDIENCE = "sts.amazonaws.com"
SUB_KEY = f"{GITHUB_OIDC_HOST}:sub"
AUD_KEY = f"{GITHUB_OIDC_HOST}:aud"
# The repository's subject template (pulumi-github ActionsRepositoryOidcSubjectClaimCustomizationTemplate).
OIDC_CLAIM_KEYS = ("repo", "context", "job_workflow_ref")

MAIN_REF = "refs/heads/main"
# A pull_request run's ref is the PR's merge ref (GitHub docs, "Events that trigger workflows",
# pull_request: GITHUB_REF is refs/pull/PULL_REQUEST_NUMBER/merge); one trust covers every PR.
PULL_REQUEST_REFS = "refs/pull/*/merge"

# The GitHub environment the drift checks run in (infra-drift.yml): its deployment branches are main
# only, and it holds the keys a refresh needs that have no read-only form (docs/credentials.md).
DRIFT_ENVIRONMENT = "drift"

# The workflow files (.github/workflows/), each the only one its roles trust.
PR_WORKFLOW = "infra-pr.yml"
DEPLOY_WORKFLOW = "infra-deploy.yml"
DRIFT_WORKFLOW = "infra-drift.yml"

# The bootstrap project (bootstrap/): the state bucket, the keys and these roles. Its one stack
# holds no secret; its deploy is an operator's, never CI's (it can change every role here).
BOOTSTRAP_PROJECT = f"{PROJECT}-bootstrap"
BOOTSTRAP_STACK = "bootstrap"
# Its config keys that say whose tokens the roles trust: the infrastructure repository
# (OWNER/REPO) and the subject prefixes GitHub reports for it (tools/oidc.py reads and checks them).
REPOSITORY_KEY = "repository"
PREFIXES_KEY = "subjectPrefixes"


@dataclass(frozen=True)
class Trust:
    """One subject a role accepts: this workflow file, run from `ref`, in this context."""

    workflow: str
    context: str
    ref: str

    @property
    def wildcard(self) -> bool:
        """Whether the subject needs StringLike (a PR's merge ref); exact subjects use StringEquals."""
        return "*" in self.ref


@dataclass(frozen=True)
class Role:
    """An AWS role CI assumes through GitHub's OIDC provider.

    `reads`: the stacks whose state objects it may read; `decrypts`/`encrypts`: the stacks
    whose own KMS key it may use (a key opens every secret of its stack); `writes`: the stacks
    whose state, history, backups and lock it may write; `refreshes`: the stacks whose live
    AWS resources it may describe (`pulumi preview --refresh`: only the bootstrap stack's are in
    AWS). `variable` is the GitHub Actions variable that holds its ARN, set on the repository or
    on the environment `scope` names.
    """

    key: str
    name: str
    variable: str
    scope: str
    trusts: tuple[Trust, ...]
    reads: tuple[str, ...]
    decrypts: tuple[str, ...]
    encrypts: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    refreshes: tuple[str, ...] = ()


REPOSITORY = "repository"


def _deploy(stack: str) -> Role:
    return Role(
        key=f"deploy-{stack}",
        name=f"{PROJECT}-deploy-{stack}",
        variable="AWS_DEPLOY_ROLE_ARN",
        scope=stack,
        trusts=(Trust(DEPLOY_WORKFLOW, f"environment:{stack}", MAIN_REF),),
        reads=(stack,),
        decrypts=(stack,),
        encrypts=(stack,),
        writes=(stack,),
    )


ROLES: tuple[Role, ...] = (
    # PR previews: the PR's own code runs with it, so it opens nothing of production.
    Role(
        key="plan",
        name=f"{PROJECT}-plan",
        variable="AWS_PLAN_ROLE_ARN",
        scope=REPOSITORY,
        trusts=(Trust(PR_WORKFLOW, "pull_request", PULL_REQUEST_REFS),),
        reads=(*PR_PREVIEW_STACKS, BOOTSTRAP_STACK),
        decrypts=(*PR_PREVIEW_STACKS, BOOTSTRAP_STACK),
    ),
    # Production's preview in infra-deploy, before the environment's approval: main's reviewed code only.
    Role(
        key="plan-production",
        name=f"{PROJECT}-plan-production",
        variable="AWS_PRODUCTION_PLAN_ROLE_ARN",
        scope=REPOSITORY,
        trusts=(Trust(DEPLOY_WORKFLOW, f"ref:{MAIN_REF}", MAIN_REF),),
        reads=(PRODUCTION,),
        decrypts=(PRODUCTION,),
    ),
    # The daily drift check: main's reviewed infra-drift.yml in the drift environment, every stack, read-only.
    Role(
        key="drift",
        name=f"{PROJECT}-drift",
        variable="AWS_DRIFT_ROLE_ARN",
        scope=REPOSITORY,
        trusts=(Trust(DRIFT_WORKFLOW, f"environment:{DRIFT_ENVIRONMENT}", MAIN_REF),),
        reads=(*TIERS, BOOTSTRAP_STACK),
        decrypts=(*TIERS, BOOTSTRAP_STACK),
        refreshes=(BOOTSTRAP_STACK,),
    ),
    *(_deploy(stack) for stack in TIERS),
)

ROLE = {role.key: role for role in ROLES}


# The branch every CI environment admits (its deployment branch policy, which bootstrap manages):
# main, the ref every environment-bound role trusts. A job of any other branch that names the
# environment is refused before it reaches a runner, so it never sees the environment's secrets.
ENVIRONMENT_BRANCH = MAIN_REF.removeprefix("refs/heads/")


def environments() -> tuple[str, ...]:
    """The infrastructure repository's GitHub environments: each one a role's trust names
    (`environment:NAME`), in the order of ROLES. Bootstrap creates each, main only."""
    named = [
        t.context.removeprefix("environment:")
        for role in ROLES
        for t in role.trusts
        if t.context.startswith("environment:")
    ]
    return tuple(dict.fromkeys(named))


def pr_readable_stacks() -> tuple[str, ...]:
    """The tiers whose config and state pull-request code can read: those a role that trusts a
    pull request decrypts. A credential that reaches beyond its tier (a Vercel team token) may sit
    in none of them (program.checks, docs/credentials.md)."""
    readers = [role for role in ROLES if any(t.context == "pull_request" for t in role.trusts)]
    return tuple(tier for tier in TIERS if any(tier in role.decrypts for role in readers))


def subject(prefix: str, repository: str, trust: Trust) -> str:
    """The `sub` of a job that `trust` describes, under the OIDC_CLAIM_KEYS template.

    `prefix` is the repository's `sub_claim_prefix` as GitHub reports it (`repo:OWNER/REPO` or
    `repo:OWNER@ID/REPO@ID`); `repository` is `OWNER/REPO`, which the workflow path names.
    """
    return f"{prefix}:{trust.context}:job_workflow_ref:{repository}/.github/workflows/{trust.workflow}@{trust.ref}"


def subjects(prefixes: tuple[str, ...] | list[str], repository: str, role: Role) -> list[str]:
    """Every subject `role` trusts, under each of the repository's prefixes."""
    return [subject(prefix, repository, trust) for prefix in prefixes for trust in role.trusts]


# The repository's prefix, in either of GitHub's forms: `repo:OWNER/REPO`, or the immutable
# `repo:OWNER@OWNER-ID/REPO@REPO-ID` (OIDC reference, "Immutable subject claims": "The `@`
# separator is used between names and IDs because `@` cannot appear in GitHub usernames or
# repository names").
_NAME = GITHUB_OWNER_PATTERN.strip("^$")
_REPO = GITHUB_REPO_PATTERN.strip("^$")
PREFIX_RE = re.compile(
    rf"^repo:(?P<owner>{_NAME})(@(?P<owner_id>[1-9][0-9]*))?/(?P<repo>{_REPO})(@(?P<repo_id>[1-9][0-9]*))?$"
)
# A subject under OIDC_CLAIM_KEYS: prefix, context, then the workflow file and the ref.
SUBJECT_RE = re.compile(
    r"^(?P<prefix>repo:[^:]+):(?P<context>.+):job_workflow_ref:"
    r"(?P<repository>[^/]+/[^/]+)/\.github/workflows/(?P<workflow>[^/@]+)@(?P<ref>.+)$"
)


def prefix_problem(prefix: str, repository: str) -> str | None:
    """Why `prefix` is not a subject prefix of `repository` (OWNER/REPO), or None."""
    found = PREFIX_RE.match(prefix)
    if found is None:
        return "allowed: repo:OWNER/REPO or repo:OWNER@OWNER-ID/REPO@REPO-ID, as GitHub reports it (sub_claim_prefix)"
    if (found["owner_id"] is None) != (found["repo_id"] is None):
        return "allowed: both ids (repo:OWNER@OWNER-ID/REPO@REPO-ID) or none (repo:OWNER/REPO)"
    if f"{found['owner']}/{found['repo']}" != repository:
        return f"allowed: a prefix of the repository {repository} (its names, exactly as GitHub spells them)"
    return None


def is_immutable(prefix: str) -> bool:
    found = PREFIX_RE.match(prefix)
    return bool(found and found["repo_id"])
