#include "sim/queue/work_queue.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "sim/kernel/hash.h"

namespace backbeat::sim::queue {
namespace {

constexpr std::int64_t kNanosPerMilli = 1'000'000;
constexpr std::int64_t kDuplicateWindowNanos = 3600LL * 1000 * kNanosPerMilli;        // 1 h
constexpr std::int64_t kResultMaxAgeNanos = 7LL * 24 * 3600 * 1000 * kNanosPerMilli;  // 7 days

std::int64_t millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// One line for a failed JetStream call: nats.c's status, its last error text, the JetStream code.
Status js_error(const char* what, natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string text = fmt::format("{}: {}", what, natsStatus_GetText(s));
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') {
    text += fmt::format(" ({})", last);
  }
  if (code != 0) text += fmt::format(" [JetStream error {}]", static_cast<int>(code));
  if (s == NATS_NO_RESPONDERS || s == NATS_TIMEOUT) {
    text += "; is JetStream enabled on the server (nats-server -js)?";
    return Status::failed_precondition(text);
  }
  return Status::unavailable(text);
}

// A missing stream or consumer: nats.c says NATS_NOT_FOUND for some calls and the JetStream codes
// JSStreamNotFoundErr (10059) or JSConsumerNotFoundErr (10014) for others.
bool not_found(natsStatus s, jsErrCode code) {
  return s == NATS_NOT_FOUND || code == 10059 || code == 10014;
}

// Creates the stream `name` (file storage, the de-duplication window, `subjects`, `retention`,
// messages kept `max_age` nanoseconds, 0 = forever) unless a stream of that name exists.
Status ensure_stream(jsCtx* js, const char* name, const std::string& subjects,
                     jsRetentionPolicy retention, std::int64_t max_age) {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, js, name, nullptr, &code);
  jsStreamInfo_Destroy(info);
  if (s == NATS_OK) return Status::ok();
  if (!not_found(s, code)) return js_error(name, s, code);
  const char* subject_list[] = {subjects.c_str()};
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name;
  cfg.Subjects = subject_list;
  cfg.SubjectsLen = 1;
  cfg.Retention = retention;
  cfg.Storage = js_FileStorage;
  cfg.Duplicates = kDuplicateWindowNanos;
  cfg.MaxAge = max_age;
  info = nullptr;
  s = js_AddStream(&info, js, &cfg, nullptr, &code);
  jsStreamInfo_Destroy(info);
  // Another coordinator may have created it meanwhile: JSStreamNameExistErr (10058).
  if (s != NATS_OK && code != 10058) return js_error(name, s, code);
  return Status::ok();
}

// The INDEX of a result subject backbeat.queue.results.RUN.INDEX (decimal, no sign).
std::optional<std::uint64_t> index_of(std::string_view subject) {
  const std::size_t dot = subject.rfind('.');
  const std::string_view token = dot == std::string_view::npos ? subject : subject.substr(dot + 1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.empty() || error != std::errc() || end != token.data() + token.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

// ---- Delivery ----

Delivery::Delivery(natsMsg* msg) : msg_(msg) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg_) == NATS_OK) {
    times_delivered_ = meta->NumDelivered;
    job_sequence_ = meta->Sequence.Stream;
  }
  jsMsgMetaData_Destroy(meta);
}

Delivery::~Delivery() {
  natsMsg_Destroy(msg_);
}

std::string_view Delivery::payload() const {
  return {natsMsg_GetData(msg_), static_cast<std::size_t>(natsMsg_GetDataLength(msg_))};
}

Status Delivery::in_progress() {
  natsStatus s = natsMsg_InProgress(msg_, nullptr);
  return s == NATS_OK ? Status::ok() : js_error("in progress", s);
}

Status Delivery::ack() {
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsMsg_AckSync(msg_, nullptr, &code);
  return s == NATS_OK ? Status::ok() : js_error("ack", s, code);
}

Status Delivery::nak() {
  natsStatus s = natsMsg_Nak(msg_, nullptr);
  return s == NATS_OK ? Status::ok() : js_error("nak", s);
}

// ---- ResultReader ----

// A nats.c subscription, handed back to the transport that made it (see retire_native).
struct NativeSubscription {
  live::NatsTransport& transport;
  natsSubscription* sub = nullptr;
  explicit NativeSubscription(live::NatsTransport& t) : transport(t) {}
  NativeSubscription(const NativeSubscription&) = delete;
  NativeSubscription& operator=(const NativeSubscription&) = delete;
  ~NativeSubscription() { transport.retire_native(sub); }
};

struct ResultReader::Subscription : NativeSubscription {
  using NativeSubscription::NativeSubscription;
};

ResultReader::ResultReader(live::NatsTransport& transport, jsCtx* js, std::string subject)
    : transport_(transport), js_(js), subject_(std::move(subject)) {}
