"""`python -m assistant.apps.ui [--host H] [--port P]`: the same as `assistant --ui-host H --ui-port P ui`."""

from __future__ import annotations

import argparse
import sys

from assistant.apps.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.apps.ui", description="法治政府建设情况报告问答：网页版")
    parser.add_argument("--host", help="bind address (default ASSISTANT_UI_HOST or 127.0.0.1; others need ASSISTANT_UI_AUTH)")
    parser.add_argument("--port", help="port (default ASSISTANT_UI_PORT or 7860)")
    args = parser.parse_args(argv)
    flags = [f for name, value in (("--ui-host", args.host), ("--ui-port", args.port)) if value for f in (name, value)]
    return cli_main([*flags, "ui"])


if __name__ == "__main__":
    sys.exit(main())
