// SPDX-License-Identifier: MIT
#pragma once
// A deterministic generator of realistic ML-training logs, and the metric definitions the
// benchmarks match them with.
//
// The log is a sequence of simulated SageMaker training jobs, each of one framework (XGBoost,
// Keras, Hugging Face Trainer, the PyTorch MNIST example, PyTorch Lightning, nanoGPT): container
// start-up chatter, pip, config dumps, CUDA/NCCL initialisation, a model summary, then training
// output with metric lines interleaved with ordinary logging, warnings, progress bars and the
// odd traceback. About one line in five carries a metric the 40 definitions extract.
//
// The same (size, seed) gives the same bytes everywhere: the generator uses its own PRNG
// (xoshiro256** seeded by splitmix64), its own integer-to-range mapping and its own number
// formatting over integers (values are kept as integer billionths), so no standard-library
// distribution, floating-point library function or locale is involved.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "logmetrics/definition.hpp"

namespace lmbench {

namespace detail {

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// xoshiro256**, seeded through splitmix64 (so any 64-bit seed, 0 included, gives a good state).
class prng {
public:
    explicit prng(std::uint64_t seed) noexcept {
        for (auto& word : state_) word = splitmix64(seed);
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    /// Uniform in [0, n), n > 0. The modulo bias is below 2^-40 for the small n used here, and
    /// unlike std::uniform_int_distribution the mapping is the same on every standard library.
    std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }

    /// Uniform in [low, high], both inclusive.
    std::int64_t between(std::int64_t low, std::int64_t high) noexcept {
        return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low) + 1));
    }

    /// True with probability percent/100.
    bool percent(std::uint64_t percent) noexcept { return below(100) < percent; }
    /// True with probability 1/n.
    bool one_in(std::uint64_t n) noexcept { return below(n) == 0; }

    template <class T, std::size_t N>
    T pick(const std::array<T, N>& items) noexcept {
        return items[static_cast<std::size_t>(below(N))];
    }

private:
    static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::array<std::uint64_t, 4> state_{};
};

// ---------------------------------------------------------------------------------------------
// Number formatting over integers. A value is an int64 count of billionths ("nanos"): 0.25 is
// 250'000'000. Each helper mimics the printf/Python format the real program uses.
// ---------------------------------------------------------------------------------------------

inline constexpr std::int64_t one = 1'000'000'000;  // 1.0 in nanos

inline constexpr std::array<std::int64_t, 19> powers_of_ten = {
    1LL,
    10LL,
    100LL,
    1'000LL,
    10'000LL,
    100'000LL,
    1'000'000LL,
    10'000'000LL,
    100'000'000LL,
    1'000'000'000LL,
    10'000'000'000LL,
    100'000'000'000LL,
    1'000'000'000'000LL,
    10'000'000'000'000LL,
    100'000'000'000'000LL,
    1'000'000'000'000'000LL,
    10'000'000'000'000'000LL,
    100'000'000'000'000'000LL,
    1'000'000'000'000'000'000LL,
};

inline std::int64_t pow10(int exponent) noexcept { return powers_of_ten[static_cast<std::size_t>(exponent)]; }

/// a / b rounded half away from zero, a >= 0, b > 0.
inline std::int64_t divide_rounded(std::int64_t a, std::int64_t b) noexcept { return (a + b / 2) / b; }

inline int digit_count(std::int64_t a) noexcept {  // a >= 0
    int digits = 1;
    while (digits < 19 && a >= pow10(digits)) ++digits;
    return digits;
}

inline void append_int(std::string& out, std::int64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

/// `value` right-aligned in `width` characters, padded with `fill` (printf "%5d", "%05d").
inline void append_int_padded(std::string& out, std::int64_t value, int width, char fill = ' ') {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    const auto length = static_cast<int>(result.ptr - buffer);
    if (length < width) out.append(static_cast<std::size_t>(width - length), fill);
    out.append(buffer, result.ptr);
}

/// 1234567 -> "1,234,567" (Keras and Hugging Face print counts like this).
inline void append_grouped(std::string& out, std::int64_t value) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    const auto length = static_cast<std::size_t>(result.ptr - buffer);
    for (std::size_t i = 0; i < length; ++i) {
        if (i > 0 && (length - i) % 3 == 0 && buffer[i - 1] != '-') out += ',';
        out += buffer[i];
    }
}

/// printf("%.<decimals>f"), decimals in [0, 9].
inline void append_fixed(std::string& out, std::int64_t nanos, int decimals) {
    std::int64_t scaled = divide_rounded(nanos < 0 ? -nanos : nanos, pow10(9 - decimals));
    if (nanos < 0 && scaled != 0) out += '-';
    append_int(out, scaled / pow10(decimals));
    if (decimals > 0) {
        out += '.';
        append_int_padded(out, scaled % pow10(decimals), decimals, '0');
    }
}

/// Appends the exponent part of scientific notation: "e-05", "e+00".
inline void append_exponent(std::string& out, int exponent) {
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    append_int_padded(out, exponent < 0 ? -exponent : exponent, 2, '0');
}

/// printf("%.<decimals>e"): 1.2345e-04.
inline void append_scientific(std::string& out, std::int64_t nanos, int decimals) {
    if (nanos < 0) {
        out += '-';
        nanos = -nanos;
    }
    const int significant = decimals + 1;
    std::int64_t mantissa = 0;
    int exponent = 0;
    if (nanos != 0) {
        int digits = digit_count(nanos);
        if (digits > significant) {
            mantissa = divide_rounded(nanos, pow10(digits - significant));
            if (mantissa == pow10(significant)) {  // 9.99996 rounds up to 10.0000
                mantissa /= 10;
                ++digits;
            }
        } else {
            mantissa = nanos * pow10(significant - digits);
        }
        exponent = digits - 1 - 9;
    }
    append_int(out, mantissa / pow10(decimals));
    if (decimals > 0) {
        out += '.';
        append_int_padded(out, mantissa % pow10(decimals), decimals, '0');
    }
    append_exponent(out, exponent);
}

/// Writes mantissa * 10^exponent the way Python's repr() writes that float: shortest digits,
/// positional between 1e-4 and 1e16 ("0.0347", "3.0"), scientific outside ("4.8e-05", "5e-05").
inline void append_decimal_repr(std::string& out, std::int64_t mantissa, int exponent) {
    if (mantissa < 0) {
        out += '-';
        mantissa = -mantissa;
    }
    if (mantissa == 0) {
        out += "0.0";
        return;
    }
    while (mantissa % 10 == 0) {
        mantissa /= 10;
        ++exponent;
    }
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, mantissa);
    const int length = static_cast<int>(result.ptr - digits);
    const int leading_exponent = length - 1 + exponent;
    if (leading_exponent < -4 || leading_exponent >= 16) {
        out += digits[0];
        if (length > 1) {
            out += '.';
            out.append(digits + 1, result.ptr);
        }
        append_exponent(out, leading_exponent);
    } else if (exponent >= 0) {
        out.append(digits, result.ptr);
        out.append(static_cast<std::size_t>(exponent), '0');
        out += ".0";
    } else if (length + exponent <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-(length + exponent)), '0');
        out.append(digits, result.ptr);
    } else {
        const auto integer_digits = static_cast<std::size_t>(length + exponent);
        out.append(digits, integer_digits);
        out += '.';
        out.append(digits + integer_digits, result.ptr);
    }
}

/// Python's repr(round(x, decimals)), decimals in [0, 9]: what Hugging Face's Trainer logs.
inline void append_python_float(std::string& out, std::int64_t nanos, int decimals) {
    const std::int64_t magnitude = divide_rounded(nanos < 0 ? -nanos : nanos, pow10(9 - decimals));
    append_decimal_repr(out, nanos < 0 ? -magnitude : magnitude, -decimals);
}

/// printf("%.<significant>g"): trailing zeros dropped, scientific below 1e-4 (Lightning's
/// progress-bar postfix uses "{:.3g}").
inline void append_general(std::string& out, std::int64_t nanos, int significant) {
    if (nanos < 0) {
        out += '-';
        nanos = -nanos;
    }
    if (nanos == 0) {
        out += '0';
        return;
    }
    int digits = digit_count(nanos);
    std::int64_t mantissa = nanos;
    if (digits > significant) {
        mantissa = divide_rounded(nanos, pow10(digits - significant));
        if (mantissa == pow10(significant)) {
            mantissa /= 10;
            ++digits;
        }
    } else {
        mantissa *= pow10(significant - digits);
    }
    const int leading_exponent = digits - 1 - 9;
    while (mantissa % 10 == 0 && mantissa >= 10) mantissa /= 10;
    if (leading_exponent < -4 || leading_exponent >= significant) {
        const int length = digit_count(mantissa);
        append_int(out, mantissa / pow10(length - 1));
        if (length > 1) {
            out += '.';
            append_int_padded(out, mantissa % pow10(length - 1), length - 1, '0');
        }
        append_exponent(out, leading_exponent);
    } else {
        // mantissa's digits, the first at 10^leading_exponent.
        const int length = digit_count(mantissa);
        append_decimal_repr(out, mantissa, leading_exponent - length + 1);
        if (out.size() >= 2 && out.compare(out.size() - 2, 2, ".0") == 0)
            out.resize(out.size() - 2);  // %g: "3", not "3.0"
    }
}

/// Keras's progress bar: "%.4f" above 1e-3, "%.4e" at or below it.
inline void append_keras_value(std::string& out, std::int64_t nanos) {
    if (nanos > one / 1000 || nanos < -one / 1000) {
        append_fixed(out, nanos, 4);
    } else {
        append_scientific(out, nanos, 4);
    }
}

/// `text` left-aligned in `width` bytes (ASCII text only).
inline void append_left(std::string& out, std::string_view text, std::size_t width) {
    out += text;
    if (text.size() < width) out.append(width - text.size(), ' ');
}

inline void append_repeated(std::string& out, std::string_view piece, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) out += piece;
}

/// Minutes and seconds as tqdm prints them: "00:12", "1:02:03" from an hour up.
inline void append_tqdm_duration(std::string& out, std::int64_t seconds) {
    if (seconds >= 3600) {
        append_int(out, seconds / 3600);
        out += ':';
        seconds %= 3600;
    }
    append_int_padded(out, seconds / 60, 2, '0');
    out += ':';
    append_int_padded(out, seconds % 60, 2, '0');
}

