// SPDX-License-Identifier: MIT
#pragma once
// pcre2_reference: what a definition finds in a line, by the documented rule and nothing else:
// PCRE2's interpreter through its C API (no JIT, no literal filter, no Hyperscan), byte mode, LF
// newline, the first match, capture group 1. Tests and fuzz targets compare engines against it.

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "logmetrics/definition.hpp"

namespace test_support {

/// One definition's result on one line.
struct reference_outcome {
    enum kind_type : std::uint8_t { no_match, matched, group_unset, gave_up } kind = no_match;
    std::string text;  ///< group 1's text when matched
    bool operator==(const reference_outcome&) const = default;
};

class pcre2_reference {
public:
    explicit pcre2_reference(const logmetrics::definition_set& set)
        : data_(pcre2_match_data_create(2, nullptr), pcre2_match_data_free) {
        std::unique_ptr<pcre2_compile_context, void (*)(pcre2_compile_context*)> context(
            pcre2_compile_context_create(nullptr), pcre2_compile_context_free);
        pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF);
        for (const auto& d : set) {
            int code = 0;
            PCRE2_SIZE offset = 0;
            codes_.emplace_back(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(d.regex.data()), d.regex.size(),
                                              PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code, &offset, context.get()),
                                pcre2_code_free);
            if (!codes_.back()) throw std::runtime_error("pcre2_reference: a validated regex does not compile");
        }
    }

    std::size_t size() const noexcept { return codes_.size(); }

    /// Definition `i` searched in `line`.
    reference_outcome match(std::size_t i, std::string_view line) const {
        reference_outcome out;
        const int rc = pcre2_match(codes_[i].get(), reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0,
                                   PCRE2_NO_JIT, data_.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) return out;
        if (rc < 0) {
            out.kind = reference_outcome::gave_up;
            return out;
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_.get());
        if (rc == 1 || ovector[2] == PCRE2_UNSET) {
            out.kind = reference_outcome::group_unset;
        } else {
            out.kind = reference_outcome::matched;
            out.text = std::string(line.substr(ovector[2], ovector[3] - ovector[2]));
        }
        return out;
    }

    /// Every definition searched in `line`, in definition order.
    std::vector<reference_outcome> match(std::string_view line) const {
        std::vector<reference_outcome> out;
        out.reserve(codes_.size());
        for (std::size_t i = 0; i < codes_.size(); ++i) out.push_back(match(i, line));
        return out;
    }

private:
    std::vector<std::unique_ptr<pcre2_code, void (*)(pcre2_code*)>> codes_;
    std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> data_;  // not thread-safe: one per user
};

}  // namespace test_support
