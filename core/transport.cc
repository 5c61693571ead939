#include "core/transport.h"

namespace backbeat {

const char* connection_event_name(ConnectionEvent event) {
  switch (event) {
    case ConnectionEvent::kDisconnected:
      return "disconnected";
    case ConnectionEvent::kReconnected:
      return "reconnected";
    case ConnectionEvent::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace backbeat
