"""Whole-config rules of how a stack delivers: releases, alerts, approval, share links, migrations
and the team token. Part of program.checks.run_all; each failure names its config key (vital.refusal.fail).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vital import facts, stackfile, trust, validators
from vital.names import SECRET_TEXT, TEAM_TOKEN_KEY, VERCEL_TOKEN_SECRET, vercel_project_name
from vital.refusal import fail

if TYPE_CHECKING:
    from .config import StackConfig


def check(c: StackConfig) -> None:
    _check_release(c)
    _check_alerts(c)
    _check_approval(c)
    _check_share_links(c)
    _check_migrations(c)
    _check_team_token(c)


def _check_release(c: StackConfig) -> None:
    stages = c.rollout_stages
    found = [s.model_dump(exclude_none=True) for s in stages]
    if stages and not c.feature_allowed("rolling_releases"):
        fail("rolloutStages", found, f"allowed: [] on plan {c.vercel_plan} (Rolling Releases need Pro or Enterprise)")
    percents = [s.percent for s in stages]
    if stages and (
        not facts.ROLLOUT_STAGES_MIN <= len(stages) <= facts.ROLLOUT_STAGES_MAX
        or percents[-1] != 100
        or percents != sorted(set(percents))
    ):
        fail(
            "rolloutStages",
            found,
            f"allowed: [] (deploy at once), or {facts.ROLLOUT_STAGES_MIN} to "
            f"{facts.ROLLOUT_STAGES_MAX} stages of rising percent ending at 100, such as "
            f"[{{percent: 10, minutes: 10}}, {{percent: 100}}]",
        )
    automatic = c.rollout_advancement == "automatic"
    if any((s.minutes is None) is automatic for s in stages[:-1]) or (not automatic and stages and stages[-1].minutes):
        fail(
            "rolloutStages",
            found,
            "allowed: minutes on every stage but the last with rolloutAdvancement automatic, "
            "and on none with manual-approval",
        )
    if c.skew_protection is not None:
        if c.skew_protection not in facts.SKEW_PROTECTION_VALUES:
            fail("skewProtection", c.skew_protection, f"allowed: one of {', '.join(facts.SKEW_PROTECTION_VALUES)}")
        if not c.feature_allowed("skew_protection"):
            fail("skewProtection", c.skew_protection, f"allowed: nothing on plan {c.vercel_plan} (Pro or Enterprise)")
    if c.build_machine_type not in facts.BUILD_MACHINE_TYPES:
        fail("buildMachineType", c.build_machine_type, f"allowed: one of {', '.join(facts.BUILD_MACHINE_TYPES)}")
    if c.tier_defaults.gates_releases and not c.required_checks:
        fail("requiredChecks", [], f"allowed: at least one check; tier {c.tier}'s production alias waits for them")
    for i, check in enumerate(c.required_checks):
        if check in c.required_checks[:i]:  # each becomes a resource named after it: two would share one URN
            fail("requiredChecks", check, "allowed: each check once")


SLACK_CHANNEL_RE = re.compile(r"^[CGD][A-Z0-9]{8,}$")


def _check_alerts(c: StackConfig) -> None:
    if c.latency_alert_p95_ms is not None and not c.feature_allowed("observability_plus"):
        fail(
            "latencyAlertP95Ms",
            c.latency_alert_p95_ms,
            f"allowed: a latency alert only with Observability Plus (add observability_plus to vercelAddons; plan "
            f"{c.vercel_plan}); the built-in alerts measure no latency",
        )
    if c.alert_slack_channel_id is not None and not SLACK_CHANNEL_RE.fullmatch(c.alert_slack_channel_id):
        fail(
            "alertSlackChannelId",
            c.alert_slack_channel_id,
            "allowed: a Slack channel id such as C0123456789 (channel details, bottom), not its name",
        )
    url = c.alert_webhook_url.get_secret_value() if c.alert_webhook_url is not None else None
    if url is not None and not stackfile.offline_value(url) and not re.fullmatch(r"https://[^/\s]+(/\S*)?", url):
        fail("alertWebhookUrl", SECRET_TEXT, "allowed: an https:// URL that receives Vercel's alerts.triggered events")


def _check_approval(c: StackConfig) -> None:
    """Production needs a person's approval: environment reviewers where GitHub enforces them,
    else the documented fallback (the ruleset's approving review and the release gates)."""
    where = f"plan {c.github_plan}, {c.github_repo_visibility} repository"
    if c.github_repo_visibility == "internal" and c.github_plan != "enterprise":
        fail(
            "githubRepoVisibility",
            "internal",
            "allowed: public or private; internal repositories exist only in Enterprise organizations",
        )
    if not c.github_feature("environments"):
        fail(
            "githubRepoVisibility",
            c.github_repo_visibility,
            f"allowed: public on plan {c.github_plan}; GitHub environments and their secrets in a private "
            f"repository need Pro, Team or Enterprise (githubPlan)",
        )
    enforced = c.github_feature("required_reviewers")
    if c.required_reviewers and not enforced:
        fail(
            "requiredReviewers",
            list(c.required_reviewers),
            f"allowed: [] on {where}: GitHub does not enforce environment reviewers there (Enterprise, or a "
            f"public repository); production's approval is then the ruleset's review and the release gates",
        )
    if not c.tier_defaults.requires_approval or c.required_reviewers:
        return
    if enforced:
        fail(
            "requiredReviewers",
            [],
            f"allowed: 1 to {facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS} GitHub user ids (`gh api users/LOGIN --jq .id`) "
            f"who approve tier {c.tier}'s deployments ({where}); if the repository is private on Free, Pro or Team, "
            f"say so with githubPlan and the ruleset's review and the release gates stand in",
        )
    tier = c.tier_defaults
    if not (tier.ruleset_on_branch and tier.protect and tier.gates_releases and c.required_checks):
        fail(
            "requiredReviewers",
            [],
            f"allowed: reviewers, or on {where} the fallback: a ruleset with an approving "
            f"review on {c.production_branch} and release gates on requiredChecks",
        )


def _check_share_links(c: StackConfig) -> None:
    """Each link opens a branch alias of this stack's preview projects; Hobby keeps one per account."""
    if c.share_links and not c.tier_defaults.builds_pr_branches:
        fail(
            "shareLinks",
            [link.alias for link in c.share_links],
            f"allowed: [] in tier {c.tier}; links open protected previews, which only the preview tier builds",
        )
    projects = [vercel_project_name(app.name, c.tier_defaults.project_suffix) for app in c.apps]
    suffix = c.preview_deployment_suffix
    for i, link in enumerate(c.share_links):
        if link.alias in [other.alias for other in c.share_links[:i]]:
            fail(f"shareLinks[{i}].alias", link.alias, "allowed: each alias once; Vercel keeps one link per alias")
        # A branch alias (<project>-git-<branch>-<team>.vercel.app) or a host under the suffix; a
        # plain deployment URL has no alias record, and Vercel refuses a link to it.
        ours = (
            link.alias.endswith(".vercel.app") and any(link.alias.startswith(f"{p}-git-") for p in projects)
        ) or bool(suffix and link.alias.endswith(f".{suffix}"))
        if not ours:
            fail(
                f"shareLinks[{i}].alias",
                link.alias,
                f"allowed: a branch URL of this stack's projects ({', '.join(p + '-git-<branch>-<team>.vercel.app' for p in projects)}"
                f"{', *.' + suffix if suffix else ''}), as the deployment's Domains list shows it",
            )
    if len(c.share_links) > facts.SHAREABLE_LINKS_HOBBY_MAX and c.vercel_plan == "hobby":
        fail(
            "shareLinks",
            len(c.share_links),
            f"allowed: at most {facts.SHAREABLE_LINKS_HOBBY_MAX} on plan hobby "
            f"(one per account, across every stack and project: each new link "
            f"revokes the others)",
        )


def _check_migrations(c: StackConfig) -> None:
    """The migration credential reaches this tier's own database; copied secrets exist."""
    url = c.supabase_db_url.get_secret_value()
    if not stackfile.offline_value(url):
        try:
            validators.supabase_db_url(url, c.supabase_project_ref)
        except ValueError as err:
            fail("supabaseDbUrl", SECRET_TEXT, str(err))
    for key in c.environment_secrets:
        if key not in c.secret_env:
            fail("environmentSecrets", key, f"allowed: a secretEnv key ({', '.join(c.secret_env) or 'none set'})")


def _check_team_token(c: StackConfig) -> None:
    """A Vercel token acts on every project of its team, production's included, so it may sit only in
    a stack no pull request decrypts (vital.trust.pr_readable_stacks: preview's and pre-production's
    config and state are open to a PR's preview). There the app repository's jobs need it."""
    readable = trust.pr_readable_stacks()
    why = (
        f"a Vercel token acts on every project of the team, production's included, and pull-request "
        f"previews decrypt the {' and '.join(readable)} stacks (docs/credentials.md)"
    )
    if c.tier not in readable:
        if c.vercel_deploy_token is None:
            fail(
                TEAM_TOKEN_KEY,
                "nothing",
                f"allowed: the token the app repository's {c.tier} jobs use as "
                f"{VERCEL_TOKEN_SECRET}, set with `pulumi config set --secret {TEAM_TOKEN_KEY}`",
            )
    elif c.vercel_deploy_token is not None:
        fail(
            TEAM_TOKEN_KEY,
            SECRET_TEXT,
            f"allowed: nothing in tier {c.tier}: {why}; remove it with "
            f"`pulumi config rm {TEAM_TOKEN_KEY}` and revoke the token",
        )
    elif c.deploy_from == "github-actions":
        fail(
            "deployFrom",
            c.deploy_from,
            f"allowed: 'vercel-git' in tier {c.tier}: deploying from GitHub Actions "
            f"needs {VERCEL_TOKEN_SECRET} in the tier's environment, and {why}",
        )
