// Device rules and nodes: parsing Docker's syntax, the default allow list,
// the v1 writes and the v2 program that enforce a list, and reading the
// host's device nodes for --device and --privileged.
#include "skiff/runtime/devices.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

namespace {

// Parses a major or minor number, or "*".
bool parse_number(std::string_view s, int64_t &out) {
  if (s == "*") {
    out = -1;
    return true;
  }
  auto n = str::to_int(s);
  if (!n || *n < 0 || *n > UINT32_MAX)
    return false;
  out = *n;
  return true;
}

std::string number_text(int64_t n) { return n < 0 ? "*" : std::to_string(n); }

uint32_t access_bits(std::string_view access) {
  uint32_t bits = 0;
  for (char c : access)
    bits |= c == 'm' ? BPF_DEVCG_ACC_MKNOD : c == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
  return bits;
}

// eBPF instructions, spelled as the kernel's filter.h macros spell them.
bpf_insn alu_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return {static_cast<uint8_t>(BPF_ALU64 | op | BPF_K), dst, 0, 0, imm};
}
bpf_insn mov_reg(uint8_t dst, uint8_t src) {
  return {static_cast<uint8_t>(BPF_ALU64 | BPF_MOV | BPF_X), dst, src, 0, 0};
}
bpf_insn load_word(uint8_t dst, uint8_t src, int16_t off) {
  return {static_cast<uint8_t>(BPF_LDX | BPF_MEM | BPF_W), dst, src, off, 0};
}
bpf_insn jump_ne(uint8_t reg, int32_t imm, int16_t off) {
  return {static_cast<uint8_t>(BPF_JMP | BPF_JNE | BPF_K), reg, 0, off, imm};
}
bpf_insn exit_insn() { return {static_cast<uint8_t>(BPF_JMP | BPF_EXIT), 0, 0, 0, 0}; }

// Registers the program keeps the request in.
constexpr uint8_t kType = BPF_REG_2, kAccess = BPF_REG_3, kMajor = BPF_REG_4,
                  kMinor = BPF_REG_5, kScratch = BPF_REG_1;

// The instructions of one rule: each test jumps past the rule's end when
// the request does not match; reaching the end allows it.
std::vector<bpf_insn> rule_block(const DeviceRule &r) {
  std::vector<bpf_insn> block;
  std::vector<size_t> jumps;  // indexes of the skipping jumps
  auto skip_unless_equal = [&](uint8_t reg, int64_t value) {
    jumps.push_back(block.size());
    block.push_back(jump_ne(reg, static_cast<int32_t>(value), 0));
  };
  if (r.type != 'a')
    skip_unless_equal(kType, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  uint32_t allowed = access_bits(r.access);
  uint32_t all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  if (allowed != all) {
    // Matches when the request asks for nothing outside the rule's access.
    block.push_back(mov_reg(kScratch, kAccess));
    block.push_back(alu_imm(BPF_AND, kScratch, static_cast<int32_t>(all & ~allowed)));
    skip_unless_equal(kScratch, 0);
  }
  if (r.major >= 0)
    skip_unless_equal(kMajor, r.major);
  if (r.minor >= 0)
    skip_unless_equal(kMinor, r.minor);
  block.push_back(alu_imm(BPF_MOV, BPF_REG_0, 1));
  block.push_back(exit_insn());
  for (size_t j : jumps)
    block[j].off = static_cast<int16_t>(block.size() - j - 1);
  return block;
}

// Reads one node; nullopt for anything that is not a block or character
// device (symlinks included: lstat).
std::optional<DeviceNode> node_at(const std::string &path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
    return std::nullopt;
  DeviceNode n;
  n.type = S_ISBLK(st.st_mode) ? 'b' : 'c';
  n.major = ::major(st.st_rdev);
  n.minor = ::minor(st.st_rdev);
  n.mode = st.st_mode & 07777;
  n.uid = st.st_uid;
  n.gid = st.st_gid;
  n.host_path = path;
  return n;
}

// Every node below `dir`, depth first, named under `prefix` in the
// container; `skip` names entries of this directory left out.
void walk_nodes(const std::string &dir, const std::string &prefix,
                const std::vector<std::string_view> &skip, std::vector<DeviceNode> &out) {
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return;
  std::vector<std::pair<std::string, bool>> entries;
  while (auto *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    bool is_dir = e->d_type == DT_DIR;
    struct stat st;
    if (e->d_type == DT_UNKNOWN && ::lstat((dir + "/" + name).c_str(), &st) == 0)
      is_dir = S_ISDIR(st.st_mode);
    entries.emplace_back(name, is_dir);
  }
  ::closedir(d);
  std::sort(entries.begin(), entries.end());
  for (const auto &[name, is_dir] : entries) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end())
      continue;
    std::string path = dir + "/" + name;
    if (is_dir) {
      walk_nodes(path, prefix + "/" + name, {}, out);
    } else if (auto n = node_at(path)) {
      n->path = prefix + "/" + name;
      out.push_back(*n);
    }
  }
}

} // namespace

