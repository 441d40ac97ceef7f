"""The identity layer's CrossGuard rules (served by ../__main__.py as vital-expert-identity-guardrails).

Modules, one job each:
  documents  reading the stack: type tokens, JSON documents, roles and their policies
  reach      what an IAM statement allows, read as IAM reads it (conservatively)
  oidc       oidc-trust: aud pinned, each sub pinned to one workflow file and ref
  isolation  production-isolation: production's key and state only for production's roles
  bucket     state-bucket: versioned, encrypted with its key, private, TLS-only
  keys       key-rotation
  catalog    the Policy objects: names, descriptions, enforcement levels
"""
