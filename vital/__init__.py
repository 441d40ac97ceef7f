"""The contracts every part of the project shares: names, platform facts, tier defaults,
what counts as a secret, path classes, validators and the stack-file reader.

The program, the policy pack and the tools import this package; it imports none of them.
It is installed into the project's virtualenv (`make venv`, pyproject.toml), which is how
the policy pack finds it when the Pulumi CLI starts the pack from `policies/`.
"""
