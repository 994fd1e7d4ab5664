// save: images into docker-archive, oci-archive or an oci-dir layout.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <set>

#include "skiff/engine/archive.hpp"
#include "skiff/image/archive_layout.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/storage/layer_tar.hpp"
#include "skiff/util/atomic_output.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

using image::ByteSink;
using image::SavedImage;
using storage::ImageRecord;

Result<ArchiveFormat> parse_archive_format(std::string_view name) {
  if (name == "docker-archive")
    return ArchiveFormat::docker_archive;
  if (name == "oci-archive")
    return ArchiveFormat::oci_archive;
  if (name == "oci-dir")
    return ArchiveFormat::oci_dir;
  return make_error(Errc::invalid, "unsupported format \"{}\": use docker-archive, oci-archive or oci-dir",
                    name);
}

namespace {

// Where the members go: a tar stream or a directory.
class Members {
public:
  virtual ~Members() = default;
  virtual Status dir(const std::string &name) = 0;
  virtual Status file(const std::string &name, std::string_view data) = 0;
  // A member of `size` bytes that `produce` writes to the sink it is given.
  virtual Status stream(const std::string &name, uint64_t size,
                        const std::function<Status(const ByteSink &)> &produce) = 0;
};

class TarMembers : public Members {
public:
  explicit TarMembers(ByteSink out) : w_(std::move(out)) {}
  Status dir(const std::string &name) override {
    image::TarHeader h;
    h.name = name;
    h.type = S_IFDIR;
    h.perm = 0755;
    return w_.header(h);
  }
  Status file(const std::string &name, std::string_view data) override { return w_.add_file(name, data); }
  Status stream(const std::string &name, uint64_t size,
                const std::function<Status(const ByteSink &)> &produce) override {
    image::TarHeader h;
    h.name = name;
    h.size = static_cast<int64_t>(size);
    TRY_STATUS(w_.header(h));
    return produce([this](const void *p, size_t n) { return w_.data(p, n); });
  }
  Status close() { return w_.close(); }

private:
  image::TarWriter w_;
};

class DirMembers : public Members {
public:
  explicit DirMembers(std::string root) : root_(std::move(root)) {}
  Status dir(const std::string &name) override { return fs::mkdir_p(root_ + "/" + name, 0755); }
  Status file(const std::string &name, std::string_view data) override {
    return fs::write_file(root_ + "/" + name, data, 0644);
  }
  Status stream(const std::string &name, uint64_t, const std::function<Status(const ByteSink &)> &produce) override {
    std::string path = root_ + "/" + name;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd)
      return sys_error("creating {}", path);
    return produce([&](const void *p, size_t n) {
      return fs::write_all(fd.get(), {static_cast<const char *>(p), n}, "the archive");
    });
  }

private:
  std::string root_;
};

// An image to save and the chain IDs of its layers.
struct Selected {
  SavedImage saved;
  std::vector<std::string> chains;
};

// A reference naming a repository only ("busybox", "host:5000/app"): no tag
// after the last '/' and no digest.
bool name_only(std::string_view text) {
  auto slash = text.rfind('/');
  auto colon = text.rfind(':');
  return text.find('@') == std::string_view::npos &&
         (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash));
}

// Resolves the names as docker save does, in the order given; one entry
// per image, with every name that selected it.
Result<std::vector<Selected>> select(Engine &eng, const std::vector<std::string> &names) {
  auto images = TRY(store_of(eng).images());
  std::vector<std::pair<ImageRecord, std::string>> picks; // image, full name or ""
  for (const auto &text : names) {
    size_t before = picks.size();
    if (auto ref = image::parse_reference(text)) {
      for (const auto &img : images)
        for (const auto &n : img.names) {
          auto r = image::parse_reference(n);
          if (!r)
            continue;
          if (name_only(text) ? r->repository() == ref->repository() : n == ref->full())
            picks.emplace_back(img, n);
        }
    }
    if (picks.size() != before)
      continue;
    auto found = eng.find_image(text);
    // moby's exporter (image/tarexport/save.go) looks a name without
    // images up as an ID, so its error names what was typed, no ":latest".
    if (!found && found.error().code == Errc::not_found)
      return make_error(Errc::not_found, "No such image: {}", text);
    picks.emplace_back(TRY(std::move(found)), "");
  }
  std::vector<Selected> out;
  for (const auto &[img, name] : picks) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Selected &s) { return s.saved.config_digest == "sha256:" + img.id; });
    if (it == out.end()) {
      Selected s;
      s.saved.config_digest = "sha256:" + img.id;
      s.saved.config = TRY(store_of(eng).read_blob(s.saved.config_digest));
      auto cfg = TRY(image::ImageConfig::parse(s.saved.config, store_of(eng).blob_path(s.saved.config_digest)));
      if (cfg.diff_ids.size() != img.layers.size())
        return make_error(Errc::failed, "image {} lists {} layers but the store has {}", img.id.substr(0, 12),
                          cfg.diff_ids.size(), img.layers.size());
      s.saved.diff_ids = cfg.diff_ids;
      s.chains = img.layers;
      for (const auto &chain : img.layers)
        s.saved.layer_sizes.push_back(TRY(storage::layer_tar_size(store_of(eng), chain)));
      out.push_back(std::move(s));
      it = out.end() - 1;
    }
    auto &ns = it->saved.names;
    if (!name.empty() && std::find(ns.begin(), ns.end(), name) == ns.end())
      ns.push_back(name);
  }
  return out;
}

