// SPDX-License-Identifier: MIT
#pragma once
// A metric definition is SageMaker's `{"Name", "Regex"}` pair: the value of a sample is capture
// group 1 of the first match of `Regex` in a line. `definition_set` holds a validated, ordered list
// of them; its order is the order samples are emitted in for one line.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// One metric definition, as SageMaker takes it.
struct metric_definition {
    std::string name;                    ///< the metric's name (SageMaker: 1-255 characters)
    std::string regex;                   ///< PCRE pattern with at least one capture group (1-500 characters)
    value_type type = value_type::real;  ///< logmetrics extension, key "Type" in JSON
};

/// Anything with a `name` and a `regex` readable as strings can be a definition: a user's own
/// config struct does not need converting by hand.
template <class D>
concept definition_like = requires(const D& d) {
    {std::string_view(d.name)};
    {std::string_view(d.regex)};
};

/// SageMaker's limits on a training job's metric definitions. `sagemaker()` is the default;
/// `unlimited()` lifts all three (for local use with more or longer definitions).
struct definition_limits {
    std::size_t max_definitions = 40;
    std::size_t max_name_length = 255;
    std::size_t max_regex_length = 500;

    static constexpr definition_limits sagemaker() noexcept { return {}; }
    static constexpr definition_limits unlimited() noexcept { return {SIZE_MAX, SIZE_MAX, SIZE_MAX}; }
};

/// One thing wrong with one definition.
struct definition_problem {
    std::size_t index;    ///< position in the list, 0-based
    std::string name;     ///< the definition's name as given (may be empty)
    std::string message;  ///< what is wrong
};

/// `MetricDefinitions[<index>] "<name>": <message>`, the one form every report of a problem takes
/// (the name left out when empty), e.g. `MetricDefinitions[2] "train:loss": Regex is empty`.
/// The name is quoted and escaped as fmt's `{:?}` does (`\"`, `\\`, `\t`, `\x00`...): a NUL would
/// end what() early and a control byte would move a terminal's cursor; `problem.name` keeps the
/// name exactly.
LOGMETRICS_DECL std::string to_string(const definition_problem& problem);

/// Thrown when definitions are refused; lists every problem found, not just the first.
class definition_error : public error {
public:
    /// what() holds every problem as `to_string` writes it, separated by "; ".
    explicit definition_error(std::vector<definition_problem> problems)
        : error(errc::invalid_definition, describe(problems)), problems_(std::move(problems)) {}

    const std::vector<definition_problem>& problems() const noexcept { return problems_; }

private:
    static std::string describe(const std::vector<definition_problem>& problems);

    std::vector<definition_problem> problems_;
};

/// Everything wrong with a list of definitions, in list order; empty when all are valid.
/// Checks: non-empty Name and Regex, the three limits, the regex compiles (PCRE2, with the
/// offset of the error), and it has a capture group.
LOGMETRICS_DECL std::vector<definition_problem> find_problems(const std::vector<metric_definition>& definitions,
                                                              const definition_limits& limits = {});

/// A validated, ordered list of definitions, and the metric (name) each one feeds.
/// Duplicate names are allowed: each definition emits its own samples, and definitions that share
/// a name share one metric (one step counter, one series).
class definition_set {
public:
    definition_set() = default;

    /// Validates every definition and throws `definition_error` listing all problems.
    explicit definition_set(std::vector<metric_definition> definitions,
                            definition_limits limits = definition_limits::sagemaker())
        : definitions_(std::move(definitions)) {
        validate(limits);
        index_metrics();
    }

    /// `definition_set({{"train:loss", "loss=(\\S+)"}, {"train:acc", "acc=(\\S+)"}})`
    definition_set(std::initializer_list<metric_definition> definitions,
                   definition_limits limits = definition_limits::sagemaker())
        : definition_set(std::vector<metric_definition>(definitions), limits) {}

    template <definition_like D>
    explicit definition_set(const std::vector<D>& definitions,
                            definition_limits limits = definition_limits::sagemaker())
        : definition_set(convert(definitions), limits) {}

    std::size_t size() const noexcept { return definitions_.size(); }
    bool empty() const noexcept { return definitions_.empty(); }
    const metric_definition& operator[](std::size_t i) const noexcept { return definitions_[i]; }
    auto begin() const noexcept { return definitions_.begin(); }
    auto end() const noexcept { return definitions_.end(); }

    /// The distinct metric names, in order of first appearance.
    const std::vector<std::string>& metric_names() const noexcept { return metric_names_; }
    /// Which metric (index into `metric_names()`) definition `i` feeds.
    std::size_t metric_of(std::size_t i) const noexcept { return metric_of_[i]; }

private:
    template <class D>
    static std::vector<metric_definition> convert(const std::vector<D>& in) {
        std::vector<metric_definition> out;
        out.reserve(in.size());
        for (const auto& d : in) {
            metric_definition m{std::string(std::string_view(d.name)), std::string(std::string_view(d.regex)),
                                value_type::real};
            if constexpr (requires { value_type(d.type); }) m.type = value_type(d.type);
            out.push_back(std::move(m));
        }
        return out;
    }

    void validate(const definition_limits& limits) const;
    void index_metrics();

    std::vector<metric_definition> definitions_;
    std::vector<std::string> metric_names_;
    std::vector<std::size_t> metric_of_;
};

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "impl/definition.hpp"
#endif
