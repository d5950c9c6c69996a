// SPDX-License-Identifier: MIT
#pragma once
// Pushgateway grouping keys: the URL path of a group of metrics on a Prometheus Pushgateway, and
// the rules a group and the exposition pushed to it must follow. No I/O (the push itself is
// http/pushgateway.hpp, which needs libcurl).
//
// Source: prometheus/pushgateway README.md at v1.5.1 (commit 837f8e6), "API" / "URL", and the
// same server (1.5.1) tried on loopback (../shared/BACKENDS.md section 2, Pushgateway):
//  - the path is `/metrics/job/<JOB>{/<LABEL_NAME>/<LABEL_VALUE>}`; the job and the labels form
//    the grouping key, and the server sets them on every series of the group, overwriting the
//    same labels in the body;
//  - a job or label value that contains `/`, and an empty label value, can only be written in
//    base64 (RFC 4648 section 5, the URL- and filename-safe alphabet `A-Z a-z 0-9 - _`), the
//    label name then suffixed `@base64`; padding is optional, but an empty value needs at least
//    one `=`. Other special characters may be percent-encoded ("the usual URI component
//    encoding works, too");
//  - an empty job name is invalid; empty label values are valid;
//  - the server adds `push_time_seconds` and `push_failure_time_seconds` to every group,
//    overriding pushed metrics of those names.
//
// How a value is written in the path (`append_pushgateway_path_value`):
//   - empty, or containing `/`:   the name gets `@base64`, the value is base64url with padding
//                                 (`""` -> `=`, `runs/exp 1` -> `cnVucy9leHAgMQ==`);
//   - otherwise:                  every byte outside RFC 3986's unreserved characters
//                                 (`A-Z a-z 0-9 - . _ ~`) is percent-encoded as %XX (upper case):
//                                 `exp 1` -> `exp%201`, `Προμηθεύς` -> `%CE%A0...`.
// Label names are ASCII letters, digits and `_` (checked), so they are written as they are.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../error.hpp"
#include "prometheus.hpp"
#include "prometheus_names.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// A Pushgateway group: the `job` label and any further grouping labels (name, value), in the
/// order they appear in the path.
struct pushgateway_grouping {
    /// The job: not empty, well-formed UTF-8.
    std::string job = "logmetrics";
    /// Further grouping labels, e.g. {"run", "exp-1"}: valid label names (`[a-zA-Z_][a-zA-Z0-9_]*`),
    /// not reserved (`__...`), not `job`, each once; values well-formed UTF-8, empty allowed.
    std::vector<std::pair<std::string, std::string>> labels{};
};

/// The metrics the Pushgateway adds to every group (and that override pushed ones of that name).
inline constexpr std::array<std::string_view, 2> pushgateway_own_metrics = {"push_time_seconds",
                                                                            "push_failure_time_seconds"};

namespace detail {

/// Whether `text` is well-formed UTF-8.
inline bool is_well_formed_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        bool valid = false;
        i += scan_utf8(text, i, valid);
        if (!valid) return false;
    }
    return true;
}

/// RFC 3986 section 2.3 unreserved characters.
constexpr bool is_url_unreserved(char c) noexcept {
    return is_ascii_letter(c) || is_ascii_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

[[noreturn]] inline void refuse_pushgateway(const std::string& message) {
    LOGMETRICS_THROW(error(errc::invalid_argument, "pushgateway: " + message));
}

}  // namespace detail

/// Appends `text` in base64 with the URL- and filename-safe alphabet of RFC 4648 section 5, with
/// `=` padding (`""` gives nothing: the caller writes `=` for an empty value).
inline void append_base64url(std::string& out, std::string_view text) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::size_t i = 0;
    const auto byte = [&text](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(text[k])); };
    for (; i + 3 <= text.size(); i += 3) {
        const unsigned group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out.push_back(alphabet[group >> 18 & 63]);
        out.push_back(alphabet[group >> 12 & 63]);
        out.push_back(alphabet[group >> 6 & 63]);
        out.push_back(alphabet[group & 63]);
    }
    if (const std::size_t rest = text.size() - i; rest > 0) {
        const unsigned group = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0u);
        out.push_back(alphabet[group >> 18 & 63]);
        out.push_back(alphabet[group >> 12 & 63]);
        out.push_back(rest == 2 ? alphabet[group >> 6 & 63] : '=');
        out.push_back('=');
    }
}

