"""`python -m warnlib_server [--host H] [--port P] [--config FILE]`: same as `warnlib serve`."""

from __future__ import annotations

import argparse
import sys

from .app import serve
from .config import ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warnlib_server", description="Run the warnlib API.")
    parser.add_argument("--host", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--config", help="TOML config file")
    args = parser.parse_args(argv)
    try:
        serve(host=args.host, port=args.port, config_path=args.config)
    except ConfigError as exc:
        print(f"warnlib: configuration error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"warnlib: cannot start the server: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
