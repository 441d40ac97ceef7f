import sys

from ..entry import run
from .cli import main

sys.exit(run(main, "python -m tools.mutate"))  # an unexpected error: exit 3, traceback in a log
