// SPDX-License-Identifier: MIT
#include "output_kinds.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "kinds/kinds.hpp"

namespace logmetrics::cli {

namespace {

bool is_http_url(std::string_view target) {
    for (const std::string_view scheme : {"http://", "https://"}) {
        if (target.starts_with(scheme)) return target.size() > scheme.size() && target[scheme.size()] != '/';
    }
    return false;
}

// The registry, in the order --help lists the kinds.
const std::vector<output_kind>& registry() {
    static const std::vector<output_kind> kinds = {
        jsonl_kind(),
        csv_kind(),
        table_kind(),
        final_kind(),
        emf_kind(),
        prometheus_textfile_kind(),
#if defined(LOGMETRICS_CLI_HTTP)  // the kinds that send over HTTP (libcurl)
        pushgateway_kind(),
        remote_write_kind(),
        influx_kind(),
#endif
        tensorboard_kind(),
        statsd_kind(),
        dogstatsd_kind(),
        {"none", target_rule::none, {}, "no samples: only the summary (with final:, off stdout)", nullptr},
    };
    return kinds;
}

}  // namespace

std::string output_target_syntax(const output_kind& kind) {
    std::string text(kind.name);
    if (kind.target == target_rule::stdout_or_path) text += "[:PATH]";
    if (kind.target == target_rule::path) text += ":PATH";
    if (kind.target == target_rule::stdout_path_or_socket) text += "[:PATH|tcp://HOST[:PORT]|udp://HOST[:PORT]]";
    if (kind.target == target_rule::own_file) text += ":PATH";
    if (kind.target == target_rule::directory) text += ":DIR";
    if (kind.target == target_rule::url) text += ":URL";
    if (kind.target == target_rule::udp) text += ":udp://HOST[:PORT]";
    return text;
}

std::string output_options_syntax(const output_kind& kind) {
    std::vector<std::string> options;
    for (const option_rule& o : kind.options) {
        options.push_back(
            fmt::format("{}={}", o.key, o.values.empty() ? "VALUE" : fmt::format("{}", fmt::join(o.values, "|"))));
    }
    return fmt::format("{}", fmt::join(options, ", "));
}

std::string output_syntax(const output_kind& kind) {
    if (kind.options.empty()) return output_target_syntax(kind);
    if (kind.options.size() == 1)
        return fmt::format("{}[?{}]", output_target_syntax(kind), output_options_syntax(kind));
    return fmt::format("{}[?KEY=VALUE&...] with KEY=VALUE one of {}", output_target_syntax(kind),
                       output_options_syntax(kind));
}

std::span<const output_kind> output_kinds() noexcept { return registry(); }

const output_kind* find_output_kind(std::string_view name, std::span<const output_kind> kinds) noexcept {
    for (const output_kind& k : kinds) {
        if (k.name == name) return &k;
    }
    return nullptr;
}

const output_kind& check_output_spec(const output_spec& spec, std::span<const output_kind> kinds) {
    const output_kind* kind = find_output_kind(spec.kind, kinds);
    if (!kind) throw usage_error(fmt::format("unknown kind {:?}", spec.kind));
    if (kind->target == target_rule::none && spec.target) {
        throw usage_error(fmt::format("{} takes no target", kind->name));
    }
    if (kind->target == target_rule::path && !spec.target) {
        throw usage_error(fmt::format("{} needs a target: {}:PATH ('-' for stdout)", kind->name, kind->name));
    }
    if (kind->target == target_rule::own_file && (!spec.target || uses_stdout(spec, *kind))) {
        throw usage_error(fmt::format("{} needs a file: {}:PATH (not stdout: the file is replaced as a whole)",
                                      kind->name, kind->name));
    }
    if (kind->target == target_rule::directory && (!spec.target || *spec.target == "-")) {
        throw usage_error(fmt::format("{} needs a directory: {}:DIR", kind->name, kind->name));
    }
    if (kind->target == target_rule::url && (!spec.target || !is_http_url(*spec.target))) {
        throw usage_error(
            fmt::format("{} needs a URL: {}:http://HOST:PORT/PATH (or https://)", kind->name, kind->name));
    }
    if (kind->target == target_rule::udp && (!spec.target || !spec.target->starts_with("udp://"))) {
        throw usage_error(fmt::format("{} needs a listener: {}:udp://HOST[:PORT]", kind->name, kind->name));
    }
    std::vector<std::string_view> unknown;
    for (const output_option& o : spec.options) {
        const auto rule = std::find_if(kind->options.begin(), kind->options.end(), [&o](const option_rule& r) {
            if (!r.key.ends_with(".NAME")) return r.key == o.key;
            const std::string_view family = r.key.substr(0, r.key.size() - 4);  // "label."
            return o.key.size() > family.size() && o.key.starts_with(family);
        });
        if (rule == kind->options.end()) {
            unknown.push_back(o.key);
        } else if (!rule->values.empty() &&
                   std::find(rule->values.begin(), rule->values.end(), o.value) == rule->values.end()) {
            throw usage_error(fmt::format("{}={:?}: the values are {}", o.key, o.value, fmt::join(rule->values, ", ")));
        }
    }
    if (!unknown.empty()) {
        std::vector<std::string_view> known;
        for (const option_rule& r : kind->options) known.push_back(r.key);
        throw usage_error(fmt::format(
            "{} does not take the option{} {}{}", kind->name, unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "),
            known.empty() ? std::string(" (it takes none)") : fmt::format(" (it takes {})", fmt::join(known, ", "))));
    }
    if (kind->check) kind->check(spec);
    return *kind;
}

bool uses_stdout(const output_spec& spec, const output_kind& kind) noexcept {
    if (kind.target == target_rule::none || kind.target == target_rule::directory || kind.target == target_rule::url ||
        kind.target == target_rule::udp)
        return false;
    if (kind.target == target_rule::own_file && !spec.target) return false;  // refused: needs a file
    if (!spec.target) return true;
    // The names Linux gives stdout are stdout too: written through the tool's own buffer, and
    // counted as the one output on stdout.
    for (const std::string_view name : {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
        if (*spec.target == name) return true;
    }
    return false;
}

bool uses_socket(const output_spec& spec, const output_kind& kind) noexcept {
    if (kind.target == target_rule::udp) return true;
    return kind.target == target_rule::stdout_path_or_socket && spec.target &&
           (spec.target->starts_with("tcp://") || spec.target->starts_with("udp://"));
}

bool owns_target(const output_spec& spec, const output_kind& kind) noexcept {
    return uses_socket(spec, kind) || kind.target == target_rule::own_file || kind.target == target_rule::directory ||
           kind.target == target_rule::url;
}

void check_output_at_open(const chosen_output& output, const std::vector<std::string>& metric_names) {
    if (!output.kind->check_at_open) return;
    try {
        output.kind->check_at_open(output.spec, metric_names);
    } catch (const usage_error& e) {
        throw usage_error(fmt::format("--output {:?}: {}", output.spec.text, e.what()));
    } catch (const logmetrics::error& e) {
        throw usage_error(fmt::format("--output {:?}: {}", output.spec.text, e.message()));
    }
}

std::vector<chosen_output> choose_outputs(std::span<const std::string> specs, std::span<const output_kind> kinds) {
    std::vector<chosen_output> chosen;
    bool only_final = true;                // no output but final: ones (none included)
    const std::string* nothing = nullptr;  // the first `none`, if any
    for (const std::string& text : specs) {
        try {
            output_spec spec = parse_output_spec(text);
            const output_kind& kind = check_output_spec(spec, kinds);
            if (kind.name != "final") only_final = false;
            if (kind.make == nullptr) {
                nothing = &text;
                continue;
            }
            const bool to_stdout = uses_stdout(spec, kind);
            chosen.push_back({std::move(spec), &kind, to_stdout});
        } catch (const usage_error& e) {
            // The syntax of the kind named, or the kinds there are (the whole list is --help's).
            const output_kind* named =
                find_output_kind(std::string_view(text).substr(0, text.find_first_of(":?")), kinds);
            if (named) throw usage_error(fmt::format("--output {:?}: {}; {}", text, e.what(), output_syntax(*named)));
            std::vector<std::string_view> names;
            for (const output_kind& k : kinds) names.push_back(k.name);
            throw usage_error(fmt::format("--output {:?}: {}; the kinds are {} (--help shows each one's syntax)", text,
                                          e.what(), fmt::join(names, ", ")));
        }
    }
    // `none` says no samples go anywhere: with a sample output that is a contradiction. With
    // final: outputs (summary files) it keeps the samples off stdout; twice is once.
    if (nothing != nullptr) {
        for (const chosen_output& c : chosen) {
            if (c.kind->name == "final") continue;
            throw usage_error(fmt::format("--output {:?} and {:?}: none writes no samples, {} does; give one of them",
                                          *nothing, c.spec.text, c.kind->name));
        }
    }
    const auto on_stdout = [](const chosen_output& o) { return o.to_stdout; };
    if (only_final && std::none_of(chosen.begin(), chosen.end(), on_stdout)) {
        if (const output_kind* jsonl = find_output_kind("jsonl", kinds)) {
            chosen.insert(chosen.begin(), {parse_output_spec("jsonl"), jsonl, true});
        }
    }
    for (auto a = chosen.begin(); a != chosen.end(); ++a) {
        for (auto b = std::next(a); b != chosen.end(); ++b) {
            if (a->to_stdout && b->to_stdout) {
                throw usage_error(
                    fmt::format("--output {:?} and {:?} both write to stdout; at most one may (give "
                                "the other a PATH)",
                                a->spec.text, b->spec.text));
            }
        }
    }
    return chosen;
}

}  // namespace logmetrics::cli
