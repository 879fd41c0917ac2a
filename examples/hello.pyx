# distutils: language = c++
"""The hello-world HTTP server of SPEC §4: `import hello; hello.run(port=8080)`."""
from cyn.http cimport Server, Request, Response


cdef int hello(Request req, Response resp) noexcept nogil:
    resp.set_body(b"Hello, World!", b"text/plain")
    return 200


def run(port=8080, host="127.0.0.1", threads=0):
    """Serves GET / on host:port with `threads` workers (0: one per core) until SIGINT or
    SIGTERM, then finishes the requests in flight and returns."""
    cdef bytes host_b = host.encode() if isinstance(host, str) else bytes(host)
    cdef const char* c_host = host_b
    cdef int c_port = port
    cdef int c_threads = threads
    server = Server()
    server.route(b"/", hello)
    with nogil:
        server.serve(c_host, c_port, c_threads)