/// tqdm's bar: `width` cells of U+2588 full blocks and one partial block of eighths.
inline void append_tqdm_bar(std::string& out, std::int64_t done, std::int64_t total, std::int64_t width = 10) {
    static constexpr std::array<std::string_view, 8> eighths = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    const std::int64_t filled_eighths = total > 0 ? done * width * 8 / total : 0;
    const std::int64_t full = filled_eighths / 8;
    append_repeated(out, "█", static_cast<std::size_t>(full));
    if (full < width) {
        out += eighths[static_cast<std::size_t>(filled_eighths % 8)];
        out.append(static_cast<std::size_t>(width - full - 1), ' ');
    }
}

/// One tqdm update: "{desc}: 45%|████▌     | 423/938 [00:12<00:14, 35.20it/s{postfix}]".
/// `centi_rate` is iterations per second times 100; below 1 it/s tqdm shows seconds per iteration.
/// `unit` is tqdm's unit ("it", or " examples" as Hugging Face datasets sets it).
inline void append_tqdm(std::string& out, std::string_view description, std::int64_t done, std::int64_t total,
                        std::int64_t centi_rate, std::string_view postfix = {}, std::string_view unit = "it") {
    if (!description.empty()) {
        out += description;
        out += ": ";
    }
    append_int_padded(out, total > 0 ? done * 100 / total : 0, 3);
    out += "%|";
    append_tqdm_bar(out, done, total);
    out += "| ";
    append_int(out, done);
    out += '/';
    append_int(out, total);
    out += " [";
    append_tqdm_duration(out, done * 100 / centi_rate);
    out += '<';
    append_tqdm_duration(out, (total - done) * 100 / centi_rate);
    out += ", ";
    if (centi_rate >= 100) {
        append_fixed(out, centi_rate * (one / 100), 2);
        out += unit;
        out += "/s";
    } else {
        append_fixed(out, 100 * one / centi_rate, 2);
        out += "s/it";
    }
    out += postfix;
    out += ']';
}

// ---------------------------------------------------------------------------------------------
// Simulated wall clock
// ---------------------------------------------------------------------------------------------

struct civil_time {
    std::int64_t year, month, day, hour, minute, second, millisecond;
};

/// Milliseconds since 1970-01-01 UTC to a calendar date (Howard Hinnant's days-to-civil).
inline civil_time to_civil(std::int64_t epoch_ms) noexcept {
    const std::int64_t days = epoch_ms / 86'400'000;
    const std::int64_t ms_of_day = epoch_ms % 86'400'000;
    const std::int64_t z = days + 719468;
    const std::int64_t era = z / 146097;
    const std::int64_t day_of_era = z - era * 146097;
    const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t mp = (5 * day_of_year + 2) / 153;
    const std::int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day, ms_of_day / 3'600'000, ms_of_day / 60'000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000};
}

// ---------------------------------------------------------------------------------------------
// A metric that drifts towards a floor with noise, e.g. a loss.
// ---------------------------------------------------------------------------------------------

struct drifting_value {
    std::int64_t value = one;
    std::int64_t floor = 0;
    std::int64_t keep_per_mille = 990;  // the share of the distance to the floor kept per step
    std::int64_t jitter = 0;            // uniform noise added per step, +-
    std::int64_t minimum = 0;

    std::int64_t step(prng& random) noexcept {
        value = floor + (value - floor) * keep_per_mille / 1000 + random.between(-jitter, jitter);
        if (value < minimum) value = minimum;
        return value;
    }
};

}  // namespace detail

// -------------------------------------------------------------------------------------------------
// The metric definitions
// -------------------------------------------------------------------------------------------------

namespace detail {

struct definition_text {
    std::string_view name;
    std::string_view regex;
};

// Written the way people write them (see tests/data/real_metric_definitions.json): lazy `.*?`,
// greedy `\S+`, `[0-9\.]+`, anchors, SageMaker's built-in XGBoost shapes. Two are real-world
// pitfalls kept on purpose: train:auc's greedy `(\S+)` also takes the "#011validation-auc:..."
// that follows (rejected as not a number), and eval_accuracy's `(.|e\-)` has an unescaped dot.
inline constexpr std::array<definition_text, 40> all_definitions = {{
    // XGBoost, as SageMaker (TAB -> #011) shows it
    {"validation:rmse", R"(.*\[[0-9]+\].*#011validation-rmse:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*)"},
    {"train:rmse", R"(train-rmse:([0-9\.]+))"},
    {"validation:logloss", R"(.*\[[0-9]+\].*#011validation-logloss:(\S+))"},
    {"train:logloss", R"(\[\d+\]#011train-logloss:([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?))"},
    {"validation:auc", R"(validation-auc:([0-9.]+))"},
    {"train:auc", R"(.*\[[0-9]+\].*#011train-auc:(\S+))"},
    {"validation:merror", R"(#011validation-merror:(\S+)$)"},
    {"train:merror", R"(train-merror:([0-9]*\.?[0-9]+))"},
    {"validation:error", R"(^\[[0-9]+\].*validation-error:([0-9.]+))"},
    // Keras
    {"train:loss", R"(loss: (.*?) -)"},
    {"train:accuracy", R"(- accuracy: ([0-9\.]+))"},
    {"validation:loss", R"(val_loss: ([0-9\.]+))"},
    {"validation:accuracy", R"(val_accuracy: ([0-9\.]+))"},
    {"epoch", R"(^Epoch (\d+)/\d+)"},
    {"train:step_ms", R"(\d+s (\d+)ms/step)"},
    {"train:lr", R"(- (?:lr|learning_rate): ([0-9.]+(?:e-\d+)?))"},
    // Hugging Face Trainer
    {"loss", R"('loss': ([0-9.]+))"},
    {"learning_rate", R"('learning_rate': ([0-9.e-]+))"},
    {"grad_norm", R"('grad_norm': ([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))"},
    {"train_epoch", R"('epoch': ([0-9.]*))"},
    {"eval_loss", R"('eval_loss': ([0-9.e-]+))"},
    {"eval_accuracy", R"('eval_accuracy': ([0-9]+(.|e\-)[0-9]+),?)"},
    {"eval_f1", R"('eval_f1': ([0-9\.]+))"},
    {"eval_runtime", R"('eval_runtime': (.*?),)"},
    {"eval_samples_per_second", R"('eval_samples_per_second':\s*([0-9.]+))"},
    {"train_runtime", R"(.train_runtime.:\s*([0-9.]+))"},
    {"train_samples_per_second", R"('train_samples_per_second': ([0-9.]*))"},
    // PyTorch MNIST example
    {"mnist:train_loss", R"(Train Epoch: .*?Loss: ([0-9\.]+))"},
    {"average test loss", R"(Test set: Average loss: ([0-9\.]+))"},
    {"test:accuracy", R"((?:Test|Validation) set: .*Accuracy: \d+/\d+ \((\d+)%\))"},
    {"test:correct", R"(Accuracy: (\d+)/10000)"},
    // PyTorch Lightning progress bar
    {"lightning:loss", R"(it/s, loss=([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?))"},
    {"lightning:val_loss", R"(val_loss=([0-9.]+))"},
    {"lightning:val_acc", R"(val_acc=([0-9.]+))"},
    {"lightning:epoch", R"(^Epoch (\d+):\s+\d+%)"},
    // nanoGPT
    {"iter:loss", R"(^iter \d+: loss ([0-9.]+))"},
    {"iter:time_ms", R"(time ([0-9.]+)ms)"},
    {"iter:mfu", R"(mfu (-?[0-9.]+)%)"},
    {"eval:train_loss", R"(^step \d+: train loss ([0-9.]+))"},
    {"eval:val_loss", R"(val loss ([0-9.]+))"},
}};

// The ten commonest shapes: one or two per framework.
inline constexpr std::array<std::string_view, 10> common_definition_names = {
    "validation:rmse", "train:rmse",       "train:loss",        "validation:loss",    "loss",
    "eval_loss",       "mnist:train_loss", "average test loss", "lightning:val_loss", "iter:loss",
};

}  // namespace detail

/// 40 definitions (SageMaker's maximum) covering every format the generator writes.
inline std::vector<logmetrics::metric_definition> definitions_40() {
    std::vector<logmetrics::metric_definition> definitions;
    definitions.reserve(detail::all_definitions.size());
    for (const auto& d : detail::all_definitions) {
        definitions.push_back({std::string(d.name), std::string(d.regex), logmetrics::value_type::real});
    }
    return definitions;
}

/// 10 of the 40, in the same relative order: the commonest formats.
inline std::vector<logmetrics::metric_definition> definitions_10() {
    std::vector<logmetrics::metric_definition> definitions;
    for (const auto& d : detail::all_definitions) {
        for (auto name : detail::common_definition_names) {
            if (d.name == name) {
                definitions.push_back({std::string(d.name), std::string(d.regex), logmetrics::value_type::real});
            }
        }
    }
    return definitions;
}

// -------------------------------------------------------------------------------------------------
// The generator
// -------------------------------------------------------------------------------------------------

/// Writes an endless, deterministic training log in pieces. Each `append` continues where the
/// previous one stopped, so pieces concatenated are byte-identical to one big piece.
class training_log_generator {
public:
    explicit training_log_generator(std::uint64_t seed = 42) : random_(seed) {
        clock_ms_ = 1'710'403'200'000 + random_.between(0, 86'400'000);  // some time on 2024-03-14 UTC
        xgboost_jobs_ = random_.below(xgboost_metrics.size());
        shuffle_frameworks();
    }

    /// Appends whole lines to `out` until `out.size() >= approx_bytes`. The last block may run
    /// past it by a few KiB (a block is a few lines, or one job's start-up).
    void append(std::string& out, std::size_t approx_bytes) {
        while (out.size() < approx_bytes) emit_block(out);
    }

private:
    enum class framework : std::uint8_t { xgboost, keras, huggingface, pytorch_mnist, lightning, nanogpt };
    static constexpr std::size_t framework_count = 6;
    enum class phase : std::uint8_t { startup, training, teardown };

