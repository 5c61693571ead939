#include "sim/batch/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace backbeat::sim::batch {

void parallel_for(int count, int jobs, const std::function<void(int)>& task,
                  const std::function<bool()>& stop) {
  std::atomic<int> next{0};
  auto worker = [&] {
    for (;;) {
      if (stop && stop()) return;
      const int i = next.fetch_add(1);
      if (i >= count) return;
      task(i);
    }
  };
  jobs = std::clamp(jobs, 1, std::max(count, 1));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

}  // namespace backbeat::sim::batch
