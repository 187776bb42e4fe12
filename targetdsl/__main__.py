"""`python -m targetdsl` runs the command line."""

import sys

from targetdsl.cli import main

sys.exit(main())
