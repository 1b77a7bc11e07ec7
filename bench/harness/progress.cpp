// See progress.hpp.
#include "harness/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace bench {
namespace {

int terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

Progress::Progress(std::size_t total_runs)
    : tty_(::isatty(STDERR_FILENO) == 1), total_(std::max<std::size_t>(total_runs, 1)),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { clear(); }

void Progress::clear() {
  if (tty_ && drawn_) {
    std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }
}

void Progress::draw() {
  if (!tty_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::size_t done = std::min(done_, total_);
  constexpr int kBar = 20;
  const int filled = static_cast<int>(kBar * done / total_);
  std::string line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                     std::string(static_cast<std::size_t>(kBar - filled), '.') + "] ";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%3d%% %zu/%zu %s", static_cast<int>(100 * done / total_), done, total_,
                clock_text(elapsed).c_str());
  line += buf;
  if (done > 0 && done < total_)
    line += " ~" + clock_text(elapsed * static_cast<double>(total_ - done) / static_cast<double>(done)) + " left";
  if (!block_.empty()) line += "  " + block_;
  if (!current_.empty()) line += ": " + current_;
  const std::size_t width = static_cast<std::size_t>(terminal_width() - 1);
  if (line.size() > width) line.resize(width);  // a wrapped line could not be redrawn in place
  std::cerr << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

void Progress::message(const std::string& line) {
  clear();
  std::cerr << "[canopy-bench] " << line << "\n";
  draw();
}

void Progress::block_start(SuiteId s, const std::string& label, int workers, std::size_t runs) {
  block_first_ = done_;
  block_runs_ = runs;
  last_rep_ = -1;
  block_ = std::string(name(s)) + " " + label + " " + std::to_string(workers) + "w";
  current_.clear();
  if (!tty_) std::cerr << "[canopy-bench] " << name(s) << " " << label << ", " << workers << " worker(s): warm-up";
  draw();
}

void Progress::run_start(RuntimeId r, int rep, int repeat) {
  if (!tty_) {
    if (rep != last_rep_ && rep > 0) std::cerr << ", run " << rep;
    last_rep_ = rep;
    return;
  }
  current_ = std::string(name(r)) +
             (rep == 0 ? " warm-up" : " run " + std::to_string(rep) + "/" + std::to_string(repeat));
  draw();
}

void Progress::run_done() {
  ++done_;
  if (tty_) draw();
}

void Progress::skip(std::size_t runs) {
  done_ += runs;
  if (tty_ && drawn_) draw();
}

void Progress::block_end() {
  done_ = std::max(done_, block_first_ + block_runs_);
  current_.clear();
  block_.clear();
  if (tty_)
    clear();
  else
    std::cerr << "\n";
}

}  // namespace bench
