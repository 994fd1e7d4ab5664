#include "skiff/image/healthcheck.hpp"

#include <nlohmann/json.hpp>

#include "skiff/util/json_read.hpp"

namespace skiff::image {

using nlohmann::json;

json Healthcheck::to_json() const {
  json j = json::object();
  if (!test.empty())
    j["Test"] = test;
  if (interval != 0)
    j["Interval"] = interval;
  if (timeout != 0)
    j["Timeout"] = timeout;
  if (start_period != 0)
    j["StartPeriod"] = start_period;
  if (start_interval != 0)
    j["StartInterval"] = start_interval;
  if (retries != 0)
    j["Retries"] = retries;
  return j;
}

std::optional<Healthcheck> Healthcheck::read(const JsonField &f) {
  if (!f.present())
    return std::nullopt;
  Healthcheck h;  // not an object: the first member read records it
  h.test = f["Test"].as_strings();
  h.interval = f["Interval"].as_int<int64_t>();
  h.timeout = f["Timeout"].as_int<int64_t>();
  h.start_period = f["StartPeriod"].as_int<int64_t>();
  h.start_interval = f["StartInterval"].as_int<int64_t>();
  h.retries = f["Retries"].as_int<int>();
  return h;
}

} // namespace skiff::image
