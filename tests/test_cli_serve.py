"""`earned serve` (earned/cli/serve.py): loopback only unless told otherwise, the port it
binds and prints, and a real server answering HTTP with no request log."""

from __future__ import annotations

import importlib.util
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from earned.cli import serve
from earned.errors import EarnedError
from tests.support import require
from tests.support.cli import call, serving

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


@pytest.mark.usefixtures("data_dir")
def test_serve_refuses_a_network_host(capsys: pytest.CaptureFixture[str]) -> None:
    result = call(capsys, "serve", "--host", "0.0.0.0")
    assert result.code == 2
    assert "Refusing" in result.err and "--allow-remote" in result.err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.4", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


@pytest.fixture
def taken_port() -> Iterator[int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_default_port_falls_back_to_a_free_one(
    taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "DEFAULT_PORT", taken_port)
    sock = serve.bind("127.0.0.1", None)
    try:
        assert sock.getsockname()[1] not in (taken_port, 0)
    finally:
        sock.close()


def test_a_taken_explicit_port_is_a_clear_error(taken_port: int) -> None:
    with pytest.raises(EarnedError, match="Leave out --port"):
        serve.bind("127.0.0.1", taken_port)


def test_serve_answers_http(data_dir: Path) -> None:
    require(importlib.util.find_spec("earned.web.app") is not None, "earned.web.app not written")
    with serving("--port", "0") as (url, proc):
        assert url.endswith("/")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert 200 <= status < 500
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert out == ""  # exactly one line, and no request log
    assert "GET /" not in err


def test_accepted_connections_get_tcp_nodelay() -> None:
    """The listener says it is TCP, so asyncio (which uvicorn runs on) sets TCP_NODELAY
    on every accepted connection; with proto 0 it silently did not, and each response on
    a reused connection stalled ~40 ms."""
    import asyncio

    sock = serve.bind("127.0.0.1", 0)
    seen: list[int] = []

    async def main() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted: socket.socket = writer.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            port = sock.getsockname()[1]
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    # In a thread of its own: in this process a session-wide browser (Playwright's sync
    # API) may keep an event loop running on the main thread, and asyncio.run refuses then.
    import threading

    runner = threading.Thread(target=lambda: asyncio.run(main()))
    runner.start()
    runner.join(timeout=30)
    assert seen and seen[0] != 0


def test_several_requests_on_one_connection_are_all_answered(data_dir: Path) -> None:
    """Keep-alive works end to end: one raw socket, several requests, each answered."""
    with serving("--port", "0") as (url, _proc):
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(5):
                conn.sendall(b"GET /help HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                head = b""
                while b"\r\n\r\n" not in head:
                    head += conn.recv(65536)
                status, _, rest = head.partition(b"\r\n\r\n")
                assert status.startswith(b"HTTP/1.1 200"), status[:80]
                length = int(
                    next(
                        line.split(b":", 1)[1]
                        for line in status.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    )
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                assert b"Get help now" in rest


def test_the_served_app_answers_only_its_own_address_and_port(data_dir: Path) -> None:
    """`earned serve` opens the door only for loopback names on the port it bound: a
    rebinding Host, or a write from a page on another local port, is refused."""
    with serving("--port", "0") as (url, _proc):
        port = int(url.rstrip("/").rsplit(":", 1)[1])

        def ask(method: str, headers: dict[str, str]) -> int:
            request = urllib.request.Request(url + "help", method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return int(exc.code)

        assert ask("GET", {}) == 200
        assert ask("GET", {"Host": f"evil.example:{port}"}) == 421
        assert ask("GET", {"Host": f"localhost:{port}"}) == 200
        other = {"Origin": f"http://127.0.0.1:{port + 1}", "Content-Type": "text/plain"}
        assert ask("POST", other) == 403
