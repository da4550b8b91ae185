"""The suite's socket guard (tests/conftest.py ``no_network``): loopback yes, network no."""

from __future__ import annotations

import asyncio
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from tests.fixtures.socket_guard import NetworkRefused, is_loopback

# TEST-NET-1 and its IPv6 twin (RFC 5737, RFC 3849): never routed, so a leak is harmless.
DOCUMENTATION_HOSTS = ["192.0.2.1", "2001:db8::1"]


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(self.request.recv(16))


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socketserver.TCPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("host", DOCUMENTATION_HOSTS)
def test_connecting_to_the_network_is_refused(host: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(NetworkRefused):
        sock.connect((host, 80))


def test_connect_ex_is_guarded_too() -> None:
    with socket.socket() as sock, pytest.raises(NetworkRefused):
        sock.connect_ex(("192.0.2.1", 80))


def test_asyncio_connections_are_guarded() -> None:
    async def connect() -> None:
        await asyncio.open_connection("192.0.2.1", 80)

    with pytest.raises(NetworkRefused):
        asyncio.run(connect())


def test_a_local_server_still_answers(echo_port: int) -> None:
    with socket.create_connection(("127.0.0.1", echo_port), timeout=5) as sock:
        sock.sendall(b"ping")
        assert sock.recv(16) == b"ping"


def test_localhost_by_name_is_local(echo_port: int) -> None:
    with socket.create_connection(("localhost", echo_port), timeout=5) as sock:
        sock.sendall(b"pong")
        assert sock.recv(16) == b"pong"


@pytest.mark.parametrize(
    ("address", "local"),
    [
        (("127.0.0.1", 5432), True),
        (("127.8.9.10", 1), True),
        (("::1", 8000, 0, 0), True),
        (("localhost", 80), True),
        ("/run/postgresql/.s.PGSQL.5432", True),
        (("10.0.0.1", 5432), False),
        (("example.org", 443), False),
        (("::ffff:192.0.2.1", 80), False),
    ],
)
def test_what_counts_as_local(address: object, local: bool) -> None:
    assert is_loopback(address) is local
