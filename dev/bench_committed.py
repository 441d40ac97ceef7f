"""The committed stacks as the benchmark sees them: synth's documents of them (the resource table
and the peer's spec, dev/peer.py) and why each resource type exists."""

from __future__ import annotations

from collections import Counter

from vital.names import TIERS

# Why each resource type exists, for the resource-count table.
WHY = {
    "vercel:index/project:Project": "the tier's Vercel project (one per app)",
    "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": "one env var",
    "vercel:index/projectDomain:ProjectDomain": "a custom domain",
    "vercel:index/projectRoute:ProjectRoute": "a header rule (cache, security, noindex)",
    "vercel:index/dnsRecord:DnsRecord": "a custom domain's record, in a zone on Vercel's nameservers",
    "vercel:index/projectProtectionBypass:ProjectProtectionBypass": "lets the end-to-end runs past deployment protection",
    "vercel:index/firewallConfig:FirewallConfig": "the project's WAF: rate limit, admin allow-list",
    "vercel:index/projectDeploymentRetention:ProjectDeploymentRetention": "preview cleanup after a month",
    "vercel:index/projectDeploymentCheck:ProjectDeploymentCheck": "production's alias waits for a GitHub check",
    "vercel:index/projectRollingRelease:ProjectRollingRelease": "production rolls out in stages",
    "vercel:index/alertRule:AlertRule": "the built-in 5xx error alert",
    "vercel:index/customAlertRule:CustomAlertRule": "the p95 latency alert (Observability Plus)",
    "vercel:index/alertRuleSlackNotification:AlertRuleSlackNotification": "an alert sent to Slack",
    "vercel:index/alertRuleWebhookNotification:AlertRuleWebhookNotification": "an alert sent to the webhook",
    "vercel:index/webhook:Webhook": "the account webhook alerts go to",
    "github:index/repositoryEnvironment:RepositoryEnvironment": "the tier's GitHub environment",
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": "which branch may deploy",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": "a deploy secret (VERCEL_TOKEN, ...)",
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": "VERCEL_PROJECT_ID (one per app)",
    "github:index/branch:Branch": "the tier's long-lived branch",
    "github:index/repositoryRuleset:RepositoryRuleset": "required checks on the tier's branch",
    "upstash:index/redisDatabase:RedisDatabase": "the tier's Redis cache",
    "pulumi-python:dynamic:Resource": "Supabase settings (pooler, auth URLs)",
}


def docs() -> dict[str, dict]:
    """synth's documents of the committed stacks (the resource table and the peer's spec)."""
    from tools.synth import render_stack

    return {s: render_stack(s) for s in TIERS}


def resource_counts(docs: dict[str, dict]) -> list[str]:
    counts = {
        s: Counter(r["type"] for r in d["resources"] if not r["type"].startswith("vital:")) for s, d in docs.items()
    }
    types = sorted({t for c in counts.values() for t in c})
    lines = ["| Type | production | pre-production | preview | Why it exists |", "| --- | --- | --- | --- | --- |"]
    for t in types:
        lines.append(
            f"| `{t.rsplit(':', 1)[-1]}` | " + " | ".join(str(counts[s][t]) for s in counts) + f" | {WHY.get(t, '')} |"
        )
    lines.append("| **total** | " + " | ".join(f"**{sum(c.values())}**" for c in counts.values()) + " | |")
    return lines
