"""Preflight before the first `pulumi up`: what would stop the Pulumi CLI, each with its fix.

    python -m tools.doctor --stack production|pre-production|preview|all

Exit 0 when the CLI will get past config, 1 when something would stop it (each finding on one
line, with the command that fixes it), 2 on a usage error, 3 on an internal error (the
traceback goes to a log file whose path is printed).
"""
