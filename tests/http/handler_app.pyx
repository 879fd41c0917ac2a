# distutils: language = c++
# The Cython server of tests/http/test_handlers.py and test_robustness.py: handlers that expose
# what the request API returns (query values with their lengths, path and query), that answer
# any status, and that send a large body.
from libc.string cimport strlen
from cyn.http cimport Server, Request, Response

cdef const char* NAMES[5]
NAMES[0] = b"role"
NAMES[1] = b"x"
NAMES[2] = b""
NAMES[3] = b"admin"
NAMES[4] = b"b"

cdef int query_values(Request req, Response resp) noexcept nogil:
    # One line per name: `name=NULL`, or `name=<length>:<strlen>:<bytes>` (the length form
    # of query() and strlen of the C-string form; the bytes are the whole decoded value).
    cdef const char* v
    cdef const char* c
    cdef size_t n = 0
    cdef int i
    resp.set_body(b"", b"application/octet-stream")
    for i in range(5):
        resp.append_body(NAMES[i], strlen(NAMES[i]))
        resp.append_body(b"=", 1)
        v = req.query(NAMES[i], &n)
        c = req.query(NAMES[i])
        if c != v:
            resp.append_body(b"MISMATCH", 8)     # both forms must find the same value
        elif v == NULL:
            resp.append_body(b"NULL", 4)
        else:
            append_number(resp, n)
            resp.append_body(b":", 1)
            append_number(resp, strlen(c))
            resp.append_body(b":", 1)
            resp.append_body(v, n)
        resp.append_body(b"\n", 1)
    return 200

cdef void append_number(Response resp, size_t n) noexcept nogil:
    cdef char digits[24]
    cdef int k = 24
    while True:
        k -= 1
        digits[k] = <char>(48 + n % 10)
        n //= 10
        if n == 0:
            break
    resp.append_body(&digits[k], 24 - k)

cdef int any_status(Request req, Response resp) noexcept nogil:
    # ?s=CODE returned by the handler; with ?via=set, set with set_status and 0 returned.
    cdef int s = <int>req.query_int(b"s", 200)
    resp.set_body(b"body", b"text/plain")
    if req.query(b"via") != NULL:
        resp.set_status(s)
        return 0
    return s

cdef int target(Request req, Response resp) noexcept nogil:
    # `path|query`, as the handler sees them.
    resp.set_body(req.path(), b"text/plain")
    resp.append_body(b"|", 1)
    resp.append_body(req.query_string(), strlen(req.query_string()))
    return 200

cdef int big(Request req, Response resp) noexcept nogil:
    # ?n=BYTES of a repeating alphabet, so that a client can check every byte.
    cdef long n = req.query_int(b"n", 0)
    cdef char line[26]
    cdef long i
    for i in range(26):
        line[i] = <char>(97 + i)
    resp.set_body(b"", b"text/plain")
    while n > 0:
        resp.append_body(line, 26 if n >= 26 else n)
        n -= 26
    return 200

def run(port, host="127.0.0.1", threads=2, limits=None):
    # `limits`: {"max_body": n, "idle_timeout": s, ...}, passed to the setters as C values
    # (negative ones included: the server ignores them).
    cdef bytes host_b = host.encode()
    cdef const char* c_host = host_b
    cdef int c_port = port, c_threads = threads
    cdef long long count
    cdef double seconds
    server = Server()
    server.route(b"/q", query_values)
    server.route(b"/status", any_status)
    server.route(b"/target", target)
    server.route(b"/big", big)
    for name, value in (limits or {}).items():
        if name in ("idle_timeout", "header_timeout", "body_timeout"):
            seconds = value
            if name == "idle_timeout":
                server.set_idle_timeout(seconds)
            elif name == "header_timeout":
                server.set_header_timeout(seconds)
            else:
                server.set_body_timeout(seconds)
        else:
            count = value
            if name == "max_body":
                server.set_max_body_bytes(count)
            elif name == "max_header":
                server.set_max_header_bytes(count)
            elif name == "max_uri":
                server.set_max_uri_bytes(count)
            elif name == "max_fields":
                server.set_max_header_fields(count)
            elif name == "max_connections":
                server.set_max_connections(count)
            else:
                raise ValueError(name)
    with nogil:
        server.serve(c_host, c_port, c_threads)
