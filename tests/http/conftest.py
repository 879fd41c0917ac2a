"""Fixtures for the black-box HTTP server tests (tests/http/); helpers live in httpkit.py."""

import pytest

from httpkit import HANDLER_APP, CythonServer, Server


@pytest.fixture
def make_server():
    servers = []

    def make(*args, threads=2):
        s = Server(*args, threads=threads)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def server(make_server):
    return make_server("--header-timeout", "2", "--idle-timeout", "5")


@pytest.fixture(scope="module")
def app():
    """One server of the handler app (handler_app.pyx) for a whole test module."""
    server = CythonServer(HANDLER_APP)
    yield server
    server.stop()
