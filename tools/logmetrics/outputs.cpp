// SPDX-License-Identifier: MIT
#include "outputs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include <logmetrics/sinks/csv.hpp>
#include <logmetrics/sinks/jsonl.hpp>
#include <logmetrics/sinks/memory_store.hpp>
#include <logmetrics/sinks/null.hpp>

#include "table_sink.hpp"
#include "text.hpp"

namespace logmetrics::cli {

outputs::outputs(output_config config, int stdout_fd, std::size_t buffer_size)
    : config_(std::move(config)), stdout_buffer_(stdout_fd, buffer_size), stdout_(&stdout_buffer_) {}

bool outputs::open() {
    if (!config_.final_path.empty() && config_.final_path != "-") {
        final_file_.open(config_.final_path, std::ios::binary | std::ios::trunc);
        if (!final_file_) {
            complain("cannot write {}: {}", config_.final_path, std::strerror(errno));
            return false;
        }
    }
    const bool want_store = !config_.final_path.empty() || config_.format == "table";
    store_ = want_store ? any_sink(memory_store{}) : any_sink(null_sink{});
    if (config_.format == "jsonl") {
        writer_ = any_sink(jsonl_sink(stdout_));
    } else if (config_.format == "csv") {
        writer_ = any_sink(csv_sink(stdout_));
    } else if (config_.format == "table") {
        std::size_t metric_width = 6;
        for (const auto& name : config_.metric_names) {
            metric_width = std::max(metric_width, std::min<std::size_t>(name.size(), 48));
        }
        writer_ = any_sink(table_sink(stdout_, metric_width, config_.label_streams));
    } else {
        writer_ = any_sink(null_sink{});
    }
    return true;
}

void outputs::begin_stream(std::string_view name) {
    if (auto* table = writer_->target<table_sink>()) {
        try {
            table->begin_stream(name);
        } catch (const std::exception&) {  // stdout failed: the next write reports it
        }
    }
}

std::function<void(const sink_error&)> outputs::error_handler() {
    return [this](const sink_error& e) {
        // A failing stdout is reported once, with its errno, by finish().
        if (e.sink == 0 && stdout_failed()) return;
        if (e.sink < 2 && !reported_[e.sink]) {
            reported_[e.sink] = true;
            complain("{} failed: {} (further errors are only counted)", slot_names[e.sink], e.message);
        }
    };
}

bool outputs::finish() {
    bool ok = true;
    auto* store = store_->target<memory_store>();
    if (config_.format == "table" && store && !stdout_failed()) {
        try {
            writer_->target<table_sink>()->write_final(*store, config_.metric_names);
        } catch (const std::exception&) {
            ok = false;  // the buffer's errno is reported below
        }
    }
    if (!config_.final_path.empty() && store) {
        std::ostream& out = config_.final_path == "-" ? stdout_ : final_file_;
        store->write_final_metrics(out);
        out << '\n';
        out.flush();
        if (&out == &final_file_) {
            final_file_.close();
            if (!final_file_) {
                complain("cannot write {}: {}", config_.final_path, std::strerror(errno));
                ok = false;
            }
        }
    }
    stdout_.flush();
    if (stdout_buffer_.error() != 0) {
        complain("cannot write to stdout: {}", std::strerror(stdout_buffer_.error()));
        ok = false;
    }
    return ok;
}

}  // namespace logmetrics::cli
