// What the command prints shows text, never terminal commands. Its output quotes what users,
// scenario files, saved runs and the network hand it (a flag value, a key, a path, a worker's
// name, a frame's cluster_id); one raw ESC among them can clear the screen, retitle the window or
// rewrite what a line said. Messages quote such text with echo_text (core/echo_text.h); as the
// backstop for the one that forgets, the streams they all go through escape what slipped by.
#pragma once

#include <cstdio>

namespace backbeat::sim::cli {

// Points stdio's `stdout` and `stderr` at streams that write to the same descriptors and show
// each control character but newline and tab (C0, DEL, and C1: U+0080..U+009F) as \u00NN, an
// escape that JSON reads back as the same character, so `--json` output stays valid and equal in
// value. stdout keeps its buffering (lines on a terminal, blocks otherwise); stderr stays
// unbuffered (one fprintf is one write, so lines from two threads do not interleave). Call once,
// first thing in main. Returns false, leaving both as they were, if a stream could not be made.
bool make_output_printable();

// The unfiltered standard error, for the one writer that means to move the cursor: the progress
// line's carriage return and erase-line code.
std::FILE* terminal_stderr();

}  // namespace backbeat::sim::cli
