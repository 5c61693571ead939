#include "sim/world/topology.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "core/invariant.h"

namespace backbeat::sim {
namespace {

struct EdgeProps {
  std::int64_t latency_ns;
  std::int64_t jitter_ns;
  double loss;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, EdgeProps>;

}  // namespace

Topology::Topology(int servers)
    : servers_(servers),
      in_partition_side_(static_cast<std::size_t>(servers), false),
      down_(static_cast<std::size_t>(servers), false) {
  recompute();
}

void Topology::add_route(int a, int b, Duration latency, Duration jitter, double loss) {
  BACKBEAT_ASSERT(a >= 0 && a < servers_ && b >= 0 && b < servers_, "a route joins two servers");
  routes_edges_.push_back({a, b, latency, jitter, loss});
  recompute();
}

void Topology::partition(const std::vector<int>& side) {
  std::fill(in_partition_side_.begin(), in_partition_side_.end(), false);
  for (int s : side) {
    if (s >= 0 && s < servers_) in_partition_side_[s] = true;
  }
  partitioned_ = true;
  recompute();
}

void Topology::heal_partition() {
  partitioned_ = false;
  recompute();
}

void Topology::set_server_down(int server, bool down) {
  BACKBEAT_ASSERT(server >= 0 && server < servers_, "the server exists");
  down_[server] = down;
  recompute();
}

void Topology::recompute() {
  // Only servers and live routes matter for routing: clients are leaves on their server.
  Graph graph(static_cast<std::size_t>(servers_));
  for (const Edge& e : routes_edges_) {
    if (down_[e.a] || down_[e.b]) continue;
    if (partitioned_ && in_partition_side_[e.a] != in_partition_side_[e.b]) continue;
    boost::add_edge(static_cast<std::size_t>(e.a), static_cast<std::size_t>(e.b),
                    EdgeProps{e.latency.count(), e.jitter.count(), e.loss}, graph);
  }
  components_.assign(static_cast<std::size_t>(servers_), 0);
  boost::connected_components(graph, components_.data());

  routes_.assign(static_cast<std::size_t>(servers_ * servers_), std::nullopt);
  std::vector<std::int64_t> distance(static_cast<std::size_t>(servers_));
  std::vector<std::size_t> predecessor(static_cast<std::size_t>(servers_));
  for (int from = 0; from < servers_; ++from) {
    if (down_[from]) continue;
    boost::dijkstra_shortest_paths(graph, static_cast<std::size_t>(from),
                                   boost::weight_map(boost::get(&EdgeProps::latency_ns, graph))
                                       .distance_map(distance.data())
                                       .predecessor_map(predecessor.data())
                                       .distance_inf(std::numeric_limits<std::int64_t>::max()));
    for (int to = 0; to < servers_; ++to) {
      if (down_[to] || distance[to] == std::numeric_limits<std::int64_t>::max()) continue;
      RoutePath path;
      path.latency = Duration(distance[to]);
      double survive = 1.0;
      // Walk back along the shortest path to add up jitter and loss.
      for (std::size_t v = static_cast<std::size_t>(to); v != static_cast<std::size_t>(from);
           v = predecessor[v]) {
        auto [edge, found] = boost::edge(predecessor[v], v, graph);
        if (!found) break;
        path.jitter += Duration(graph[edge].jitter_ns);
        survive *= 1.0 - graph[edge].loss;
      }
      path.loss = 1.0 - survive;
      routes_[static_cast<std::size_t>(from * servers_ + to)] = path;
    }
  }
}

}  // namespace backbeat::sim
