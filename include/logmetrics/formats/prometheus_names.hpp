// SPDX-License-Identifier: MIT
#pragma once
// Prometheus names: how a metric's name (a SageMaker definition's "Name") becomes a Prometheus
// metric name, and the rules for label names. Shared by every Prometheus output (the exposition
// text of formats/prometheus.hpp: node_exporter's textfile, Pushgateway, a /metrics endpoint;
// and remote write).
//
// Source: the data model and the exposition formats (prometheus/docs, content/docs/concepts/
// data_model.md and instrumenting/exposition_formats.md; the remote write spec restates them):
// metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`, and label
// names starting with `__` are reserved for Prometheus' own use.
//
// The naming rule (`prometheus_metric_name`), applied to `prefix + name`:
//   1. every character outside `[a-zA-Z0-9_:]` becomes one `_` (a UTF-8 sequence is one
//      character; a byte that is not well-formed UTF-8 is one too): `val loss` -> `val_loss`,
//      `eval/accuracy` -> `eval_accuracy`, `top-1 acc` -> `top_1_acc`;
//   2. colons stay by default: `validation:error` stays `validation:error`, the name SageMaker and
//      CloudWatch show, so one name works everywhere. Prometheus accepts colons in metric names,
//      but its naming guide reserves them for recording rules, and `promtool check metrics` lints
//      them ("metric names should not contain ':'", exit status 3). `keep_colons = false` turns
//      each into `_` (`validation:error` -> `validation_error`);
//   3. a name that starts with a digit gets a `_` in front (`1cycle_lr` -> `_1cycle_lr`), and an
//      empty name is `_`.
// Runs of `_` are not merged, so fewer names meet. Two metrics that still meet (`val loss` and
// `val/loss`, or `a:b` and `a_b` without colons) are a configuration error, raised when the names
// are mapped (`prometheus_metric_names`), naming both.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How metric names become Prometheus metric names (the rule at the top of this file).
struct prometheus_naming {
    /// Put before every name, then the rule applies to the whole (e.g. "sagemaker_").
    std::string prefix{};
    /// Whether `:` stays (the default) or becomes `_`.
    bool keep_colons = true;
};

