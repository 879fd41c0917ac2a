// The request parser: see cyn/http/parser.hpp for the contract and the RFC choices.
#include "cyn/http/parser.hpp"

#include <cstring>

namespace cyn::http {
namespace {

// Character classes of RFC 9110 §5.6.2 (token) and §5.5 (field values), as 256-entry tables
// so that every test on the hot path is one load.
struct CharTables {
  bool tchar[256] = {};
  bool target[256] = {};  // VCHAR: what a request target may contain
  bool field[256] = {};   // field-vchar / SP / HTAB / obs-text
  signed char hex[256] = {};

  constexpr CharTables() {
    for (int c = 0; c < 256; ++c) {
      bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      tchar[c] = alnum || (c != 0 && std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos);
      target[c] = c >= 0x21 && c <= 0x7e;
      field[c] = c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f);
      hex[c] = (c >= '0' && c <= '9') ? c - '0'
               : (c >= 'a' && c <= 'f') ? c - 'a' + 10
               : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                        : -1;
    }
  }
};
constexpr CharTables kChars;

inline bool is_tchar(char c) { return kChars.tchar[static_cast<unsigned char>(c)]; }
inline bool is_target(char c) { return kChars.target[static_cast<unsigned char>(c)]; }
inline bool is_field(char c) { return kChars.field[static_cast<unsigned char>(c)]; }
inline int hex_value(char c) { return kChars.hex[static_cast<unsigned char>(c)]; }
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

// A path for absolute-form targets without one ("http://host"); never written to.
constexpr char kRootPath[] = "/";

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Calls fn(element) for each non-empty element of a comma-separated list (RFC 9110 §5.6.1).
template <class Fn>
void for_each_element(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) fn(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

Method method_of(std::string_view m, bool* known) {
  *known = true;
  switch (m.size()) {
    case 3:
      if (m == "GET") return Method::kGet;
      if (m == "PUT") return Method::kPut;
      break;
    case 4:
      if (m == "HEAD") return Method::kHead;
      if (m == "POST") return Method::kPost;
      break;
    case 5:
      if (m == "PATCH") return Method::kPatch;
      break;
    case 6:
      if (m == "DELETE") return Method::kDelete;
      break;
    case 7:
      if (m == "OPTIONS") return Method::kOptions;
      break;
  }
  *known = false;
  return Method::kGet;
}

ParseResult error(int status) {
  ParseResult r;
  r.status = ParseStatus::kError;
  r.error_status = status;
  return r;
}

ParseResult incomplete(std::size_t need) {
  ParseResult r;
  r.status = ParseStatus::kIncomplete;
  r.need = need;
  return r;
}

// Where a scan of a chunked body stopped for lack of bytes: the start of the chunk-size line
// it was in (or whose data it waited for; for the trailer section, the last-chunk line), and
// the body bytes before that line. Scanning again from there gives the same answer as from
// the start of the body.
struct ChunkResume {
  std::size_t line = 0;
  std::uint64_t total = 0;
};

// Walks a chunked body from buf[from] (the start of a chunk-size line; `total` body bytes
// before it), the body itself starting at buf[start]. Returns the offset just past the trailer
// section when complete, 0 when more bytes are needed (*resume then says where to go on), or
// -status on error. With `decode` (which needs from == start), chunk data is moved down to
// buf[start, start + *body_len).
long scan_chunked(char* buf, std::size_t len, std::size_t start, std::size_t from, std::uint64_t total,
                  const Limits& limits, bool decode, std::size_t* body_len, ChunkResume* resume) {
  constexpr std::size_t kMaxChunkLine = 1024;  // size + extensions; generous, bounded
  std::size_t p = from;
  std::size_t out = start;
  std::size_t line = p;
  auto need_more = [&]() -> long {
    if (resume != nullptr) *resume = ChunkResume{line, total};
    return 0;
  };
  for (;;) {
    line = p;
    std::uint64_t size = 0;
    bool too_big = false;
    while (p < len && hex_value(buf[p]) >= 0) {
      if (size > (std::uint64_t{1} << 56)) too_big = true;  // keeps size*16 from wrapping
      else size = size * 16 + std::uint64_t(hex_value(buf[p]));
      if (++p - line > kMaxChunkLine) return -400;
    }
    if (p >= len) return need_more();
    if (p == line) return -400;  // no hex digit
    if (too_big || size > limits.max_body_bytes) return -413;
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): whitespace after the
    // size only before a ';' ("5 \r\n" is malformed, and parsers that disagree on it are a
    // smuggling vector). The extensions are validated as field characters and ignored.
    std::size_t before_ws = p;
    while (p < len && is_ows(buf[p])) {
      if (++p - line > kMaxChunkLine) return -400;
    }
    if (p >= len) return need_more();
    if (p != before_ws && buf[p] != ';') return -400;
    if (buf[p] == ';') {
      while (p < len && buf[p] != '\r') {
        if (!is_field(buf[p])) return -400;
        if (++p - line > kMaxChunkLine) return -400;
      }
    }
    if (p >= len) return need_more();
    if (buf[p] != '\r') return -400;
    if (p + 1 >= len) return need_more();
    if (buf[p + 1] != '\n') return -400;
    p += 2;
    if (size == 0) break;
    if (total + size > limits.max_body_bytes) return -413;
    if (len - p < size + 2) return need_more();
    if (buf[p + size] != '\r' || buf[p + size + 1] != '\n') return -400;
    if (decode) std::memmove(buf + out, buf + p, size);
    total += size;
    out += size;
    p += size + 2;
  }
  // Trailer section: field lines (validated, then ignored) up to an empty line, bounded like
  // a header block (resuming re-reads it from the last-chunk line: the bound keeps that cheap).
  std::size_t trailers = p;
  for (;;) {
    if (p - trailers > limits.max_header_bytes) return -431;
    if (p >= len) return need_more();
    if (buf[p] == '\r') {
      if (p + 1 >= len) return need_more();
      if (buf[p + 1] != '\n') return -400;
      p += 2;
      break;
    }
    std::size_t name = p;
    while (p < len && is_tchar(buf[p])) ++p;
    if (p >= len) return (p - trailers > limits.max_header_bytes) ? -431 : need_more();
    if (p == name || buf[p] != ':') return -400;
    ++p;
    while (p < len && is_field(buf[p])) {
      if (++p - trailers > limits.max_header_bytes) return -431;
    }
    if (p >= len) return need_more();
    if (buf[p] != '\r') return -400;
    if (p + 1 >= len) return need_more();
    if (buf[p + 1] != '\n') return -400;
    p += 2;
  }
  *body_len = total;
  return long(p);
}

// A Host field value (RFC 9110 §7.2: uri-host [ ":" port ]): reg-name, IPv4 or IP-literal
// characters and an optional port. Empty is allowed (a request target without authority).
bool valid_host(std::string_view host) {
  for (char c : host) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("-._~%!$&'()*+,;=:[]").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Status for a head that is not complete yet: too big already, a bare LF, or wait.
ParseResult check_incomplete_head(const char* buf, std::size_t len, const Limits& limits) {
  if (len == 0) return incomplete(1);  // nothing read yet (buf may be null: no memchr on it)
  // A bare LF can never become valid: answer now rather than at the header timeout.
  for (const char* nl = static_cast<const char*>(std::memchr(buf, '\n', len)); nl != nullptr;
       nl = static_cast<const char*>(std::memchr(nl + 1, '\n', len - std::size_t(nl + 1 - buf)))) {
    if (nl == buf || nl[-1] != '\r') return error(400);
  }
  const char* eol = static_cast<const char*>(std::memchr(buf, '\r', len));
  if (eol == nullptr) {
    // Still inside the request line: is the target already too long?
    const char* sp = static_cast<const char*>(std::memchr(buf, ' ', len));
    if (sp != nullptr && std::size_t(buf + len - (sp + 1)) > limits.max_uri_bytes) return error(414);
  }
  if (len >= limits.max_header_bytes) return error(431);
  return incomplete(len + 1);
}

// For a request whose head an earlier call accepted (see ParseProgress): checks only the body
// bytes not seen yet. Returns kComplete when the body is all there (the caller then parses
// the whole request once more), else kIncomplete or kError as a full parse would.
ParseResult resume_body(char* buf, std::size_t len, const Limits& limits, ParseProgress& progress) {
  if (!progress.chunked) {
    if (len < progress.body_end) {
      ParseResult r = incomplete(progress.body_end);
      r.head_done = true;
      return r;
    }
    ParseResult r;
    r.status = ParseStatus::kComplete;
    return r;
  }
  std::size_t body_len = 0;
  ChunkResume resume;
  long done = scan_chunked(buf, len, progress.body_start, progress.chunk_line, progress.chunk_total, limits,
                           /*decode=*/false, &body_len, &resume);
  if (done < 0) return error(int(-done));
  if (done == 0) {
    // Framing may add overhead to the body, but not without bound.
    if (len - progress.body_start > 2 * limits.max_body_bytes + 65536) return error(413);
    progress.chunk_line = resume.line;
    progress.chunk_total = resume.total;
    ParseResult r = incomplete(len + 1);
    r.head_done = true;
    return r;
  }
  ParseResult r;
  r.status = ParseStatus::kComplete;
  return r;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const HeaderField* ParsedRequest::find_header(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < header_count; ++i) {
    if (iequals(headers[i].name, name)) return &headers[i];
  }
  return nullptr;
}

ParseResult parse_request(char* buf, std::size_t len, const Limits& limits, ParsedRequest& out,
                          ParseProgress* progress) noexcept {
  if (progress != nullptr && progress->body_start != 0 && progress->body_start <= len) {
    ParseResult r = resume_body(buf, len, limits, *progress);
    if (r.status != ParseStatus::kComplete) return r;
    progress->reset();  // the body is complete: parse it all, once
  }
  // RFC 9112 §2.2: a server SHOULD ignore empty lines received before the request line
  // (clients sometimes send a CRLF after a POST body).
  std::size_t skip = 0;
  while (skip + 1 < len && buf[skip] == '\r' && buf[skip + 1] == '\n' && skip < 8) skip += 2;
  char* const head = buf + skip;
  const std::size_t head_avail = len - skip;

  const char* terminator = nullptr;
  if (head_avail >= 4) {
    terminator = static_cast<const char*>(memmem(head, head_avail, "\r\n\r\n", 4));
  }
  if (terminator == nullptr) {
    ParseResult r = check_incomplete_head(head, head_avail, limits);
    r.need += skip;
    return r;
  }
  const std::size_t head_len = std::size_t(terminator - head) + 4;
  if (head_len > limits.max_header_bytes) return error(431);
  const char* const end = terminator + 2;  // one past the CRLF of the last line

  out.reset();
  const char* p = head;

  // request-line = method SP request-target SP HTTP-version CRLF
  const char* m = p;
  while (is_tchar(*p)) ++p;
  if (p == m || *p != ' ') return error(400);
  out.method = std::string_view(m, std::size_t(p - m));
  bool known_method = false;
  out.method_id = method_of(out.method, &known_method);
  ++p;
  const char* t = p;
  while (is_target(*p)) ++p;
  if (std::size_t(p - t) > limits.max_uri_bytes) return error(414);
  if (p == t || *p != ' ') return error(400);
  out.target = std::string_view(t, std::size_t(p - t));
  ++p;
  if (end - p < 10 || std::memcmp(p, "HTTP/", 5) != 0 || hex_value(p[5]) < 0 || p[5] > '9' ||
      p[6] != '.' || hex_value(p[7]) < 0 || p[7] > '9' || p[8] != '\r' || p[9] != '\n') {
    return error(400);
  }
  const int major = p[5] - '0';
  out.minor_version = (p[7] - '0') >= 1 ? 1 : 0;
  p += 10;

  // Split the target into path and query. Origin-form "/p?q", asterisk-form "*" (OPTIONS
  // only), absolute-form "http://host/p?q" (the path is taken from it). A fragment is cut
  // off: it names a part of the response for the client, not a resource (RFC 9110 §4.2.5).
  // A method we do not implement is a 501 whatever its target (CONNECT's authority-form
  // included), so a target we cannot split is a 400 only for the methods we serve.
  const int bad_target = known_method ? 400 : 501;
  std::string_view target = out.target.substr(0, out.target.find('#'));
  if (target.empty()) return error(bad_target);
  if (target.front() != '/' && target != "*") {
    std::size_t scheme = target.find("://");
    if (scheme == std::string_view::npos || scheme == 0) return error(bad_target);
    for (std::size_t i = 0; i < scheme; ++i) {
      char c = target[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) return error(bad_target);
    }
    std::string_view rest = target.substr(scheme + 3);
    std::size_t slash = rest.find_first_of("/?");
    if (slash == 0) return error(bad_target);  // no authority
    target = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  std::size_t qmark = target.find('?');
  if (qmark == std::string_view::npos) {
    out.path = target;
    out.query = std::string_view(target.data() + target.size(), 0);
  } else {
    out.path = target.substr(0, qmark);
    out.query = target.substr(qmark + 1);
  }
  if (out.path.empty()) out.path = std::string_view(kRootPath, 1);
  // "http://host" has neither: the empty query sits at the end of the target, whose next
  // byte (SP) terminate_fields() may overwrite.
  if (target.empty()) out.query = std::string_view(out.target.data() + out.target.size(), 0);

  // field-line = field-name ":" OWS field-value OWS CRLF
  int host_count = 0;
  bool host_invalid = false;
  bool has_te = false, te_chunked_only = true;
  std::size_t te_codings = 0;
  bool conn_close = false, conn_keep_alive = false;
  bool cl_error = false, cl_too_big = false;
  std::int64_t content_length = -1;
  while (p < end) {
    if (p[0] == '\r') break;                  // the empty line (p[1] is '\n': it is the terminator)
    if (is_ows(p[0])) return error(400);      // obs-fold, or whitespace before the first field
    const char* n = p;
    while (is_tchar(*p)) ++p;
    if (p == n || *p != ':') return error(400);
    std::string_view name(n, std::size_t(p - n));
    ++p;
    while (is_ows(*p)) ++p;
    const char* v = p;
    while (is_field(*p)) ++p;
    if (p[0] != '\r' || p[1] != '\n') return error(400);  // CTL, NUL, bare CR or bare LF
    const char* ve = p;
    while (ve > v && is_ows(ve[-1])) --ve;
    std::string_view value(v, std::size_t(ve - v));
    p += 2;
    if (out.header_count >= limits.max_header_fields || out.header_count >= kMaxHeaderFields) {
      return error(431);
    }
    out.headers[out.header_count++] = HeaderField{name, value};

    switch (lower(name[0])) {
      case 'c':
        if (iequals(name, "content-length")) {
          int elements = 0;
          for_each_element(value, [&](std::string_view e) {
            ++elements;
            std::int64_t n = 0;
            for (char c : e) {
              if (c < '0' || c > '9') { cl_error = true; return; }
              if (n > (std::int64_t{1} << 50)) cl_too_big = true;
              else n = n * 10 + (c - '0');
            }
            if (content_length >= 0 && n != content_length && !cl_too_big) cl_error = true;
            content_length = n;
          });
          if (elements == 0) cl_error = true;  // "", "," or ", ,": a length that says nothing
        } else if (iequals(name, "connection")) {
          for_each_element(value, [&](std::string_view e) {
            if (iequals(e, "close")) conn_close = true;
            else if (iequals(e, "keep-alive")) conn_keep_alive = true;
          });
        }
        break;
      case 't':
        if (iequals(name, "transfer-encoding")) {
          has_te = true;
          for_each_element(value, [&](std::string_view e) {
            ++te_codings;
            if (!iequals(e, "chunked")) te_chunked_only = false;
          });
        }
        break;
      case 'h':
        if (iequals(name, "host")) {
          ++host_count;
          if (!valid_host(value)) host_invalid = true;
        }
        break;
    }
  }
  if (p != end) return error(400);  // cannot happen: the first CRLFCRLF ends the head

  // Framing and semantics, in the order that gives the most specific answer.
  if (has_te && content_length >= 0) return error(400);
  if (cl_error) return error(400);
  if (major != 1) return error(505);
  if (has_te && out.minor_version == 0) return error(400);
  if (has_te && (te_codings != 1 || !te_chunked_only)) return error(501);
  if (out.minor_version == 1 && host_count != 1) return error(400);
  if (host_count > 1 || host_invalid) return error(400);
  if (!known_method) return error(501);
  if (out.target == "*" && out.method_id != Method::kOptions) return error(400);
  if (cl_too_big || (content_length >= 0 && std::uint64_t(content_length) > limits.max_body_bytes)) {
    return error(413);
  }
  out.keep_alive = out.minor_version == 1 ? !conn_close : (conn_keep_alive && !conn_close);
  out.content_length = content_length;
  out.chunked = has_te;

  const std::size_t body_start = skip + head_len;
  ParseResult r;
  if (content_length > 0) {
    std::size_t total = body_start + std::size_t(content_length);
    if (len < total) {
      if (progress != nullptr) {
        progress->body_start = body_start;
        progress->chunked = false;
        progress->body_end = total;
      }
      ParseResult r = incomplete(total);
      r.head_done = true;
      return r;
    }
    out.body = std::string_view(buf + body_start, std::size_t(content_length));
    r.consumed = total;
  } else if (has_te) {
    std::size_t body_len = 0;
    ChunkResume resume;
    long done = scan_chunked(buf, len, body_start, body_start, 0, limits, /*decode=*/false, &body_len, &resume);
    if (done < 0) return error(int(-done));
    if (done == 0) {
      // Framing may add overhead to the body, but not without bound.
      if (len - body_start > 2 * limits.max_body_bytes + 65536) return error(413);
      if (progress != nullptr) {
        progress->body_start = body_start;
        progress->chunked = true;
        progress->chunk_line = resume.line;
        progress->chunk_total = resume.total;
      }
      ParseResult r = incomplete(len + 1);
      r.head_done = true;
      return r;
    }
    scan_chunked(buf, len, body_start, body_start, 0, limits, /*decode=*/true, &body_len, nullptr);
    out.body = std::string_view(buf + body_start, body_len);
    r.consumed = std::size_t(done);
  } else {
    out.body = std::string_view(buf + body_start, 0);
    r.consumed = body_start;
  }
  r.status = ParseStatus::kComplete;
  return r;
}

void terminate_fields(ParsedRequest& req) noexcept {
  auto terminate = [](std::string_view v) {
    if (v.data() != kRootPath) const_cast<char*>(v.data())[v.size()] = '\0';
  };
  terminate(req.method);
  terminate(req.path);
  terminate(req.query);
  for (std::size_t i = 0; i < req.header_count; ++i) {
    terminate(req.headers[i].name);
    terminate(req.headers[i].value);
  }
}

std::string_view reason_phrase(int status) noexcept {
  // The IANA HTTP Status Code Registry (RFC 9110 §15 and the RFCs it lists).
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";  // "(Unused)" in RFC 9110; the phrase everyone uses
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
  }
  // Unregistered: an empty reason phrase ("HTTP/1.1 599 \r\n"), which RFC 9112 §4 allows
  // and clients must accept; the code alone carries the meaning.
  return "";
}

}  // namespace cyn::http
