// images, image inspect, rmi, tag, import, load.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/inspect_values.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/image_list.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"
#include "views.hpp"

namespace skiff::cli {

using nlohmann::json;

json graph_driver_json(const engine::GraphDriver &g) {
  return {{"Name", g.name}, {"Data", g.data.empty() ? json(nullptr) : json(g.data)}};
}

json docker_config_json(const json &given) {
  // Docker's container.Config: these keys always, the others (ExposedPorts,
  // Healthcheck, StopSignal, Shell, ...) only when set.
  json j = {{"Hostname", ""},     {"Domainname", ""},   {"User", ""},          {"AttachStdin", false},
            {"AttachStdout", false}, {"AttachStderr", false}, {"Tty", false}, {"OpenStdin", false},
            {"StdinOnce", false}, {"Env", nullptr},     {"Cmd", nullptr},      {"Image", ""},
            {"Volumes", nullptr}, {"WorkingDir", ""},   {"Entrypoint", nullptr}, {"OnBuild", nullptr},
            {"Labels", nullptr}};
  if (given.is_object())
    for (const auto &[k, v] : given.items())
      j[k] = v;
  return j;
}

json image_inspect_json(engine::Engine &eng, const engine::ImageRecord &img) {
  json tags = json::array(), digests = json::array();
  for (const auto &n : img.names)
    if (auto r = image::parse_reference(n))
      tags.push_back(r->familiar());
  for (const auto &d : img.digests)
    digests.push_back(d);
  // Docker's ImageInspect (API 1.43): every key, Docker's empty values
  // where the image says nothing. No parent chain is kept, no tag time.
  json j = {{"Id", "sha256:" + img.id},
            {"RepoTags", tags},
            {"RepoDigests", digests},
            {"Parent", ""},
            {"Comment", ""},
            {"Created", timefmt::rfc3339nano(img.created)},
            {"Container", ""},
            {"ContainerConfig", docker_config_json(json::object())},
            {"DockerVersion", ""},
            {"Author", ""},
            {"Config", docker_config_json(json::object())},
            {"Architecture", ""},
            {"Os", ""},
            {"Size", img.size},
            {"VirtualSize", img.size},
            {"GraphDriver", graph_driver_json(engine::image_graph_driver(eng, img))},
            {"RootFS", {{"Type", "layers"}}},
            {"Metadata", {{"LastTagTime", "0001-01-01T00:00:00Z"}}}};
  if (auto cfg = eng.image_config(img)) {
    json layers = json::array();
    for (const auto &d : cfg->diff_ids)
      layers.push_back(d);
    j["Architecture"] = cfg->architecture;
    j["Os"] = cfg->os;
    j["Author"] = cfg->author;
    j["Comment"] = cfg->comment;
    json given = cfg->config_extra ? *cfg->config_extra : json::object();
    given.update(cfg->run_defaults_json());
    j["Config"] = docker_config_json(given);
    if (!layers.empty())
      j["RootFS"]["Layers"] = layers;
    if (!cfg->created.empty())
      j["Created"] = cfg->created;
    // What Docker's builder recorded, kept in the image's config as Docker shows it.
    const json extra = cfg->extra ? *cfg->extra : json::object();
    auto text = [&](const char *key) {
      auto it = extra.find(key);
      return it != extra.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    j["Container"] = text("container");
    j["DockerVersion"] = text("docker_version");
    if (auto v = text("variant"); !v.empty())
      j["Variant"] = v;
    if (auto v = text("os.version"); !v.empty())
      j["OsVersion"] = v;
    if (auto it = extra.find("container_config"); it != extra.end())
      j["ContainerConfig"] = docker_config_json(*it);
  }
  return j;
}

static json image_headers() {
  return {{"Repository", "REPOSITORY"}, {"Tag", "TAG"},     {"Digest", "DIGEST"},
          {"ID", "IMAGE ID"},          {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
          {"Size", "SIZE"},            {"Containers", "CONTAINERS"}, {"VirtualSize", "SIZE"},
          {"SharedSize", "SHARED SIZE"}, {"UniqueSize", "UNIQUE SIZE"}};
}

static int run_images(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int64_t now = timefmt::now_ns();
  // docker images REPOSITORY[:TAG] is one more reference filter.
  auto words = a.all("filter");
  if (!a.positional.empty())
    words.push_back("reference=" + a.positional[0]);
  auto filter = engine::parse_image_filter(words, {"dangling", "reference", "before", "since", "label"}, now);
  if (!filter)
    return fail(filter.error());
  auto list = engine::list_images(**eng, *filter);
  if (!list)
    return fail(list.error());
  bool no_trunc = a.flag("no-trunc");
  std::string format = a.get("format", "table");
  // As docker/cli's needDigest: asked for, or named by the format.
  bool digests = a.flag("digests") || format.find("{{.Digest}}") != std::string::npos;
  std::vector<json> rows;
  std::vector<std::string> ids;
  for (const auto &[img, kept] : *list) {
    std::string id = no_trunc ? "sha256:" + img.id : img.id.substr(0, 12);
    // (repository, tag, digest): a row per repository digest of the tag's
    // repository, as Docker shows them.
    std::vector<std::tuple<std::string, std::string, std::string>> names;
    for (const auto &n : kept) {
      auto r = image::parse_reference(n);
      if (!r)
        continue;
      size_t before = names.size();
      for (const auto &d : digests ? img.digests : std::vector<std::string>{})
        if (auto dr = image::parse_reference(d); dr && dr->repository() == r->repository())
          names.emplace_back(r->familiar_repository(), r->tag, dr->digest);
      if (names.size() == before)
        names.emplace_back(r->familiar_repository(), r->tag, "<none>");
    }
    // Repositories known only by digest (pulled by digest, or untagged
    // since): a "<none>" tag row each, one per digest with --digests, as
    // docker/cli shows them.
    std::vector<std::string> digest_only;
    for (const auto &d : img.digests) {
      auto dr = image::parse_reference(d);
      if (!dr || std::any_of(names.begin(), names.end(), [&](const auto &row) {
            return std::get<0>(row) == dr->familiar_repository();
          }))
        continue;
      if (digests)
        names.emplace_back(dr->familiar_repository(), "<none>", dr->digest);
      else if (std::find(digest_only.begin(), digest_only.end(), dr->familiar_repository()) ==
               digest_only.end())
        digest_only.push_back(dr->familiar_repository());
    }
    for (const auto &repo : digest_only)
      names.emplace_back(repo, "<none>", "<none>");
    if (names.empty())
      names.emplace_back("<none>", "<none>", "<none>");
    for (const auto &[repo, tag, digest] : names) {
      // docker/cli's imageContext. The daemon counts containers and
      // shared sizes only for `system df`: N/A here, as in Docker.
      auto size = static_cast<double>(img.size);
      rows.push_back({{"Containers", "N/A"},
                      {"CreatedAt", timefmt::go_local_time(img.created / 1'000'000'000)},
                      {"CreatedSince", timefmt::human_duration(now - img.created) + " ago"},
                      {"Digest", digest},
                      {"ID", id},
                      {"Repository", repo},
                      {"SharedSize", "N/A"},
                      {"Size", units::human_size(size)},
                      {"Tag", tag},
                      {"UniqueSize", "N/A"},
                      {"VirtualSize", units::human_size(size, 4)}});
      ids.push_back(id);
    }
  }
  // A format of one's own beats -q, as in docker/cli's NewImageFormat.
  if (a.flag("quiet") && format == "table") {
    std::vector<std::string> seen;
    for (const auto &id : ids)
      if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
        seen.push_back(id);
        fmt::print("{}\n", id);
      }
    return 0;
  }
  if (format == "table")
    format = a.flag("digests")
                 ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
                 : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  auto out = render_rows(format, rows, image_headers(), image_row_types());
  if (!out)
    return fail(out.error());
  fmt::print("{}", *out);
  return 0;
}

static int run_image_inspect(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  std::vector<Inspected> objs;
  int rc = 0;
  for (const auto &name : a.positional) {
    auto img = (*eng)->find_image(name);
    if (!img) {
      rc = fail(img.error());
      continue;
    }
    objs.push_back({image_inspect_json(**eng, *img), &image_inspect_types()});
  }
  return print_inspect(a.get("format"), objs, true, rc ? 1 : 0);
}

static int run_rmi(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  // With -f an image that is not there is reported but is no failure,
  // as in docker/cli image/remove.go; any other error still is.
  int rc = 0;
  for (const auto &name : a.positional) {
    auto lines = (*eng)->remove_image(name, a.flag("force"));
    if (!lines) {
      fail(lines.error());
      if (!a.flag("force") || lines.error().code != Errc::not_found)
        rc = 1;
      continue;
    }
    for (const auto &l : *lines)
      fmt::print("{}\n", l);
  }
  return rc;
}

static int run_tag(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto s = (*eng)->tag_image(a.positional[0], a.positional[1]);
  return s ? 0 : fail(s.error());
}

static Result<UniqueFd> open_input(const std::string &path) {
  if (path.empty() || path == "-")
    return UniqueFd(::dup(STDIN_FILENO));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    int e = errno;
    return make_error(Errc::system, "open {}: {}", path, go_strerror(e));  // docker/cli's os.Open, in Go's words
  }
  return fd;
}

static int run_import(Context &ctx, const Args &a) {
  if (!a.positional.empty() && a.positional.size() > 1)
    if (auto r = image::parse_reference(a.positional[1]); !r)
      return fail(r.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto fd = open_input(a.positional[0]);
  if (!fd)
    return fail(fd.error());
  auto digest = (*eng)->import_image(fd->get(), a.positional.size() > 1 ? a.positional[1] : "",
                                     a.all("change"), a.get("message"));
  if (!digest)
    return fail(digest.error());
  fmt::print("{}\n", *digest);
  return 0;
}

static int run_load(Context &ctx, const Args &a) {
  if (!a.has("input") && ::isatty(STDIN_FILENO))
    return fail_text("requested load from stdin, but stdin is empty: use -i FILE or pipe an archive");
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto fd = open_input(a.get("input", "-"));
  if (!fd)
    return fail(fd.error());
  auto lines = (*eng)->load_images(fd->get());
  if (!lines)
    return fail(lines.error());
  // The Loaded image lines come with or without -q, as Docker's do (its
  // -q only quiets the progress, which skiff does not show).
  for (const auto &l : *lines)
    fmt::print("{}\n", l);
  return 0;
}

Command cmd_images() {
  return {"images", "[OPTIONS] [REPOSITORY[:TAG]]", "List images",
          {{"all", 'a', FlagKind::boolean, "Show all images (default hides intermediate images)"},
           {"digests", 0, FlagKind::boolean, "Show digests"},
           {"filter", 'f', FlagKind::list, "Filter output based on conditions provided (dangling, reference, before, since, label)", "image-filters", "filter"},
           {"format", 0, FlagKind::value, "Format output using a custom template ('table', 'table TEMPLATE', 'json', or a Go template)", "none", "string"},
           {"no-trunc", 0, FlagKind::boolean, "Don't truncate output"},
           {"quiet", 'q', FlagKind::boolean, "Only show image IDs"}},
          "images", true, false, 0, 1, {"image ls", "image list"}, run_images};
}

Command cmd_image_inspect() {
  return {"image inspect", "[OPTIONS] IMAGE [IMAGE...]", "Display detailed information on one or more images",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "images", true, false, 1, -1, {}, run_image_inspect};
}

Command cmd_rmi() {
  return {"rmi", "[OPTIONS] IMAGE [IMAGE...]", "Remove one or more images",
          {{"force", 'f', FlagKind::boolean, "Force removal of the image"}},
          "images", true, true, 1, -1, {"image rm", "image remove"}, run_rmi};
}

Command cmd_tag() {
  return {"tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
          {}, "images", true, false, 2, 2, {"image tag"}, run_tag};
}

Command cmd_import() {
  return {"import", "[OPTIONS] file|- [REPOSITORY[:TAG]]", "Import the contents from a tarball to create a filesystem image",
          {{"change", 'c', FlagKind::list, "Apply Dockerfile instruction to the created image", "none", "list"},
           {"message", 'm', FlagKind::value, "Set commit message for imported image", "none", "string"}},
          "files", true, true, 1, 2, {"image import"}, run_import};
}

Command cmd_load() {
  return {"load", "[OPTIONS]", "Load an image from a tar archive or STDIN",
          {{"input", 'i', FlagKind::value, "Read from tar archive file, instead of STDIN", "files", "string"},
           {"quiet", 'q', FlagKind::boolean, "Suppress the load output"}},
          "", true, true, 0, 0, {"image load"}, run_load};
}

} // namespace skiff::cli
