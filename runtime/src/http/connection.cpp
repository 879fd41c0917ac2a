// The per-connection loop: see cyn/http/connection.hpp.
#include "cyn/http/connection.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <ctime>

#include "cyn/http/parser.hpp"

namespace cyn::http {
namespace {

// Responses are batched up to this size before a write; bigger bodies go out by writev
// straight from the Response instead of being copied.
constexpr std::size_t kBatchBytes = 64 * 1024;
constexpr std::size_t kCopyBodyBelow = 16 * 1024;
// A big body goes out in slices of this size, each with the idle timeout: a slow client
// that keeps reading gets all of it, one that stops reading is cut off.
constexpr std::size_t kWriteSlice = 256 * 1024;
constexpr std::size_t kInitialReadBuffer = 4096;
// Buffers that grew for one big request are trimmed back to this afterwards.
constexpr std::size_t kKeepBuffer = 64 * 1024;
// Lingering close: how long and how much a closing connection still reads and discards.
constexpr std::int64_t kLingerNs = 1'000'000'000;
constexpr std::size_t kLingerMaxBytes = 256 * 1024;

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// True for an HTTP/1.1 request with "Expect: 100-continue" (ignored in 1.0, RFC 9110 §10.1.1).
bool expects_continue(const ParsedRequest& req) {
  if (req.minor_version == 0) return false;
  const HeaderField* f = req.find_header("expect");
  return f != nullptr && iequals(f->value, "100-continue");
}

struct Session {
  int fd;
  const ConnectionConfig& config;
  const Limits& limits;
  const ConnectionIo& io;
  ConnectionControl* control;
  ByteBuffer in;
  ByteBuffer out;
  Ref<Request> req = make<Request>();
  Ref<Response> resp = make<Response>();
  ParseProgress progress{};  // the pending request's head and checked body bytes
  std::uint64_t served = 0;

  bool stopping() const { return config.stopping && config.stopping->load(std::memory_order_acquire); }

  bool flush() {
    if (out.empty()) return true;
    long n = io.write_all(fd, out.data(), out.size(), limits.idle_timeout_ns);
    out.clear();
    return n >= 0;
  }

  // Runs the handler for the parsed request and appends its response. Returns false when
  // the connection must close after this response.
  bool answer(bool* write_failed) {
    Request& rq = *req;
    rq.begin();
    resp->reset();
    int status;
    Handler handler = config.router->find(rq.parsed().path);
    if (handler == nullptr) {
      status = 404;
      resp->set_body("Not Found\n", "text/plain");
    } else {
      try {
        status = handler(req, resp);
      } catch (...) {
        status = -1;  // a C++ handler that throws gets a 500, not a dead worker
      }
      if (status == 0) status = resp->status();
      // The handler's status is the final response: a 1xx there would be read by the client
      // as an interim response, the next response taken for this one's (pipelining out of
      // step). Interim responses are the server's (100 Continue); a 1xx here is a 500. Codes
      // above 599 are not HTTP (RFC 9110 §15: clients treat them as 5xx): a 500 as well.
      if (status < 200 || status > 599) {
        resp->reset();
        status = 500;
        resp->set_body("Internal Server Error\n", "text/plain");
      }
    }
    ++served;
    const bool keep = rq.keep_alive() && !resp->wants_close() && !stopping();
    append_response_head(out, status, *resp, keep, rq.http_minor());
    if (rq.method_id() != Method::kHead && status_sends_body(status)) {
      std::string_view body = resp->body();
      if (body.size() < kCopyBodyBelow) {
        out.append(body);
      } else {
        if (!write_with_body(body)) *write_failed = true;
        resp->trim(kKeepBuffer);
      }
    }
    if (out.size() >= kBatchBytes && !flush()) *write_failed = true;
    return keep;
  }

  // Writes what is batched in `out`, then `body`, slice by slice: the timeout bounds each
  // slice (a client that stops reading), not the whole body (a slow client still reading).
  bool write_with_body(std::string_view body) {
    std::size_t first = body.size() < kWriteSlice ? body.size() : kWriteSlice;
    iovec iov[2] = {{out.data(), out.size()}, {const_cast<char*>(body.data()), first}};
    long n = io.writev_all(fd, iov, 2, limits.idle_timeout_ns);
    out.clear();
    if (n < 0) return false;
    for (std::size_t at = first; at < body.size(); at += kWriteSlice) {
      std::size_t len = body.size() - at < kWriteSlice ? body.size() - at : kWriteSlice;
      if (io.write_all(fd, body.data() + at, len, limits.idle_timeout_ns) < 0) return false;
    }
    return true;
  }

