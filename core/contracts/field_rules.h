// Value rules that several contract messages share (docs/contracts.md), with the words error
// messages use for them. Rules used by one message only live with that message.
#pragma once

#include <string_view>

namespace backbeat {

// cluster_id: 1..64 characters of [A-Za-z0-9_-].
bool is_cluster_id(std::string_view text);
inline constexpr std::string_view kClusterIdRule = "a string of 1..64 characters [A-Za-z0-9_-]";

// agent_id, task_id and dependency entries: 1..128 characters of [A-Za-z0-9_:-].
bool is_agent_id(std::string_view text);
inline constexpr std::string_view kAgentIdRule = "a string of 1..128 characters [A-Za-z0-9_:-]";

// window_id: exactly 32 hex digits, either case.
bool is_window_id(std::string_view text);
inline constexpr std::string_view kWindowIdRule = "a string of exactly 32 hex digits";

inline constexpr std::string_view kHlcRule = "a string HHHH:HHHH:HHHH of hex digits";

}  // namespace backbeat
