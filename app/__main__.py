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

    from werkzeug.serving import WSGIRequestHandler

    from app import create_app

    class QuietHandler(WSGIRequestHandler):
        def version_string(self) -> str:  # not "Werkzeug/x Python/y"
            return "ogelo-guide"

    create_app().run(
        host=args.host,
        port=args.port,
        debug=args.debug,
        request_handler=WSGIRequestHandler if args.debug else QuietHandler,
    )


if __name__ == "__main__":
    main()
