// Saving and restoring signal dispositions around dlopen() (see signal_dispositions.hpp).
#include "comm/signal_dispositions.hpp"

namespace canopy::comm {

SignalDispositions::SignalDispositions() : saved_(NSIG), valid_(NSIG, false) {
  for (int s = 1; s < NSIG; ++s) valid_[s] = sigaction(s, nullptr, &saved_[s]) == 0;
}

void SignalDispositions::restore() const {
  for (int s = 1; s < NSIG; ++s) {
    struct sigaction now {};
    if (!valid_[s] || sigaction(s, nullptr, &now) != 0) continue;
    // sa_handler and sa_sigaction share storage: one comparison covers both kinds of handler.
    if (now.sa_handler != saved_[s].sa_handler || now.sa_flags != saved_[s].sa_flags)
      sigaction(s, &saved_[s], nullptr);
  }
}

}  // namespace canopy::comm
