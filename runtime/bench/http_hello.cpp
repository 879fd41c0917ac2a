// http_hello — the C++ demo server: the same routes the Cython examples serve, used by the
// black-box tests (tests/http/) and the benchmarks (benchmarks/http/).
//
//   http_hello [--host 127.0.0.1] [--port 8080] [--threads 0] [--header-timeout S]
//              [--idle-timeout S] [--body-timeout S] [--max-body N] [--max-header N] [--max-uri N]
//              [--max-connections N]
//
// Routes: /       "Hello, World!" (text/plain)
//         /fib    ?n=30: fib(n) computed naively, as decimal text (n outside 0..50: 400)
//         /echo   the request body back, with the request's method in X-Method
//         /headers the request's header fields back, one "name: value" per line
// Prints "listening on http://HOST:PORT" once it accepts connections (so --port 0 works),
// and exits 0 after SIGINT/SIGTERM once in-flight requests are answered.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <thread>

#include "cyn/http/server.hpp"

using cyn::Ref;
using cyn::http::Request;
using cyn::http::Response;

namespace {

int hello(Ref<Request>, Ref<Response> resp) {
  resp->set_body("Hello, World!", "text/plain");
  return 200;
}

long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int fib_handler(Ref<Request> req, Ref<Response> resp) {
  long n = req->query_int("n", 30);
  if (n < 0 || n > 50) {
    resp->set_body("n must be an integer in 0..50\n", "text/plain");
    return 400;
  }
  resp->set_body_int(fib(n));
  return 200;
}

int echo(Ref<Request> req, Ref<Response> resp) {
  resp->set_body(req->body(), req->body_len(), "application/octet-stream");
  resp->set_header("X-Method", req->method());
  return 200;
}

int headers(Ref<Request> req, Ref<Response> resp) {
  std::string out;
  for (std::size_t i = 0; i < req->header_count(); ++i) {
    out += req->header_name(i);
    out += ": ";
    out += req->header_value(i);
    out += "\n";
  }
  resp->set_body(out.data(), out.size(), "text/plain");
  return 200;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: http_hello [--host H] [--port P] [--threads N] [--header-timeout S]\n"
               "                  [--idle-timeout S] [--body-timeout S] [--max-body N] [--max-header N]\n"
               "                  [--max-uri N] [--max-connections N]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  const char* host = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  auto server = cyn::make<cyn::http::Server>();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage();
    const char* v = argv[++i];
    if (a == "--host") host = v;
    else if (a == "--port") port = std::atoi(v);
    else if (a == "--threads") threads = std::atoi(v);
    else if (a == "--header-timeout") server->set_header_timeout(std::atof(v));
    else if (a == "--idle-timeout") server->set_idle_timeout(std::atof(v));
    else if (a == "--body-timeout") server->set_body_timeout(std::atof(v));
    else if (a == "--max-body") server->set_max_body_bytes(std::strtoull(v, nullptr, 10));
    else if (a == "--max-header") server->set_max_header_bytes(std::strtoull(v, nullptr, 10));
    else if (a == "--max-uri") server->set_max_uri_bytes(std::strtoull(v, nullptr, 10));
    else if (a == "--max-connections") server->set_max_connections(std::strtoull(v, nullptr, 10));
    else usage();
  }
  server->route("/", hello);
  server->route("/fib", fib_handler);
  server->route("/echo", echo);
  server->route("/headers", headers);

  // Announce the port once bound (serve() blocks this thread).
  std::thread announce([server, host] {
    while (server->port() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::printf("listening on http://%s:%d\n", host, server->port());
    std::fflush(stdout);
  });
  announce.detach();
  try {
    int rc = server->serve(host, port, threads);
    std::fprintf(stderr, "http_hello: stopped after %llu requests\n",
                 static_cast<unsigned long long>(server->requests_served()));
    std::fflush(stderr);
    std::_Exit(rc);  // the announce thread may still sleep; nothing left to clean up
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_hello: %s\n", e.what());
    return 1;
  }
}
