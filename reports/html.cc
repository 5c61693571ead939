// report.html: one self-contained page. Inline stylesheet (light and dark through
// prefers-color-scheme), inline SVG charts drawn here by hand, and a few lines of inline script
// that sort tables on a header click. No URL of any kind, no fonts beyond the system's.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/integration.h"  // kHealthClaimEveryBeats, named by the bar chart
#include "reports/report.h"
#include "reports/svg.h"

namespace backbeat::reports {
namespace {

using svg::escape;
using svg::num;

constexpr const char* kStyle = R"css(
:root{color-scheme:light dark;--bg:#fbfbfd;--fg:#1d1d22;--muted:#5d6170;--card:#ffffff;
--line:#d9dbe3;--grid:#eceef3;--accent:#2563eb;--accent2:#0f9d7a;--pass:#13803d;--fail:#c0262d;
--warn:#b45309;--fault:#f59e0b;--disc:#dc2626;--degr:#7c3aed}
@media (prefers-color-scheme:dark){:root{--bg:#15161a;--fg:#e7e8ee;--muted:#a0a4b4;--card:#1e2026;
--line:#363944;--grid:#2a2c34;--accent:#6ea8ff;--accent2:#3fd0a4;--pass:#4ade80;--fail:#f87171;
--warn:#fbbf24;--fault:#fbbf24;--disc:#f87171;--degr:#a78bfa}}
*{box-sizing:border-box}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1160px;margin:0 auto}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px}
p.meta,p.note{color:var(--muted);margin:4px 0}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:600;font-size:12px;
color:#fff;vertical-align:middle}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.none{background:var(--muted)}
@media (prefers-color-scheme:dark){.badge{color:#111}}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .frame{fill:none;stroke:var(--line)}
svg .tick{fill:var(--muted);font-size:11px}
svg .axis{fill:var(--muted);font-size:11px}
svg .label{fill:var(--fg);font-size:11px}
svg .cdf{fill:none;stroke:var(--accent);stroke-width:2}
svg .budget{stroke:var(--fail);stroke-width:2;stroke-dasharray:6 4}
svg .budget.ok{stroke:var(--pass)}
svg .pline{stroke:var(--muted);stroke-width:1;stroke-dasharray:2 3}
svg .adv{fill:none;stroke:var(--accent);stroke-width:2;stroke-dasharray:8 5}
svg .meas{fill:none;stroke:var(--accent2);stroke-width:2.5}
svg .drift{fill:none;stroke:var(--warn);stroke-width:1.5}
svg .zero{stroke:var(--muted);stroke-width:1}
svg .w-fault{fill:var(--fault);opacity:.22}svg .w-disconnect{fill:var(--disc);opacity:.22}
svg .w-degradation{fill:var(--degr);opacity:.22}
.caption{font-size:.85em;opacity:.8;margin:.2em 0 .5em}svg .bar{fill:var(--accent);opacity:.75}svg .bar.issue{fill:var(--warn);opacity:.9}
svg .ontime{fill:none;stroke:var(--accent2);stroke-width:1.5}
svg .m-delivered{fill:var(--accent)}svg .m-published{fill:var(--accent2)}
svg .m-refused{fill:var(--warn)}svg .m-dropped{fill:var(--fail)}
svg .lane{fill:none;stroke:var(--grid)}svg .m-op{fill:var(--muted)}svg .m-fail{fill:var(--fail)}
svg .first{stroke:var(--fail);stroke-width:1.5;stroke-dasharray:4 3}
.legend{display:flex;flex-wrap:wrap;gap:12px;color:var(--muted);font-size:12px;margin:4px 0 0}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child,td.t,th.t{text-align:left}
th{cursor:pointer;user-select:none;color:var(--muted);font-weight:600}
th:hover{color:var(--fg)}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.pass{color:var(--pass);font-weight:600}td.fail{color:var(--fail);font-weight:600}
.scroll{overflow-x:auto;max-height:560px;overflow-y:auto;border:1px solid var(--line);border-radius:6px}
)css";

constexpr const char* kScript = R"js(
(function(){
function key(cell){var v=cell.getAttribute('data-v');return v===null?cell.textContent.trim():v;}
function sortBy(th){
var table=th.closest('table');var body=table.tBodies[0];
var col=Array.prototype.indexOf.call(th.parentNode.children,th);
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(th.parentNode.children,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
var nx=parseFloat(x),ny=parseFloat(y);
var c=(!isNaN(nx)&&!isNaN(ny)&&isFinite(x)&&isFinite(y))?nx-ny:x.localeCompare(y);
return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});}
document.querySelectorAll('table.sortable th').forEach(function(th){
th.tabIndex=0;th.title='Sort';
th.addEventListener('click',function(){sortBy(th);});
th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(th);}});});
})();
)js";

