// Errors as values: every fallible call returns Result<T>; the CLI turns an
// Error into one line of text and an exit code, nowhere else.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace skiff {

// Exit codes follow the Docker CLI.
inline constexpr int kExitRuntime = 125;
inline constexpr int kExitCannotInvoke = 126;
inline constexpr int kExitNotFound = 127;

enum class Errc {
  failed,        // generic failure
  not_found,     // a named object (container, image, volume) does not exist
  exists,        // a name is already taken
  invalid,       // bad user input
  conflict,      // state does not allow the operation (running, in use)
  system,        // a syscall failed
  usage,         // a bad flag value refused before anything runs: Docker's
                 // CLI exits 125 for it in every command
  cancelled,     // stopped by the user (a build's SIGINT)
};

struct Error {
  Errc code = Errc::failed;
  std::string message;
  int exit_code = kExitRuntime;
  int sys_errno = 0;  // a failed syscall's errno (sys_error), for Go's words

  // Adds context in front: "loading image: <message>".
  Error &wrap(std::string_view what) {
    message = fmt::format("{}: {}", what, message);
    return *this;
  }
};

template <typename... A>
Error make_error(Errc code, fmt::format_string<A...> f, A &&...args) {
  return Error{code, fmt::format(f, std::forward<A>(args)...), kExitRuntime};
}

// A failed syscall: "<what>: <strerror(errno)>", errno captured at the call.
template <typename... A>
Error sys_error(fmt::format_string<A...> f, A &&...args) {
  int e = errno;
  return Error{Errc::system,
               fmt::format("{}: {}", fmt::format(f, std::forward<A>(args)...),
                           std::strerror(e)),
               kExitRuntime, e};
}

// errno as Go words it ("no such file or directory"), which Docker's
// messages quote.
inline std::string go_strerror(int e) {
  std::string s = std::strerror(e);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z')
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

template <typename T> class [[nodiscard]] Result {
public:
  Result(T v) : v_(std::move(v)) {}
  Result(Error e) : v_(std::move(e)) {}
  explicit operator bool() const { return v_.index() == 0; }
  bool ok() const { return v_.index() == 0; }
  T &operator*() & { return std::get<0>(v_); }
  T &&operator*() && { return std::get<0>(std::move(v_)); }
  const T &operator*() const & { return std::get<0>(v_); }
  T *operator->() { return &std::get<0>(v_); }
  const T *operator->() const { return &std::get<0>(v_); }
  const Error &error() const & { return std::get<1>(v_); }
  Error &&error() && { return std::get<1>(std::move(v_)); }
  T value_or(T d) const { return ok() ? std::get<0>(v_) : std::move(d); }

private:
  std::variant<T, Error> v_;
};

template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error e) : e_(std::move(e)), ok_(false) {}
  explicit operator bool() const { return ok_; }
  bool ok() const { return ok_; }
  const Error &error() const & { return e_; }
  Error &&error() && { return std::move(e_); }

private:
  Error e_;
  bool ok_ = true;
};

using Status = Result<void>;

} // namespace skiff

// Propagates an error to the caller; yields the value otherwise (GNU
// statement expression, supported by g++ and clang).
#define TRY(expr)                                                              \
  ({                                                                           \
    auto &&try_r_ = (expr);                                                    \
    if (!try_r_)                                                               \
      return std::move(try_r_).error();                                        \
    std::move(*try_r_);                                                        \
  })

#define TRY_STATUS(expr)                                                       \
  do {                                                                         \
    auto &&try_s_ = (expr);                                                    \
    if (!try_s_)                                                               \
      return std::move(try_s_).error();                                        \
  } while (0)
