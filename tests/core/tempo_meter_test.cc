#include "core/tempo_meter.h"

#include <gtest/gtest.h>

namespace backbeat {
namespace {

Time at_seconds(double s) {
  return Time(from_seconds(s));
}

TEST(TempoMeterTest, NoMeasurementBeforeTwoBeats) {
  TempoMeter meter;
  EXPECT_FALSE(meter.measured_bpm().has_value());
  meter.record(0, at_seconds(0), 2.0);
  EXPECT_FALSE(meter.measured_bpm().has_value());
  EXPECT_EQ(meter.drift(), Duration::zero());
}

TEST(TempoMeterTest, SteadyBeatsMeasureTheAdvertisedTempoWithNoDrift) {
  TempoMeter meter;
  for (int i = 0; i < 20; ++i) meter.record(i, at_seconds(30.0 * i), 2.0);
  ASSERT_TRUE(meter.measured_bpm().has_value());
  EXPECT_NEAR(*meter.measured_bpm(), 2.0, 1e-9);
  EXPECT_EQ(meter.drift(), Duration::zero());
  EXPECT_EQ(meter.samples(), 16u);
}

TEST(TempoMeterTest, SlowPulseMeasuresLowerTempoAndPositiveDrift) {
  TempoMeter meter;
  for (int i = 0; i < 16; ++i) meter.record(i, at_seconds(30.3 * i), 2.0);
  EXPECT_NEAR(*meter.measured_bpm(), 60.0 / 30.3, 1e-9);
  // Offsets 0, 0.3, ..., 4.5 s: mean 2.25 s, late = positive.
  EXPECT_NEAR(to_seconds(meter.drift()), 2.25, 1e-6);
}

TEST(TempoMeterTest, SkippedBeatsKeepTheScheduleAligned) {
  TempoMeter meter;
  meter.record(0, at_seconds(0), 2.0);
  meter.record(5, at_seconds(150), 2.0);  // beats 1..4 never seen
  meter.record(6, at_seconds(180), 2.0);
  EXPECT_NEAR(*meter.measured_bpm(), 2.0, 1e-9);
  EXPECT_EQ(meter.drift(), Duration::zero());
}

TEST(TempoMeterTest, OutOfOrderRecordsAreIgnored) {
  TempoMeter meter;
  meter.record(3, at_seconds(90), 2.0);
  meter.record(2, at_seconds(60), 2.0);
  meter.record(3, at_seconds(95), 2.0);
  EXPECT_EQ(meter.samples(), 1u);
}

TEST(TempoMeterTest, ClassificationFollowsTheThresholds) {
  DriftThresholds t;  // 50 ms, warning up to 200 ms
  EXPECT_EQ(classify_drift(std::chrono::milliseconds(0), t), TempoDrift::kAcceptable);
  EXPECT_EQ(classify_drift(std::chrono::milliseconds(50), t), TempoDrift::kAcceptable);
  EXPECT_EQ(classify_drift(std::chrono::milliseconds(-51), t), TempoDrift::kWarning);
  EXPECT_EQ(classify_drift(std::chrono::milliseconds(200), t), TempoDrift::kWarning);
  EXPECT_EQ(classify_drift(std::chrono::milliseconds(201), t), TempoDrift::kCritical);
  EXPECT_STREQ(tempo_drift_name(TempoDrift::kWarning), "warning");
}

}  // namespace
}  // namespace backbeat