std::string badge(const std::string& verdict) {
  return fmt::format("<span class=\"badge {}\">{}</span>", escape(verdict), escape(verdict));
}

std::string opt_cell(const std::optional<std::int64_t>& v) {
  return v ? fmt::format("<td>{}</td>", *v) : "<td data-v=\"-1\">-</td>";
}

// The distribution (CDF) of beats-to-complete of one type, its budget and percentile lines.
std::string cdf_chart(const TypeDistribution& t) {
  std::string s;
  double total = static_cast<double>(t.completed);
  std::int64_t max_beats = t.max.value_or(0);
  double x1 = static_cast<double>(std::max<std::int64_t>(max_beats, t.budget_beats) + 1);
  svg::Plot plot(400, 220, 0, x1, 0, 1);
  s += plot.open(
      fmt::format("Beats to complete, {}: cumulative share of completed operations", t.type),
      "beats to complete", "share completed");
  double q = t.verdict_percentile / 100.0;
  s += fmt::format(
      "<line class=\"pline\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
      "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">p{}</text>\n",
      plot.left(), plot.right(), plot.y(q), plot.y(q), plot.left() + 4, plot.y(q) - 3,
      num(t.verdict_percentile));
  if (total > 0) {
    std::string path = fmt::format("M{:.1f},{:.1f}", plot.x(0), plot.y(0));
    double cum = 0;
    for (const auto& [beats, count] : t.histogram) {
      double bx = plot.x(static_cast<double>(beats));
      path += fmt::format(" H{:.1f}", bx);
      cum += static_cast<double>(count);
      path += fmt::format(" V{:.1f}", plot.y(cum / total));
    }
    path += fmt::format(" H{:.1f}", plot.right());
    s += fmt::format("<path class=\"cdf\" d=\"{}\"><title>CDF of {} completed</title></path>\n",
                     path, t.completed);
  } else {
    s += fmt::format(
        "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">no "
        "completed operations</text>\n",
        (plot.left() + plot.right()) / 2, (plot.top() + plot.bottom()) / 2);
  }
  bool ok = t.verdict != "fail";
  double bx = plot.x(static_cast<double>(t.budget_beats));
  s += fmt::format(
      "<line class=\"budget{}\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\">"
      "<title>budget {} beats</title></line>"
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">budget {}</text>\n",
      ok ? " ok" : "", bx, bx, plot.top(), plot.bottom(), t.budget_beats, bx - 4, plot.bottom() - 8,
      t.budget_beats);
  s += svg::Plot::close();
  return s;
}

struct Shading {
  const std::vector<Window>* windows;
  const char* css;
  const char* what;
};

std::string shade(const svg::Plot& plot, const std::vector<Shading>& shadings) {
  std::string s;
  for (const Shading& sh : shadings) {
    for (const Window& w : *sh.windows) {
      double x0 = plot.x(w.start_s), x1 = std::max(plot.x(w.end_s), x0 + 1.5);
      std::string who = w.agents > 0 ? fmt::format(", {} agent window(s)", w.agents)
                                     : fmt::format(" on {}", w.label);
      s += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
          "<title>{} {:g}-{:g} s{}</title></rect>\n",
          sh.css, x0, plot.top(), x1 - x0, plot.bottom() - plot.top(), escape(sh.what), w.start_s,
          w.end_s, escape(who));
    }
  }
  return s;
}

// At most ~1,500 points per line.
std::size_t stride(std::size_t n) {
  return std::max<std::size_t>(1, n / 1500);
}

