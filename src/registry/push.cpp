#include "skiff/registry/push.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "skiff/storage/layer_tar.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/parallel.hpp"

namespace skiff::registry {

namespace {

// Cross-repository mounts tried per layer before it is uploaded.
constexpr int kMountAttempts = 3;

struct LayerJob {
  std::string diff_id, chain, id;
};

class Pusher {
public:
  Pusher(storage::Store &store, Client &client, const image::Reference &dest,
         const PushOptions &opts, std::string media_type, const LayerProgress &progress)
      : store_(store), client_(client), dest_(dest), opts_(opts),
        media_type_(std::move(media_type)), progress_(progress) {}

  void report(const std::string &id, const std::string &status, int64_t current = 0, int64_t total = 0) {
    std::lock_guard lock(mu_);
    progress_({id, status, current, total});
  }

  // The blob of one layer in the repository: found there, mounted, or uploaded.
  Result<Descriptor> push_layer(const LayerJob &job) {
    auto infos = TRY(store_.blob_infos());
    auto known = storage::blobs_of_layer(infos, job.diff_id,
                                         std::string(image::compression_name(opts_.compression)));
    std::string repo = dest_.repository();
    for (const auto &b : known) {
      if (std::find(b.repositories.begin(), b.repositories.end(), repo) == b.repositories.end())
        continue;
      auto size = TRY(client_.blob_size(dest_.path, b.digest));
      if (size) {
        Descriptor d{media_type_, b.digest, *size >= 0 ? *size : b.size, {}, {}};
        TRY_STATUS(record(job, d));
        report(job.id, "Layer already exists");
        return d;
      }
      TRY_STATUS(store_.update_blob_infos([&](std::vector<storage::BlobInfo> &all) {
        storage::forget_blob_location(all, b.digest, repo);
      }));
    }
    // A sibling repository of the same registry: the registry may mount
    // the blob from there. One that will not opens an upload session,
    // which the upload then uses. Failed attempts only cost the attempt.
    std::string session;
    int attempts = 0;
    std::string prefix = dest_.domain + "/";
    for (const auto &b : known)
      for (const auto &r : b.repositories) {
        if (!session.empty() || attempts >= kMountAttempts || r == repo || !r.starts_with(prefix))
          continue;
        attempts++;
        std::string from = r.substr(prefix.size());
        auto started = client_.start_upload(dest_.path, b.digest, from);
        if (!started)
          continue;
        if (started->mounted) {
          Descriptor d{media_type_, b.digest, b.size, {}, {}};
          TRY_STATUS(record(job, d));
          report(job.id, "Mounted from " + from);
          return d;
        }
        session = started->location;
      }
    report(job.id, "Pushing");
    auto d = TRY(upload(job, session));
    TRY_STATUS(record(job, d));
    report(job.id, "Pushed");
    return d;
  }

private:
  // Remembers that the repository has `d` for the layer (blob_info.hpp).
  Status record(const LayerJob &job, const Descriptor &d) {
    storage::BlobInfo b{d.digest, job.diff_id,
                        std::string(image::compression_name(opts_.compression)), d.size,
                        {dest_.repository()}};
    return store_.update_blob_infos(
        [&](std::vector<storage::BlobInfo> &all) { storage::record_blob(all, b); });
  }

