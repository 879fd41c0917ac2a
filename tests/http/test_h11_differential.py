"""Differential test of the request parser against h11 (PyPI), an independent HTTP/1.1
implementation: the same bytes go to our parser (through the `http_parse_json` driver) and
to h11's server side, and the outcomes must agree — same method, target, version, header
fields, body and request length when both accept; both rejecting otherwise.

Where the two differ on purpose (our parser is stricter, see docs/http.md), the divergence
is listed in DIVERGENCES and asserted exactly, so the documentation cannot drift from the code.
"""

import json
import random
import subprocess

import h11
import pytest

from httpkit import binary


def ours(data):
    out = subprocess.run([binary("http_parse_json")], input=data, capture_output=True, timeout=10, check=True)
    r = json.loads(out.stdout)
    if r["status"] != "complete":
        return r
    latin = lambda s: s.encode("latin-1")  # noqa: E731
    return {
        "status": "complete",
        "consumed": r["consumed"],
        "method": latin(r["method"]),
        "target": latin(r["target"]),
        "version": r["version"].encode(),
        "headers": [(latin(n).lower(), latin(v)) for n, v in r["headers"]],
        "body": latin(r["body"]),
    }


def theirs(data):
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    request, body = None, b""
    try:
        while True:
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                return {"status": "incomplete"}
            if isinstance(ev, h11.Request):
                request = ev
            elif isinstance(ev, h11.Data):
                body += bytes(ev.data)
            elif isinstance(ev, h11.EndOfMessage):
                break
    except h11.RemoteProtocolError as e:
        return {"status": "error", "error": e.error_status_hint}
    version = request.http_version
    if version.startswith(b"1.") and version != b"1.0":
        version = b"1.1"  # we handle HTTP/1.x (x >= 1) as 1.1, as RFC 9110 §2.5 allows
    return {
        "status": "complete",
        "consumed": len(data) - len(conn.trailing_data[0]),
        "method": bytes(request.method),
        "target": bytes(request.target),
        "version": bytes(version),
        "headers": [(bytes(n), bytes(v)) for n, v in request.headers],
        "body": body,
    }


# h11 rewrites these fields (repeated Content-Length values collapse into one, the coding
# is lower-cased); their meaning is compared through the body and the request length.
FRAMING = (b"content-length", b"transfer-encoding")


def semantic(r):
    if r["status"] == "complete":
        r = dict(r, headers=[h for h in r["headers"] if h[0] not in FRAMING])
    return r


def assert_agree(data):
    a, b = semantic(ours(data)), semantic(theirs(data))
    if a["status"] == "error" and b["status"] == "error":
        return a["status"]
    assert a == b, f"{data!r}: ours={a} h11={b}"
    return a["status"]


AGREE = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /path/to?x=1&y=%20z HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nUser-Agent: wrk\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\nHost: a\r\n\r\n",
    b"HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    b"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\nGET /n HTTP/1.1\r\nHost: a\r\n\r\n",
    b"PUT /x HTTP/1.1\r\nHost: a\r\nX-Pad:   spaced value \t \r\nX-Empty:\r\n\r\n",
    b"DELETE /x HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n",
    b"PATCH /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
    # incomplete, both
    b"GET / HTTP/1.1\r\nHost: a\r\n",
    b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
    b"POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    # rejected, both
    b"GET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    b"GARBAGE\r\n\r\n",
]


@pytest.mark.parametrize("data", AGREE)
def test_agrees_with_h11(data):
    assert_agree(data)