std::string tempo_charts(const Report& r, const std::vector<Shading>& shadings) {
  std::string s;
  double x1 = std::max(r.sim_time_s, 1.0);
  double lo = 1e300, hi = -1e300, adv_lo = 1e300, adv_hi = -1e300;
  for (const TempoPoint& p : r.tempo) {
    adv_lo = std::min(adv_lo, p.advertised_bpm);
    adv_hi = std::max(adv_hi, p.advertised_bpm);
  }
  if (r.tempo.empty()) adv_lo = adv_hi = r.tempo_bpm;
  for (const TempoPoint& p : r.tempo) {
    for (double v : {p.advertised_bpm, p.measured_bpm}) {
      if (v <= 0 || v < adv_lo * 0.5 || v > adv_hi * 1.5) continue;  // outliers are clipped
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) lo = hi = r.tempo_bpm;
  double pad = std::max((hi - lo) * 0.1, hi * 0.01);
  svg::Plot bpm(1100, 260, 0, x1, lo - pad, hi + pad);
  s += "<div class=\"card\"><h3>Tempo: advertised vs measured (BPM)</h3>";
  s += bpm.open("Advertised and measured tempo over time",
                fmt::format("{} time (s)", clock_name(r)), "BPM");
  s += shade(bpm, shadings);
  std::string adv, meas;
  std::size_t step = stride(r.tempo.size());
  for (std::size_t i = 0; i < r.tempo.size(); i += step) {
    const TempoPoint& p = r.tempo[i];
    adv += fmt::format("{}{:.1f},{:.1f}", adv.empty() ? "" : " ", bpm.x(p.at_s),
                       bpm.y(p.advertised_bpm));
    if (p.measured_bpm > 0) {
      double v = std::clamp(p.measured_bpm, lo - pad, hi + pad);
      meas += fmt::format("{}{:.1f},{:.1f}", meas.empty() ? "" : " ", bpm.x(p.at_s), bpm.y(v));
    }
  }
  if (!meas.empty()) s += fmt::format("<polyline class=\"meas\" points=\"{}\"/>\n", meas);
  if (!adv.empty()) s += fmt::format("<polyline class=\"adv\" points=\"{}\"/>\n", adv);
  s += svg::Plot::close();

  double dlo = 0, dhi = 0;
  for (const TempoPoint& p : r.tempo) {
    dlo = std::min(dlo, p.drift_ms);
    dhi = std::max(dhi, p.drift_ms);
  }
  double dpad = std::max((dhi - dlo) * 0.1, 1.0);
  svg::Plot drift(1100, 200, 0, x1, dlo - dpad, dhi + dpad);
  s += "<h3>Drift from the advertised schedule (ms; positive = late: pulse slow)</h3>";
  s += drift.open("Tempo drift over time", fmt::format("{} time (s)", clock_name(r)), "drift (ms)");
  s += shade(drift, shadings);
  s += fmt::format("<line class=\"zero\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>",
                   drift.left(), drift.right(), drift.y(0), drift.y(0));
  std::string d;
  for (std::size_t i = 0; i < r.tempo.size(); i += step) {
    const TempoPoint& p = r.tempo[i];
    d += fmt::format("{}{:.1f},{:.1f}", d.empty() ? "" : " ", drift.x(p.at_s), drift.y(p.drift_ms));
  }
  if (!d.empty()) s += fmt::format("<polyline class=\"drift\" points=\"{}\"/>\n", d);
  s += svg::Plot::close();
  s += fmt::format(
      "<div class=\"legend\"><span><i style=\"background:var(--accent)\"></i>advertised</span>"
      "<span><i style=\"background:var(--accent2)\"></i>measured (reverb: a least-squares "
      "fit over the last 16 beats, so it lags a change)</span>"
      "<span><i style=\"background:var(--warn)\"></i>drift</span>"
      "<span><i style=\"background:var(--fault);opacity:.5\"></i>fault ({})</span>"
      "<span><i style=\"background:var(--disc);opacity:.5\"></i>disconnect ({})</span>"
      "<span><i style=\"background:var(--degr);opacity:.5\"></i>degradation ({})</span></div>"
      "</div>\n",
      r.faults.size(), r.disconnects.size(), r.degradations.size());
  return s;
}

// The bar reports: agents reporting per bar on an agents axis, on-time reviews (claims, not
// agents) on their own claims axis, each bar with issues listed by what they were, and a caption
// for the rhythm a reader would otherwise take for loss.
std::string bar_chart(const Report& r, const std::vector<Shading>& shadings) {
  const std::int64_t bar_beats = r.bars.empty() ? 0 : r.bars[0].to_beat - r.bars[0].from_beat + 1;
  std::string s = "<div class=\"card\"><h3>Bar reports: agents reporting per bar</h3>";
  std::string rhythm;
  if (bar_beats > 0 && kHealthClaimEveryBeats > bar_beats) {
    rhythm = kHealthClaimEveryBeats % bar_beats == 0
                 ? fmt::format("one bar in {}", kHealthClaimEveryBeats / bar_beats)
                 : std::string("only some bars");
    rhythm = fmt::format(
        " so with {}-beat bars an idle agent shows up in {}: columns of different heights in "
        "that rhythm are not agents going missing",
        bar_beats, rhythm);
  }
  s += fmt::format(
      "<p class=\"caption\">Each column is one bar report ({} beats) from the reverb, drawn at "
      "the time it was published. Agents send a health claim every {} beats and other claims "
      "only while they work,{}.</p>",
      bar_beats, kHealthClaimEveryBeats, rhythm);
  double ymax = static_cast<double>(r.agent_count), claims_max = 1;
  for (const BarRow& b : r.bars) {
    ymax = std::max(ymax, static_cast<double>(b.agents_reporting));
    claims_max = std::max(claims_max, static_cast<double>(b.on_time_reviews));
  }
  // Columns are centred on their report time: widen the axis so the last one fits inside it.
  const double span_s = r.bars.size() > 1 ? r.bars[1].at_s - r.bars[0].at_s : 0;
  double x1 = std::max(r.sim_time_s, 1.0);
  if (!r.bars.empty()) x1 = std::max(x1, r.bars.back().at_s + span_s * 0.3);
  svg::Plot plot(1100, 220, 0, x1, 0, std::max(ymax, 1.0));
  s += plot.open("Bar reports over time", fmt::format("{} time (s)", clock_name(r)), "agents");
  s += shade(plot, shadings);
  double width = 4;
  if (r.bars.size() > 1) width = std::max(1.0, (plot.x(span_s) - plot.x(0)) * 0.6);
  std::string issues;
  std::size_t issue_bars = 0;
  constexpr std::size_t kIssuesListed = 20;
  for (const BarRow& b : r.bars) {
    const double x = std::min(plot.x(b.at_s), plot.right() - width / 2);
    const double y = plot.y(static_cast<double>(b.agents_reporting));
    const std::string what = b.issues > 0 ? ": " + b.issue_text : "";
    s += fmt::format(
        "<rect class=\"bar{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>beats {}-{} at {:g} s: {} agents reporting, {} on-time reviews, drift {:g} ms, "
        "{} issue(s){}</title></rect>\n",
        b.issues > 0 ? " issue" : "", x - width / 2, y, width, plot.bottom() - y, b.from_beat,
        b.to_beat, b.at_s, b.agents_reporting, b.on_time_reviews, b.tempo_drift_ms, b.issues,
        escape(what));
    if (b.issues > 0 && ++issue_bars <= kIssuesListed) {
      issues += fmt::format("<li>beats {}-{} at {:g} s: {}</li>", b.from_beat, b.to_beat, b.at_s,
                            escape(b.issue_text));
    }
  }
  s += svg::Plot::close();
  s += fmt::format(
      "<div class=\"legend\"><span><i style=\"background:var(--accent)\"></i>agents reporting "
      "({} bars)</span><span><i style=\"background:var(--warn)\"></i>bar with issues "
      "({}, listed below)</span></div>\n",
      r.bars.size(), issue_bars);

  svg::Plot reviews(1100, 180, 0, x1, 0, claims_max);
  s += "<h3>On-time reviews per bar (claims)</h3><p class=\"caption\">Completion claims that "
       "arrived within the beat they name: a count of claims, not of agents, so it can exceed "
       "the number of agents.</p>";
  s += reviews.open("On-time reviews per bar", fmt::format("{} time (s)", clock_name(r)), "claims");
  std::string ontime;
  for (const BarRow& b : r.bars) {
    ontime += fmt::format("{}{:.1f},{:.1f}", ontime.empty() ? "" : " ", reviews.x(b.at_s),
                          reviews.y(static_cast<double>(b.on_time_reviews)));
  }
  if (!ontime.empty()) s += fmt::format("<polyline class=\"ontime\" points=\"{}\"/>\n", ontime);
  s += svg::Plot::close();
  if (issue_bars > 0) {
    s += fmt::format("<details class=\"issues\"><summary>{} bar(s) with issues</summary><ul>{}",
                     issue_bars, issues);
    if (issue_bars > kIssuesListed) {
      s += fmt::format("<li>and {} more (report.json has every bar)</li>",
                       issue_bars - kIssuesListed);
    }
    s += "</ul></details>";
  }
  s += "</div>\n";
  return s;
}

std::string message_chart(const Report& r) {
  struct Row {
    std::string label;
    const char* css;
    double value;
  };
  std::vector<Row> rows;
  for (const auto& [kind, m] : r.messages) {
    rows.push_back({kind + " published", "m-published", static_cast<double>(m.published)});
    rows.push_back({kind + " refused", "m-refused", static_cast<double>(m.refused)});
    rows.push_back({kind + " delivered", "m-delivered", static_cast<double>(m.delivered)});
    for (const auto& [reason, n] : m.dropped) {
      rows.push_back({kind + " dropped: " + reason, "m-dropped", static_cast<double>(n)});
    }
  }
  double vmax = 1;
  for (const Row& row : rows) vmax = std::max(vmax, row.value);
  const double label_w = 360, width = 1100, bar_h = 16, gap = 5;
  double height = 10 + static_cast<double>(rows.size()) * (bar_h + gap);
  std::string s = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {:g} {:g}\" role=\"img\" aria-label=\"Message "
      "accounting\"><title>Message accounting (square-root scale)</title>\n",
      width, height);
  double y = 6;
  for (const Row& row : rows) {
    // Square-root scale so drops of a few messages stay visible next to millions of deliveries.
    double w =
        row.value > 0 ? std::max(2.0, std::sqrt(row.value / vmax) * (width - label_w - 90)) : 0.0;
    s += fmt::format(
        "<text class=\"label\" x=\"{:g}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>"
        "<rect class=\"{}\" x=\"{:g}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:g}\" rx=\"2\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
        label_w - 8, y + bar_h - 4, escape(row.label), row.css, label_w, y, w, bar_h,
        label_w + w + 6, y + bar_h - 4, fmt::format("{:.0f}", row.value));
    y += bar_h + gap;
  }
  s += "</svg>\n";
  return s;
}

}  // namespace

