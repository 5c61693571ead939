#include "reports/svg.h"

#include <fmt/format.h>

#include <cmath>

#include "sim/batch/junit.h"

namespace backbeat::reports::svg {

std::string escape(std::string_view text) {
  return sim::batch::xml_escape(text);
}

std::vector<double> ticks(double lo, double hi, int count) {
  std::vector<double> out;
  if (!(hi > lo) || count < 1) return {lo};
  double raw = (hi - lo) / count;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return out;
}

std::string num(double v) {
  if (std::abs(v) >= 10000) return fmt::format("{:g}k", std::round(v / 100) / 10);
  return fmt::format("{:g}", std::round(v * 1000) / 1000);
}

Plot::Plot(double width, double height, double x0, double x1, double y0, double y1)
    : width_(width),
      height_(height),
      x0_(x0),
      x1_(x1 > x0 ? x1 : x0 + 1),
      y0_(y0),
      y1_(y1 > y0 ? y1 : y0 + 1) {}

double Plot::x(double v) const {
  return left_ + (v - x0_) / (x1_ - x0_) * (right() - left_);
}

double Plot::y(double v) const {
  return bottom() - (v - y0_) / (y1_ - y0_) * (bottom() - top_);
}

std::string Plot::open(std::string_view label, std::string_view x_label,
                       std::string_view y_label) const {
  std::string s = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {:g} {:g}\" role=\"img\" aria-label=\"{}\">"
      "<title>{}</title>\n",
      width_, height_, escape(label), escape(label));
  for (double t : ticks(y0_, y1_)) {
    s += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        left_, right(), y(t), y(t), left_ - 5, y(t) + 4, num(t));
  }
  for (double t : ticks(x0_, x1_, 8)) {
    s += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
        x(t), x(t), top_, bottom(), x(t), bottom() + 15, num(t));
  }
  s += fmt::format(
      "<rect class=\"frame\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
      left_, top_, right() - left_, bottom() - top_);
  s +=
      fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>",
                  (left_ + right()) / 2, height_ - 4, escape(x_label));
  s += fmt::format(
      "<text class=\"axis\" transform=\"translate(12 {:.1f}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      (top_ + bottom()) / 2, escape(y_label));
  return s;
}

}  // namespace backbeat::reports::svg
