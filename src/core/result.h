// Result<T>: a value or the Status explaining why there is none. A stand-in
// for C++23 std::expected, which g++ 12 does not offer under -std=c++20.
// Thread-safety: a value type, like the T it holds.
#ifndef INVTRACK_CORE_RESULT_H_
#define INVTRACK_CORE_RESULT_H_

#include <cassert>
#include <utility>
#include <variant>

#include "core/status.h"

namespace invtrack {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok() (an OK Result must hold a value).
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok());
  }
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }

  // The error, or OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(state_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace invtrack

// Returns early from the enclosing function when `expr` (a Status) failed.
#define INVTRACK_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::invtrack::Status invtrack_status_ = (expr);        \
    if (!invtrack_status_.ok()) return invtrack_status_; \
  } while (0)

#endif  // INVTRACK_CORE_RESULT_H_
