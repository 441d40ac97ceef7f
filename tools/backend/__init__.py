"""Self-managed Pulumi state backend: an S3 bucket for state, its KMS key, and one KMS key per
stack for that stack's secrets.

`python -m tools.backend bootstrap|status|history|restore` (see cli.py for the usage). Modules:

- errors.py: BackendError, classifying AWS's errors, and explaining any failure in one line
- clients.py: where the backend is (Target), what it should look like (Desired), the clients
- bucket.py, key.py: the settings, each a read_*/expected_*/apply_* triple (key.py: the
  bucket's key and each stack's)
- grants.py: who may assume each CI role and decrypt with which stack's key, as pure IAM
  documents (the plan role holds no production key)
- identity.py: the CI identities (--github-repo): GitHub's OIDC provider, the read-only plan
  role (pull requests), the read-only drift role (main) and one deploy role per environment,
  as more such triples
- settings.py: the table of settings, in the order bootstrap applies them
- checks.py: status and bootstrap, the one loop over that table
- history.py: a stack's stored state versions, and restoring one
- output.py: status and history as text or JSON, and the lines for the Pulumi CLI
- cli.py: the command line (arguments, commands, exit codes)
"""

from tools.backend.cli import build_parser, main

__all__ = ["build_parser", "main"]
