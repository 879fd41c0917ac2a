// cyn/http/router.hpp — maps a request path to its handler by path prefix.
//
// Routes are added before serving starts and only read afterwards (no lock). A prefix
// matches a path when the path equals it, or continues it at a segment boundary: "/fib"
// matches "/fib" and "/fib/x" but not "/fibonacci"; a prefix ending in '/' ("/static/")
// matches everything under it, so "/" matches every path. Among matching prefixes the
// longest wins, whatever the order they were added in; adding a prefix again replaces its
// handler.
//
//   cyn::http::Router router;
//   router.add("/", hello);
//   router.add("/fib", fib);
//   router.find("/fib/30");    // fib
//   router.find("/other");     // hello
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cyn/http/request.hpp"
#include "cyn/http/response.hpp"
#include "cyn/object.hpp"

namespace cyn::http {

// A request handler: a nogil Cython function `cdef int h(Request req, Response resp) noexcept
// nogil` compiles to exactly this. It returns the status code (0: the response's status).
using Handler = int (*)(Ref<Request>, Ref<Response>);

class Router {
 public:
  // `prefix` must start with '/'; returns false (adding nothing) otherwise or for a null handler.
  bool add(std::string_view prefix, Handler handler);
  // The handler of the longest matching prefix, or nullptr (the server answers 404).
  Handler find(std::string_view path) const noexcept;
  std::size_t size() const noexcept { return routes_.size(); }

 private:
  struct Route {
    std::string prefix;
    Handler handler;
  };
  std::vector<Route> routes_;  // sorted by prefix length, longest first
};

}  // namespace cyn::http
