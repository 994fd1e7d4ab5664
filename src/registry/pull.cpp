#include "skiff/registry/pull.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "skiff/image/config.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/parallel.hpp"

namespace skiff::registry {

namespace {

// Image configs are small JSON documents; containers/image allows 4 MiB.
constexpr size_t kMaxConfigSize = 4 << 20;

struct LayerJob {
  Descriptor desc;
  std::string parent;   // chain ID below it, or empty
  std::string diff_id;  // from the config
  std::string short_id;
};

// Streams one layer from the registry into the store: the download thread
// feeds a socket that the store's extraction reads, so the layer is
// written while it arrives. The download keeps hashing even when the
// extraction gave up early, so a corrupt blob is reported as what it is.
Status fetch_layer(storage::Store &store, Client &client, const std::string &path,
                   const LayerJob &job, const std::atomic<bool> &cancelled,
                   const std::function<void(uint64_t received)> &on_bytes) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return sys_error("making a socket pair");
  UniqueFd reader(sv[0]), writer(sv[1]);
  int buf = 1 << 20;
  ::setsockopt(writer.get(), SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  std::optional<Result<storage::LayerRecord>> extracted;
  std::thread extractor([&] {
    extracted = store.add_layer(reader.get(), job.parent, {job.desc.digest, job.diff_id});
    reader.reset();  // a download still sending learns it is alone
  });
  Sha256 hash;
  uint64_t received = 0;
  bool reader_gone = false;
  BodySink sink = [&](std::string_view chunk) -> Status {
    if (cancelled)
      return make_error(Errc::failed, "cancelled");
    received += chunk.size();
    if (received > static_cast<uint64_t>(job.desc.size))
      return make_error(Errc::failed, "layer {}: the registry sent more than the {} bytes the manifest gives",
                        job.desc.digest, job.desc.size);
    hash.update(chunk.data(), chunk.size());
    if (!reader_gone && !fs::send_all(writer.get(), chunk))
      reader_gone = true;
    on_bytes(received);
    return {};
  };
  Status got = client.blob(path, job.desc.digest, sink);
  writer.reset();  // the end of the stream for the extraction
  extractor.join();
  if (!got)
    return std::move(got).error();
  std::string digest = hash.digest();
  if (digest != job.desc.digest)
    return make_error(Errc::failed,
                      "layer {}: digest mismatch: the registry sent content with digest {}; nothing "
                      "was stored",
                      job.desc.digest, digest);
  if (received != static_cast<uint64_t>(job.desc.size))
    return make_error(Errc::failed, "layer {}: the registry sent {} bytes, the manifest gives {}",
                      job.desc.digest, received, job.desc.size);
  if (!*extracted)
    return std::move(*extracted).error();
  return {};
}

std::string short_id(const std::string &digest) {
  return digest_hex(digest).value_or(digest).substr(0, 12);
}

// Records which blob holds which layer and that this repository has it,
// so that a push there or to a sibling repository skips or mounts it. Only
// pairs known to be true are kept: layers just downloaded (add_layer
// checked both digests), layers the store once read from this very blob,
// and pairs recorded before.
Status record_blobs(storage::Store &store, const image::Reference &ref, const Manifest &m,
                    const std::vector<std::string> &diff_ids, const std::vector<std::string> &chains,
                    const std::vector<LayerJob> &downloaded) {
  auto known = TRY(store.blob_infos());
  std::vector<storage::BlobInfo> seen;
  for (size_t i = 0; i < m.layers.size(); i++) {
    const auto &desc = m.layers[i];
    bool verified =
        std::any_of(downloaded.begin(), downloaded.end(),
                    [&](const LayerJob &j) { return j.desc.digest == desc.digest; }) ||
        store.read_layer(chains[i]).value_or(storage::LayerRecord{}).digest == desc.digest ||
        std::any_of(known.begin(), known.end(), [&](const storage::BlobInfo &b) {
          return b.digest == desc.digest && b.diff_id == diff_ids[i];
        });
    if (verified)
      seen.push_back({desc.digest, diff_ids[i],
                      std::string(image::compression_name(layer_compression(desc.media_type))),
                      desc.size, {ref.repository()}});
  }
  if (seen.empty())
    return {};
  return store.update_blob_infos([&](std::vector<storage::BlobInfo> &infos) {
    for (const auto &b : seen)
      storage::record_blob(infos, b);
  });
}

} // namespace

Result<PulledImage> pull_image(storage::Store &store, Client &client, const image::Reference &ref,
                               const PullOptions &opts, const LayerProgress &progress) {
  auto top = TRY(client.manifest(ref.path, ref.digest.empty() ? ref.tag : ref.digest));
  PulledImage out;
  out.manifest_digest = top.digest;
  auto m = TRY(parse_manifest(top.body, top.content_type, fmt::format("the manifest of {}", ref.full())));
  bool from_index = m.is_index;
  if (m.is_index) {
    auto entry = TRY(choose_platform(m, opts.platform));
    auto inner = TRY(client.manifest(ref.path, entry.digest));
    m = TRY(parse_manifest(inner.body, inner.content_type,
                           fmt::format("the manifest {} of {}", entry.digest, ref.full())));
    if (m.is_index)
      return make_error(Errc::invalid, "the index of {} names another index for {}", ref.full(),
                        opts.platform.str());
  }
  for (const auto &l : m.layers)
    TRY_STATUS(check_layer_type(l));

  std::string config_text;
  bool known = false;
  if (auto have = store.read_blob(m.config.digest)) {
    config_text = std::move(*have);
    known = true;
  } else
    config_text = TRY(client.small_blob(ref.path, m.config.digest, kMaxConfigSize));
  auto cfg = TRY(image::ImageConfig::parse(
      config_text, known ? store.blob_path(m.config.digest)
                         : fmt::format("the image config {} of {}", m.config.digest, ref.full())));
  if (opts.platform_given && !from_index &&
      (cfg.os != opts.platform.os || cfg.architecture != opts.platform.architecture))
    return make_error(Errc::invalid, "{} is an image for {}/{}, not {}", ref.full(), cfg.os,
                      cfg.architecture, opts.platform.str());
  if (cfg.diff_ids.size() != m.layers.size())
    return make_error(Errc::invalid, "the image config of {} lists {} layers but its manifest {}",
                      ref.full(), cfg.diff_ids.size(), m.layers.size());

  std::vector<LayerJob> jobs;
  std::string parent;
  std::mutex progress_mu;
  auto report = [&](const LayerStatus &st) {
    std::lock_guard lock(progress_mu);
    progress(st);
  };
  std::vector<std::pair<std::string, std::string>> lines;
  for (size_t i = 0; i < m.layers.size(); i++) {
    std::string chain = storage::chain_id(parent, cfg.diff_ids[i]);
    std::string id = short_id(m.layers[i].digest);
    if (store.has_layer(chain)) {
      lines.emplace_back(id, "Already exists");
    } else {
      lines.emplace_back(id, "Pulling fs layer");
      jobs.push_back({m.layers[i], parent, cfg.diff_ids[i], id});
    }
    out.chains.push_back(chain);
    parent = chain;
  }
  // An image the store has whole gets no layer lines, as with Docker.
  if (!known || !jobs.empty())
    for (const auto &[id, status] : lines)
      report({id, status});

  std::atomic<bool> cancelled{false};
  TRY_STATUS(run_parallel(jobs.size(), opts.parallel, cancelled, [&](size_t i) -> Status {
    const LayerJob &job = jobs[i];
    auto fetched = fetch_layer(store, client, ref.path, job, cancelled, [&](uint64_t received) {
      report({job.short_id, "Downloading", static_cast<int64_t>(received), job.desc.size});
    });
    if (fetched)
      report({job.short_id, "Pull complete"});
    return fetched;
  }));

  TRY_STATUS(record_blobs(store, ref, m, cfg.diff_ids, out.chains, jobs));
  out.config_digest = TRY(store.put_blob(config_text));
  for (const auto &c : out.chains)
    out.size += TRY(store.read_layer(c)).size;
  out.created = cfg.created;
  return out;
}

} // namespace skiff::registry