# (name, bytes, our outcome, h11's outcome): where we are deliberately stricter or more lenient.
DIVERGENCES = [
    ("LF-only line ends: RFC MAY; we refuse", b"GET / HTTP/1.1\nHost: a\n\n", 400, "complete"),
    ("CL and TE together: we refuse (smuggling)",
     b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "complete"),
    ("obs-fold: we refuse", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400, "complete"),
    ("control character in a value: we refuse", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n", 400, "complete"),
    ("unknown method: we answer 501", b"BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "complete"),
    ("HTTP/2.0 in a request line: we answer 505", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "complete"),
    ("asterisk-form outside OPTIONS: we refuse", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, "complete"),
    ("leading empty line: we skip it (RFC SHOULD)", b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "complete", "error"),
]


@pytest.mark.parametrize("data,ours_expected,theirs_expected", [d[1:] for d in DIVERGENCES],
                         ids=[d[0] for d in DIVERGENCES])
def test_documented_divergence(data, ours_expected, theirs_expected):
    a, b = ours(data), theirs(data)
    if ours_expected == "complete":
        assert a["status"] == "complete"
    else:
        assert a == {"status": "error", "error": ours_expected}
    assert b["status"] == theirs_expected


TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"
PATH = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%"


def random_request(rng):
    method = rng.choice(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
    path = "/" + "".join(rng.choice(PATH) for _ in range(rng.randrange(0, 30)))
    if rng.random() < 0.5:
        path += "?" + "".join(rng.choice(PATH + "?") for _ in range(rng.randrange(0, 20)))
    version = rng.choice(["1.1", "1.1", "1.0"])
    lines = [f"{method} {path} HTTP/{version}".encode()]
    if version == "1.1" or rng.random() < 0.5:
        lines.append(b"Host: " + rng.choice([b"a", b"example.com", b"127.0.0.1:8080"]))
    for _ in range(rng.randrange(0, 6)):
        name = "".join(rng.choice(TOKEN) for _ in range(rng.randrange(1, 12))).encode()
        if name.lower() in (b"host", b"content-length", b"transfer-encoding", b"connection"):
            continue
        value = bytes(rng.choice(list(range(0x21, 0x7f)) + [0x20, 0x09, 0xc3, 0xa9]) for _ in range(rng.randrange(0, 20)))
        lines.append(name + b":" + rng.choice([b"", b" ", b"  \t"]) + value + rng.choice([b"", b" "]))
    body_kind = rng.choice(["none", "cl", "chunked"]) if version == "1.1" else rng.choice(["none", "cl"])
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
    tail = b""
    if body_kind == "cl":
        lines.append(b"Content-Length: %d" % len(body))
        tail = body
    elif body_kind == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        i = 0
        while i < len(body):
            n = rng.randrange(1, 20)
            piece = body[i:i + n]
            ext = rng.choice([b"", b";a=b", b";x"])
            tail += b"%x" % len(piece) + ext + b"\r\n" + piece + b"\r\n"
            i += n
        tail += b"0\r\n" + rng.choice([b"", b"T: v\r\n"]) + b"\r\n"
    return b"\r\n".join(lines) + b"\r\n\r\n" + tail


def test_random_valid_requests_agree():
    rng = random.Random(9112)
    outcomes = [assert_agree(random_request(rng)) for _ in range(300)]
    assert outcomes.count("complete") >= 250  # the generator makes mostly valid requests


def test_mutated_requests_we_accept_h11_accepts_identically():
    """One-byte mutations of valid requests: whatever we accept, h11 accepts with the same
    fields (we are never more lenient than h11 except where DIVERGENCES says so)."""
    rng = random.Random(27)
    accepted = 0
    for _ in range(400):
        data = bytearray(random_request(rng))
        pos = rng.randrange(2, len(data))  # the first two bytes stay (no leading empty line)
        op = rng.choice(["replace", "insert", "delete"])
        byte = rng.choice([0, 9, 10, 13, 32, 44, 58, 59, 127, 255, rng.randrange(256)])
        if op == "replace":
            data[pos] = byte
        elif op == "insert":
            data.insert(pos, byte)
        else:
            del data[pos]
        data = bytes(data)
        a = ours(data)
        if a["status"] == "complete":
            accepted += 1
            assert semantic(a) == semantic(theirs(data)), data
    assert accepted >= 50