// Each layer once, even when several images share it.
Status write_layers(Engine &eng, const std::vector<Selected> &sel, Members &m,
                    const std::function<std::string(const std::string &)> &member) {
  std::set<std::string> done;
  for (const auto &s : sel)
    for (size_t i = 0; i < s.chains.size(); i++) {
      const auto &diff = s.saved.diff_ids[i];
      if (!done.insert(diff).second)
        continue;
      TRY_STATUS(m.stream(member(diff), s.saved.layer_sizes[i], [&](const ByteSink &sink) {
        return storage::write_layer_tar(store_of(eng), s.chains[i], sink);
      }));
    }
  return {};
}

Status write_docker_archive(Engine &eng, const std::vector<Selected> &sel, Members &m) {
  TRY_STATUS(write_layers(eng, sel, m, image::docker_layer_member));
  std::vector<SavedImage> saved;
  std::set<std::string> configs;
  for (const auto &s : sel) {
    if (configs.insert(s.saved.config_digest).second)
      TRY_STATUS(m.file(image::docker_config_member(s.saved), s.saved.config));
    saved.push_back(s.saved);
  }
  TRY_STATUS(m.file("manifest.json", image::docker_manifest_json(saved)));
  return m.file("repositories", image::docker_repositories_json(saved));
}

Status write_oci_layout(Engine &eng, const std::vector<Selected> &sel, Members &m) {
  TRY_STATUS(m.file(std::string(image::kOciLayoutFile), image::kOciLayout));
  TRY_STATUS(m.dir("blobs"));
  TRY_STATUS(m.dir("blobs/sha256"));
  TRY_STATUS(write_layers(eng, sel, m, image::oci_blob_member));
  std::vector<SavedImage> saved;
  std::vector<std::string> manifests;
  std::set<std::string> blobs;
  auto blob = [&](const std::string &digest, std::string_view data) -> Status {
    if (!blobs.insert(digest).second)
      return {};
    return m.file(image::oci_blob_member(digest), data);
  };
  for (const auto &s : sel) {
    TRY_STATUS(blob(s.saved.config_digest, s.saved.config));
    manifests.push_back(image::oci_manifest_json(s.saved));
    TRY_STATUS(blob(sha256_digest(manifests.back()), manifests.back()));
    saved.push_back(s.saved);
  }
  return m.file("index.json", image::oci_index_json(saved, manifests));
}

} // namespace

Status save_images(Engine &eng, const std::vector<std::string> &names, ArchiveFormat format, int fd) {
  if (format == ArchiveFormat::oci_dir)
    return make_error(Errc::invalid, "oci-dir is a directory, not a stream: name it with -o");
  // Held shared so that layer gc (an rmi meanwhile) keeps the layers read here.
  auto hold = TRY(store_of(eng).lock_layer_adds());
  auto sel = TRY(select(eng, names));
  TarMembers tar([fd](const void *p, size_t n) {
    return fs::write_all(fd, {static_cast<const char *>(p), n}, "the archive");
  });
  if (format == ArchiveFormat::docker_archive)
    TRY_STATUS(write_docker_archive(eng, sel, tar));
  else
    TRY_STATUS(write_oci_layout(eng, sel, tar));
  return tar.close();
}

Status save_images_dir(Engine &eng, const std::vector<std::string> &names, const std::string &dir) {
  auto hold = TRY(store_of(eng).lock_layer_adds());
  auto sel = TRY(select(eng, names));
  auto out = TRY(fs::AtomicDir::create(dir, 0755));
  DirMembers members(out.tmp());
  TRY_STATUS(write_oci_layout(eng, sel, members));
  return out.commit();
}

} // namespace skiff::engine
