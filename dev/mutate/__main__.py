import sys

from tools.entry import run

from .cli import main

sys.exit(run(main, "python -m dev.mutate"))  # an unexpected error: exit 3, traceback in a log
