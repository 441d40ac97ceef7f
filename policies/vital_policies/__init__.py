"""VITAL Expert's CrossGuard rules (served by ../__main__.py as the pack vital-expert-guardrails).

Modules, one job each:
  context      the stack under analysis: tier, Vercel plan, admin routes
  pack_config  each policy's config schema and defaults (from vital.tiers / facts)
  resources    type tokens, reading proxied props, linking resources to their project
  routes       which response headers a ProjectRoute sends, and on which requests
  probes       the sample requests header rules are judged on
  firewall     rate-limit, admin-allowlist
  headers      noindex, security-headers
  caching      cache-safety
  project      max-duration, preview-cleanup
  env_vars     no-debug-in-production, secrets, cors
  isolation    isolation, github-environments
  access       preview-access
  data         isolation of the data services (Supabase, Redis), backups, data-budget
  rls          rls
  releases     release-gates, slo-alerts
  costs        cost-ceiling
  rotation     secret-rotation, secret-rotation-due
  dns_records  dns-records
  catalog      the Policy objects: names, descriptions, enforcement levels, schemas
"""
