// Prefix routing: see cyn/http/router.hpp.
#include "cyn/http/router.hpp"

#include <algorithm>

namespace cyn::http {

bool Router::add(std::string_view prefix, Handler handler) {
  if (handler == nullptr || prefix.empty() || prefix.front() != '/') return false;
  for (Route& r : routes_) {
    if (r.prefix == prefix) {
      r.handler = handler;
      return true;
    }
  }
  routes_.push_back(Route{std::string(prefix), handler});
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const Route& a, const Route& b) { return a.prefix.size() > b.prefix.size(); });
  return true;
}

Handler Router::find(std::string_view path) const noexcept {
  for (const Route& r : routes_) {
    const std::string& p = r.prefix;
    if (path.size() < p.size() || path.compare(0, p.size(), p) != 0) continue;
    if (path.size() == p.size() || p.back() == '/' || path[p.size()] == '/') return r.handler;
  }
  return nullptr;
}

}  // namespace cyn::http
