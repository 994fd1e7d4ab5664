// COPY, ADD (local sources, URLs, --link) and WORKDIR: layers written
// from their sources over the stage (builder.hpp).
#include "builder.hpp"

namespace skiff::build {

Status Builder::copy(size_t index, int step, int total, const Command &cmd, const dockerfile::CopyCmd &c,
                     const dockerfile::Lookup &env, StageResult &s) {
  auto fail = [&](Error e) { return located(cmd, std::move(e)); };
  auto expand = [&](const std::string &w) { return dockerfile::expand_word(w, env, df_.escape); };
  CopyRequest cr;
  cr.add = c.add;
  cr.parents = c.parents;
  cr.excludes = c.excludes;
  std::vector<std::string> urls;
  for (const auto &src : c.sources) {
    auto x = expand(src);
    if (!x)
      return fail(std::move(x).error());
    if (c.add && is_git_source(*x))
      return fail(make_error(Errc::invalid, "ADD of a git repository is not supported by this skiff: "
                                            "clone it into the build context and COPY it"));
    if (is_http_source(*x) && !c.add)
      return fail(make_error(Errc::invalid, "source can't be a URL for COPY"));
    (is_http_source(*x) ? urls : cr.sources).push_back(*x);
  }
  std::string checksum;
  if (!c.checksum.empty()) {
    auto x = expand(c.checksum);
    if (!x)
      return fail(std::move(x).error());
    checksum = *x;
    if (c.sources.size() != 1)
      return fail(make_error(Errc::invalid, "checksum can't be specified for multiple sources"));
    if (urls.empty())
      return fail(make_error(Errc::invalid, "checksum can't be specified for non-HTTP(S) sources"));
    if (auto ok = check_checksum(checksum); !ok)
      return fail(ok.error());
  }
  if (!urls.empty() && (!cr.sources.empty() || !c.heredocs.empty() || !c.from.empty()))
    return fail(make_error(Errc::invalid, "ADD of URLs together with other sources is not supported by this skiff: "
                                          "give the URLs an ADD of their own"));
  for (const auto &h : c.heredocs) {
    std::string content = h.content;
    if (h.expand) {
      auto x = dockerfile::expand_heredoc(content, env);
      if (!x)
        return fail(std::move(x).error());
      content = *x;
    }
    cr.heredocs.push_back({h.name, content});
  }
  auto dest = expand(c.dest);
  if (!dest)
    return fail(std::move(dest).error());
  cr.dest = *dest;
  cr.workdir = s.config.config.working_dir.empty() ? "/" : s.config.config.working_dir;
  cr.mtime = s.time / 1000000000;
  if (!c.chmod.empty()) {
    unsigned long mode = 0;
    bool octal = c.chmod.size() <= 5 && c.chmod.find_first_not_of("01234567") == std::string::npos;
    if (octal)
      mode = std::stoul(c.chmod, nullptr, 8);
    if (!octal || mode > 07777)
      return fail(make_error(Errc::invalid, "invalid chmod parameter: '{}'. it should be octal string and between 0 and 07777", c.chmod));
    cr.chmod = static_cast<mode_t>(mode);
  }
  std::string from;
  if (!c.from.empty()) {
    auto f = expand(c.from);
    if (!f)
      return fail(std::move(f).error());
    from = *f;
  }
  // Where the sources are read.
  std::optional<engine::RootView> source_view;
  UniqueFd context_fd;
  std::string source_id;
  if (!from.empty()) {
    std::vector<std::string> layers;
    if (auto n = stage_named(df_, from, index)) {
      auto r = TRY(stage(*n));
      layers = r->layers;
      source_id = r->key;
    } else {
      auto [img, shown] = TRY(base_image(from));
      layers = img.layers;
      source_id = img.id;
    }
    source_view = TRY(engine::RootView::open(eng_, layers));
    cr.keep_owners = true;
    cr.source_root_fd = source_view->fd();
  } else if (!cr.sources.empty()) {
    if (req_.context_dir.empty())
      return fail(make_error(Errc::invalid, "{} needs a build context, and this build has none", cmd.keyword));
    context_fd = UniqueFd(::open(req_.context_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!context_fd)
      return fail(sys_error("opening the build context {}", req_.context_dir));
    cr.source_root_fd = context_fd.get();
    cr.ignore = &ignore_;
  }
  progress_.begin(vertex(index, step, total, cmd.original));
  // The destination's root is mounted only when read: for --chown's
  // names and to write the layer, never for a step the cache holds.
  std::optional<engine::RootView> dest_view;
  auto dest_fd = [&]() -> Result<int> {
    if (!dest_view)
      dest_view = TRY(engine::RootView::open(eng_, s.layers));
    return dest_view->fd();
  };
  if (!c.chown.empty()) {
    auto spec = expand(c.chown);
    if (!spec)
      return fail(std::move(spec).error());
    auto ids = engine::chown_ids(TRY(dest_fd()), *spec);
    if (!ids) {
      progress_.error(ids.error().message);
      return std::move(ids).error();
    }
    cr.uid = ids->first;
    cr.gid = ids->second;
  }
  if (!urls.empty())
    return add_urls(cmd, c, std::move(cr), urls, checksum, dest_fd, s);
  auto digest = sources_digest(cr);
  if (!digest) {
    progress_.error(digest.error().message);
    return std::move(digest).error();
  }
  std::string key = cache_key({s.key, cmd.keyword, source_id, *digest, cr.dest, cr.workdir,
                               cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                               cr.chmod ? std::to_string(*cr.chmod) : "", c.link ? "link" : "",
                               nlohmann::json(cr.excludes).dump(), c.parents ? "parents" : ""});
  std::string created_by = fmt::format("{} {} {}", cmd.keyword, fmt::join(cr.sources, " "), cr.dest);
  if (c.link)
    return linked_copy(cmd, cr, key, source_id, *digest, buildkit_history(created_by), s);
  return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) {
    return copy_layer(s, cr, dest_fd, keep);
  }, cmd.original);
}

