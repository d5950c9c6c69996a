// SPDX-License-Identifier: MIT
#include "final_sink.hpp"

#include <logmetrics/error.hpp>

namespace logmetrics::cli {

void final_sink::close() {
    store_.write_final_metrics(*out_);
    *out_ << '\n';
    out_->flush();
    if (!*out_) throw error(errc::io_error, "cannot write the FinalMetricDataList");
}

}  // namespace logmetrics::cli
