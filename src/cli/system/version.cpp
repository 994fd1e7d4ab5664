// version: Docker's Client and Server blocks; the server is this binary.
#include <sys/utsname.h>

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "format.hpp"
#include "skiff/engine/build_info.hpp"
#include "skiff/engine/types.hpp"
#include "skiff/gotmpl/tabwriter.hpp"

namespace skiff::cli {

using nlohmann::json;

// The keys docker/cli's clientVersion and the Engine API's Version have;
// the omitempty ones only when set, as Go marshals them.
static json version_json() {
  auto b = engine::build_info();
  utsname u{};
  ::uname(&u);
  std::string arch = engine::host_architecture();
  json client = {{"Version", b.version}, {"ApiVersion", engine::kApiVersion},
                 {"DefaultAPIVersion", engine::kApiVersion}, {"GoVersion", b.compiler},
                 {"Os", "linux"}, {"Arch", arch}, {"Context", "default"}};
  if (!b.git_commit.empty())
    client["GitCommit"] = b.git_commit;
  if (b.build_time)
    client["BuildTime"] = engine::ansic_time(b.build_time);
  json details = {{"ApiVersion", engine::kApiVersion}, {"Arch", arch},
                  {"BuildTime", engine::ansic_time(b.build_time)}, {"Experimental", "false"},
                  {"GitCommit", b.git_commit}, {"GoVersion", b.compiler},
                  {"KernelVersion", u.release}, {"MinAPIVersion", engine::kMinApiVersion},
                  {"Os", "linux"}};
  // `--init` runs this same binary as docker-init.
  json components = json::array({{{"Name", "Engine"}, {"Version", b.version}, {"Details", details}},
                                 {{"Name", "docker-init"}, {"Version", b.version},
                                  {"Details", {{"GitCommit", b.git_commit}}}}});
  json server = {{"Platform", {{"Name", ""}}}, {"Components", components},
                 {"Version", b.version}, {"ApiVersion", engine::kApiVersion},
                 {"MinAPIVersion", engine::kMinApiVersion}, {"GitCommit", b.git_commit},
                 {"GoVersion", b.compiler}, {"Os", "linux"}, {"Arch", arch},
                 {"KernelVersion", u.release}};
  if (b.build_time)
    server["BuildTime"] = engine::api_build_time(b.build_time);
  return {{"Client", client}, {"Server", server}};
}

static std::string str(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// docker/cli's default version template, laid out by its tabwriter
// (minimum width 20, padding 1).
static std::string version_text(const json &v) {
  const json &c = v["Client"];
  std::string t = "Client:\n";
  t += fmt::format(" Version:\t{}\n API version:\t{}\n Go version:\t{}\n Git commit:\t{}\n"
                   " Built:\t{}\n OS/Arch:\t{}/{}\n Context:\t{}\n\nServer:",
                   str(c, "Version"), str(c, "ApiVersion"), str(c, "GoVersion"), str(c, "GitCommit"),
                   str(c, "BuildTime"), str(c, "Os"), str(c, "Arch"), str(c, "Context"));
  for (const auto &comp : v["Server"]["Components"]) {
    const json &d = comp["Details"];
    t += fmt::format("\n {}:", str(comp, "Name"));
    if (str(comp, "Name") == "Engine") {
      t += fmt::format("\n  Version:\t{}\n  API version:\t{} (minimum version {})\n  Go version:\t{}\n"
                       "  Git commit:\t{}\n  Built:\t{}\n  OS/Arch:\t{}/{}\n  Experimental:\t{}",
                       str(comp, "Version"), str(d, "ApiVersion"), str(d, "MinAPIVersion"),
                       str(d, "GoVersion"), str(d, "GitCommit"), str(d, "BuildTime"), str(d, "Os"),
                       str(d, "Arch"), str(d, "Experimental"));
      continue;
    }
    t += fmt::format("\n  Version:\t{}", str(comp, "Version"));
    for (const auto &[key, value] : d.items())  // sorted, as getDetailsOrder
      t += fmt::format("\n  {}:\t{}", key, value.get<std::string>());
  }
  return gotmpl::tabwrite(t + "\n", 20, 1, 1, ' ');
}

static int run_version(Context &, const Args &a) {
  json v = version_json();
  if (!a.has("format")) {
    fmt::print("{}", version_text(v));
    return 0;
  }
  auto out = render_format(a.get("format"), v, version_types(), "version");
  fmt::print("{}", gotmpl::tabwrite(out.text, 20, 1, 1, ' '));
  std::fflush(stdout);
  return out.error ? fail(*out.error) : 0;
}

Command cmd_version() {
  return {"version", "[OPTIONS]", "Show the skiff version information",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "", true, false, 0, 0, {}, run_version};
}

} // namespace skiff::cli
