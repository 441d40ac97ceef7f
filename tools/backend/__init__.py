"""Self-managed Pulumi state backend: an S3 bucket for state, a KMS key for stack secrets.

`python -m tools.backend bootstrap|status|history|restore` (see cli.py for the usage). Modules:

- errors.py: BackendError, classifying AWS's errors, and explaining any failure in one line
- clients.py: where the backend is (Target), what it should look like (Desired), the clients
- bucket.py, key.py: the settings, each a read_*/expected_*/apply_* triple
- identity.py: the CI identities (--github-repo): GitHub's OIDC provider, the read-only plan
  role and one deploy role per environment, as more such triples
- settings.py: the table of settings, in the order bootstrap applies them
- checks.py: status and bootstrap, the one loop over that table
- history.py: a stack's stored state versions, and restoring one
- output.py: status and history as text or JSON, and the lines for the Pulumi CLI
- cli.py: the command line (arguments, commands, exit codes)
"""

from tools.backend.cli import build_parser, main

__all__ = ["build_parser", "main"]