Result<engine::NewLayer> Builder::copy_layer(const StageResult &s, const CopyRequest &cr,
                                             const std::function<Result<int>()> &dest_fd,
                                             const std::function<Status(const engine::NewLayer &)> &keep) {
  int root = TRY(dest_fd());
  auto adding = TRY(engine::lock_layer_adds(eng_));
  auto layer = TRY(engine::add_written_layer(eng_, s.layers.empty() ? "" : s.layers.back(),
                                             [&](image::TarWriter &w) { return write_copy_layer(cr, root, w); }));
  TRY_STATUS(keep(layer));
  return layer;
}

Status Builder::linked_copy(const Command &cmd, const CopyRequest &cr, const std::string &key, const std::string &source_id,
                            const std::string &digest, const std::string &created_by, StageResult &s) {
  std::string link_key = cache_key({"link", cmd.keyword, source_id, digest, cr.dest, cr.workdir,
                                    cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                                    cr.chmod ? std::to_string(*cr.chmod) : "", nlohmann::json(cr.excludes).dump(),
                                    cr.parents ? "parents" : ""});
  std::string parent = s.layers.empty() ? "" : s.layers.back();
  return cached_step(s, key, created_by, [&](const auto &keep) -> Result<engine::NewLayer> {
    auto adding = TRY(engine::lock_layer_adds(eng_));
    engine::NewLayer layer;
    if (auto linked = req_.no_cache ? std::nullopt : engine::find_cached_step(eng_, link_key); linked && !linked->layers.empty()) {
      layer = TRY(engine::restack_layer(eng_, linked->layers.back(), parent));
    } else {
      auto empty = TRY(engine::RootView::open(eng_, {}));
      layer = TRY(engine::add_written_layer(eng_, parent, [&](image::TarWriter &w) {
        return write_copy_layer(cr, empty.fd(), w);
      }));
      engine::BuildCacheEntry e;
      e.key = link_key;
      e.layers = {layer.chain_id};
      e.diff_id = layer.diff_id;
      e.size = layer.size;
      e.created = e.last_used = timefmt::now_ns();
      e.description = cmd.original;
      TRY_STATUS(engine::record_cached_step(eng_, e));
    }
    TRY_STATUS(keep(layer));
    return layer;
  }, cmd.original);
}

