"""The bootstrap project (Pulumi.yaml here): the state backend and the CI's identities.

Modules, one job each:
  config      the stack's config, read and checked (one line, exit 2)
  documents   the IAM and bucket documents, pure functions of vital/trust.py and vital/diy.py
  specs       each component's frozen spec
  resolve     the config resolved into the specs
  components  StateKey, StateBucket, GitHubOidc, SubjectTemplate, CiRole (vital:bootstrap:*)
  build       the program and the stack's outputs
The identity policy pack is policies/ (its rules in policies/identity_policies).
"""
