"""`python -m app`: serve the guide locally (for production, see the Procfile)."""

from __future__ import annotations

import argparse

from app.config import describe_settings, settings


def main(argv: list[str] | None = None) -> None:
    env_help = "\n".join(
        f"  {name:<20} {meaning} (now: {value!r})" for name, value, meaning in describe_settings()
    )
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Serve the Ogelo Concise LLM Training Pipeline Guide.",
        epilog="Settings from the environment:\n" + env_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default=settings.host,
        help=f"address to listen on (default: HOST or {settings.host})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.port,
        help=f"port to listen on (default: PORT or {settings.port})",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=settings.debug,
        help="Dash debug mode: dev tools and reloading (default: off)",
    )
    args = parser.parse_args(argv)

    from app import create_app

    create_app().run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