namespace detail {

constexpr bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace detail

/// Whether `name` is a valid Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
constexpr bool is_prometheus_metric_name(std::string_view name) noexcept {
    if (name.empty() || detail::is_ascii_digit(name.front())) return false;
    for (const char c : name) {
        if (!detail::is_ascii_letter(c) && !detail::is_ascii_digit(c) && c != '_' && c != ':') return false;
    }
    return true;
}

/// Whether `name` is a valid Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*` (it may still be
/// reserved: see `is_reserved_prometheus_label_name`).
constexpr bool is_prometheus_label_name(std::string_view name) noexcept {
    if (name.empty() || detail::is_ascii_digit(name.front())) return false;
    for (const char c : name) {
        if (!detail::is_ascii_letter(c) && !detail::is_ascii_digit(c) && c != '_') return false;
    }
    return true;
}

/// Whether a label name is reserved for Prometheus' own use (it starts with `__`).
constexpr bool is_reserved_prometheus_label_name(std::string_view name) noexcept { return name.starts_with("__"); }

/// Throws `error(errc::invalid_argument)` unless `name` is a valid, unreserved label name;
/// `what` says where it came from in the message ("label", "stream label").
inline void check_prometheus_label_name(std::string_view name, std::string_view what) {
    if (!is_prometheus_label_name(name)) {
        LOGMETRICS_THROW(error(
            errc::invalid_argument,
            fmt::format("prometheus: {} name {:?} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)", what, name)));
    }
    if (is_reserved_prometheus_label_name(name)) {
        LOGMETRICS_THROW(
            error(errc::invalid_argument,
                  fmt::format("prometheus: {} name {:?} starts with '__', which Prometheus reserves", what, name)));
    }
}

/// Checks the labels a Prometheus output adds to every series: the stream label (`stream_label`,
/// none when empty) and the constant labels (name, value). Throws `error(errc::invalid_argument)`
/// naming the label unless every name is a valid, unreserved label name (`__...` is refused), given
/// once (the stream label included), and every value is non-empty (Prometheus takes an empty value
/// as no label) and well-formed UTF-8.
inline void check_prometheus_labels(std::string_view stream_label,
                                    std::span<const std::pair<std::string, std::string>> labels) {
    const auto refuse = [](const std::string& message) {
        LOGMETRICS_THROW(error(errc::invalid_argument, "prometheus: " + message));
    };
    std::vector<std::string_view> seen;
    if (!stream_label.empty()) {
        check_prometheus_label_name(stream_label, "stream label");
        seen.push_back(stream_label);
    }
    for (const auto& [name, value] : labels) {
        check_prometheus_label_name(name, "label");
        for (const std::string_view other : seen) {
            if (other == name) {
                refuse(fmt::format("label {:?} given twice{}", name,
                                   name == stream_label ? " (it is the stream label)" : ""));
            }
        }
        seen.push_back(name);
        if (value.empty()) {
            refuse(
                fmt::format("label {:?} has an empty value, which Prometheus takes as no label; leave it out", name));
        }
        for (std::size_t i = 0; i < value.size();) {
            if (static_cast<unsigned char>(value[i]) < 0x80) {
                ++i;
                continue;
            }
            bool valid = false;
            i += detail::scan_utf8(value, i, valid);
            if (!valid) refuse(fmt::format("the value of label {:?} is not valid UTF-8", name));
        }
    }
}

/// The Prometheus metric name of `name` by the rule at the top of this file. Allocates the result.
inline std::string prometheus_metric_name(std::string_view name, const prometheus_naming& naming = {}) {
    std::string result;
    result.reserve(naming.prefix.size() + name.size() + 1);
    const auto add = [&result, &naming](std::string_view text) {
        for (std::size_t i = 0; i < text.size();) {
            const char c = text[i];
            if (static_cast<unsigned char>(c) >= 0x80) {
                bool valid = false;
                i += detail::scan_utf8(text, i, valid);  // one character, or one ill-formed run
                result.push_back('_');
                continue;
            }
            const bool kept =
                detail::is_ascii_letter(c) || detail::is_ascii_digit(c) || c == '_' || (c == ':' && naming.keep_colons);
            result.push_back(kept ? c : '_');
            ++i;
        }
    };
    add(naming.prefix);
    add(name);
    if (result.empty() || detail::is_ascii_digit(result.front())) result.insert(result.begin(), '_');
    return result;
}

/// The Prometheus names of a list of metrics (a definition set's `metric_names()`, which a
/// sample's `metric` indexes), checked for collisions. Immutable once made; thread-safe to read.
class prometheus_metric_names {
public:
    /// Maps each of `metrics` by the rule. Throws `error(errc::invalid_argument)` when two of
    /// them get one name, naming both and the name.
    explicit prometheus_metric_names(std::span<const std::string> metrics, const prometheus_naming& naming = {})
        : naming_(naming), metrics_(metrics.begin(), metrics.end()) {
        names_.reserve(metrics_.size());
        for (const std::string& metric : metrics_) names_.push_back(prometheus_metric_name(metric, naming_));
        for (std::size_t i = 0; i < names_.size(); ++i) {
            for (std::size_t j = i + 1; j < names_.size(); ++j) {
                if (names_[i] != names_[j]) continue;
                LOGMETRICS_THROW(
                    error(errc::invalid_argument,
                          fmt::format("prometheus: the metrics {:?} and {:?} would both be named {} in Prometheus "
                                      "(other characters than a-z A-Z 0-9 _{} become _); rename one of them",
                                      metrics_[i], metrics_[j], names_[i], naming_.keep_colons ? " :" : "")));
            }
        }
    }

    /// How many metrics.
    std::size_t size() const noexcept { return names_.size(); }
    /// The metric names as given.
    const std::vector<std::string>& metrics() const noexcept { return metrics_; }
    /// The Prometheus name of metric `i`.
    const std::string& operator[](std::size_t i) const noexcept { return names_[i]; }
    /// Every Prometheus name, in the metrics' order.
    const std::vector<std::string>& names() const noexcept { return names_; }
    const prometheus_naming& naming() const noexcept { return naming_; }

private:
    prometheus_naming naming_;
    std::vector<std::string> metrics_;
    std::vector<std::string> names_;
};

LOGMETRICS_END_NAMESPACE
