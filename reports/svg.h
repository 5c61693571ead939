// Hand-written SVG for the HTML report: a plot frame with linear axes, and text escaping.
// Colours come from CSS classes (report_html's stylesheet), so charts follow light and dark mode.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backbeat::reports::svg {

// Escapes & < > " ' for HTML text and attribute values; the XML rules of sim/batch/junit.h
// (xml_escape: no control characters, valid UTF-8), so inline SVG stays well-formed too.
std::string escape(std::string_view text);

// "Nice" tick values covering [lo, hi] (about `count` of them).
std::vector<double> ticks(double lo, double hi, int count = 5);

// Short number text: 12, 1.5, 0.25, 12k.
std::string num(double v);

// A plot area inside an SVG of width x height with margins, mapping data to pixels.
class Plot {
 public:
  Plot(double width, double height, double x0, double x1, double y0, double y1);

  double x(double v) const;
  double y(double v) const;
  double left() const { return left_; }
  double right() const { return width_ - right_margin_; }
  double top() const { return top_; }
  double bottom() const { return height_ - bottom_margin_; }

  // "<svg ...>" with role/aria-label, then the grid, axes and tick labels.
  std::string open(std::string_view label, std::string_view x_label,
                   std::string_view y_label) const;
  static std::string close() { return "</svg>\n"; }

 private:
  double width_, height_;
  double x0_, x1_, y0_, y1_;
  double left_ = 52, top_ = 14, right_margin_ = 16, bottom_margin_ = 38;
};

}  // namespace backbeat::reports::svg
