"""The pack's catalog (policies/vital_policies/catalog.py): the contract CI, pack config files and
users depend on. Each policy's name, kind, rule, level and configurability, and its description,
which the CLI prints beside every violation of the policy; and the Policy objects the pack
builds from them, as pulumi-policy receives them. Pure function calls: `make mutate` runs this
file for catalog.py.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from vital_policies import (
    access, caching, catalog, costs, data, dns_records, env_vars, firewall, headers, isolation, project, redirects,
    releases, rls, rotation,
)
from vital_policies.pack_schemas import schemas

# (name, kind, rule, advisory, configurable, description), in the order the pack lists them.
EXPECTED = (
    ('rate-limit', 'stack', firewall.rate_limit, False, True,
     "Every Vercel project has an active per-IP WAF rate limit no looser than its tier's, with a window "
     'the plan allows, that counts /api and no static asset and answers 429.'),
    ('max-duration', 'resource', project.max_duration, False, True,
     "Vercel functions' default timeout is set and within the tier's and the plan's maximum."),
    ('noindex', 'stack', headers.noindex, False, True,
     'Pre-production and preview send X-Robots-Tag: noindex on every path; production sends it on its '
     '*.vercel.app hosts and never on its custom domains, whichever way Vercel applies the routes.'),
    ('security-headers', 'stack', headers.security_headers, False, True,
     'Production sends CSP, HSTS, X-Frame-Options (or CSP frame-ancestors) and X-Content-Type-Options on '
     "every path, whichever way Vercel applies the routes; pre-production and preview send production's "
     'CSP at least as Content-Security-Policy-Report-Only.'),
    ('no-debug-in-production', 'resource', env_vars.no_debug_in_production, False, True,
     'Debug and mock-API flags are absent or "false" in production; NODE_ENV is production, development or'
     ' test.'),
    ('secrets', 'resource', env_vars.secrets, False, False,
     'Credentials are sensitive env vars and never NEXT_PUBLIC_*; GitHub secrets use value or '
     'valueEncrypted, not the deprecated fields.'),
    ('cors', 'resource', env_vars.cors, False, True,
     "Production's allowed CORS origins hold no wildcard."),
    ('isolation', 'resource', isolation.isolation, False, True,
     'Non-production stacks attach no production domain and deploy no production branch, and a project '
     "that builds previews skips the other tiers' branches; production's projects, domains and GitHub "
     "environments are protected; no tier uses another tier's Supabase project or Redis database, and no "
     'stack reads another stack (StackReference).'),
    ('admin-allowlist', 'stack', firewall.admin_allowlist, False, True,
     "Pre-production's firewall denies admin routes to addresses outside the allow-list (an ip_address "
     "condition, op inc on the allow-list's addresses, negated)."),
    ('preview-cleanup', 'stack', project.preview_cleanup, True, True,
     'Preview deployments are kept at most 30 days (ProjectDeploymentRetention).'),
    ('github-environments', 'stack', isolation.github_environments, False, True,
     'The production GitHub environment deploys only from main and waits for its required reviewers, or, '
     "where the GitHub plan cannot enforce them, has the fallback: main's ruleset review and the release "
     'gates.'),
    ('backups', 'stack', data.backups, False, True,
     "Each tier's Supabase settings record a known backup policy (the tiers in requirePitrTiers: "
     'daily+pitr, point-in-time recovery), and production has Supabase settings.'),
    ('secret-rotation', 'stack', rotation.secret_rotation, True, True,
     'Every production secret has a recorded rotation date less than 90 days old. Advisory: an alarm, not '
     'a gate (the scheduled drift workflow fails on it); mandatory only if the pack config says so.'),
    ('secret-rotation-due', 'stack', rotation.secret_rotation_due, True, True,
     'Warns when a production secret was rotated 75 to 89 days ago (due before 90).'),
    ('cache-safety', 'stack', caching.cache_safety, False, True,
     "Vercel's CDN may share responses between users only on static assets and the pages listed in "
     'publicCachePaths: never on /api, admin paths or any other page.'),
    ('data-budget', 'stack', data.data_budget, True, True,
     "Warns when production's Redis database keeps the provider's default budget ($20 a month) or less."),
    ('release-gates', 'stack', releases.release_gates, False, True,
     "Production's alias waits for the app repository's required GitHub checks (ProjectDeploymentCheck), "
     'and production rolls out in stages (ProjectRollingRelease).'),
    ('slo-alerts', 'stack', releases.slo_alerts, False, True,
     'Production and pre-production alert on 5xx errors; production alerts when p95 latency passes 500 ms.'),
    ('cost-ceiling', 'stack', costs.cost_ceiling, False, True,
     "Each tier's modelled monthly cost (plans, seats, add-ons, compute, PITR, Redis budgets) stays within"
     " the tier's budget per service, and the tiers together within the strategy's ceilings (Vercel $200, "
     'Supabase $100, Redis $50).'),
    ('rls', 'stack', rls.rls, False, True,
     "Supabase's security advisors report no table without row-level security (production; read by the "
     'Supabase settings resource).'),
    ('preview-access', 'stack', access.preview_access, False, True,
     "Preview's protected projects each have a Protection Bypass for Automation whose secret reaches the "
     'preview GitHub environment; no other tier has a bypass or its secret.'),
    ('dns-records', 'stack', dns_records.dns_records, False, True,
     "Where the zone is on Vercel's nameservers (config dnsOnVercel, dnsZone), every ProjectDomain has a "
     "DnsRecord of the type and value Vercel documents (A 76.76.21.21 at the zone's apex, CNAME "
     "cname.vercel-dns-0.com below it), and no address record at a custom domain's name points elsewhere."),
    ('cache-isolation', 'stack', data.cache_isolation, False, True,
     "Every Redis credential env var of a stack comes from the stack's own RedisDatabase (its "
     "propertyDependencies), never another tier's read-write token."),
    ('redirect-urls', 'stack', redirects.redirect_urls, False, True,
     'The Supabase redirect allow-list holds no wildcard host on vercel.app but <project>-*-<team '
     "slug>.vercel.app of the stack's own projects (config vercelTeamSlug), and none outside the preview "
     'tier.'),
    ('internal-access', 'stack', access.internal_access, False, True,
     'Pre-production (debug mode and the mock API on) protects all its deployments, custom domains '
     "included (Vercel Authentication all_deployments), so it answers only the team and CI's automation "
     'bypass.'),
)


def test_the_catalog_is_the_contract():
    found = tuple((e.name, e.kind, e.validate, e.advisory, e.configurable, e.description) for e in catalog.CATALOG)
    assert found == tuple((name, kind, rule, advisory, configurable, "".join(text))
                          for name, kind, rule, advisory, configurable, *text in EXPECTED)
    assert catalog.POLICY_NAMES == tuple(row[0] for row in EXPECTED)
    assert catalog.ADVISORY == ("preview-cleanup", "secret-rotation", "secret-rotation-due", "data-budget")
    assert catalog.PACK_NAME == "vital-expert-guardrails"


def test_the_pack_builds_each_policy_as_its_entry_says():
    config_schemas = schemas()
    built = catalog.build_policies()
    assert [p.name for p in built] == list(catalog.POLICY_NAMES)
    for policy, entry in zip(built, catalog.CATALOG):
        kind = StackValidationPolicy if entry.kind == "stack" else ResourceValidationPolicy
        assert type(policy) is kind and policy.description == entry.description
        assert policy.enforcement_level == (EnforcementLevel.ADVISORY if entry.advisory else None), entry.name
        assert policy.config_schema == (config_schemas[entry.name] if entry.configurable else None), entry.name


def test_the_dns_description_names_vercels_documented_records():
    dns = next(e for e in catalog.CATALOG if e.name == "dns-records")
    assert f"{catalog.APEX.type} {catalog.APEX.value}" in dns.description
    assert f"{catalog.SUBDOMAIN.type} {catalog.SUBDOMAIN.value}" in dns.description