    // The state of the simulated job; which fields matter depends on the framework.
    struct job_state {
        framework kind = framework::xgboost;
        phase stage = phase::startup;
        std::int64_t number = 0;      // jobs started so far
        std::int64_t units_left = 0;  // training blocks before teardown
        std::int64_t epoch = 0;
        std::int64_t epochs = 1;
        std::int64_t step = 0;      // global step / iteration / boosting round
        std::int64_t steps = 1;     // total steps, or steps per epoch
        std::int64_t interval = 1;  // logging interval
        std::int64_t eval_interval = 1;
        // Speed, in the unit the framework prints: iterations per second x 100 for tqdm bars
        // (Hugging Face, Lightning), milliseconds per step (Keras), 10 us per iteration (nanoGPT).
        std::int64_t pace = 1000;
        std::int64_t gpus = 1;
        int variant = 0;         // e.g. XGBoost's eval metric, Keras's verbosity
        bool flag = false;       // e.g. XGBoost's literal "#011", HF's grad_norm, Keras lr
        bool validated = false;  // Lightning: a validation has run, val_* in the postfix
        detail::drifting_value train;
        detail::drifting_value valid;
        detail::drifting_value accuracy_gap;  // 1 - accuracy, drifting down
        std::int64_t best = 0;
        std::uint64_t hyperparameter_seed = 0;
    };

    detail::prng random_;
    std::int64_t clock_ms_ = 0;
    std::array<framework, framework_count> order_{};
    std::size_t next_in_order_ = 0;
    job_state job_;
    std::string scratch_;  // reused for postfixes and one-line JSON

    // ---- scheduling ---------------------------------------------------------------------------

    void shuffle_frameworks() {  // Fisher-Yates over our own PRNG, so every job kind comes round
        for (std::size_t i = 0; i < framework_count; ++i) order_[i] = static_cast<framework>(i);
        for (std::size_t i = framework_count - 1; i > 0; --i) {
            std::swap(order_[i], order_[static_cast<std::size_t>(random_.below(i + 1))]);
        }
        next_in_order_ = 0;
    }

    void emit_block(std::string& out) {
        switch (job_.stage) {
            case phase::startup:
                start_job(out);
                job_.stage = phase::training;
                break;
            case phase::training:
                emit_training_block(out);
                if (--job_.units_left <= 0) job_.stage = phase::teardown;
                break;
            case phase::teardown:
                emit_teardown(out);
                job_.stage = phase::startup;
                break;
        }
    }

    void tick(std::int64_t low_ms, std::int64_t high_ms) { clock_ms_ += random_.between(low_ms, high_ms); }

    // ---- timestamps ---------------------------------------------------------------------------

    void append_date(std::string& out, const detail::civil_time& t, char separator) {
        detail::append_int(out, t.year);
        out += separator;
        detail::append_int_padded(out, t.month, 2, '0');
        out += separator;
        detail::append_int_padded(out, t.day, 2, '0');
    }

    void append_clock(std::string& out, const detail::civil_time& t) {
        detail::append_int_padded(out, t.hour, 2, '0');
        out += ':';
        detail::append_int_padded(out, t.minute, 2, '0');
        out += ':';
        detail::append_int_padded(out, t.second, 2, '0');
    }

    /// "2024-03-14 09:26:53,123" (Python logging's asctime).
    void append_python_time(std::string& out) {
        auto t = detail::to_civil(clock_ms_);
        append_date(out, t, '-');
        out += ' ';
        append_clock(out, t);
        out += ',';
        detail::append_int_padded(out, t.millisecond, 3, '0');
    }

    /// "2024-03-14 09:26:53.123456" (TensorFlow's C++ logging).
    void append_micro_time(std::string& out) {
        auto t = detail::to_civil(clock_ms_);
        append_date(out, t, '-');
        out += ' ';
        append_clock(out, t);
        out += '.';
        detail::append_int_padded(out, t.millisecond * 1000 + random_.between(0, 999), 6, '0');
    }

    // ---- noise --------------------------------------------------------------------------------

    void emit_noise(std::string& out, std::int64_t lines) {
        for (std::int64_t i = 0; i < lines; ++i) emit_noise_line(out);
    }

    /// One piece of ordinary logging: usually one line, now and then a multi-line block.
    void emit_noise_line(std::string& out) {
        tick(5, 2500);
        const auto roll = random_.below(1000);
        if (roll < 480) {
            emit_python_logging(out);
        } else if (roll < 590) {
            emit_glog_line(out);
        } else if (roll < 650) {
            emit_nccl_line(out, random_.between(0, job_.gpus - 1));
        } else if (roll < 740) {
            emit_data_tqdm(out);
        } else if (roll < 780) {
            emit_python_warning(out);
        } else if (roll < 820) {
            out += '\n';
        } else if (roll < 900) {
            emit_smdebug_line(out);
        } else if (roll < 960) {
            emit_gpu_stats(out);
        } else if (roll < 966) {
            emit_traceback(out);
        } else if (roll < 970) {
            emit_hyperparameters_json(out, 4);
        } else if (roll < 990) {
            emit_wandb_line(out);
        } else if (roll < 998) {
            emit_pip_lines(out, 1);  // a lazy import installing something
        } else {
            emit_long_config_line(out);
        }
    }

    void emit_python_logging(std::string& out) {
        static constexpr std::array<std::string_view, 8> loggers = {"root",
                                                                    "__main__",
                                                                    "train",
                                                                    "data_utils",
                                                                    "torch.distributed.elastic",
                                                                    "transformers.trainer",
                                                                    "smdistributed.dataparallel",
                                                                    "sagemaker_training.runner"};
        const auto style = random_.below(3);
        const auto level_roll = random_.below(100);
        const std::string_view level = level_roll < 70 ? "INFO" : level_roll < 88 ? "DEBUG" : "WARNING";
        if (style == 0) {  // "2024-03-14 09:26:53,123 - train - INFO - message"
            append_python_time(out);
            out += " - ";
            out += random_.pick(loggers);
            out += " - ";
            out += level;
            out += " - ";
        } else if (style == 1) {  // "[2024-03-14 09:26:53,123] INFO [train] message"
            out += '[';
            append_python_time(out);
            out += "] ";
            out += level;
            out += " [";
            out += random_.pick(loggers);
            out += "] ";
        } else {  // "INFO:train:message" (logging.basicConfig's default format)
            out += level;
            out += ':';
            out += random_.pick(loggers);
            out += ':';
        }
        append_log_message(out, level);
        out += '\n';
    }