  // Streams the layer's tar, compressed, into an upload session: a thread
  // writes it into a socket pair whose other end is the request body, so
  // the digest (wanted only when the session closes) is computed on the
  // way.
  Result<Descriptor> upload(const LayerJob &job, std::string session) {
    if (session.empty())
      session = TRY(client_.start_upload(dest_.path)).location;
    auto tar_size = static_cast<int64_t>(TRY(storage::layer_tar_size(store_, job.chain)));
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
      return sys_error("making a socket pair");
    UniqueFd reader(sv[0]), writer(sv[1]);
    Sha256 hash;
    int64_t size = 0;
    std::atomic<bool> whole{false}, upload_gone{false};
    Status produced;
    std::thread producer([&] {
      image::CompressingWriter out(opts_.compression, [&](std::string_view chunk) -> Status {
        hash.update(chunk);
        size += static_cast<int64_t>(chunk.size());
        if (!fs::send_all(writer.get(), chunk)) {
          upload_gone = true;
          return make_error(Errc::failed, "the upload ended early");
        }
        return {};
      });
      // Docker counts the tar's bytes against its size, not the compressed
      // ones; told every 256 KiB, as tars come in small pieces.
      int64_t tar_bytes = 0, told = 0;
      produced = storage::write_layer_tar(store_, job.chain, [&](const void *p, size_t n) {
        tar_bytes += static_cast<int64_t>(n);
        if (tar_bytes - told >= (256 << 10) || tar_bytes == tar_size) {
          told = tar_bytes;
          report(job.id, "Pushing", tar_bytes, tar_size);
        }
        return out.write(p, n);
      });
      if (produced)
        produced = out.finish();
      whole = produced.ok();
      writer.reset();  // the end of the body
    });
    BodySource body = [&](char *buf, size_t cap) -> Result<size_t> {
      for (;;) {
        ssize_t n = ::read(reader.get(), buf, cap);
        if (n > 0)
          return static_cast<size_t>(n);
        if (n == 0) {
          // A body cut short by a failed read must not look complete.
          if (!whole)
            return make_error(Errc::failed, "layer {} could not be read", job.chain);
          return size_t{0};
        }
        if (errno != EINTR)
          return sys_error("reading layer {}", job.chain);
      }
    };
    auto next = client_.upload_chunk(dest_.path, session, body);
    reader.reset();  // a producer still writing learns the upload is over
    producer.join();
    if (!produced && !upload_gone)
      return std::move(produced).error();
    if (!next)
      return std::move(next).error();
    if (!produced)
      return std::move(produced).error();
    std::string digest = hash.digest();
    TRY_STATUS(client_.finish_upload(dest_.path, *next, digest));
    return Descriptor{media_type_, digest, size, {}, {}};
  }

  storage::Store &store_;
  Client &client_;
  const image::Reference &dest_;
  const PushOptions &opts_;
  std::string media_type_;
  const LayerProgress &progress_;
  std::mutex mu_;
};

std::string short_id(const std::string &digest) {
  return digest_hex(digest).value_or(digest).substr(0, 12);
}

} // namespace

Result<PushedImage> push_image(storage::Store &store, Client &client, const image::Reference &dest,
                               const PushSource &src, const PushOptions &opts,
                               const LayerProgress &progress) {
  if (src.diff_ids.size() != src.chains.size())
    return make_error(Errc::failed, "the image lists {} layers but the store has {}",
                      src.diff_ids.size(), src.chains.size());
  std::string media_type = TRY(layer_media_type(opts.format, opts.compression));
  Pusher pusher(store, client, dest, opts, media_type, progress);

  // Top layer first, each once (an image may list a layer twice), as
  // docker push lists them.
  std::vector<LayerJob> jobs;
  for (size_t i = src.diff_ids.size(); i-- > 0;)
    if (std::none_of(jobs.begin(), jobs.end(), [&](const LayerJob &j) { return j.diff_id == src.diff_ids[i]; }))
      jobs.push_back({src.diff_ids[i], src.chains[i], short_id(src.diff_ids[i])});
  for (const auto &j : jobs)
    pusher.report(j.id, "Preparing");

  std::map<std::string, Descriptor> pushed;  // by diff ID
  std::mutex mu;
  std::atomic<bool> failed{false};
  TRY_STATUS(run_parallel(jobs.size(), opts.parallel, failed, [&](size_t i) -> Status {
    auto d = TRY(pusher.push_layer(jobs[i]));
    std::lock_guard lock(mu);
    pushed[jobs[i].diff_id] = d;
    return {};
  }));

  Descriptor config{"", sha256_digest(src.config), static_cast<int64_t>(src.config.size()), {}, {}};
  if (!TRY(client.blob_size(dest.path, config.digest))) {
    auto session = TRY(client.start_upload(dest.path));
    TRY_STATUS(client.finish_upload(dest.path, session.location, config.digest, src.config));
  }
  std::vector<Descriptor> layers;
  for (const auto &d : src.diff_ids)
    layers.push_back(pushed.at(d));
  std::string manifest = image_manifest_json(opts.format, config, layers);
  std::string digest = TRY(client.put_manifest(dest.path, dest.tag, manifest_media_type(opts.format), manifest));
  return PushedImage{digest, manifest.size()};
}

} // namespace skiff::registry