namespace {

// Workflows (reports/workflow_report.h): one row per template, then its slowest instances.
std::string workflows_section(const Report& r) {
  if (r.workflows.empty()) return "";
  std::string h =
      "<h2>Workflows</h2>\n<p class=\"note\">Beats from a workflow's first step starting to its "
      "last step ending; the critical path is the chain of steps with the most beats.</p>\n"
      "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>workflow</th>"
      "<th>started</th><th>completed</th><th>failed</th><th>p50</th><th>p95</th><th>p99</th>"
      "<th>max</th><th class=\"t\">typical critical path</th><th class=\"t\">slowest</th>"
      "</tr></thead><tbody>\n";
  auto out = std::back_inserter(h);
  for (const WorkflowTemplateReport& w : r.workflows) {
    std::string slowest;
    for (const WorkflowInstance& i : w.slowest) {
      std::string path;
      for (const std::string& s : i.critical_path) path += (path.empty() ? "" : " → ") + s;
      slowest += fmt::format("{}{} ({} beats: {})", slowest.empty() ? "" : "<br>", escape(i.id),
                             i.beats, escape(path));
    }
    fmt::format_to(out,
                   "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}<td class=\"t\">{}"
                   "</td><td class=\"t\">{}</td></tr>\n",
                   escape(w.name), w.started, w.completed, w.failed, opt_cell(w.p50),
                   opt_cell(w.p95), opt_cell(w.p99), opt_cell(w.max), escape(typical_path_text(w)),
                   slowest);
  }
  h += "</tbody></table></div>\n";
  return h;
}

}  // namespace