    void append_log_message(std::string& out, std::string_view level) {
        if (level == "WARNING") {
            static constexpr std::array<std::string_view, 8> warnings = {
                "Gradient overflow. Skipping step, loss scaler 0 reducing loss scale to 32768.0",
                "NaN or Inf found in input tensor.",
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`.",
                "Checkpoint upload to S3 is taking longer than expected, continuing in the background",
                "Tokenizer does not define a pad token, using eos_token as pad_token",
                "Spot interruption notice not received; continuing",
                "Reducer buckets have been rebuilt in this iteration.",
                "The loss_type field is deprecated and will be removed in a future release"};
            out += random_.pick(warnings);
            return;
        }
        switch (random_.below(12)) {
            case 0:
                out += "Loaded ";
                detail::append_int(out, random_.between(1000, 2'000'000));
                out += " records from /opt/ml/input/data/train";
                break;
            case 1:
                out += "Saving checkpoint to /opt/ml/checkpoints/step_";
                detail::append_int(out, job_.step);
                out += ".pt";
                break;
            case 2:
                out += "Memory allocated: ";
                detail::append_fixed(out, random_.between(1, 40) * detail::one + random_.between(0, detail::one), 2);
                out += " GB, reserved: ";
                detail::append_fixed(out, random_.between(41, 80) * detail::one, 2);
                out += " GB";
                break;
            case 3:
                out += "Reading shard ";
                detail::append_int_padded(out, random_.between(0, 255), 5, '0');
                out += "-of-00256 (";
                detail::append_int(out, random_.between(10'000, 90'000));
                out += " examples)";
                break;
            case 4:
                out += "allreduce bucket ";
                detail::append_int(out, random_.between(0, 40));
                out += ": ";
                detail::append_int(out, random_.between(1, 300));
                out += " params, ";
                detail::append_grouped(out, random_.between(1'000'000, 25'000'000));
                out += " bytes";
                break;
            case 5:
                out += "Using ";
                detail::append_int(out, random_.between(2, 16));
                out += " dataloader workers, prefetch_factor=";
                detail::append_int(out, random_.between(2, 8));
                break;
            case 6:
                out += "Effective batch size: ";
                detail::append_int(out, 32 << random_.between(0, 5));
                out += " (per device ";
                detail::append_int(out, 8 << random_.between(0, 3));
                out += ", gradient accumulation ";
                detail::append_int(out, random_.between(1, 8));
                out += ")";
                break;
            case 7:
                out += "Step ";
                detail::append_int(out, job_.step);
                out += " took ";
                detail::append_fixed(out, random_.between(50'000'000, 3'000'000'000), 3);
                out += " seconds (data ";
                detail::append_fixed(out, random_.between(1'000'000, 90'000'000), 3);
                out += " s)";
                break;
            case 8:
                out += "Uploaded s3://sagemaker-us-east-1-123456789012/jobs/train-";
                detail::append_int(out, 1000 + job_.number);
                out += "/output/checkpoints/ (";
                detail::append_int(out, random_.between(2, 30));
                out += " files)";
                break;
            case 9:
                out += "rank ";
                detail::append_int(out, random_.between(0, job_.gpus - 1));
                out += ": sampler epoch set to ";
                detail::append_int(out, job_.epoch);
                break;
            case 10:
                out += "Evaluation strategy: steps, metric_for_best_model=eval_loss, greater_is_better=False";
                break;
            default:
                out += "Throughput: ";
                detail::append_fixed(out, random_.between(100, 20'000) * detail::one, 1);
                out += " samples/sec";
                break;
        }
    }

    void emit_glog_line(std::string& out) {  // absl/glog: "I0314 09:26:53.123456 140234 file.cc:88] ..."
        static constexpr std::array<std::string_view, 6> sources = {
            "prefetch_dataset_op.cc:88] Filling up shuffle buffer (this may take a while): ",
            "gpu_device.cc:1635] Created device /job:localhost/replica:0/task:0/device:GPU:",
            "cuda_dnn.cc:424] Loaded cuDNN version 8900, handle ",
            "device_compiler.h:186] Compiled cluster using XLA!  This line is logged at most once for the lifetime of "
            "the process. id=",
            "shuffle_dataset_op.cc:422] Shuffle buffer filled. buffered=",
            "api.cc:124] Connecting to the metrics endpoint, attempt "};
        if (random_.percent(60)) {
            append_micro_time(out);
            out += ": ";
            out += random_.percent(80) ? "I" : "W";
            out += " tensorflow/core/";
        } else {
            auto t = detail::to_civil(clock_ms_);
            out += random_.percent(85) ? 'I' : 'W';
            detail::append_int_padded(out, t.month, 2, '0');
            detail::append_int_padded(out, t.day, 2, '0');
            out += ' ';
            append_clock(out, t);
            out += '.';
            detail::append_int_padded(out, t.millisecond * 1000 + random_.between(0, 999), 6, '0');
            out += ' ';
            detail::append_int(out, random_.between(100'000'000'000, 140'999'999'999'999));
            out += ' ';
        }
        out += random_.pick(sources);
        detail::append_int(out, random_.between(0, 9999));
        out += '\n';
    }

    void append_nccl_prefix(std::string& out, std::int64_t rank) {
        out += "algo-1:";
        detail::append_int(out, 50 + rank);
        out += ':';
        detail::append_int(out, 50 + rank + (random_.percent(50) ? 0 : 80));
        out += " [";
        detail::append_int(out, rank);
        out += "] NCCL INFO ";
    }

    void emit_nccl_line(std::string& out, std::int64_t rank) {
        append_nccl_prefix(out, rank);
        switch (random_.below(8)) {
            case 0: out += "Bootstrap : Using eth0:10.0.223.42<0>"; break;
            case 1: out += "NET/OFI Using aws-ofi-nccl 1.7.4-aws"; break;
            case 2: out += "NET/OFI Selected Provider is efa (found 4 nics)"; break;
            case 3:
                out += "Channel ";
                detail::append_int_padded(out, random_.between(0, 31), 2, '0');
                out += "/32 :    0   1   2   3   4   5   6   7";
                break;
            case 4: out += "Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1 [2] 1/-1/-1->0->-1 [3] 1/-1/-1->0->-1"; break;
            case 5:
                out += "Channel ";
                detail::append_int_padded(out, random_.between(0, 31), 2, '0');
                out += "/0 : ";
                detail::append_int(out, rank);
                out += "[";
                detail::append_int(out, 101 + rank);
                out += "c0] -> ";
                detail::append_int(out, (rank + 1) % job_.gpus);
                out += "[";
                detail::append_int(out, 101 + (rank + 1) % job_.gpus);
                out += "c0] via P2P/IPC/read";
                break;
            case 6: out += "Connected all rings"; break;
            default:
                out += "comm 0x55d5c8a3e";
                detail::append_int(out, rank);
                out += "0 rank ";
                detail::append_int(out, rank);
                out += " nranks ";
                detail::append_int(out, job_.gpus);
                out += " cudaDev ";
                detail::append_int(out, rank);
                out += " busId 1";
                detail::append_int(out, rank);
                out += "1c0 - Init COMPLETE";
                break;
        }
        out += '\n';
    }

    /// Data-loading progress: several `\r`-glued tqdm updates on one physical line.
    void emit_data_tqdm(std::string& out) {
        static constexpr std::array<std::string_view, 6> descriptions = {"Map",
                                                                         "Generating train split",
                                                                         "Running tokenizer on dataset",
                                                                         "Loading checkpoint shards",
                                                                         "Downloading data",
                                                                         "Filter"};
        const auto description = random_.pick(descriptions);
        const std::int64_t total =
            description == "Loading checkpoint shards" ? random_.between(2, 8) : random_.between(500, 120'000);
        const std::int64_t rate = random_.between(20, 900'000);
        const std::int64_t updates = random_.between(1, 6);
        for (std::int64_t i = 1; i <= updates; ++i) {
            if (i > 1) out += '\r';
            std::int64_t done = i == updates ? total : total * i / updates - random_.between(0, total / (updates * 2));
            if (done < 0) done = 0;
            detail::append_tqdm(out, description, done, total, rate, {},
                                description == "Loading checkpoint shards" ? "it" : " examples");
        }
        out += '\n';
    }

    void emit_python_warning(std::string& out) {
        static constexpr std::array<std::string_view, 5> warnings = {
            "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py:1501: UserWarning: Using a target size "
            "(torch.Size([64])) that is different to the input size (torch.Size([64, 1])). This will likely lead to "
            "incorrect results due to broadcasting. Please ensure they have the same size.\n",
            "/opt/conda/lib/python3.10/site-packages/transformers/optimization.py:411: FutureWarning: This "
            "implementation of AdamW is deprecated and will be removed in a future version. Use the PyTorch "
            "implementation torch.optim.AdamW instead, or set `no_deprecation_warning=True` to disable this warning\n",
            "/opt/conda/lib/python3.10/site-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader "
            "will create 8 worker processes in total. Our suggested max number of worker in current system is 4, which "
            "is smaller than what this DataLoader is going to create.\n",
            "/opt/conda/lib/python3.10/site-packages/pytorch_lightning/trainer/connectors/data_connector.py:224: "
            "PossibleUserWarning: The dataloader, val_dataloader 0, does not have many workers which may be a "
            "bottleneck.\n",
            "/opt/conda/lib/python3.10/site-packages/keras/src/engine/training.py:3079: UserWarning: You are saving "
            "your model as an HDF5 file via `model.save()`. This file format is considered legacy.\n",
        };
        out += random_.pick(warnings);
        out += "  warnings.warn(\n";
    }

    void emit_smdebug_line(std::string& out) {  // "[2024-03-14 09:26:53.123 algo-1:52 INFO hook.py:207] ..."
        static constexpr std::array<std::string_view, 6> messages = {
            "hook.py:207] tensorboard_dir has not been set for the hook. SMDebug will not be exporting tensorboard "
            "summaries.",
            "hook.py:259] Saving to /opt/ml/output/tensors",
            "state_store.py:77] The checkpoint config file /opt/ml/input/config/checkpointconfig.json does not exist.",
            "json_config.py:92] Creating hook from json_config at /opt/ml/input/config/debughookconfig.json.",
            "hook.py:427] Monitoring the collections: losses, metrics, sm_metrics",
            "profiler_config_parser.py:111] User has disabled profiler."};
        auto t = detail::to_civil(clock_ms_);
        out += '[';
        append_date(out, t, '-');
        out += ' ';
        append_clock(out, t);
        out += '.';
        detail::append_int_padded(out, t.millisecond, 3, '0');
        out += " algo-1:";
        detail::append_int(out, 50 + random_.between(0, job_.gpus - 1));
        out += " INFO ";
        out += random_.pick(messages);
        out += '\n';
    }

    void emit_wandb_line(std::string& out) {
        static constexpr std::array<std::string_view, 5> messages = {
            "wandb: WARNING Step must only increase in log calls.",
            "wandb: Network error (ReadTimeout), entering retry loop.",
            "wandb: 🚀 View run at https://wandb.ai/team/sagemaker/runs/",
            "wandb: ⭐️ View project at https://wandb.ai/team/sagemaker", "wandb: Syncing run train-"};
        const auto message = random_.pick(messages);
        out += message;
        if (message.back() == '/' || message.back() == '-') detail::append_int(out, 1000 + job_.number);
        out += '\n';
    }

    void emit_gpu_stats(std::string& out) {
        out += "[GPU ";
        detail::append_int(out, random_.between(0, job_.gpus - 1));
        out += "] util ";
        detail::append_int(out, random_.between(0, 100));
        out += "% | mem ";
        detail::append_grouped(out, random_.between(1000, 40'000));
        out += " / 40,960 MiB | temp ";
        detail::append_int(out, random_.between(35, 82));
        out += "C | power ";
        detail::append_int(out, random_.between(60, 400));
        out += " W\n";
    }

    void emit_traceback(std::string& out) {
        static constexpr std::array<std::string_view, 4> frames = {
            "  File \"/opt/conda/lib/python3.10/site-packages/torch/utils/data/dataloader.py\", line 633, in "
            "__next__\n    data = self._next_data()\n",
            "  File \"/opt/conda/lib/python3.10/site-packages/torch/utils/data/_utils/fetch.py\", line 51, in fetch\n  "
            "  data = [self.dataset[idx] for idx in possibly_batched_index]\n",
            "  File \"/opt/conda/lib/python3.10/site-packages/botocore/client.py\", line 964, in _make_api_call\n    "
            "raise error_class(parsed_response, operation_name)\n",
            "  File \"/opt/conda/lib/python3.10/site-packages/urllib3/connectionpool.py\", line 790, in urlopen\n    "
            "response = self._make_request(\n"};
        static constexpr std::array<std::string_view, 4> errors = {
            "ConnectionResetError: [Errno 104] Connection reset by peer\n",
            "botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation "
            "(reached max retries: 4): Please reduce your request rate.\n",
            "RuntimeError: DataLoader worker (pid 4121) is killed by signal: Bus error. It is possible that "
            "dataloader's workers are out of shared memory.\n",
            "OSError: [Errno 28] No space left on device: '/tmp/tmpq2x8a1c0'\n"};
        append_python_time(out);
        out += " - train - WARNING - Retrying after an error (attempt ";
        detail::append_int(out, random_.between(1, 4));
        out += "/5):\nTraceback (most recent call last):\n  File \"/opt/ml/code/train.py\", line ";
        detail::append_int(out, random_.between(100, 400));
        out += ", in <module>\n    main()\n  File \"/opt/ml/code/train.py\", line ";
        detail::append_int(out, random_.between(50, 99));
        out += ", in main\n    batch = next(loader_iter)\n";
        const auto depth = random_.between(1, 4);
        for (std::int64_t i = 0; i < depth; ++i) out += random_.pick(frames);
        out += random_.pick(errors);
    }

    /// Hyperparameters as JSON: keys that look like metrics (loss_type, eval_steps,
    /// learning_rate, metric_for_best_model) in the shapes no definition should match.
    /// `indent` < 0 writes one line.
    void emit_hyperparameters_json(std::string& out, int indent) {
        detail::prng params(job_.hyperparameter_seed);  // the same values each time a job prints them
        static constexpr std::array<std::string_view, 4> losses = {"mse", "cross_entropy", "huber", "focal"};
        static constexpr std::array<std::string_view, 4> models = {"bert-base-uncased", "resnet50", "gpt2-medium",
                                                                   "distilbert-base-uncased"};
        auto newline = [&](int depth) {
            if (indent < 0) {
                out += ' ';
                return;
            }
            out += '\n';
            out.append(static_cast<std::size_t>(indent * depth), ' ');
        };
        auto key = [&](std::string_view name, int depth) {
            newline(depth);
            out += '"';
            out += name;
            out += "\": ";
        };
        out += '{';
        key("model_name_or_path", 1);
        out += '"';
        out += params.pick(models);
        out += "\",";
        key("loss_type", 1);
        out += '"';
        out += params.pick(losses);
        out += "\",";
        key("learning_rate", 1);
        detail::append_decimal_repr(out, params.between(1, 9), -static_cast<int>(params.between(3, 5)));
        out += ',';
        key("epochs", 1);
        detail::append_int(out, job_.epochs);
        out += ',';
        key("per_device_train_batch_size", 1);
        detail::append_int(out, 8 << params.between(0, 3));
        out += ',';
        key("eval_steps", 1);
        detail::append_int(out, params.between(1, 10) * 100);
        out += ',';
        key("metric_for_best_model", 1);
        out += "\"eval_loss\",";
        key("warmup_ratio", 1);
        detail::append_decimal_repr(out, params.between(0, 10), -2);
        out += ',';
        key("optimizer", 1);
        out += '{';
        key("name", 2);
        out += "\"adamw\",";
        key("betas", 2);
        out += "[0.9, 0.999],";
        key("weight_decay", 2);
        out += "0.01";
        newline(1);
        out += "},";
        key("early_stopping", 1);
        out += '{';
        key("monitor", 2);
        out += "\"val_loss\",";
        key("patience", 2);
        detail::append_int(out, params.between(2, 10));
        out += ',';
        key("min_delta", 2);
        out += "0.001";
        newline(1);
        out += "},";
        key("seed", 1);
        detail::append_int(out, params.between(0, 99999));
        newline(0);
        out += "}\n";
    }

    /// SageMaker prints the whole training environment as one JSON line of several KiB.
    void emit_long_config_line(std::string& out) {
        out +=
            "SM_TRAINING_ENV={\"additional_framework_parameters\":{},\"channel_input_dirs\":{\"train\":\"/opt/ml/input/"
            "data/train\",\"validation\":\"/opt/ml/input/data/"
            "validation\"},\"current_host\":\"algo-1\",\"current_instance_group\":\"homogeneousCluster\",\"current_"
            "instance_group_hosts\":[\"algo-1\"],\"current_instance_type\":\"ml.p4d.24xlarge\",\"distribution_hosts\":["
            "],\"distribution_instance_groups\":[],\"framework_module\":\"sagemaker_pytorch_container.training:main\","
            "\"hosts\":[\"algo-1\"],\"hyperparameters\":";
        scratch_.clear();
        emit_hyperparameters_json(scratch_, -1);
        scratch_.pop_back();  // its newline
        out += scratch_;
        out +=
            ",\"input_config_dir\":\"/opt/ml/input/"
            "config\",\"input_data_config\":{\"train\":{\"RecordWrapperType\":\"None\",\"S3DistributionType\":"
            "\"FullyReplicated\",\"TrainingInputMode\":\"File\"},\"validation\":{\"RecordWrapperType\":\"None\","
            "\"S3DistributionType\":\"FullyReplicated\",\"TrainingInputMode\":\"File\"}},\"input_dir\":\"/opt/ml/"
            "input\",\"instance_groups\":[\"homogeneousCluster\"],\"instance_groups_dict\":{\"homogeneousCluster\":{"
            "\"hosts\":[\"algo-1\"],\"instance_group_name\":\"homogeneousCluster\",\"instance_type\":\"ml.p4d."
            "24xlarge\"}},\"is_hetero\":false,\"is_master\":true,\"is_modelparallel_enabled\":null,\"is_smddpmprun_"
            "installed\":true,\"job_name\":\"train-";
        detail::append_int(out, 1000 + job_.number);
        out +=
            "\",\"log_level\":20,\"master_hostname\":\"algo-1\",\"model_dir\":\"/opt/ml/model\",\"module_dir\":\"s3://"
            "sagemaker-us-east-1-123456789012/train-";
        detail::append_int(out, 1000 + job_.number);
        out +=
            "/source/"
            "sourcedir.tar.gz\",\"module_name\":\"train\",\"network_interface_name\":\"eth0\",\"num_cpus\":96,\"num_"
            "gpus\":";
        detail::append_int(out, job_.gpus);
        out +=
            ",\"num_neurons\":0,\"output_data_dir\":\"/opt/ml/output/data\",\"output_dir\":\"/opt/ml/"
            "output\",\"output_intermediate_dir\":\"/opt/ml/output/"
            "intermediate\",\"resource_config\":{\"current_group_name\":\"homogeneousCluster\",\"current_host\":\"algo-"
            "1\",\"current_instance_type\":\"ml.p4d.24xlarge\",\"hosts\":[\"algo-1\"],\"instance_groups\":[{\"hosts\":["
            "\"algo-1\"],\"instance_group_name\":\"homogeneousCluster\",\"instance_type\":\"ml.p4d.24xlarge\"}],"
            "\"network_interface_name\":\"eth0\"},\"user_entry_point\":\"train.py\",\"version\":\"2.19.1\",\"channel_"
            "files\":{\"train\":[";
        // A channel's file list is what makes this line run to several KiB.
        const auto files = random_.between(20, 120);
        for (std::int64_t i = 0; i < files; ++i) {
            if (i > 0) out += ',';
            out += "\"part-";
            detail::append_int_padded(out, i, 5, '0');
            out += "-of-";
            detail::append_int_padded(out, files, 5, '0');
            out += ".csv\"";
        }
        out += "]}}\n";
    }

    void emit_pip_lines(std::string& out, std::int64_t packages) {
        static constexpr std::array<std::string_view, 8> names = {
            "transformers", "datasets", "accelerate", "evaluate", "scikit-learn", "sentencepiece", "wandb", "tiktoken"};
        for (std::int64_t i = 0; i < packages; ++i) {
            const auto name = random_.pick(names);
            const auto major = random_.between(0, 4);
            const auto minor = random_.between(0, 40);
            if (random_.percent(40)) {
                out += "Requirement already satisfied: ";
                out += name;
                out += ">=";
                detail::append_int(out, major);
                out += '.';
                detail::append_int(out, minor);
                out += " in /opt/conda/lib/python3.10/site-packages (from -r requirements.txt (line ";
                detail::append_int(out, random_.between(1, 12));
                out += ")) (";
                detail::append_int(out, major);
                out += '.';
                detail::append_int(out, minor + random_.between(0, 3));
                out += ".0)\n";
                continue;
            }
            const auto size_tenths = random_.between(1, 4000);
            out += "Collecting ";
            out += name;
            out += "==";
            detail::append_int(out, major);
            out += '.';
            detail::append_int(out, minor);
            out += ".0\n  Downloading ";
            out += name;
            out += '-';
            detail::append_int(out, major);
            out += '.';
            detail::append_int(out, minor);
            out += ".0-py3-none-any.whl (";
            detail::append_fixed(out, size_tenths * (detail::one / 10), 1);
            out += " MB)\n     ";
            detail::append_repeated(out, "━", 40);
            out += ' ';
            detail::append_fixed(out, size_tenths * (detail::one / 10), 1);
            out += '/';
            detail::append_fixed(out, size_tenths * (detail::one / 10), 1);
            out += " MB ";
            detail::append_fixed(out, random_.between(50, 3000) * (detail::one / 10), 1);
            out += " MB/s eta 0:00:00\n";
        }
    }

    // ---- job start-up and teardown ------------------------------------------------------------

    void start_job(std::string& out) {
        if (next_in_order_ == framework_count) shuffle_frameworks();
        job_ = job_state{};
        job_.kind = order_[next_in_order_++];
        job_.number = ++jobs_started_;
        job_.hyperparameter_seed = random_.next();
        job_.gpus = job_.kind == framework::xgboost ? 1 : random_.pick(std::array<std::int64_t, 4>{1, 1, 4, 8});
        configure_job();

        tick(60'000, 600'000);
        static constexpr std::array<std::string_view, 6> containers = {
            "sagemaker_xgboost_container.training",
            "sagemaker_tensorflow_container.training",
            "sagemaker_huggingface_pytorch_container.training",
            "sagemaker_pytorch_container.training",
            "sagemaker_pytorch_container.training",
            "sagemaker_pytorch_container.training"};
        toolkit_line(out, "Imported framework ");
        out.pop_back();
        out += containers[static_cast<std::size_t>(job_.kind)];
        out += '\n';
        toolkit_line(out, job_.gpus > 1 ? "Using distribution: smddp (SageMaker distributed data parallel)"
                                        : "No Neurons detected (normal if no neurons installed)");
        if (random_.percent(50)) {
            toolkit_line(out, "Installing dependencies from requirements.txt:");
            out += "/opt/conda/bin/python3.10 -m pip install -r requirements.txt\n";
            emit_pip_lines(out, random_.between(3, 12));
            out += "Installing collected packages: tokenizers, safetensors, huggingface-hub, transformers\n";
            out +=
                "Successfully installed huggingface-hub-0.20.3 safetensors-0.4.2 tokenizers-0.15.2 "
                "transformers-4.36.0\n";
            out +=
                "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour "
                "with the system package manager. It is recommended to use a virtual environment instead: "
                "https://pip.pypa.io/warnings/venv\n";
        }
        toolkit_line(out, "Invoking user script");
        out += "\nTraining Env:\n\n";
        emit_hyperparameters_json(out, 4);
        out += "\nEnvironment variables:\n\nSM_HOSTS=[\"algo-1\"]\nSM_NETWORK_INTERFACE_NAME=eth0\nSM_HPS=";
        scratch_.clear();
        emit_hyperparameters_json(scratch_, -1);
        out += scratch_;
        out +=
            "SM_USER_ENTRY_POINT=train.py\nSM_CHANNELS=[\"train\",\"validation\"]\nSM_CURRENT_HOST=algo-1\nSM_MODULE_"
            "NAME=train\nSM_LOG_LEVEL=20\nSM_NUM_CPUS=96\nSM_NUM_GPUS=";
        detail::append_int(out, job_.gpus);
        out +=
            "\nSM_MODEL_DIR=/opt/ml/model\nSM_OUTPUT_DATA_DIR=/opt/ml/output/data\nSM_CHANNEL_TRAIN=/opt/ml/input/data/"
            "train\nSM_CHANNEL_VALIDATION=/opt/ml/input/data/validation\n";
        emit_long_config_line(out);
        out +=
            "PYTHONPATH=/opt/ml/code:/opt/conda/bin:/opt/conda/lib/python310.zip:/opt/conda/lib/python3.10:/opt/conda/"
            "lib/python3.10/lib-dynload:/opt/conda/lib/python3.10/site-packages\n\nInvoking script with the following "
            "command:\n\n/opt/conda/bin/python3.10 train.py --epochs ";
        detail::append_int(out, job_.epochs);
        out += " --learning-rate 0.001 --loss-type mse\n\n";

        if (job_.kind != framework::xgboost) emit_gpu_startup(out);
        switch (job_.kind) {
            case framework::xgboost: xgboost_startup(out); break;
            case framework::keras: keras_startup(out); break;
            case framework::huggingface: huggingface_startup(out); break;
            case framework::pytorch_mnist: mnist_startup(out); break;
            case framework::lightning: lightning_startup(out); break;
            case framework::nanogpt: nanogpt_startup(out); break;
        }
    }

    void toolkit_line(std::string& out, std::string_view message) {
        tick(5, 900);
        append_python_time(out);
        out += " sagemaker-training-toolkit INFO     ";
        out += message;
        out += '\n';
    }

    void emit_gpu_startup(std::string& out) {
        if (job_.kind == framework::keras) {
            for (std::int64_t gpu = 0; gpu < job_.gpus; ++gpu) {
                tick(10, 400);
                append_micro_time(out);
                out +=
                    ": I tensorflow/core/common_runtime/gpu/gpu_device.cc:1886] Created device "
                    "/job:localhost/replica:0/task:0/device:GPU:";
                detail::append_int(out, gpu);
                out += " with 38364 MB memory:  -> device: ";
                detail::append_int(out, gpu);
                out += ", name: NVIDIA A100-SXM4-40GB, pci bus id: 0000:";
                detail::append_int_padded(out, 16 + gpu, 2, '0');
                out += ":1c.0, compute capability: 8.0\n";
            }
            append_micro_time(out);
            out += ": I tensorflow/compiler/xla/stream_executor/cuda/cuda_dnn.cc:442] Loaded cuDNN version 8900\n";
            return;
        }
        if (job_.gpus == 1) return;
        for (std::int64_t rank = 0; rank < job_.gpus; ++rank) {
            const auto lines = random_.between(2, 5);
            for (std::int64_t i = 0; i < lines; ++i) emit_nccl_line(out, rank);
        }
        out += "NCCL version 2.18.5+cuda12.1\n";
    }

    void configure_job() {
        auto& j = job_;
        switch (j.kind) {
            case framework::xgboost:
                j.variant =
                    static_cast<int>(xgboost_jobs_++ % xgboost_metrics.size());  // every eval metric comes round
                j.flag = random_.percent(30);  // "#011" written out, as copied from CloudWatch
                j.steps = random_.between(40, 300);
                j.units_left = j.steps;
                j.epochs = j.steps;
                if (xgboost_metrics[static_cast<std::size_t>(j.variant)] == "rmse") {
                    j.train = {random_.between(5, 20) * detail::one, random_.between(5, 30) * detail::one / 10, 960,
                               detail::one / 200, 0};
                } else {
                    j.train = {random_.between(300, 700) * detail::one / 1000,
                               random_.between(20, 200) * detail::one / 1000, 975, detail::one / 2000, 0};
                }
                j.valid = j.train;
                j.valid.floor += j.valid.floor / 5;
                break;
            case framework::keras:
                j.epochs = random_.between(5, 30);
                j.units_left = j.epochs;
                j.steps = random_.pick(std::array<std::int64_t, 6>{469, 938, 1875, 157, 313, 63});
                j.variant = random_.percent(80) ? 1 : 2;  // Keras's verbose=1 (progress bar) or 2 (one line)
                j.flag = random_.percent(30);             // a learning-rate callback adds "- lr:"
                j.train = {random_.between(8, 25) * detail::one / 10, random_.between(1, 300) * detail::one / 10'000,
                           800, detail::one / 500, 1};
                j.valid = j.train;
                j.valid.floor += j.valid.floor / 4;
                j.accuracy_gap = {random_.between(500, 900) * detail::one / 1000,
                                  random_.between(1, 90) * detail::one / 1000, 800, detail::one / 400, 1};
                j.pace = random_.between(2, 40);
                break;
            case framework::huggingface:
                j.interval = random_.pick(std::array<std::int64_t, 4>{10, 25, 50, 100});
                j.units_left = random_.between(30, 250);
                j.steps = j.units_left * j.interval;
                j.epochs = random_.between(1, 5);
                j.eval_interval = j.interval * random_.between(4, 12);
                j.flag = random_.percent(60);             // newer Trainers log grad_norm
                j.variant = random_.percent(50) ? 1 : 0;  // classification with F1
                j.best = random_.pick(
                    std::array<std::int64_t, 5>{50'000, 20'000, 30'000, 100'000, 200'000});  // peak lr, nanos
                j.train = {random_.between(6, 30) * detail::one / 10, random_.between(1, 400) * detail::one / 1000, 985,
                           detail::one / 50, 0};
                j.valid = j.train;
                j.accuracy_gap = {random_.between(300, 600) * detail::one / 1000,
                                  random_.between(20, 150) * detail::one / 1000, 900, detail::one / 300, 1};
                j.pace = random_.between(80, 1500);
                break;
            case framework::pytorch_mnist:
                j.epochs = random_.between(2, 8);
                j.steps = 938;  // batches of 64 over 60,000 images
                j.interval = random_.pick(std::array<std::int64_t, 4>{10, 20, 50, 100});
                j.units_left = j.epochs * ((j.steps + j.interval - 1) / j.interval);
                j.train = {2'300'000'000, random_.between(1, 60) * detail::one / 1000, 960, detail::one / 40, 100};
                j.valid = {detail::one / 10, random_.between(20, 50) * detail::one / 1000, 700, detail::one / 1000, 1};
                j.accuracy_gap = {900'000'000, random_.between(5, 20) * detail::one / 1000, 600, detail::one / 1000, 1};
                break;
            case framework::lightning:
                j.epochs = random_.between(3, 20);
                j.steps = random_.pick(std::array<std::int64_t, 4>{938, 469, 1563, 250});
                j.interval = random_.between(6, 12);  // progress-bar blocks per epoch
                j.units_left = j.epochs * j.interval;
                j.pace = random_.percent(15) ? random_.between(30, 95) : random_.between(500, 6000);
                j.train = {random_.between(8, 25) * detail::one / 10, random_.between(1, 300) * detail::one / 1000, 985,
                           detail::one / 30, 1000};
                j.valid = j.train;
                j.accuracy_gap = {800'000'000, random_.between(10, 100) * detail::one / 1000, 700, detail::one / 500,
                                  1};
                break;
            case framework::nanogpt:
                j.interval = 10;
                j.eval_interval = random_.pick(std::array<std::int64_t, 3>{100, 250, 500});
                j.units_left = random_.between(60, 500);
                j.steps = j.units_left * j.interval;
                j.train = {4'200'000'000, random_.between(90, 160) * detail::one / 100, 992, detail::one / 25, 1000};
                j.valid = j.train;
                j.valid.floor += random_.between(5, 40) * detail::one / 100;
                j.pace = random_.between(8000, 40000);
                break;
        }
    }

    void emit_teardown(std::string& out) {
        if (random_.percent(8)) {  // a failed job
            emit_traceback(out);
            toolkit_line(out, "Reporting training FAILURE");
            toolkit_line(out, "ExecuteUserScriptError:");
            out +=
                "ExitCode 1\nErrorMessage \"RuntimeError: CUDA error: an illegal memory access was "
                "encountered\"\nCommand \"/opt/conda/bin/python3.10 train.py\"\n";
            return;
        }
        toolkit_line(out, "Waiting for the process to finish and give a return code.");
        toolkit_line(out, "Done waiting for a return code. Received 0 from exiting process.");
        toolkit_line(out, "Reporting training SUCCESS");
    }

    // ---- training output, per framework ----------------------------------------------------

    void emit_training_block(std::string& out) {
        switch (job_.kind) {
            case framework::xgboost: xgboost_round(out); break;
            case framework::keras: keras_epoch(out); break;
            case framework::huggingface: huggingface_logging_step(out); break;
            case framework::pytorch_mnist: mnist_log_interval(out); break;
            case framework::lightning: lightning_progress(out); break;
            case framework::nanogpt: nanogpt_iteration(out); break;
        }
    }

    // XGBoost: "[12]\ttrain-rmse:3.14159\tvalidation-rmse:3.41234"

    void xgboost_startup(std::string& out) {
        auto t = detail::to_civil(clock_ms_);
        auto sagemaker_line = [&](std::string_view message) {
            out += '[';
            append_date(out, t, '-');
            out += ':';
            append_clock(out, t);
            out += ":INFO] ";
            out += message;
            out += '\n';
        };
        sagemaker_line("Imported framework sagemaker_xgboost_container.training");
        sagemaker_line("Failed to parse hyperparameter objective value reg:squarederror to Json.");
        sagemaker_line("Running XGBoost Sagemaker in algorithm mode");
        sagemaker_line("Determined 0 GPU(s) available on the instance.");
        sagemaker_line("Determined delimiter of CSV input is ','");
        sagemaker_line("files path: /opt/ml/input/data/train");
        sagemaker_line("files path: /opt/ml/input/data/validation");
        sagemaker_line("Single node training.");
        sagemaker_line("Train matrix has 2923 rows and 70 columns");
        sagemaker_line("Validation matrix has 731 rows");
        out += '[';
        append_clock(out, t);
        out += "] WARNING: ../src/learner.cc:767: \nParameters: { \"num_round\" } are not used.\n\n";
    }

    // The eval metric of successive XGBoost jobs: regression is the commonest.
    static constexpr std::array<std::string_view, 7> xgboost_metrics = {"rmse", "logloss", "merror", "rmse",
                                                                        "auc",  "rmse",    "error"};

    void xgboost_round(std::string& out) {
        auto& j = job_;
        const std::string_view separator = j.flag ? "#011" : "\t";
        const auto metric = xgboost_metrics[static_cast<std::size_t>(j.variant)];
        const auto train = j.train.step(random_);
        const auto valid = j.valid.step(random_);
        out += '[';
        detail::append_int(out, j.step++);
        out += ']';
        for (int set = 0; set < 2; ++set) {
            out += separator;
            out += set == 0 ? "train-" : "validation-";
            out += metric;
            out += ':';
            const auto value = set == 0 ? train : valid;
            detail::append_fixed(out, metric == "auc" ? detail::one - value / 2 : value, 5);  // auc rises towards 1
        }
        out += '\n';
        emit_noise(out, random_.between(1, 5));
    }

    // Keras: "Epoch 3/10", then `\r`-glued progress updates ending with the epoch summary.

    void keras_startup(std::string& out) {
        static constexpr std::array<std::array<std::string_view, 3>, 9> layers = {{
            {"conv2d (Conv2D)", "(None, 26, 26, 32)", "320"},
            {"max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0"},
            {"conv2d_1 (Conv2D)", "(None, 11, 11, 64)", "18,496"},
            {"max_pooling2d_1 (MaxPooling2D)", "(None, 5, 5, 64)", "0"},
            {"flatten (Flatten)", "(None, 1600)", "0"},
            {"dropout (Dropout)", "(None, 1600)", "0"},
            {"dense (Dense)", "(None, 128)", "204,928"},
            {"dense_1 (Dense)", "(None, 10)", "1,290"},
            {"batch_normalization (BatchNormalization)", "(None, 128)", "512"},
        }};
        const auto count = static_cast<std::size_t>(random_.between(4, 9));
        out += "Model: \"sequential\"\n";
        if (random_.percent(50)) {  // Keras 3: a box-drawing table
            auto rule = [&](std::string_view left, std::string_view fill, std::string_view middle,
                            std::string_view right) {
                out += left;
                detail::append_repeated(out, fill, 42);
                out += middle;
                detail::append_repeated(out, fill, 24);
                out += middle;
                detail::append_repeated(out, fill, 15);
                out += right;
                out += '\n';
            };
            auto row = [&](std::string_view bar, std::string_view a, std::string_view b, std::string_view c) {
                out += bar;
                out += ' ';
                detail::append_left(out, a, 41);
                out += bar;
                out += ' ';
                detail::append_left(out, b, 23);
                out += bar;
                out.append(c.size() < 14 ? 14 - c.size() : 0, ' ');
                out += c;
                out += ' ';
                out += bar;
                out += '\n';
            };
            rule("┏", "━", "┳", "┓");
            row("┃", "Layer (type)", "Output Shape", "Param #");
            rule("┡", "━", "╇", "┩");
            for (std::size_t i = 0; i < count; ++i) {
                if (i > 0) rule("├", "─", "┼", "┤");
                row("│", layers[i][0], layers[i][1], layers[i][2]);
            }
            rule("└", "─", "┴", "┘");
            out +=
                " Total params: 225,034 (879.04 KB)\n Trainable params: 225,034 (879.04 KB)\n Non-trainable params: 0 "
                "(0.00 B)\n";
        } else {  // Keras 2: underscores and equals signs
            out += "_________________________________________________________________\n";
            out += " Layer (type)                Output Shape              Param #   \n";
            out += "=================================================================\n";
            for (std::size_t i = 0; i < count; ++i) {
                out += ' ';
                detail::append_left(out, layers[i][0], 28);
                detail::append_left(out, layers[i][1], 26);
                detail::append_left(out, layers[i][2], 10);
                out += "\n                                                                 \n";
            }
            out += "=================================================================\n";
            out += "Total params: 225,034\nTrainable params: 225,034\nNon-trainable params: 0\n";
            out += "_________________________________________________________________\n";
        }
    }

    void keras_metrics(std::string& out, std::int64_t loss, std::int64_t accuracy, bool diverged) {
        out += " - loss: ";
        if (diverged) {
            out += "nan";
        } else {
            detail::append_keras_value(out, loss);
        }
        out += " - accuracy: ";
        detail::append_keras_value(out, accuracy);
    }

    void keras_epoch(std::string& out) {
        auto& j = job_;
        ++j.epoch;
        out += "Epoch ";
        detail::append_int(out, j.epoch);
        out += '/';
        detail::append_int(out, j.epochs);
        out += '\n';
        const auto previous_loss = j.train.value;
        const auto previous_gap = j.accuracy_gap.value;
        const auto loss = j.train.step(random_);
        const auto gap = j.accuracy_gap.step(random_);
        const auto valid_loss = j.valid.step(random_);
        const auto valid_gap = gap + gap / 8;  // validation accuracy a little below training
        const bool diverged = random_.one_in(400);
        const auto width = detail::digit_count(j.steps);
        const auto seconds = j.steps * j.pace / 1000 + 1;
        if (j.variant == 1) {
            const auto updates = random_.between(3, 24);
            for (std::int64_t u = 1; u <= updates; ++u) {
                const auto done = std::max<std::int64_t>(
                    1, (j.steps - 1) * u / updates - random_.between(0, j.steps / (updates * 3) + 1));
                detail::append_int_padded(out, done, width);
                out += '/';
                detail::append_int(out, j.steps);
                out += " [";
                const auto filled = static_cast<std::size_t>(30 * done / j.steps);
                if (filled > 0) {
                    out.append(filled - 1, '=');
                    out += '>';
                }
                out.append(30 - filled, '.');
                out += "] - ETA: ";
                const auto eta = (j.steps - done) * j.pace / 1000;
                if (eta >= 60) {
                    detail::append_int(out, eta / 60);
                    out += ':';
                    detail::append_int_padded(out, eta % 60, 2, '0');
                } else {
                    detail::append_int(out, eta);
                    out += 's';
                }
                // The running average moves from last epoch's value towards this epoch's.
                keras_metrics(out, previous_loss + (loss - previous_loss) * u / updates,
                              detail::one - (previous_gap + (gap - previous_gap) * u / updates), diverged);
                out += '\r';
            }
            detail::append_int(out, j.steps);
            out += '/';
            detail::append_int(out, j.steps);
            out += " [==============================] - ";
            detail::append_int(out, seconds);
            out += "s ";
            detail::append_int(out, j.pace);
            out += "ms/step";
        } else {
            detail::append_int(out, j.steps);
            out += '/';
            detail::append_int(out, j.steps);
            out += " - ";
            detail::append_int(out, seconds);
            out += 's';
        }
        keras_metrics(out, loss, detail::one - gap, diverged);
        out += " - val_loss: ";
        detail::append_keras_value(out, valid_loss);
        out += " - val_accuracy: ";
        detail::append_keras_value(out, detail::one - valid_gap);
        if (j.flag) {
            out += " - lr: ";
            detail::append_keras_value(out, detail::one / 1000 >> (j.epoch / 5));
        }
        if (j.variant == 2) {
            out += " - ";
            detail::append_int(out, seconds);
            out += "s/epoch - ";
            detail::append_int(out, j.pace);
            out += "ms/step";
        }
        out += '\n';
        if (j.best == 0 || valid_loss < j.best) {
            out += "\nEpoch ";
            detail::append_int(out, j.epoch);
            out += ": val_loss improved from ";
            if (j.best == 0) {
                out += "inf";
            } else {
                detail::append_fixed(out, j.best, 5);
            }
            out += " to ";
            detail::append_fixed(out, valid_loss, 5);
            out += ", saving model to /opt/ml/model/best.h5\n";
            j.best = valid_loss;
        } else {
            out += "\nEpoch ";
            detail::append_int(out, j.epoch);
            out += ": val_loss did not improve from ";
            detail::append_fixed(out, j.best, 5);
            out += '\n';
        }
        emit_noise(out, random_.between(1, 6));
    }

    // Hugging Face Trainer: "{'loss': 0.6931, 'learning_rate': 4.8e-05, 'epoch': 0.12}"

    void huggingface_startup(std::string& out) {
        out +=
            "loading configuration file config.json from cache at "
            "/root/.cache/huggingface/hub/models--bert-base-uncased/snapshots/1dbc166cf8765166998eff31ade2eb64c8a40076/"
            "config.json\n";
        out +=
            "loading weights file model.safetensors from cache at "
            "/root/.cache/huggingface/hub/models--bert-base-uncased/snapshots/1dbc166cf8765166998eff31ade2eb64c8a40076/"
            "model.safetensors\n";
        out +=
            "Some weights of BertForSequenceClassification were not initialized from the model checkpoint at "
            "bert-base-uncased and are newly initialized: ['classifier.bias', 'classifier.weight']\n";
        out +=
            "You should probably TRAIN this model on a down-stream task to be able to use it for predictions and "
            "inference.\n";
        out += "***** Running training *****\n  Num examples = ";
        detail::append_grouped(out, job_.steps * 32 / job_.epochs);
        out += "\n  Num Epochs = ";
        detail::append_int(out, job_.epochs);
        out +=
            "\n  Instantaneous batch size per device = 32\n  Total train batch size (w. parallel, distributed & "
            "accumulation) = ";
        detail::append_int(out, 32 * job_.gpus);
        out += "\n  Gradient Accumulation steps = 1\n  Total optimization steps = ";
        detail::append_grouped(out, job_.steps);
        out += "\n  Number of trainable parameters = 109,483,778\n";
    }

    void huggingface_logging_step(std::string& out) {
        auto& j = job_;
        j.step += j.interval;
        detail::append_tqdm(out, "", j.step - j.interval / 2, j.steps, j.pace);
        out += '\r';
        detail::append_tqdm(out, "", j.step, j.steps, j.pace);
        out += '\n';
        const auto loss = j.train.step(random_);
        const auto steps_per_epoch = j.steps / j.epochs;
        out += "{'loss': ";
        if (random_.one_in(200)) {  // fp16 overflow now and then
            out += "nan";
        } else {
            detail::append_python_float(out, loss, 4);
        }
        if (j.flag) {
            out += ", 'grad_norm': ";
            detail::append_python_float(out, random_.between(detail::one / 10, 12 * detail::one), 9);
        }
        out += ", 'learning_rate': ";
        detail::append_python_float(out, j.best * (j.steps - j.step) / j.steps, 9);
        out += ", 'epoch': ";
        detail::append_python_float(out, j.step * detail::one / steps_per_epoch, 2);
        out += "}\n";
        emit_noise(out, random_.between(0, 3));

        if (j.step % j.eval_interval == 0 || j.step >= j.steps) huggingface_evaluation(out, steps_per_epoch);
        if (j.step >= j.steps) {
            out += "\n\nTraining completed. Do not forget to share your model on huggingface.co/models =)\n\n\n";
            const auto runtime = j.steps * 100 * detail::one / j.pace;
            out += "{'train_runtime': ";
            detail::append_python_float(out, runtime, 4);
            out += ", 'train_samples_per_second': ";
            detail::append_python_float(out, j.steps * 32 * detail::one / (runtime / detail::one + 1), 3);
            out += ", 'train_steps_per_second': ";
            detail::append_python_float(out, j.steps * detail::one / (runtime / detail::one + 1), 3);
            out += ", 'train_loss': ";
            detail::append_python_float(out, loss + loss / 3, 9);
            out += ", 'epoch': ";
            detail::append_python_float(out, j.epochs * detail::one, 2);
            out += "}\n";
            j.units_left = 1;  // the teardown comes next
        }
    }

    void huggingface_evaluation(std::string& out, std::int64_t steps_per_epoch) {
        auto& j = job_;
        const auto batches = random_.between(20, 200);
        out += "***** Running Evaluation *****\n  Num examples = ";
        detail::append_grouped(out, batches * 32);
        out += "\n  Batch size = 32\n";
        for (std::int64_t done = batches / 3; done <= batches; done += batches / 3) {
            if (done > batches / 3) out += '\r';
            detail::append_tqdm(out, "", done, batches, j.pace * 3);
        }
        out += '\n';
        const auto valid = j.valid.step(random_);
        const auto gap = j.accuracy_gap.step(random_);
        const auto runtime = random_.between(2, 90) * detail::one + random_.between(0, detail::one);
        out += "{'eval_loss': ";
        detail::append_python_float(out, valid + valid / 10, 9);
        out += ", 'eval_accuracy': ";
        detail::append_python_float(out, detail::one - gap, 9);
        if (j.variant == 1) {
            out += ", 'eval_f1': ";
            detail::append_python_float(out, detail::one - gap - gap / 5, 9);
        }
        out += ", 'eval_runtime': ";
        detail::append_python_float(out, runtime, 4);
        out += ", 'eval_samples_per_second': ";
        detail::append_python_float(out, batches * 32 * detail::one / (runtime / detail::one + 1), 3);
        out += ", 'eval_steps_per_second': ";
        detail::append_python_float(out, batches * detail::one / (runtime / detail::one + 1), 3);
        out += ", 'epoch': ";
        detail::append_python_float(out, j.step * detail::one / steps_per_epoch, 2);
        out += "}\n";
        out += "Saving model checkpoint to /opt/ml/checkpoints/checkpoint-";
        detail::append_int(out, j.step);
        out += "\nConfiguration saved in /opt/ml/checkpoints/checkpoint-";
        detail::append_int(out, j.step);
        out += "/config.json\nModel weights saved in /opt/ml/checkpoints/checkpoint-";
        detail::append_int(out, j.step);
        out += "/model.safetensors\n";
    }

    // PyTorch's MNIST example: "Train Epoch: 3 [12800/60000 (21%)]\tLoss: 0.254107"

    void mnist_startup(std::string& out) {
        out +=
            "Net(\n  (conv1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))\n  (conv2): Conv2d(32, 64, "
            "kernel_size=(3, 3), stride=(1, 1))\n  (dropout1): Dropout(p=0.25, inplace=False)\n  (dropout2): "
            "Dropout(p=0.5, inplace=False)\n  (fc1): Linear(in_features=9216, out_features=128, bias=True)\n  (fc2): "
            "Linear(in_features=128, out_features=10, bias=True)\n)\n";
        job_.epoch = 1;
    }

    void mnist_log_interval(std::string& out) {
        auto& j = job_;
        const auto batch = j.step;
        const auto seen = std::min<std::int64_t>(batch * 64, 60000);
        out += "Train Epoch: ";
        detail::append_int(out, j.epoch);
        out += " [";
        detail::append_int(out, seen);
        out += "/60000 (";
        detail::append_int(out, (200 * batch + j.steps) / (2 * j.steps));
        out += "%)]\tLoss: ";
        if (random_.one_in(1000)) {
            out += "nan";
        } else {
            detail::append_fixed(out, j.train.step(random_), 6);
        }
        out += '\n';
        emit_noise(out, random_.between(1, 5));
        j.step += j.interval;
        if (j.step >= j.steps) {  // end of epoch: the test pass
            const auto gap = j.accuracy_gap.step(random_);
            const auto correct = 10000 - gap * 10000 / detail::one;
            out += "\nTest set: Average loss: ";
            detail::append_fixed(out, j.valid.step(random_), 4);
            out += ", Accuracy: ";
            detail::append_int(out, correct);
            out += "/10000 (";
            detail::append_int(out, (correct + 50) / 100);
            out += "%)\n\n";
            j.step = 0;
            ++j.epoch;
        }
    }

    // PyTorch Lightning: "Epoch 2:  45%|████▌     | 423/938 [00:12<00:14, 35.2it/s, loss=0.231, v_num=0, ...]"

    void lightning_startup(std::string& out) {
        out +=
            "GPU available: True (cuda), used: True\nTPU available: False, using: 0 TPU cores\nIPU available: False, "
            "using: 0 IPUs\nHPU available: False, using: 0 HPUs\n";
        out += "LOCAL_RANK: 0 - CUDA_VISIBLE_DEVICES: [0,1,2,3,4,5,6,7]\n\n";
        out += "  | Name      | Type               | Params\n-------------------------------------------------\n";
        out +=
            "0 | model     | ResNet             | 11.2 M\n1 | loss_fn   | CrossEntropyLoss   | 0     \n2 | train_acc | "
            "MulticlassAccuracy | 0     \n3 | val_acc   | MulticlassAccuracy | 0     \n";
        out +=
            "-------------------------------------------------\n11.2 M    Trainable params\n0         Non-trainable "
            "params\n11.2 M    Total params\n44.727    Total estimated model params size (MB)\n";
        out +=
            "Sanity Checking: 0it [00:00, ?it/s]\rSanity Checking DataLoader 0: 100%|██████████| 2/2 [00:00<00:00,  "
            "3.12it/s]\n";
    }

    void lightning_progress(std::string& out) {
        auto& j = job_;
        const auto block = j.step % j.interval;  // which part of the epoch this block shows
        const auto updates = random_.between(2, 8);
        scratch_.clear();
        for (std::int64_t u = 1; u <= updates; ++u) {
            const auto done = j.steps * (block * updates + u) / (j.interval * updates);
            const auto loss = j.train.step(random_);
            scratch_.clear();
            scratch_ += ", loss=";
            detail::append_general(scratch_, loss, 3);
            scratch_ += ", v_num=";
            detail::append_int(scratch_, j.number % 10);
            if (j.validated) {
                scratch_ += ", val_loss=";
                detail::append_general(scratch_, j.valid.value, 3);
                scratch_ += ", val_acc=";
                detail::append_general(scratch_, detail::one - j.accuracy_gap.value, 3);
            }
            if (u > 1) out += '\r';
            out += "Epoch ";
            detail::append_int(out, j.epoch);
            out += ": ";
            std::string_view postfix = scratch_;
            detail::append_tqdm(out, {}, done, j.steps, j.pace, postfix);
        }
        out += '\n';
        emit_noise(out, random_.between(1, 5));
        ++j.step;
        if (j.step % j.interval == 0) {  // end of epoch: validation and checkpoint
            const auto batches = j.steps / 6;
            out += "Validation: 0it [00:00, ?it/s]\rValidation DataLoader 0:  50%|█████     | ";
            detail::append_int(out, batches / 2);
            out += '/';
            detail::append_int(out, batches);
            out += " [00:01<00:01, 62.41it/s]\rValidation DataLoader 0: 100%|██████████| ";
            detail::append_int(out, batches);
            out += '/';
            detail::append_int(out, batches);
            out += " [00:02<00:00, 62.95it/s]\n";
            j.valid.step(random_);
            j.accuracy_gap.step(random_);
            j.validated = true;
            out += "Epoch ";
            detail::append_int(out, j.epoch);
            out += ", global step ";
            detail::append_int(out, (j.epoch + 1) * j.steps);
            out += ": 'val_loss' reached ";
            detail::append_fixed(out, j.valid.value, 5);
            out += " (best ";
            detail::append_fixed(out, j.valid.value, 5);
            out += "), saving model to '/opt/ml/checkpoints/epoch=";
            detail::append_int(out, j.epoch);
            out += "-step=";
            detail::append_int(out, (j.epoch + 1) * j.steps);
            out += ".ckpt' as top 1\n";
            ++j.epoch;
        }
    }

    // nanoGPT: "iter 1200: loss 2.8812, time 45.12ms, mfu 31.20%"

    void nanogpt_startup(std::string& out) {
        out += "tokens per iteration will be: ";
        detail::append_grouped(out, 491'520);
        out +=
            "\nfound vocab_size = 50304 (inside data/openwebtext/meta.pkl)\nInitializing a new model from "
            "scratch\nnumber of parameters: 123.59M\n";
        out +=
            "num decayed parameter tensors: 50, with 124,354,560 parameters\nnum non-decayed parameter tensors: 98, "
            "with 121,344 parameters\nusing fused AdamW: True\ncompiling the model... (takes a ~minute)\n";
    }

    void nanogpt_iteration(std::string& out) {
        auto& j = job_;
        if (j.step % j.eval_interval == 0) {
            const auto valid = j.valid.step(random_);
            out += "step ";
            detail::append_int(out, j.step);
            out += ": train loss ";
            detail::append_fixed(out, j.train.value, 4);
            out += ", val loss ";
            detail::append_fixed(out, valid, 4);
            out += '\n';
            if (j.best == 0 || valid < j.best) {
                j.best = valid;
                if (j.step > 0) out += "saving checkpoint to out\n";
            }
        }
        out += "iter ";
        detail::append_int(out, j.step);
        out += ": loss ";
        detail::append_fixed(out, j.train.step(random_), 4);
        out += ", time ";
        const auto time_us = j.step == 0 ? 25'000'000 + random_.between(0, 9'000'000)  // the first includes compiling
                                         : j.pace * 10 + random_.between(-j.pace, j.pace);
        detail::append_fixed(out, time_us * 1'000'000, 2);  // microseconds to billionths of a millisecond
        out += "ms, mfu ";
        // nanoGPT prints -100.00% until its running estimate has five samples.
        const auto mfu = j.step < 5 * j.interval
                             ? -100 * detail::one
                             : 36 * detail::one * 10000 / j.pace + random_.between(-detail::one, detail::one);
        detail::append_fixed(out, mfu, 2);
        out += "%\n";
        j.step += j.interval;
        emit_noise(out, random_.between(1, 5));
    }

    std::int64_t jobs_started_ = 0;
    std::uint64_t xgboost_jobs_ = 0;
};

/// `target_bytes` (rounded up to the end of a block) of log for `seed`.
inline std::string generate_training_log(std::size_t target_bytes, std::uint64_t seed = 42) {
    std::string log;
    log.reserve(target_bytes + 64 * 1024);
    training_log_generator generator(seed);
    generator.append(log, target_bytes);
    return log;
}

}  // namespace lmbench
