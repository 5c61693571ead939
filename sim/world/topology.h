// Topology: NATS servers, routes between them and the clients attached to them, on Boost.Graph.
//
// Servers and the routes between them form a Boost.Graph whose edges carry latency, jitter and
// loss. Clients (pulse nodes, the reverb, agents) are leaves attached to one server, so they are
// kept beside the graph: the latency between two clients is link(a) + shortest route(server(a),
// server(b)) + link(b). Shortest routes are recomputed (one Dijkstra per server) only when routes
// change; partitions cut routes, and connected components say which servers still reach the
// pulse.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/time.h"

namespace backbeat::sim {

struct RoutePath {
  Duration latency{};
  Duration jitter{};  // sum of the jitter bounds along the path
  double loss = 0.0;  // probability of losing a message somewhere on the path
};

class Topology {
 public:
  explicit Topology(int servers);

  int servers() const { return servers_; }

  // Adds a route between two servers (both directions).
  void add_route(int a, int b, Duration latency, Duration jitter, double loss);

  // Cuts every route with exactly one end in `side` (a partition); cleared by heal_partition().
  void partition(const std::vector<int>& side);
  void heal_partition();
  // A server that is down carries no routes.
  void set_server_down(int server, bool down);
  bool server_down(int server) const { return down_[server]; }

  // Shortest live route between two servers; nullopt when the partition separates them.
  const std::optional<RoutePath>& route(int from, int to) const {
    return routes_[static_cast<std::size_t>(from * servers_ + to)];
  }
  // Component id of each server over live routes (servers down are alone).
  const std::vector<int>& components() const { return components_; }
  bool connected(int a, int b) const {
    return components_[a] == components_[b] && !down_[a] && !down_[b];
  }

 private:
  struct Edge {
    int a, b;
    Duration latency, jitter;
    double loss;
  };
  void recompute();

  int servers_;
  std::vector<Edge> routes_edges_;
  std::vector<bool> in_partition_side_;
  bool partitioned_ = false;
  std::vector<bool> down_;
  std::vector<std::optional<RoutePath>> routes_;  // servers x servers
  std::vector<int> components_;
};

}  // namespace backbeat::sim
