"""Handler-facing behaviour over real sockets, against a Cython server built through the fork
(tests/http/handler_app.pyx): what Request.query() returns for values with `%00`, and the
status lines of the statuses a handler returns (1xx is not a final response; registered
codes get their reason phrase, unregistered ones an empty one)."""

import re

import pytest

from httpkit import exchange, recv_until_close


def query_values(app, query):
    [(status, _, body)], _ = exchange(app, b"GET /q?" + query + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 200
    out = {}
    for line in body.split(b"\n")[:-1]:
        name, _, rest = line.partition(b"=")
        if rest in (b"NULL", b"MISMATCH"):
            out[name] = rest.decode()
        else:
            length, strlen, value = rest.split(b":", 2)
            assert len(value) == int(length)
            out[name] = (value, int(strlen))
    return out


def test_nul_in_a_value_cannot_inject_a_parameter(app):
    v = query_values(app, b"x=%00role%00admin")
    assert v[b"role"] == "NULL"
    assert v[b"admin"] == "NULL"
    assert v[b"x"] == (b"\0role\0admin", 0)  # the whole value; a C string that ends at once


def test_nul_in_a_value_cannot_hide_the_next_parameter(app):
    v = query_values(app, b"x=a%00b&role=user")
    assert v[b"role"] == (b"user", 4)
    assert v[b"x"] == (b"a\0b", 1)
    assert v[b"b"] == "NULL"


def test_empty_key_and_nul_keys(app):
    v = query_values(app, b"ab=x%00y&=empty&role%00=admin&%00=z")
    assert v[b""] == (b"empty", 5)
    assert v[b"role"] == "NULL"  # "role\0" is not "role"
    v = query_values(app, b"a=1&&b=2")
    assert v[b""] == "NULL" and v[b"b"] == (b"2", 1)


def status_lines(data):
    return re.findall(rb"HTTP/1\.1 \d{3} [^\r\n]*", data)


def test_handler_1xx_is_a_500_and_pipelining_stays_in_step(app):
    raw = (b"GET /status?s=100 HTTP/1.1\r\nHost: t\r\n\r\n"
           b"GET /status?s=101&via=set HTTP/1.1\r\nHost: t\r\n\r\n"
           b"GET /status?s=103 HTTP/1.1\r\nHost: t\r\n\r\n"
           b"GET /status?s=201 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    responses, data = exchange(app, raw)
    assert [r[0] for r in responses] == [500, 500, 500, 201], data
    assert responses[3][2] == b"body"
    assert status_lines(data) == [b"HTTP/1.1 500 Internal Server Error"] * 3 + [b"HTTP/1.1 201 Created"]


@pytest.mark.parametrize("code,line", [
    (418, b"HTTP/1.1 418 I'm a teapot"),
    (429, b"HTTP/1.1 429 Too Many Requests"),
    (451, b"HTTP/1.1 451 Unavailable For Legal Reasons"),
    (507, b"HTTP/1.1 507 Insufficient Storage"),
    (299, b"HTTP/1.1 299 "),   # unregistered: empty reason phrase, the space kept (RFC 9112 §4)
    (599, b"HTTP/1.1 599 "),
])
def test_status_line_reason_phrases(app, code, line):
    raw = b"GET /status?s=%d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % code
    with app.connect() as s:
        s.sendall(raw)
        data = recv_until_close(s)
    assert data.split(b"\r\n", 1)[0] == line
    [(status, _, body)], _ = exchange(app, raw)  # h11 accepts it too
    assert (status, body) == (code, b"body")