/// Appends `/<name>/<value>` (or `/<name>@base64/<base64url>`) for one grouping label, by the rule
/// at the top of this file. `name` must be a valid label name (or `job`).
inline void append_pushgateway_path_label(std::string& out, std::string_view name, std::string_view value) {
    out.push_back('/');
    out.append(name);
    if (value.empty() || value.find('/') != std::string_view::npos) {
        out.append("@base64/");
        if (value.empty()) {
            out.push_back('=');
        } else {
            append_base64url(out, value);
        }
        return;
    }
    out.push_back('/');
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const char c : value) {
        if (detail::is_url_unreserved(c)) {
            out.push_back(c);
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 15]);
    }
}

/// Throws `error(errc::invalid_argument)` naming the problem unless `grouping` follows the rules of
/// `pushgateway_grouping` (an empty or ill-formed job, a bad, reserved, repeated or `job` label name,
/// an ill-formed value).
inline void check_pushgateway_grouping(const pushgateway_grouping& grouping) {
    if (grouping.job.empty()) detail::refuse_pushgateway("the job name is empty, which the Pushgateway refuses");
    if (!detail::is_well_formed_utf8(grouping.job)) detail::refuse_pushgateway("the job name is not valid UTF-8");
    for (std::size_t i = 0; i < grouping.labels.size(); ++i) {
        const auto& [name, value] = grouping.labels[i];
        check_prometheus_label_name(name, "grouping label");
        if (name == "job") detail::refuse_pushgateway("\"job\" is not a grouping label: it is the job name");
        for (std::size_t j = 0; j < i; ++j) {
            if (grouping.labels[j].first == name) {
                detail::refuse_pushgateway(fmt::format("grouping label {:?} given twice", name));
            }
        }
        if (!detail::is_well_formed_utf8(value)) {
            detail::refuse_pushgateway(fmt::format("the value of grouping label {:?} is not valid UTF-8", name));
        }
    }
}

/// The path of the group (`/metrics/job/<JOB>{/<LABEL>/<VALUE>}`, encoded by the rule at the top of
/// this file), after checking it (`check_pushgateway_grouping`, which throws).
inline std::string pushgateway_group_path(const pushgateway_grouping& grouping) {
    check_pushgateway_grouping(grouping);
    std::string path = "/metrics";
    append_pushgateway_path_label(path, "job", grouping.job);
    for (const auto& [name, value] : grouping.labels) append_pushgateway_path_label(path, name, value);
    return path;
}

/// Throws `error(errc::invalid_argument)` when what `format` writes would not survive a push to
/// `grouping`'s group unchanged: its stream label or a constant label is a grouping label (or
/// `job`), which the Pushgateway would overwrite on every series (two streams would then be one
/// series), or a metric is named like one of the Pushgateway's own (`pushgateway_own_metrics`).
inline void check_pushgateway_exposition(const prometheus_format& format, const pushgateway_grouping& grouping) {
    const auto grouped = [&grouping](std::string_view label) {
        return label == "job" || std::any_of(grouping.labels.begin(), grouping.labels.end(),
                                             [label](const auto& one) { return one.first == label; });
    };
    const prometheus_options& options = format.options();
    if (!options.stream_label.empty() && grouped(options.stream_label)) {
        detail::refuse_pushgateway(fmt::format(
            "the stream label {:?} is also in the grouping key, whose value the Pushgateway would set on every series; "
            "choose another stream label",
            options.stream_label));
    }
    for (const auto& [name, value] : options.labels) {
        if (grouped(name)) {
            detail::refuse_pushgateway(fmt::format(
                "label {:?} is both a constant label and in the grouping key; give it once (as a grouping label)",
                name));
        }
    }
    for (std::size_t i = 0; i < format.names().size(); ++i) {
        const std::string& name = format.names()[i];
        if (std::find(pushgateway_own_metrics.begin(), pushgateway_own_metrics.end(), name) !=
            pushgateway_own_metrics.end()) {
            detail::refuse_pushgateway(fmt::format(
                "the metric {:?} would be named {}, a metric the Pushgateway sets itself; rename it or use a prefix",
                format.names().metrics()[i], name));
        }
    }
}

LOGMETRICS_END_NAMESPACE
