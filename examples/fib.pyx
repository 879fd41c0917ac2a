# distutils: language = c++
"""`GET /fib?n=30` computes fib(n) naively in a nogil handler (SPEC §4):
`import fib; fib.run(port=8080)`."""
from cyn.http cimport Server, Request, Response


cdef long fib(long n) noexcept nogil:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


cdef int fib_handler(Request req, Response resp) noexcept nogil:
    cdef size_t length
    cdef long n = 30                                # /fib without n
    if req.query_raw(b"n", &length) != NULL:
        n = req.query_int(b"n", -1)                 # not an integer: -1, refused below
    if n < 0 or n > 50:
        resp.set_body(b"n must be an integer in 0..50\n", b"text/plain")
        return 400
    resp.set_body_int(fib(n))
    return 200


def run(port=8080, host="127.0.0.1", threads=0):
    """Serves GET /fib?n=N on host:port with `threads` workers (0: one per core) until
    SIGINT or SIGTERM, then finishes the requests in flight and returns."""
    cdef bytes host_b = host.encode() if isinstance(host, str) else bytes(host)
    cdef const char* c_host = host_b
    cdef int c_port = port
    cdef int c_threads = threads
    server = Server()
    server.route(b"/fib", fib_handler)
    with nogil:
        server.serve(c_host, c_port, c_threads)
