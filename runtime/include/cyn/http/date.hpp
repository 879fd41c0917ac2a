// cyn/http/date.hpp — the `Date:` header line, formatted once per second per thread.
//
// Every response carries a Date field (RFC 9110 §6.6.1) in IMF-fixdate form. Formatting a
// date costs more than the rest of a small response head, so each worker thread keeps the
// line for the current second and rebuilds it only when the second changes (read from the
// coarse real-time clock, a vDSO call without a system call).
//
//   out.append(cyn::http::date_header_line());   // "Date: Wed, 25 Nov 2026 13:25:45 GMT\r\n"
#pragma once

#include <cstdint>
#include <string_view>

namespace cyn::http {

// The Date field line for now, CRLF included. The view stays valid until this thread calls
// again in a later second.
std::string_view date_header_line() noexcept;

// Formats `unix_seconds` as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into out[29];
// returns 29. Exposed for tests.
int format_imf_fixdate(std::int64_t unix_seconds, char out[29]) noexcept;

}  // namespace cyn::http