  void run() {
    in.reserve(kInitialReadBuffer);
    std::int64_t head_deadline = 0;  // set while a request's head is partly received
    std::int64_t body_deadline = 0;  // set while its body is partly received
    bool continue_wanted = false;  // the pending request asked for "100 Continue"...
    bool continue_sent = false;    // ...and got it
    for (;;) {
      // Serve every complete request already buffered, in order.
      std::size_t pos = 0;
      bool close_after = false, write_failed = false;
      ParseResult r;
      while (pos < in.size()) {
        const bool head_known = progress.body_start != 0;
        r = parse_request(in.data() + pos, in.size() - pos, limits, req->parsed(), &progress);
        if (r.status == ParseStatus::kIncomplete) {
          // The call that accepts the head is the one whose parsed fields are current (the
          // buffer may move before the next): read Expect now.
          if (r.head_done && !head_known) continue_wanted = expects_continue(req->parsed());
          break;
        }
        progress.reset();
        if (r.status == ParseStatus::kError) {
          append_error_response(out, r.error_status);
          close_after = true;
          break;
        }
        bool keep = answer(&write_failed);
        pos += r.consumed;
        head_deadline = 0;
        body_deadline = 0;
        continue_wanted = continue_sent = false;
        if (!keep || write_failed) {
          close_after = true;
          break;
        }
      }
      if (write_failed || !flush()) break;
      if (close_after) {
        linger();
        break;
      }
      in.consume_front(pos);
      if (in.empty() && in.capacity() > kKeepBuffer) in.shrink_to(kKeepBuffer);

      // Wait for more bytes.
      std::int64_t timeout;
      if (in.empty()) {
        if (!go_idle()) break;
        timeout = limits.idle_timeout_ns;
      } else if (r.head_done) {
        // Each read gets the header timeout, and the whole body the body timeout.
        std::int64_t now = now_ns();
        if (body_deadline == 0) body_deadline = now + limits.body_timeout_ns;
        timeout = body_deadline - now;
        if (timeout <= 0) {
          timed_out();
          break;
        }
        if (timeout > limits.header_timeout_ns) timeout = limits.header_timeout_ns;
        if (continue_wanted && !continue_sent) {
          // RFC 9110 §10.1.1: the client waits for this before sending the body.
          out.append("HTTP/1.1 100 Continue\r\n\r\n");
          if (!flush()) break;
          continue_sent = true;
        }
        in.reserve(r.need);
      } else {
        std::int64_t now = now_ns();
        if (head_deadline == 0) head_deadline = now + limits.header_timeout_ns;
        timeout = head_deadline - now;
        if (timeout <= 0) {
          timed_out();
          break;
        }
      }
      if (in.tail_room() < 1024) in.reserve_more(in.capacity());  // doubles
      // Always a read, never a wait for readiness first: after a read that returned less
      // than it could, the client's FIN may already be queued behind the data, and its
      // readiness edge was the one that woke us for the data (no new edge comes). Only a
      // read sees that end of stream.
      long n = io.read(fd, in.tail(), in.tail_room(), timeout);
      if (control != nullptr && in.empty()) {
        // Bytes (or EOF) arrived for an idle connection: claim it back from the stopper.
        int idle = ConnectionControl::kIdle;
        if (!control->phase.compare_exchange_strong(idle, ConnectionControl::kBusy)) break;
      }
      if (n == -ETIMEDOUT) {
        if (!in.empty()) timed_out();  // an idle connection just closes
        break;
      }
      if (n <= 0) break;  // EOF or error
      if (in.empty()) head_deadline = now_ns() + limits.header_timeout_ns;
      in.commit(std::size_t(n));
    }
  }

  // Marks the connection idle; false when the server is stopping (close now).
  bool go_idle() {
    if (control == nullptr) return !stopping();
    control->phase.store(ConnectionControl::kIdle, std::memory_order_seq_cst);
    if (stopping()) return false;
    return true;
  }

  void timed_out() {
    out.clear();
    append_error_response(out, 408);
    if (flush()) linger();
  }

  // Closing a socket with unread input makes the kernel send RST, which can destroy the
  // response still in flight to the client (RFC 9112 §9.6). So after a response the server
  // closes on (an error, Connection: close with more requests pipelined), stop sending and
  // read what the client still sends, for a short while, before the caller closes.
  void linger() {
    ::shutdown(fd, SHUT_WR);
    const std::int64_t deadline = now_ns() + kLingerNs;
    std::size_t discarded = 0;
    char sink[4096];
    while (discarded < kLingerMaxBytes) {
      std::int64_t left = deadline - now_ns();
      if (left <= 0) break;
      long n = io.read(fd, sink, sizeof sink, left);
      if (n <= 0) break;
      discarded += std::size_t(n);
    }
  }
};

}  // namespace

std::uint64_t serve_connection(int fd, const ConnectionConfig& config, const ConnectionIo& io,
                               ConnectionControl* control) {
  Session session{fd, config, *config.limits, io, control, ByteBuffer(), ByteBuffer()};
  session.run();
  return session.served;
}

}  // namespace cyn::http
