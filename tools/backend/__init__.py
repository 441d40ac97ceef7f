"""Operations on the Pulumi state in the S3 backend that are not infrastructure.

The bucket, its keys and the CI's identities are the bootstrap stack's (bootstrap/,
docs/bootstrap.md); nothing here creates or changes them. `python -m tools.backend
status|history|restore|settings` (cli.py has the usage):

- errors.py: BackendError, classifying AWS's errors, and explaining any failure in one line
- clients.py: where the backend is (Target) and the S3 client to reach it
- bucket.py: where the bucket is (its region), read only
- state.py: each stack's checkpoint, last write, versions and lock (status)
- history.py: a stack's stored state versions, and restoring one
- output.py: status and history as text or JSON, and the GitHub settings from the bootstrap stack's outputs
- cli.py: the command line (arguments, commands, exit codes)
"""

from tools.backend.cli import build_parser, main

__all__ = ["build_parser", "main"]
