"""`python -m warnlib_server [--host H] [--port P] [--config FILE]`: the same as `warnlib serve`."""

from __future__ import annotations

import sys

from warnlib.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
