#include "core/invariant.h"

#include <cstdio>
#include <cstdlib>

namespace backbeat {

void invariant_failed(const char* expression, const char* why, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", file, line, expression, why);
  std::fflush(stderr);
  std::abort();
}

}  // namespace backbeat