Status Builder::add_urls(const Command &cmd, const dockerfile::CopyCmd &c, CopyRequest cr, const std::vector<std::string> &urls,
                         const std::string &checksum, const std::function<Result<int>()> &dest_fd, StageResult &s) {
  auto scratch = engine::ScratchDir::make(eng_);
  UniqueFd dir;
  if (scratch)
    dir = UniqueFd(::open(scratch->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!scratch || !dir) {
    Error e = scratch ? sys_error("opening a scratch directory") : scratch.error();
    progress_.error(e.message);
    return e;
  }
  cr.source_root_fd = dir.get();
  cr.add = c.unpack.value_or(false);
  cr.keep_owners = false;
  cr.ignore = nullptr;
  bool fetched = false;
  std::string contents;
  auto fetch_all = [&]() -> Status {
    if (fetched)
      return {};
    for (size_t i = 0; i < urls.size(); i++) {
      std::string sub = std::to_string(i);
      if (::mkdirat(dir.get(), sub.c_str(), 0700) < 0)
        return sys_error("making a directory for the download of {}", urls[i]);
      UniqueFd subfd(::openat(dir.get(), sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!subfd)
        return sys_error("opening the directory for the download of {}", urls[i]);
      auto got = TRY(download_url(urls[i], checksum, subfd.get()));
      cr.sources.push_back(sub + "/" + got.name);
      contents += fmt::format("{} {} {}\n", got.name, got.digest, got.mtime);
    }
    fetched = true;
    return {};
  };
  if (checksum.empty())
    if (auto ok = fetch_all(); !ok) {
      progress_.error(ok.error().message);
      return located(cmd, ok.error());
    }
  std::string key = cache_key({s.key, "ADD-URL", nlohmann::json(urls).dump(),
                               checksum.empty() ? contents : checksum + " " + url_file_name(urls[0]), cr.dest,
                               cr.workdir, cr.uid ? std::to_string(*cr.uid) + ":" + std::to_string(*cr.gid) : "",
                               cr.chmod ? std::to_string(*cr.chmod) : "", cr.add ? "unpack" : "",
                               c.link ? "link" : ""});
  std::string created_by = fmt::format("ADD {} {}", fmt::join(urls, " "), cr.dest);
  return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) -> Result<engine::NewLayer> {
    TRY_STATUS(fetch_all());
    return copy_layer(s, cr, dest_fd, keep);
  }, cmd.original);
}

Status Builder::workdir(size_t index, int step, int total, const Command &cmd, StageResult &s) {
  const std::string &dir = s.config.config.working_dir;
  progress_.begin(vertex(index, step, total, cmd.original));
  std::string created_by = "WORKDIR " + dir;
  std::string key = cache_key({s.key, "WORKDIR-mkdir", s.config.config.user});
  // A cached mkdir needs no look at the root: the key names it.
  if (!req_.no_cache)
    if (auto hit = engine::find_cached_step(eng_, key)) {
      progress_.cached();
      take(s, *hit, buildkit_history(created_by));
      s.key = key;
      return {};
    }
  auto view = TRY(engine::RootView::open(eng_, s.layers));
  auto missing = missing_dirs(view.fd(), dir);
  if (!missing)
    return located(cmd, std::move(missing).error());
  if (missing->empty()) {
    progress_.done();
    s.config.history.push_back({timefmt::rfc3339nano(s.time), created_by, "buildkit.dockerfile.v0", true});
    return {};
  }
  auto owner = engine::chown_ids(view.fd(), s.config.config.user.empty() ? "0" : s.config.config.user);
  if (!owner)
    return located(cmd, std::move(owner).error());
  return cached_step(s, key, buildkit_history(created_by), [&](const auto &keep) -> Result<engine::NewLayer> {
    auto adding = TRY(engine::lock_layer_adds(eng_));
    auto layer = TRY(engine::add_written_layer(eng_, s.layers.empty() ? "" : s.layers.back(), [&](image::TarWriter &w) {
      return write_workdir_layer(view.fd(), *missing, owner->first, owner->second, timefmt::now_ns() / 1000000000, w);
    }));
    TRY_STATUS(keep(layer));
    return layer;
  }, cmd.original);
}

} // namespace skiff::build
