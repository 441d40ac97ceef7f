"""The bootstrap stack: the state bucket, its keys and the CI's identities (docs/bootstrap.md)."""

import pulumi

from bootstrap.build import build
from bootstrap.config import ConfigError, load

try:
    config = load(pulumi.get_stack())
except ConfigError as err:
    # RunError ends the program with this one line and no traceback.
    raise pulumi.RunError(str(err)) from None

for name, value in build(config).items():
    pulumi.export(name, value)
