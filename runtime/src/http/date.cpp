// The per-thread Date line cache: see cyn/http/date.hpp.
#include "cyn/http/date.hpp"

#include <cstring>
#include <ctime>

namespace cyn::http {
namespace {

void put2(char* p, int v) {
  p[0] = char('0' + v / 10);
  p[1] = char('0' + v % 10);
}

struct DateCache {
  std::int64_t second = -1;
  // "Date: " + 29 characters + CRLF
  char line[6 + 29 + 2];
};
thread_local DateCache t_date;

}  // namespace

int format_imf_fixdate(std::int64_t unix_seconds, char out[29]) noexcept {
  static constexpr char kDays[] = "SunMonTueWedThuFriSat";
  static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm;
  gmtime_r(&t, &tm);
  std::memcpy(out, kDays + 3 * tm.tm_wday, 3);
  out[3] = ',';
  out[4] = ' ';
  put2(out + 5, tm.tm_mday);
  out[7] = ' ';
  std::memcpy(out + 8, kMonths + 3 * tm.tm_mon, 3);
  out[11] = ' ';
  int year = tm.tm_year + 1900;
  put2(out + 12, year / 100 % 100);
  put2(out + 14, year % 100);
  out[16] = ' ';
  put2(out + 17, tm.tm_hour);
  out[19] = ':';
  put2(out + 20, tm.tm_min);
  out[22] = ':';
  put2(out + 23, tm.tm_sec);
  std::memcpy(out + 25, " GMT", 4);
  return 29;
}

std::string_view date_header_line() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  DateCache& cache = t_date;
  if (ts.tv_sec != cache.second) {
    std::memcpy(cache.line, "Date: ", 6);
    format_imf_fixdate(ts.tv_sec, cache.line + 6);
    cache.line[35] = '\r';
    cache.line[36] = '\n';
    cache.second = ts.tv_sec;
  }
  return std::string_view(cache.line, sizeof cache.line);
}

}  // namespace cyn::http
