// Topic: the port Check-Stock publishes alerts to (the local outbox, or SNS
// on AWS). Publishing an alert whose id was already published must be
// harmless: either ignored (local outbox) or left to the receivers'
// de-duplication by id (SNS standard topics).
// Thread-safety: implementations must allow concurrent Publish calls.
#ifndef INVTRACK_FUNCTIONS_TOPIC_H_
#define INVTRACK_FUNCTIONS_TOPIC_H_

#include <cstddef>
#include <span>

#include "core/alert.h"
#include "core/status.h"

namespace invtrack {

class Topic {
 public:
  Topic() = default;
  Topic(const Topic&) = delete;
  Topic& operator=(const Topic&) = delete;
  virtual ~Topic() = default;

  // Publishes `alerts` in order. On return *published holds how many leading
  // alerts were accepted (all of them when OK); the rest were not.
  virtual Status Publish(std::span<const Alert> alerts, size_t* published) = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_TOPIC_H_
