"""`python -m tools.backend ...`: the command line in cli.py."""

import sys

from tools.backend.cli import main

if __name__ == "__main__":
    sys.exit(main())
