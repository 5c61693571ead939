// JUnit XML for a sweep: the format Jenkins, GitLab and GitHub test reporters read.
//
// <testsuites> holds one <testsuite> per swept scenario (name = the scenario's name) and one
// <testcase> per seed run (classname = the scenario, name = "seed N"). A seed that does not meet
// the scenario's `expect` carries a <failure> whose message is its failure signature and whose
// text names each failed assertion with its measured value and bound, how the run differs from
// `expect`, and the replay command. A seed failing as expected passes (its failures go to
// <system-out>). No time attributes: the file is identical for any --jobs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/batch/sweep_result.h"

namespace backbeat::sim::batch {

std::string junit_xml(const std::vector<ScenarioSweep>& sweeps);

// `text` as XML 1.0 character data or attribute value: & < > " ' as entities, bytes that are not
// UTF-8 as U+FFFD, and characters XML 1.0 cannot carry at all (controls other than tab, newline
// and carriage return; U+FFFE, U+FFFF) written visibly as \xNN or U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace backbeat::sim::batch
