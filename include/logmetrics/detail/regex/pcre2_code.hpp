// SPDX-License-Identifier: MIT
#pragma once
// RAII handles over PCRE2 (8-bit): a compiled pattern, and the per-thread state a match needs.
// Every pattern is compiled the same way so that all engines agree: byte mode (never UTF, never
// UCP, so \d \s \w are ASCII), LF as the only newline, JIT where the platform has it.

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "../../config.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

/// The outcome of looking for a definition's first match in a line.
enum class match_outcome : std::uint8_t {
    no_match,
    matched,      ///< group 1 took part; its text is the capture
    group_unset,  ///< the regex matched but group 1 did not take part
    error,        ///< PCRE2 gave up (match or depth limit, JIT stack): counted, never thrown
};

struct pcre2_code_deleter {
    void operator()(pcre2_code* code) const noexcept { pcre2_code_free(code); }
};
struct pcre2_match_data_deleter {
    void operator()(pcre2_match_data* data) const noexcept { pcre2_match_data_free(data); }
};
struct pcre2_match_context_deleter {
    void operator()(pcre2_match_context* context) const noexcept { pcre2_match_context_free(context); }
};
struct pcre2_jit_stack_deleter {
    void operator()(pcre2_jit_stack* stack) const noexcept { pcre2_jit_stack_free(stack); }
};

/// Per-thread match state, shared by every pattern of an engine: match data sized for group 1,
/// and a JIT stack large enough for long lines. Made once; matching then never allocates.
class pcre2_scratch {
public:
    pcre2_scratch()
        : data_(pcre2_match_data_create(2, nullptr)),
          context_(pcre2_match_context_create(nullptr)),
          jit_stack_(pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr)) {
        if (context_ && jit_stack_) pcre2_jit_stack_assign(context_.get(), nullptr, jit_stack_.get());
    }

    bool ok() const noexcept { return data_ && context_; }
    pcre2_match_data* data() const noexcept { return data_.get(); }
    pcre2_match_context* context() const noexcept { return context_.get(); }

private:
    std::unique_ptr<pcre2_match_data, pcre2_match_data_deleter> data_;
    std::unique_ptr<pcre2_match_context, pcre2_match_context_deleter> context_;
    std::unique_ptr<pcre2_jit_stack, pcre2_jit_stack_deleter> jit_stack_;
};

/// A compiled PCRE2 pattern. `compile` never throws: it reports the error and its offset.
class pcre2_code {
public:
    static pcre2_code compile(std::string_view pattern) {
        pcre2_code result;
        std::unique_ptr<pcre2_compile_context, void (*)(pcre2_compile_context*)> context(
            pcre2_compile_context_create(nullptr), pcre2_compile_context_free);
        if (context) pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF);
        int error_code = 0;
        PCRE2_SIZE error_offset = 0;
        result.code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                         PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &error_code, &error_offset, context.get()));
        if (!result.code_) {
            PCRE2_UCHAR buffer[256];
            int length = pcre2_get_error_message(error_code, buffer, sizeof buffer);
            result.error_message_ =
                length > 0 ? std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length))
                           : fmt::format("unknown PCRE2 error {}", error_code);
            result.error_offset_ = error_offset;
            return result;
        }
        result.jit_ = pcre2_jit_compile(result.code_.get(), PCRE2_JIT_COMPLETE) == 0;
        return result;
    }

    bool ok() const noexcept { return code_ != nullptr; }
    bool jit() const noexcept { return jit_; }
    const std::string& error_message() const noexcept { return error_message_; }
    std::size_t error_offset() const noexcept { return error_offset_; }

    std::uint32_t capture_count() const noexcept {
        std::uint32_t count = 0;
        if (code_) pcre2_pattern_info(code_.get(), PCRE2_INFO_CAPTURECOUNT, &count);
        return count;
    }

    /// A lower bound on the length of any match (0 when it can match an empty string).
    std::size_t min_length() const noexcept {
        std::uint32_t min_length = 0;
        if (code_) pcre2_pattern_info(code_.get(), PCRE2_INFO_MINLENGTH, &min_length);
        return min_length;
    }

    /// True when the pattern can match an empty string (it then matches every line).
    bool matches_empty() const noexcept { return code_ && min_length() == 0; }

    /// The first (leftmost) match in `subject` at or after `start`; `capture` gets group 1.
    match_outcome match(std::string_view subject, std::size_t start, pcre2_scratch& scratch,
                        std::string_view& capture) const noexcept {
        int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), start, 0,
                             scratch.data(), scratch.context());
        if (rc == PCRE2_ERROR_NOMATCH) return match_outcome::no_match;
        if (rc < 0) return match_outcome::error;
        // rc == 0 means "ovector too small": expected, we only keep groups 0 and 1.
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(scratch.data());
        if (rc == 1 || ovector[2] == PCRE2_UNSET) return match_outcome::group_unset;
        capture = subject.substr(ovector[2], ovector[3] - ovector[2]);
        return match_outcome::matched;
    }

private:
    std::unique_ptr<::pcre2_code, pcre2_code_deleter> code_;
    std::string error_message_;
    std::size_t error_offset_ = 0;
    bool jit_ = false;
};

}  // namespace detail
LOGMETRICS_END_NAMESPACE
