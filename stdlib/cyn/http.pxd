# cyn.http — the HTTP/1.1 server whose handlers are nogil functions (SPEC §4).
#
#     from cyn.http cimport Server, Request, Response
#
#     cdef int hello(Request req, Response resp) noexcept nogil:
#         resp.set_body(b"Hello, World!", b"text/plain")
#         return 200
#
#     server = Server()
#     server.route(b"/", hello)
#     with nogil:
#         server.serve(b"127.0.0.1", 8080, 0)     # returns 0 after SIGINT/SIGTERM
#
# A handler returns the status code (0: the status set with resp.set_status, 200 by default).
# Strings a Request returns are NUL-terminated views into the connection's buffer, valid until
# the handler returns. Request and Response objects are reused for every request of a
# connection; do not keep them. See docs/http.md.

cdef extern from "cyn/http/server.hpp" namespace "cyn::http" nogil:
    cdef class Request nogil:
        const char* method()                  # b"GET", b"POST", ...
        const char* path()                    # b"/fib" (no query, not decoded)
        size_t path_len()
        const char* query_string()            # after '?', b"" when none
        int http_minor()                      # 0: HTTP/1.0, 1: HTTP/1.1
        bint keep_alive()
        const char* header(const char* name)  # case-insensitive; NULL when absent
        size_t header_count()
        const char* header_name(size_t i)     # NULL when i >= header_count()
        const char* header_value(size_t i)
        long query_int(const char* name, long dflt)   # dflt when absent or not an integer
        # Percent-decoded ('+' is a space); NULL when absent. NUL-terminated, but a value may
        # contain NULs itself (%00): the form with `length` gives the full decoded length.
        const char* query(const char* name)
        const char* query(const char* name, size_t* length)
        const char* query_raw(const char* name, size_t* length)   # as sent; NULL when absent
        const char* body()                    # not NUL-terminated: use body_len()
        size_t body_len()

    cdef class Response nogil:
        void set_status(int status)
        int status()
        void set_body(const char* data, const char* content_type)
        void set_body(const char* data, size_t length, const char* content_type)
        void append_body(const char* data, size_t length)
        void set_body_int(long value)         # the decimal digits, text/plain
        void set_content_type(const char* content_type)
        bint set_header(const char* name, const char* value)   # False for an invalid field

    ctypedef int (*Handler)(Request, Response) noexcept nogil

    cdef class Server nogil:
        __init__()
        bint route(const char* prefix, Handler handler)
        void set_max_header_bytes(long long n)
        void set_max_uri_bytes(long long n)
        void set_max_body_bytes(long long n)
        void set_max_header_fields(long long n)
        void set_max_connections(long long n)
        void set_header_timeout(double seconds)
        void set_idle_timeout(double seconds)
        void set_body_timeout(double seconds)
        # Blocks until SIGINT/SIGTERM or stop(), drains, returns 0. RuntimeError when it
        # cannot listen.
        int serve(const char* host, int port, int threads) except +
        void stop()
        int port()
        unsigned long long requests_served()