ResultReader::~ResultReader() = default;

bool ResultReader::subscribe() {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = kResultStream;
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = last_sequence_ == 0 ? js_DeliverAll : js_DeliverByStartSequence;
  so.Config.OptStartSeq = last_sequence_ + 1;
  so.Config.InactiveThreshold = 60LL * 1000 * kNanosPerMilli;  // an abandoned reader goes away
  auto sub = std::make_unique<Subscription>(transport_);
  if (js_PullSubscribe(&sub->sub, js_, subject_.c_str(), nullptr, nullptr, &so, nullptr) !=
      NATS_OK) {
    return false;
  }
  sub_ = std::move(sub);
  return true;
}

Result<std::vector<StoredResult>> ResultReader::backlog(Duration patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto out_of_time = [&] { return std::chrono::steady_clock::now() >= deadline; };
  std::uint64_t pending = 0;
  for (;;) {
    if (sub_ || subscribe()) {
      jsConsumerInfo* info = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus s = natsSubscription_GetConsumerInfo(&info, sub_->sub, nullptr, &code);
      if (s == NATS_OK) pending = info->NumPending;
      jsConsumerInfo_Destroy(info);
      if (s == NATS_OK) break;
      sub_.reset();
      if (out_of_time()) return js_error("reading back the results", s, code);
    } else if (out_of_time()) {
      return js_error("reading back the results", NATS_TIMEOUT);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::vector<StoredResult> out;
  // Stored results arrive at once; a fetch that times out means some expired meanwhile (MaxAge),
  // and what the main loop reads later is read in order after these anyway.
  while (out.size() < pending) {
    std::vector<StoredResult> batch = next(std::chrono::seconds(1));
    if (batch.empty()) break;
    for (StoredResult& r : batch) out.push_back(std::move(r));
  }
  return out;
}

std::vector<StoredResult> ResultReader::next(Duration wait) {
  std::vector<StoredResult> out;
  if (!sub_ && !subscribe()) {
    std::this_thread::sleep_for(std::min<Duration>(wait, std::chrono::milliseconds(200)));
    return out;
  }
  natsMsgList list{};
  natsStatus s = natsSubscription_Fetch(&list, sub_->sub, 256,
                                        std::max<std::int64_t>(1, millis(wait)), nullptr);
  if (s == NATS_OK) {
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* msg = list.Msgs[i];
      jsMsgMetaData* meta = nullptr;
      if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        // A resubscription may hand back what was read: keep to the stream's order.
        if (meta->Sequence.Stream > last_sequence_) {
          last_sequence_ = meta->Sequence.Stream;
          out.push_back({index_of(natsMsg_GetSubject(msg)),
                         std::string(natsMsg_GetData(msg),
                                     static_cast<std::size_t>(natsMsg_GetDataLength(msg)))});
        }
      }
      jsMsgMetaData_Destroy(meta);
    }
    natsMsgList_Destroy(&list);
  } else if (s != NATS_TIMEOUT) {
    sub_.reset();  // the consumer may be gone (server restart): start again after the last read
  }
  return out;
}

// ---- WorkQueue ----

struct WorkQueue::Puller : NativeSubscription {
  using NativeSubscription::NativeSubscription;
};

Result<std::unique_ptr<WorkQueue>> WorkQueue::connect(const live::NatsOptions& options) {
  std::unique_ptr<WorkQueue> q(new WorkQueue());
  Result<std::unique_ptr<live::NatsTransport>> t = live::NatsTransport::connect(options, q->loop_);
  if (!t) return t.status();
  q->transport_ = std::move(t).value();
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 5000;  // ms for each JetStream API answer: a restarting server needs a few seconds
  if (natsStatus s = natsConnection_JetStream(&q->js_, q->transport_->native_connection(), &jo);
      s != NATS_OK) {
    return js_error("JetStream context", s);
  }
  return q;
}

WorkQueue::~WorkQueue() {
  puller_.reset();
  jsCtx_Destroy(js_);
}

Status WorkQueue::ensure(Duration ack_wait) {
  if (Status s = ensure_stream(js_, kJobStream, std::string(kJobSubjectPrefix) + "*",
                               js_WorkQueuePolicy, 0);
      !s) {
    return s;
  }
  if (Status s = ensure_stream(js_, kResultStream, std::string(kResultSubjectPrefix) + ">",
                               js_LimitsPolicy, kResultMaxAgeNanos);
      !s) {
    return s;
  }

  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = kWorkerConsumer;
  cc.AckPolicy = js_AckExplicit;
  cc.AckWait = millis(ack_wait) * kNanosPerMilli;
  cc.MaxAckPending = -1;
  jsConsumerInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetConsumerInfo(&info, js_, kJobStream, kWorkerConsumer, nullptr, &code);
  const bool exists = s == NATS_OK;
  const bool same = exists && info->Config->AckWait == cc.AckWait;
  jsConsumerInfo_Destroy(info);
  info = nullptr;
  if (same) return Status::ok();
  if (!exists && !not_found(s, code)) return js_error(kWorkerConsumer, s, code);
  s = exists ? js_UpdateConsumer(&info, js_, kJobStream, &cc, nullptr, &code)
             : js_AddConsumer(&info, js_, kJobStream, &cc, nullptr, &code);
  jsConsumerInfo_Destroy(info);
  return s == NATS_OK ? Status::ok() : js_error(kWorkerConsumer, s, code);
}

