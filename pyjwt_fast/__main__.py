"""``python -m pyjwt_fast``: the command line (see pyjwt_fast.cli)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
