"""VITAL Expert infrastructure: one stack per tier (production, pre-production, preview)."""

from pathlib import Path

import pulumi

from program.build import build
from program.load import ConfigError, load_stack_config
from vital.stackfile import StackFileError

stack = pulumi.get_stack()
try:
    config = load_stack_config(stack, Path(__file__).parent / f"Pulumi.{stack}.yaml")
except (ConfigError, StackFileError) as err:
    # RunError ends the program with this one line and no traceback.
    raise pulumi.RunError(str(err)) from None

for name, value in build(config).items():
    pulumi.export(name, value)