Result<DeviceRule> parse_device_rule(std::string_view text) {
  auto bad = [&] { return make_error(Errc::invalid, "invalid device cgroup rule format: '{}'", text); };
  auto f = str::split(std::string(text), ' ');
  if (f.size() != 3 || f[0].size() != 1 || std::string_view("acb").find(f[0][0]) == std::string_view::npos)
    return bad();
  auto nums = str::cut(f[1], ':');
  DeviceRule r;
  r.type = f[0][0];
  if (!nums || !parse_number(nums->first, r.major) || !parse_number(nums->second, r.minor) ||
      f[2].empty() || f[2].size() > 3 || f[2].find_first_not_of("rwm") != std::string::npos)
    return bad();
  r.access = f[2];
  return r;
}

std::string format_device_rule(const DeviceRule &r) {
  return fmt::format("{} {}:{} {}", r.type, number_text(r.major), number_text(r.minor), r.access);
}

const std::vector<DeviceRule> &default_device_rules() {
  static const std::vector<DeviceRule> rules = {
      {'c', -1, -1, "m"},   {'b', -1, -1, "m"},     // mknod of any node, no open
      {'c', 1, 3, "rwm"},   {'c', 1, 5, "rwm"},     // null, zero
      {'c', 1, 7, "rwm"},   {'c', 1, 8, "rwm"},     // full, random
      {'c', 1, 9, "rwm"},   {'c', 5, 0, "rwm"},     // urandom, tty
      {'c', 5, 1, "rwm"},   {'c', 5, 2, "rwm"},     // console, ptmx
      {'c', 136, -1, "rwm"},                        // pty slaves
  };
  return rules;
}

std::vector<CgroupWrite> device_writes_v1(const std::vector<DeviceRule> &rules) {
  std::vector<CgroupWrite> out = {{"devices", "devices.deny", "a"}};
  for (const auto &r : rules)
    out.push_back({"devices", "devices.allow", format_device_rule(r)});
  return out;
}

std::vector<bpf_insn> device_program(const std::vector<DeviceRule> &rules) {
  // struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; },
  // access_type = access << 16 | type.
  std::vector<bpf_insn> p = {
      load_word(kType, BPF_REG_1, 0),     mov_reg(kAccess, kType),
      alu_imm(BPF_RSH, kAccess, 16),      alu_imm(BPF_AND, kType, 0xffff),
      load_word(kMajor, BPF_REG_1, 4),    load_word(kMinor, BPF_REG_1, 8),
  };
  for (const auto &r : rules) {
    auto block = rule_block(r);
    p.insert(p.end(), block.begin(), block.end());
  }
  p.push_back(alu_imm(BPF_MOV, BPF_REG_0, 0));
  p.push_back(exit_insn());
  return p;
}

Result<std::vector<DeviceNode>> devices_from_path(const std::string &host,
                                                  const std::string &container) {
  // A symlink (/dev/disk/by-id/...) stands for the node it names.
  std::string resolved = host;
  if (char *real = ::realpath(host.c_str(), nullptr)) {
    resolved = real;
    std::free(real);
  }
  if (auto n = node_at(resolved)) {
    n->path = container;
    return std::vector<DeviceNode>{*n};
  }
  std::vector<DeviceNode> out;
  struct stat st;
  int e = ::stat(resolved.c_str(), &st) == 0 ? 0 : errno;
  if (e == 0 && S_ISDIR(st.st_mode))
    walk_nodes(resolved, container, {}, out);
  if (!out.empty())
    return out;
  return make_error(Errc::invalid,
                    "error gathering device information while adding custom device \"{}\": {}", host,
                    e ? std::strerror(e) : "not a device node");
}

std::vector<DeviceNode> host_devices() {
  std::vector<DeviceNode> out;
  // ptmx too: the container's /dev/ptmx stays the link to its own devpts.
  walk_nodes("/dev", "/dev",
             {"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev", "console", "ptmx"}, out);
  return out;
}

} // namespace skiff::runtime
