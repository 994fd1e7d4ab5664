#include "skiff/image/reference.hpp"

#include <cctype>

#include "skiff/util/digest.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::image {

static constexpr std::string_view kDefaultDomain = "docker.io";

std::string Reference::full() const {
  std::string out = repository();
  if (!tag.empty())
    out += ":" + tag;
  if (!digest.empty())
    out += "@" + digest;
  return out;
}

std::string Reference::familiar_repository() const {
  if (domain != kDefaultDomain)
    return repository();
  if (path.rfind("library/", 0) == 0)
    return path.substr(8);
  return path;
}

std::string Reference::familiar() const {
  std::string out = familiar_repository();
  if (!tag.empty())
    out += ":" + tag;
  if (!digest.empty())
    out += "@" + digest;
  return out;
}

bool names_version(std::string_view text) {
  auto slash = text.rfind('/');
  auto last = slash == std::string_view::npos ? text : text.substr(slash + 1);
  return last.find(':') != std::string_view::npos || last.find('@') != std::string_view::npos;
}

static bool valid_component(std::string_view c) {
  // [a-z0-9]+ separated by ".", "_", "__" or "-"+.
  if (c.empty() || !std::isalnum(static_cast<unsigned char>(c.front())) ||
      !std::isalnum(static_cast<unsigned char>(c.back())))
    return false;
  for (char ch : c)
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
          ch == '.' || ch == '_' || ch == '-'))
      return false;
  return true;
}

static bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128 || t.front() == '.' || t.front() == '-')
    return false;
  for (char ch : t)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-'))
      return false;
  return true;
}

// The repository path distribution/reference's ParseNormalizedNamed checks
// for upper case before anything else: "library/" added to a Docker Hub
// name, up to the first ':'.
static std::string normalized_remote(std::string_view text) {
  auto i = text.find('/');
  std::string_view remainder = text;
  bool hub = true;
  if (i != std::string_view::npos) {
    auto head = text.substr(0, i);
    if (head.find_first_of(".:") != std::string_view::npos || head == "localhost" || str::lower(head) != head) {
      remainder = text.substr(i + 1);
      hub = head == "docker.io" || head == "index.docker.io";
    }
  }
  std::string remote(remainder.substr(0, remainder.find(':')));
  if (hub && remainder.find('/') == std::string_view::npos)
    remote = "library/" + remote;
  return remote;
}

// distribution/reference's words, which Docker prints as they are.
Result<Reference> parse_reference(std::string_view text) {
  auto bad = [&](std::string_view why) {
    if (why.empty())
      return make_error(Errc::invalid, "invalid reference format");
    return make_error(Errc::invalid, "{}", why);
  };
  if (text.empty())
    return bad("");
  if (auto remote = normalized_remote(text); str::lower(remote) != remote)
    return bad(fmt::format("invalid reference format: repository name ({}) must be lowercase", remote));
  Reference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (!digest_hex(ref.digest))
      return bad("");
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' that comes after the last '/'.
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(ref.tag))
      return bad("");
    rest = rest.substr(0, colon);
  }
  auto first = rest.find('/');
  std::string_view head = rest.substr(0, first);
  if (first != std::string_view::npos &&
      (head.find('.') != std::string_view::npos || head.find(':') != std::string_view::npos ||
       head == "localhost")) {
    ref.domain = std::string(head);
    rest = rest.substr(first + 1);
  } else {
    ref.domain = std::string(kDefaultDomain);
  }
  if (ref.domain == "index.docker.io")
    ref.domain = std::string(kDefaultDomain);
  for (size_t i = 0;;) {
    auto j = rest.find('/', i);
    auto comp = rest.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (!valid_component(comp))
      return bad(valid_component(str::lower(comp)) ? "repository name must be lowercase" : "");
    if (j == std::string_view::npos)
      break;
    i = j + 1;
  }
  ref.path = std::string(rest);
  if (ref.domain == kDefaultDomain && ref.path.find('/') == std::string::npos)
    ref.path = "library/" + ref.path;
  if (ref.path.size() > kMaxRepositoryPath)
    return bad(fmt::format("repository name must not be more than {} characters", kMaxRepositoryPath));
  if (ref.tag.empty() && ref.digest.empty())
    ref.tag = "latest";
  return ref;
}

} // namespace skiff::image
