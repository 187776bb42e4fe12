"""`python -m targetdsl` runs the command line."""

import sys

from targetdsl.cli import main

if __name__ == "__main__":  # a process `--jobs` starts imports this module again, and must not run it
    sys.exit(main())
