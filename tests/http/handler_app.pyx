# distutils: language = c++
# The Cython server of tests/http/test_handlers.py: handlers that expose what the request API
# returns (query values with their lengths) and that answer any status.
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

def run(port, host="127.0.0.1", threads=2):
    cdef bytes host_b = host.encode()
    cdef const char* c_host = host_b
    cdef int c_port = port, c_threads = threads
    server = Server()
    server.route(b"/q", query_values)
    server.route(b"/status", any_status)
    with nogil:
        server.serve(c_host, c_port, c_threads)
