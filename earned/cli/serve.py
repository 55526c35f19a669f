"""`earned serve`: the web app on this computer, on a socket bound before the address is
printed. uvicorn and FastAPI are imported only once the socket is held."""

from __future__ import annotations

import sys
from pathlib import Path

from earned.cli.common import Command, chosen
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    import socket

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this computer only (a name is assumed not to be)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int | None) -> socket.socket:
    """A bound socket on `port`, or on 8765 falling back to any free port if none is given.

    Binding here (rather than letting uvicorn bind) means the printed address is the one
    actually held, with no window for another program to take the port in between.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    def attempt(number: int) -> socket.socket:
        # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on accepted sockets whose
        # proto says TCP, and accepted sockets copy the listener's. Without it every
        # response of more than one write on a reused connection waits ~40 ms (Nagle's
        # algorithm against the client's delayed ACK), and browsers reuse connections.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, number))
            # Listening now means connections made right after the address is printed
            # wait in the backlog instead of being refused while uvicorn starts.
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        return sock

    try:
        if port is None:
            try:
                return attempt(DEFAULT_PORT)
            except OSError:
                return attempt(0)
        return attempt(port)
    except OSError as exc:
        hint = " Leave out --port and earned picks a free one." if port else ""
        raise EarnedError(
            f"Cannot listen on {host}{f' port {port}' if port else ''} ({exc.strerror}).{hint}",
            exit_code=2,
        ) from None


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this computer only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        metavar="N",
        help=f"port to listen on (default: {DEFAULT_PORT}, or any free port if it is taken; "
        "0 means any free port)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="server mode: many accounts in this PostgreSQL database "
        "(postgresql+psycopg://USER@HOST/NAME); add accounts with `earned server add`",
    )
    parser.add_argument(
        "--key-file",
        type=Path,
        metavar="PATH",
        help="server mode: the key ring that seals what people write (make it with "
        "`earned server new-key`; or the ring itself in $EARNED_SERVER_KEYS)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="behind an HTTPS reverse proxy: the address you open (https://earned.example.org "
        "or a Tailscale name); its name is accepted and cookies are marked Secure",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server mode: N web worker processes sharing the database (default: 1)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that other computers can reach (not recommended; no HTTPS)",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    if args.database:
        return serve_server(args)
    if args.workers != 1 or args.key_file:
        raise EarnedError(
            "--workers and --key-file are for server mode (with --database). Your own "
            "journal is served by one process.",
            exit_code=2,
        )
    host: str = args.host
    remote = not is_loopback(host)
    if remote and not args.allow_remote:
        raise EarnedError(
            f"Refusing to listen on {host}: that would let other computers on the network "
            "reach your journal. earned listens on this computer only (127.0.0.1). If you "
            "really mean it, add --allow-remote, and put it behind HTTPS.",
            exit_code=2,
        )
    prof = chosen(args)
    sock = bind(host, args.port)
    if remote:
        print(
            f"Warning: listening on {host}, so other computers on your network can reach this "
            "page. They still need your passphrase, but the connection is not encrypted (no "
            "HTTPS): use this only on a network you trust, or behind an HTTPS proxy.",
            file=sys.stderr,
        )
    try:
        import uvicorn

        from earned.web import memory
        from earned.web.app import create_app
        from earned.web.security import LOOPBACK_NAMES, Door

        memory.few_arenas()  # before uvicorn starts its worker threads (web/memory.py)

        from earned.web.server_app import door_for

        port = sock.getsockname()[1]
        # Only this server's own addresses: loopback names on the port it holds, with
        # --allow-remote the host it was told to listen on, and with --public-url the
        # name an HTTPS proxy in front passes on (your own phone; see the README).
        names = LOOPBACK_NAMES | ({host.strip("[]").lower()} if remote else set())
        door = (
            door_for(args.public_url, port, frozenset(names))
            if args.public_url
            else Door(frozenset(names), port)
        )
        secure = bool(args.public_url and args.public_url.startswith("https://"))
        app = create_app(prof, door=door, secure_cookies=secure)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            # No access log and nothing below warnings: URLs and form data can carry
            # journal text, and logs are not encrypted.
            access_log=False,
            log_level="warning",
            server_header=False,
            # A proxy on this machine says whether the browser came over HTTPS.
            proxy_headers=bool(args.public_url),
            forwarded_allow_ips="127.0.0.1",
        )
        shown = f"[{host}]" if ":" in host else host
        print(f"earned is running at http://{shown}:{port}/", flush=True)
        if args.public_url:
            print(f"Open it at {args.public_url} (through your HTTPS proxy)", flush=True)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


def serve_server(args: argparse.Namespace) -> int:
    """Server mode: accounts in PostgreSQL, behind a reverse proxy that adds HTTPS."""
    import os

    from earned.store.server import Server, is_postgres_url

    host: str = args.host
    if not is_postgres_url(args.database):
        Server.open(args.database)  # says what a server database address looks like
    if not is_loopback(host) and not args.allow_remote:
        raise EarnedError(
            f"Refusing to listen on {host}. A server listens on 127.0.0.1 behind a reverse "
            "proxy that adds HTTPS (see the README); add --allow-remote only if that proxy "
            "runs on another machine.",
            exit_code=2,
        )
    if args.workers < 1 or args.workers > 64:
        raise EarnedError("Please choose between 1 and 64 workers.", exit_code=2)
    from earned.store import fields

    # The key ring, then the database (migrated once), before any worker starts or the
    # address prints: a missing ring or a wrong address is said at once.
    fields.load_required(args.key_file)
    Server.open(args.database, pool_size=1).close()
    sock = bind(host, args.port)
    try:
        import uvicorn

        from earned.web import server_app

        port = sock.getsockname()[1]
        os.environ[server_app.DATABASE_ENV] = args.database
        os.environ[server_app.PORT_ENV] = str(port)
        if args.public_url:
            os.environ[server_app.PUBLIC_URL_ENV] = args.public_url
        if args.key_file:
            os.environ[server_app.KEY_FILE_ENV] = str(args.key_file)
        config = uvicorn.Config(
            "earned.web.server_app:from_env",
            factory=True,
            host=host,
            port=port,
            workers=args.workers,
            access_log=False,  # URLs and forms can carry journal text; logs are not encrypted
            log_level="warning",
            server_header=False,
            # The proxy on this machine says whether the browser came over HTTPS.
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
        )
        shown = f"[{host}]" if ":" in host else host
        print(f"earned (server mode) is running at http://{shown}:{port}/", flush=True)
        if args.public_url:
            print(f"People open it at {args.public_url}", flush=True)
        if args.workers > 1:
            from uvicorn.supervisors import Multiprocess

            # uvicorn's own supervisor, on the socket already bound: each worker process
            # imports the app factory (server_app.from_env) and serves on that socket.
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


SERVE = Command(
    "serve",
    "open the app in your browser (runs a local web server)",
    "Run the earned web app on this computer and print its address. It listens on "
    "127.0.0.1 only, so no other computer can reach it. Stop it with Ctrl-C.",
    cmd_serve,
    _serve_options,
)

COMMANDS = (SERVE,)