std::string report_html(const Report& r) {
  std::string h;
  auto out = std::back_inserter(h);
  std::string verdict = r.interrupted ? "interrupted" : (r.passed ? "pass" : "fail");
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
       "<meta name=\"color-scheme\" content=\"light dark\">";
  fmt::format_to(out,
                 "<title>{} — backbeat-sim report</title><style>{}</style></head><body><main>\n",
                 escape(r.scenario), kStyle);
  fmt::format_to(out, "<h1>{} <span class=\"badge {}\">{}</span></h1>\n", escape(r.scenario),
                 r.interrupted ? "none" : verdict, verdict);
  fmt::format_to(out,
                 "<p class=\"meta\">seed <code>{}</code> · {} · {} agents "
                 "· {:g} s of {} time at {:g} BPM · expected verdict {}{}</p>\n",
                 r.seed,
                 is_live(r) ? std::string("no fingerprint (live run)")
                            : fmt::format("fingerprint <code>{}</code>", escape(r.fingerprint)),
                 r.agent_count, r.sim_time_s, clock_name(r), r.tempo_bpm,
                 escape(r.expected_verdict),
                 r.interrupted ? " · <strong>interrupted: partial run</strong>" : "");
  if (!r.description.empty()) {
    fmt::format_to(out, "<p class=\"note\">{}</p>\n", escape(r.description));
  }

  h += "<h2>Beats to complete per operation type</h2>\n<div class=\"grid2\">\n";
  for (const TypeDistribution& t : r.types) {
    fmt::format_to(out,
                   "<div class=\"card\"><h3>{} {}</h3>{}<p class=\"note\">p{} = {} beats against "
                   "a budget of {}; {} of {} completed over budget</p></div>\n",
                   escape(t.type), badge(t.verdict), cdf_chart(t), num(t.verdict_percentile),
                   t.verdict_measured ? std::to_string(*t.verdict_measured) : "n/a", t.budget_beats,
                   t.over_budget, t.completed);
  }
  h += "</div>\n<div class=\"scroll\" style=\"margin-top:12px\"><table class=\"sortable\"><thead>"
       "<tr><th>type</th><th>budget</th><th>started</th><th>completed</th><th>failed</th>"
       "<th>lost</th><th>unfinished</th><th>p50</th><th>p95</th><th>p99</th><th>max</th>"
       "<th>over budget</th><th class=\"t\">verdict</th></tr></thead><tbody>\n";
  for (const TypeDistribution& t : r.types) {
    fmt::format_to(out,
                   "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}"
                   "</td>{}{}{}{}<td>{}</td><td class=\"t {}\">{}</td></tr>\n",
                   escape(t.type), t.budget_beats, t.started, t.completed, t.failed, t.lost,
                   t.unfinished, opt_cell(t.p50), opt_cell(t.p95), opt_cell(t.p99), opt_cell(t.max),
                   t.over_budget, escape(t.verdict), escape(t.verdict));
  }
  h += "</tbody></table></div>\n";
  h += workflows_section(r);
  if (!r.admission.empty()) {
    h += "<h2>Admission per type and priority</h2>\n<p class=\"note\">Operations above the "
         "agents' limit wait by priority or are shed; beats to complete count from admission."
         "</p>\n<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>type</th>"
         "<th>priority</th><th>requested</th><th>at once</th><th>waited</th><th>wait p50</th>"
         "<th>wait p99</th><th>shed</th><th>still waiting</th><th>completed</th>"
         "<th>over budget</th><th>p99</th></tr></thead><tbody>\n";
    for (const sim::scenario::AdmissionRow& a : r.admission) {
      fmt::format_to(out,
                     "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}<td>{}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td>{}</tr>\n",
                     escape(a.type), escape(a.priority), a.requested, a.at_once, a.waited,
                     opt_cell(a.waited_p50), opt_cell(a.waited_p99), a.shed, a.still_waiting,
                     a.completed, a.over_budget, opt_cell(a.p99));
    }
    h += "</tbody></table></div>\n";
  }
  h += swimlane_section(r);

  std::vector<Shading> shadings = {{&r.faults, "w-fault", "fault"},
                                   {&r.disconnects, "w-disconnect", "disconnect"},
                                   {&r.degradations, "w-degradation", "degradation"}};
  h += "<h2>Tempo and drift</h2>\n";
  h += tempo_charts(r, shadings);
  if (!r.faults.empty()) {
    h += "<div class=\"scroll\" style=\"margin-top:12px\"><table class=\"sortable\"><thead><tr>"
         "<th>fault</th><th class=\"t\">targets</th><th>start (s)</th><th>end "
         "(s)</th></tr></thead><tbody>\n";
    for (const Window& f : r.faults) {
      fmt::format_to(out, "<tr><td>{}</td><td class=\"t\">{}</td><td>{:g}</td><td>{:g}</td></tr>\n",
                     escape(f.kind), escape(f.label), f.start_s, f.end_s);
    }
    h += "</tbody></table></div>\n";
  }

  h += "<h2>Bar reports</h2>\n";
  h += bar_chart(r, shadings);

  h += "<h2>Message accounting</h2>\n<div class=\"card\">";
  h += message_chart(r);
  fmt::format_to(out,
                 "<p class=\"note\">Status claims: {} published, {} received, {} duplicates, {} "
                 "in flight at the end, <strong>{} lost</strong>, {} nonconforming",
                 r.claims.published, r.claims.received, r.claims.duplicates, r.claims.in_flight,
                 r.claims.lost, r.claims.nonconforming);
  for (const auto& [cause, n] : r.claims.lost_by_cause) {
    fmt::format_to(out, "; {} lost by {}", n, escape(cause));
  }
  h += ".</p></div>\n";

  std::size_t passed = 0;
  for (const sim::scenario::AssertionResult& a : r.assertions) passed += a.pass ? 1 : 0;
  fmt::format_to(out, "<h2>Assertions ({}/{} pass)</h2>\n", passed, r.assertions.size());
  h += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>assertion</th>"
       "<th>measured</th><th>bound</th><th class=\"t\">unit</th><th class=\"t\">result</th><th "
       "class=\"t\">detail</th></tr></thead>"
       "<tbody>\n";
  for (const sim::scenario::AssertionResult& a : r.assertions) {
    fmt::format_to(out,
                   "<tr><td>{}</td><td>{}</td><td>{} {:g}</td><td class=\"t\">{}</td>"
                   "<td class=\"t {}\">{}</td><td class=\"t\">{}</td></tr>\n",
                   escape(a.name), a.measured ? num(*a.measured) : "n/a", escape(a.comparison),
                   a.bound, escape(a.unit), a.pass ? "pass" : "fail", a.pass ? "pass" : "fail",
                   escape(a.detail));
  }
  h += "</tbody></table></div>\n";

  // Agents: the most troubled first, at most 200 rows (report.json has them all).
  std::vector<const AgentHealth*> agents;
  for (const AgentHealth& a : r.agents) agents.push_back(&a);
  auto trouble = [](const AgentHealth* a) {
    return a->disconnected_s + a->degraded_s + 30.0 * static_cast<double>(a->errors + a->crashes) +
           (a->in_sync_at_end ? 0.0 : 1e6);
  };
  std::stable_sort(agents.begin(), agents.end(), [&](const AgentHealth* a, const AgentHealth* b) {
    return trouble(a) > trouble(b);
  });
  const std::size_t shown = std::min<std::size_t>(agents.size(), 200);
  fmt::format_to(out, "<h2>Agent health ({} agents{})</h2>\n", agents.size(),
                 shown < agents.size() ? fmt::format(", the {} most troubled shown", shown) : "");
  h += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>agent</th><th "
       "class=\"t\">group</th>"
       "<th>disconnects</th><th>down (s)</th><th>degradations</th><th>degraded (s)</th>"
       "<th>reconnects</th><th>crashes</th><th>errors</th><th>synthetic beats</th>"
       "<th>claims</th><th>claims refused</th><th>measured BPM</th><th class=\"t\">drift</th>"
       "<th>longest resync (s)</th><th class=\"t\">in sync</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const AgentHealth& a = *agents[i];
    fmt::format_to(
        out,
        "<tr><td>{}</td><td class=\"t\">{}</td><td>{}</td><td>{:.1f}</td><td>{}</td><td>{:.1f}"
        "</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3f}</td>"
        "<td class=\"t\">{}</td>{}<td class=\"t {}\">{}</td></tr>\n",
        escape(a.agent_id), escape(a.group), a.disconnects, a.disconnected_s, a.degradations,
        a.degraded_s, a.reconnects, a.crashes, a.errors, a.synthetic_beats, a.claims_published,
        a.claims_failed, a.measured_bpm, escape(a.tempo_drift),
        a.longest_resync_s ? fmt::format("<td>{:.1f}</td>", *a.longest_resync_s)
                           : std::string("<td data-v=\"-1\">-</td>"),
        a.in_sync_at_end ? "pass" : "fail", a.in_sync_at_end ? "yes" : "no");
  }
  h += "</tbody></table></div>\n";
  h += "<p class=\"note\">Generated by backbeat-sim. Click a column header to sort. Everything "
       "machine-readable is in report.json next to this file.</p>\n";
  fmt::format_to(out, "</main><script>{}</script></body></html>\n", kScript);
  return h;
}

}  // namespace backbeat::reports