Result<Duration> WorkQueue::ack_wait() {
  jsConsumerInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetConsumerInfo(&info, js_, kJobStream, kWorkerConsumer, nullptr, &code);
  if (not_found(s, code)) {
    return Status::not_found(
        fmt::format("no consumer {} on stream {} yet (a coordinator creates "
                    "it: sweep/tune --nats)",
                    kWorkerConsumer, kJobStream));
  }
  if (s != NATS_OK) return js_error(kWorkerConsumer, s, code);
  const Duration wait =
      std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(info->Config->AckWait));
  jsConsumerInfo_Destroy(info);
  return wait;
}

Status WorkQueue::publish(const std::string& subject, const std::string& msg_id,
                          std::string_view payload) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  jsPubAck* ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_Publish(&ack, js_, subject.c_str(), payload.data(),
                            static_cast<int>(payload.size()), &po, &code);
  jsPubAck_Destroy(ack);
  return s == NATS_OK ? Status::ok() : js_error(subject.c_str(), s, code);
}

Status WorkQueue::publish_job(std::string_view run_id, std::uint64_t index,
                              std::string_view payload, std::uint64_t attempt) {
  return publish(fmt::format("{}{}", kJobSubjectPrefix, run_id),
                 attempt == 0 ? fmt::format("{}.{}", run_id, index)
                              : fmt::format("{}.{}.r{}", run_id, index, attempt),
                 payload);
}

Status WorkQueue::publish_result(std::string_view run_id, std::uint64_t index,
                                 std::uint64_t job_sequence, std::string_view build,
                                 std::string_view payload) {
  return publish(fmt::format("{}{}.{}", kResultSubjectPrefix, run_id, index),
                 fmt::format("{}.{}.j{}.{:016x}", run_id, index, job_sequence, fnv1a64(build)),
                 payload);
}

Status WorkQueue::publish_failure(std::string_view run_id, std::uint64_t index,
                                  std::uint64_t job_sequence, std::string_view worker,
                                  std::uint64_t delivery, std::string_view payload) {
  return publish(fmt::format("{}{}.{}", kResultSubjectPrefix, run_id, index),
                 fmt::format("{}.{}.j{}.failed.{:016x}.{}", run_id, index, job_sequence,
                             fnv1a64(worker), delivery),
                 payload);
}

Result<std::optional<std::unique_ptr<Delivery>>> WorkQueue::take(Duration wait) {
  if (!puller_) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = kJobStream;
    so.Consumer = kWorkerConsumer;  // bind: the coordinator created it
    auto p = std::make_unique<Puller>(*transport_);
    jsErrCode code = static_cast<jsErrCode>(0);
    const std::string subject = std::string(kJobSubjectPrefix) + "*";
    if (natsStatus s =
            js_PullSubscribe(&p->sub, js_, subject.c_str(), kWorkerConsumer, nullptr, &so, &code);
        s != NATS_OK) {
      return js_error("pull subscription to consumer backbeat-workers", s, code);
    }
    puller_ = std::move(p);
  }
  natsMsgList list{};
  natsStatus s = natsSubscription_Fetch(&list, puller_->sub, 1,
                                        std::max<std::int64_t>(1, millis(wait)), nullptr);
  if (s == NATS_TIMEOUT) return std::optional<std::unique_ptr<Delivery>>();
  if (s != NATS_OK) {
    puller_.reset();  // subscribe again next time (the server may have restarted)
    return js_error("fetch", s);
  }
  std::optional<std::unique_ptr<Delivery>> out;
  for (int i = 0; i < list.Count; ++i) {
    if (!out) {
      out = std::unique_ptr<Delivery>(new Delivery(list.Msgs[i]));
      list.Msgs[i] = nullptr;  // owned by the Delivery now
    }
  }
  natsMsgList_Destroy(&list);
  return out;
}

std::unique_ptr<ResultReader> WorkQueue::results(std::string_view run_id) {
  return std::unique_ptr<ResultReader>(
      new ResultReader(*transport_, js_, fmt::format("{}{}.*", kResultSubjectPrefix, run_id)));
}

}  // namespace backbeat::sim::queue
