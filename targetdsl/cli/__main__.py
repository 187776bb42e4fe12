"""`python -m targetdsl.cli` runs the command line, as `python -m targetdsl` does."""

import sys

from targetdsl.cli.program import main

if __name__ == "__main__":  # a process `--jobs` starts imports this module again, and must not run it
    sys.exit(main())
