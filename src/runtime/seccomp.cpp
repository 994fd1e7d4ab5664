// Docker-format seccomp profiles: parsed with moby's schema, filtered by
// capabilities and host as moby does, compiled by libseccomp the way runc
// drives it (including runc's -ENOSYS stub), and installed with prctl.
#include "skiff/runtime/seccomp.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>
#include <seccomp.h>

#include "skiff/util/fd.hpp"

namespace skiff::runtime {
namespace {

using nlohmann::json;

template <typename... A>
Error profile_error(fmt::format_string<A...> f, A &&...args) {
  return make_error(Errc::invalid, "seccomp profile: {}",
                    fmt::format(f, std::forward<A>(args)...));
}

template <typename T> struct Named {
  std::string_view name;
  T value;
};

constexpr Named<SeccompAction> kActions[] = {
    {"SCMP_ACT_KILL", SeccompAction::kill_thread},
    {"SCMP_ACT_KILL_THREAD", SeccompAction::kill_thread},
    {"SCMP_ACT_KILL_PROCESS", SeccompAction::kill_process},
    {"SCMP_ACT_TRAP", SeccompAction::trap},
    {"SCMP_ACT_ERRNO", SeccompAction::errno_ret},
    {"SCMP_ACT_TRACE", SeccompAction::trace},
    {"SCMP_ACT_ALLOW", SeccompAction::allow},
    {"SCMP_ACT_LOG", SeccompAction::log},
};

constexpr Named<SeccompOp> kOps[] = {
    {"SCMP_CMP_NE", SeccompOp::ne}, {"SCMP_CMP_LT", SeccompOp::lt},
    {"SCMP_CMP_LE", SeccompOp::le}, {"SCMP_CMP_EQ", SeccompOp::eq},
    {"SCMP_CMP_GE", SeccompOp::ge}, {"SCMP_CMP_GT", SeccompOp::gt},
    {"SCMP_CMP_MASKED_EQ", SeccompOp::masked_eq},
};

constexpr Named<unsigned> kFlags[] = {
    // runc accepts TSYNC but never passes it: the child is single-threaded.
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};

template <typename T, size_t N>
Result<T> lookup(const Named<T> (&table)[N], const json &j,
                 const std::string &where, std::string_view what) {
  if (!j.is_string())
    return profile_error("{}: expected a string", where);
  const auto &s = j.get_ref<const std::string &>();
  std::string known;
  for (const auto &e : table) {
    if (e.name == s)
      return e.value;
    known += known.empty() ? "" : ", ";
    known += e.name;
  }
  return profile_error("{}: unknown {} \"{}\" (want one of {})", where, what,
                       s, known);
}

Result<SeccompAction> parse_action(const json &j, const std::string &where) {
  if (j.is_string() && j.get_ref<const std::string &>() == "SCMP_ACT_NOTIFY")
    return profile_error("{}: SCMP_ACT_NOTIFY is not supported", where);
  return lookup(kActions, j, where, "action");
}

// A member that is present and not null: Go leaves null fields unset.
const json *member(const json &obj, const char *key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Result<std::vector<std::string>> strings(const json *j,
                                         const std::string &where) {
  std::vector<std::string> out;
  if (!j)
    return out;
  if (!j->is_array())
    return profile_error("{}: expected an array of strings", where);
  for (const auto &e : *j) {
    if (!e.is_string())
      return profile_error("{}: expected an array of strings", where);
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<uint64_t> number(const json &j, const std::string &where,
                        uint64_t max) {
  if (!j.is_number_unsigned() || j.get<uint64_t>() > max)
    return profile_error("{}: expected an integer from 0 to {}", where, max);
  return j.get<uint64_t>();
}

// "6.1" and the front of uname's "6.1.0-18-amd64"; returns what follows.
std::optional<std::string_view> major_minor(std::string_view s,
                                            KernelVersion &v) {
  const char *end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v.major);
  if (ec != std::errc() || p == end || *p != '.')
    return std::nullopt;
  auto [q, ec2] = std::from_chars(p + 1, end, v.minor);
  if (ec2 != std::errc())
    return std::nullopt;
  return std::string_view(q, end - q);
}

Result<SeccompCondition> parse_condition(const json *j,
                                         const std::string &where) {
  SeccompCondition c;
  if (!j)
    return c;
  if (!j->is_object())
    return profile_error("{}: expected an object", where);
  c.caps = TRY(strings(member(*j, "caps"), where + ".caps"));
  c.arches = TRY(strings(member(*j, "arches"), where + ".arches"));
  const json *k = member(*j, "minKernel");
  if (!k || (k->is_string() && k->get_ref<const std::string &>().empty()))
    return c; // moby reads "" as unset
  KernelVersion v;
  auto rest = k->is_string()
                  ? major_minor(k->get_ref<const std::string &>(), v)
                  : std::nullopt;
  if (!rest || !rest->empty())
    return profile_error("{}.minKernel: expected \"<major>.<minor>\"", where);
  c.min_kernel = v;
  return c;
}

Result<SeccompArg> parse_arg(const json &j, const std::string &where) {
  if (!j.is_object())
    return profile_error("{}: expected an object", where);
  SeccompArg a;
  if (const json *v = member(j, "index"))
    a.index = TRY(number(*v, where + ".index", 5));
  if (const json *v = member(j, "value"))
    a.value = TRY(number(*v, where + ".value", UINT64_MAX));
  if (const json *v = member(j, "valueTwo"))
    a.value_two = TRY(number(*v, where + ".valueTwo", UINT64_MAX));
  const json *op = member(j, "op");
  if (!op)
    return profile_error("{}.op: missing", where);
  a.op = TRY(lookup(kOps, *op, where + ".op", "operator"));
  return a;
}

Result<SeccompSyscall> parse_syscall(const json &j, const std::string &where) {
  if (!j.is_object())
    return profile_error("{}: expected an object", where);
  SeccompSyscall s;
  s.names = TRY(strings(member(j, "names"), where + ".names"));
  if (const json *n = member(j, "name")) { // the pre-"names" form
    if (!s.names.empty())
      return profile_error("{}: use either \"name\" or \"names\"", where);
    if (!n->is_string())
      return profile_error("{}.name: expected a string", where);
    s.names.push_back(n->get<std::string>());
  }
  if (s.names.empty())
    return profile_error("{}: no syscall \"names\"", where);
  if (std::find(s.names.begin(), s.names.end(), "") != s.names.end())
    return profile_error("{}.names: empty syscall name", where);
  const json *action = member(j, "action");
  if (!action)
    return profile_error("{}.action: missing", where);
  s.action = TRY(parse_action(*action, where + ".action"));
  if (const json *e = member(j, "errnoRet"))
    s.errno_ret = TRY(number(*e, where + ".errnoRet", 0xffff));
  if (const json *args = member(j, "args")) {
    if (!args->is_array())
      return profile_error("{}.args: expected an array", where);
    for (size_t i = 0; i < args->size(); i++)
      s.args.push_back(
          TRY(parse_arg((*args)[i], fmt::format("{}.args[{}]", where, i))));
  }
  s.includes = TRY(parse_condition(member(j, "includes"), where + ".includes"));
  s.excludes = TRY(parse_condition(member(j, "excludes"), where + ".excludes"));
  return s;
}

Result<SeccompProfile> parse_document(const json &doc) {
  if (!doc.is_object())
    return profile_error("expected a JSON object");
  SeccompProfile p;
  const json *def = member(doc, "defaultAction");
  if (!def)
    return profile_error("defaultAction: missing");
  p.default_action = TRY(parse_action(*def, "defaultAction"));
  if (const json *e = member(doc, "defaultErrnoRet"))
    p.default_errno_ret = TRY(number(*e, "defaultErrnoRet", 0xffff));
  p.architectures = TRY(strings(member(doc, "architectures"), "architectures"));
  if (const json *maps = member(doc, "archMap")) {
    if (!maps->is_array())
      return profile_error("archMap: expected an array");
    for (size_t i = 0; i < maps->size(); i++) {
      const json &m = (*maps)[i];
      auto where = fmt::format("archMap[{}]", i);
      const json *arch = m.is_object() ? member(m, "architecture") : nullptr;
      if (!arch || !arch->is_string())
        return profile_error("{}.architecture: expected a string", where);
      p.arch_map.push_back(
          {arch->get<std::string>(),
           TRY(strings(member(m, "subArchitectures"),
                       where + ".subArchitectures"))});
    }
  }
  if (!p.architectures.empty() && !p.arch_map.empty())
    return profile_error("use either \"architectures\" or \"archMap\"");
  if (const json *calls = member(doc, "syscalls")) {
    if (!calls->is_array())
      return profile_error("syscalls: expected an array");
    for (size_t i = 0; i < calls->size(); i++)
      p.syscalls.push_back(
          TRY(parse_syscall((*calls)[i], fmt::format("syscalls[{}]", i))));
  }
  if (const json *flags = member(doc, "flags")) {
    if (!flags->is_array())
      return profile_error("flags: expected an array of strings");
    for (size_t i = 0; i < flags->size(); i++)
      p.flags |= TRY(lookup(kFlags, (*flags)[i],
                            fmt::format("flags[{}]", i), "flag"));
  }
  return p;
}

// libseccomp's token for "SCMP_ARCH_X86_64"; 0 when unknown to it.
uint32_t arch_token(std::string_view name) {
  constexpr std::string_view prefix = "SCMP_ARCH_";
  if (!name.starts_with(prefix))
    return 0;
  std::string s(name.substr(prefix.size()));
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return seccomp_arch_resolve_name(s.c_str());
}

// The Go architecture names moby matches "arches" against.
std::string go_arch(uint32_t token) {
  constexpr std::pair<uint32_t, const char *> table[] = {
      {SCMP_ARCH_X86_64, "amd64"},     {SCMP_ARCH_X86, "386"},
      {SCMP_ARCH_AARCH64, "arm64"},    {SCMP_ARCH_ARM, "arm"},
      {SCMP_ARCH_PPC64LE, "ppc64le"},  {SCMP_ARCH_PPC64, "ppc64"},
      {SCMP_ARCH_S390X, "s390x"},      {SCMP_ARCH_S390, "s390"},
      {SCMP_ARCH_RISCV64, "riscv64"},  {SCMP_ARCH_MIPS64, "mips64"},
      {SCMP_ARCH_MIPSEL64, "mips64le"}, {SCMP_ARCH_MIPS, "mips"},
      {SCMP_ARCH_MIPSEL, "mipsle"},
  };
  for (auto [t, name] : table)
    if (t == token)
      return name;
  return "";
}

bool contains(const std::vector<std::string> &v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

uint32_t scmp_action(SeccompAction a, std::optional<uint32_t> errno_ret) {
  uint32_t e = errno_ret.value_or(EPERM);
  switch (a) {
  case SeccompAction::kill_thread: return SCMP_ACT_KILL_THREAD;
  case SeccompAction::kill_process: return SCMP_ACT_KILL_PROCESS;
  case SeccompAction::trap: return SCMP_ACT_TRAP;
  case SeccompAction::errno_ret: return SCMP_ACT_ERRNO(e);
  case SeccompAction::trace: return SCMP_ACT_TRACE(e);
  case SeccompAction::allow: return SCMP_ACT_ALLOW;
  case SeccompAction::log: return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL_PROCESS; // not reached: the switch is exhaustive
}

scmp_compare scmp_op(SeccompOp op) {
  switch (op) {
  case SeccompOp::ne: return SCMP_CMP_NE;
  case SeccompOp::lt: return SCMP_CMP_LT;
  case SeccompOp::le: return SCMP_CMP_LE;
  case SeccompOp::eq: return SCMP_CMP_EQ;
  case SeccompOp::ge: return SCMP_CMP_GE;
  case SeccompOp::gt: return SCMP_CMP_GT;
  case SeccompOp::masked_eq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ; // not reached: the switch is exhaustive
}

// The profile's "architectures", or its archMap entry for this host.
Result<std::vector<uint32_t>> filter_arches(const SeccompProfile &p) {
  std::vector<std::string> names = p.architectures;
  for (const auto &m : p.arch_map) {
    if (arch_token(m.architecture) == seccomp_arch_native()) {
      names.push_back(m.architecture);
      names.insert(names.end(), m.sub_architectures.begin(),
                   m.sub_architectures.end());
      break;
    }
  }
  std::vector<uint32_t> out;
  for (const auto &n : names) {
    uint32_t t = arch_token(n);
    if (!t)
      return profile_error("unknown architecture \"{}\"", n);
    out.push_back(t);
  }
  return out;
}

Status add_rule(scmp_filter_ctx ctx, uint32_t action, const SeccompSyscall &r) {
  std::vector<scmp_arg_cmp> conds;
  std::array<int, 6> per_arg{};
  bool repeated = false;
  for (const auto &a : r.args) {
    conds.push_back({a.index, scmp_op(a.op), a.value, a.value_two});
    repeated |= ++per_arg[a.index] > 1;
  }
  for (const auto &name : r.names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR)
      continue; // not known to this libseccomp: skipped, as runc does
    int rc = 0;
    // libseccomp cannot AND two conditions on one argument; runc then adds
    // one rule per condition.
    if (repeated) {
      for (const auto &c : conds)
        if ((rc = seccomp_rule_add_array(ctx, action, nr, 1, &c)) < 0)
          break;
    } else {
      rc = seccomp_rule_add_array(ctx, action, nr,
                                  static_cast<unsigned>(conds.size()),
                                  conds.data());
    }
    if (rc < 0)
      return profile_error("adding the rule for syscall {}: {}", name,
                           std::strerror(-rc));
  }
  return {};
}

Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(memfd_create("skiff-seccomp", MFD_CLOEXEC));
  if (!fd)
    return sys_error("seccomp: memfd_create");
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) {
    errno = -rc;
    return sys_error("seccomp: exporting the BPF program");
  }
  struct stat st;
  if (fstat(fd.get(), &st) < 0)
    return sys_error("seccomp: fstat");
  std::vector<sock_filter> prog(st.st_size / sizeof(sock_filter));
  size_t bytes = prog.size() * sizeof(sock_filter);
  if (pread(fd.get(), prog.data(), bytes, 0) != static_cast<ssize_t>(bytes))
    return sys_error("seccomp: reading the BPF program");
  return prog;
}

// runc's -ENOSYS stub, prepended to the filter: a syscall numbered above the
// highest one the profile names fails with ENOSYS instead of the default
// action, so programs probing syscalls newer than the profile fall back as
// they would on an older kernel.
constexpr uint32_t kX32Bit = 0x40000000;
constexpr int kEnosys = -1; // jump targets resolved once the stub is laid out
constexpr int kFilter = -2;

struct StubInsn {
  uint16_t code;
  int jt; // relative offset, or kEnosys / kFilter
  int jf;
  uint32_t k;
};

struct ArchLimit {
  std::optional<uint32_t> native; // highest syscall number named
  std::optional<uint32_t> x32;    // x32 shares AUDIT_ARCH_X86_64
};

std::vector<StubInsn> arch_section(uint32_t audit, const ArchLimit &lim) {
  constexpr uint16_t jgt = BPF_JMP | BPF_JGT | BPF_K;
  constexpr uint16_t jset = BPF_JMP | BPF_JSET | BPF_K;
  std::vector<StubInsn> s = {{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0}};
  // On s390 syscall 0 multiplexes numbers the kernel does not know.
  if (audit == AUDIT_ARCH_S390 || audit == AUDIT_ARCH_S390X)
    s.push_back({BPF_JMP | BPF_JEQ | BPF_K, kEnosys, 0, 0});
  if (audit == AUDIT_ARCH_X86_64 && lim.native && lim.x32) {
    s.push_back({jset, 1, 0, kX32Bit});
    s.push_back({jgt, kEnosys, kFilter, *lim.native});
  } else if (audit == AUDIT_ARCH_X86_64 && lim.native) {
    s.push_back({jset, kFilter, 0, kX32Bit});
  } else if (lim.x32) {
    s.push_back({jset, 0, kFilter, kX32Bit});
  }
  s.push_back({jgt, kEnosys, kFilter, lim.x32 ? *lim.x32 : *lim.native});
  return s;
}

Result<std::vector<sock_filter>>
enosys_stub(const std::vector<uint32_t> &arches,
            const std::vector<const SeccompSyscall *> &rules) {
  std::map<uint32_t, ArchLimit> limits; // by AUDIT_ARCH; ordered for stable output
  for (uint32_t arch : arches) {
    int top = 0;
    for (const auto *r : rules)
      for (const auto &name : r->names)
        top = std::max(top, seccomp_syscall_resolve_name_arch(arch, name.c_str()));
    if (top == 0)
      continue;
    if (arch == SCMP_ARCH_X32)
      limits[AUDIT_ARCH_X86_64].x32 = top;
    else
      limits[arch].native = top; // libseccomp's tokens are AUDIT_ARCH values
  }
  if (limits.empty())
    return std::vector<sock_filter>{};

  // ld arch; jeq <arch> -> its section, ...; ja filter; sections; ret ENOSYS
  std::vector<StubInsn> code = {{BPF_LD | BPF_W | BPF_ABS, 0, 0, 4}};
  std::vector<std::vector<StubInsn>> sections;
  for (const auto &[audit, lim] : limits)
    sections.push_back(arch_section(audit, lim));
  size_t start = 2 + limits.size(); // where the first section begins
  for (size_t i = 0; const auto &[audit, lim] : limits) {
    code.push_back({BPF_JMP | BPF_JEQ | BPF_K,
                    static_cast<int>(start - code.size() - 1), 0, audit});
    start += sections[i++].size();
  }
  code.push_back({BPF_JMP | BPF_JA, 0, 0, 0});
  size_t ja = code.size() - 1;
  for (const auto &sec : sections)
    code.insert(code.end(), sec.begin(), sec.end());
  code.push_back({BPF_RET | BPF_K, 0, 0, SCMP_ACT_ERRNO(ENOSYS)});
  const size_t enosys = code.size() - 1, filter = code.size();
  code[ja].k = static_cast<uint32_t>(filter - ja - 1);

  std::vector<sock_filter> out;
  for (size_t i = 0; i < code.size(); i++) {
    auto resolve = [&](int target) -> size_t {
      if (target == kEnosys)
        return enosys - i - 1;
      if (target == kFilter)
        return filter - i - 1;
      return static_cast<size_t>(target);
    };
    size_t jt = resolve(code[i].jt), jf = resolve(code[i].jf);
    if (jt > 255 || jf > 255)
      return profile_error("too many architectures for the ENOSYS stub");
    out.push_back({code[i].code, static_cast<uint8_t>(jt),
                   static_cast<uint8_t>(jf), code[i].k});
  }
  return out;
}

} // namespace

Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text) {
  try {
    return parse_document(json::parse(json_text));
  } catch (const json::exception &e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag.
    std::string_view what = e.what();
    if (auto tag = what.find("] "); what.starts_with('[') && tag != what.npos)
      what.remove_prefix(tag + 2);
    return profile_error("invalid JSON: {}", what);
  }
}

const SeccompProfile &default_seccomp_profile() {
  static const SeccompProfile profile = [] {
    auto r = parse_seccomp_profile(default_seccomp_profile_json());
    if (!r) { // fixed at build time and covered by the unit tests
      std::fprintf(stderr, "skiff: built-in %s\n", r.error().message.c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return profile;
}

SeccompHost seccomp_host() {
  SeccompHost h{go_arch(seccomp_arch_native()), {}};
  struct utsname u;
  if (uname(&u) == 0)
    (void)major_minor(u.release, h.kernel);
  return h;
}

std::vector<const SeccompSyscall *>
select_seccomp_rules(const SeccompProfile &profile,
                     const std::vector<std::string> &caps,
                     const SeccompHost &host) {
  auto has_cap = [&](const std::string &c) { return contains(caps, c); };
  std::vector<const SeccompSyscall *> out;
  for (const auto &r : profile.syscalls) {
    const auto &in = r.includes, &ex = r.excludes;
    bool skip =
        contains(ex.arches, host.arch) ||
        std::any_of(ex.caps.begin(), ex.caps.end(), has_cap) ||
        (ex.min_kernel && host.kernel >= *ex.min_kernel) ||
        (!in.arches.empty() && !contains(in.arches, host.arch)) ||
        !std::all_of(in.caps.begin(), in.caps.end(), has_cap) ||
        (in.min_kernel && host.kernel < *in.min_kernel);
    if (!skip)
      out.push_back(&r);
  }
  return out;
}

Result<std::vector<sock_filter>>
compile_seccomp(const SeccompProfile &profile,
                const std::vector<std::string> &caps) {
  auto rules = select_seccomp_rules(profile, caps, seccomp_host());
  auto arches = TRY(filter_arches(profile));
  uint32_t def = scmp_action(profile.default_action, profile.default_errno_ret);
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(def),
                                                        seccomp_release);
  if (!ctx)
    return profile_error("libseccomp rejected the default action");
  for (uint32_t arch : arches)
    if (int rc = seccomp_arch_add(ctx.get(), arch); rc < 0 && rc != -EEXIST)
      return profile_error("adding architecture {:#x}: {}", arch,
                           std::strerror(-rc));

  size_t names = 0;
  for (const auto *r : rules)
    names += r->names.size();
  // runc turns on the binary search tree for long profiles; it is faster at
  // run time and changes no decision.
  if (names > 32)
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (const auto *r : rules) {
    uint32_t action = scmp_action(r->action, r->errno_ret);
    if (action != def) // libseccomp refuses rules that repeat the default
      TRY_STATUS(add_rule(ctx.get(), action, *r));
  }
  auto prog = TRY(export_bpf(ctx.get()));

  bool permissive = profile.default_action == SeccompAction::allow ||
                    profile.default_action == SeccompAction::log ||
                    profile.default_action == SeccompAction::trace;
  if (!permissive && def != SCMP_ACT_ERRNO(ENOSYS)) {
    auto stub = TRY(enosys_stub(arches, rules));
    prog.insert(prog.begin(), stub.begin(), stub.end());
  }
  if (prog.size() > BPF_MAXINSNS)
    return profile_error("the compiled filter has {} instructions, over the "
                         "kernel's limit of {}", prog.size(), BPF_MAXINSNS);
  return prog;
}

int install_seccomp(const sock_filter *prog, size_t len, unsigned flags) {
  if (!prog || len == 0 || len > BPF_MAXINSNS)
    return EINVAL;
  sock_fprog fprog{static_cast<unsigned short>(len),
                   const_cast<sock_filter *>(prog)};
  // Like runc: prctl unless flags need seccomp(2), which came later.
  long rc = flags == 0
                ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0)
                : syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  return rc == 0 ? 0 : errno;
}

} // namespace skiff::runtime
