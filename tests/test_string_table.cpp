// SPDX-License-Identifier: MIT
// detail/string_table.hpp: ids in order of first sight, one copy per string, views that stay
// valid and in place while the table grows and moves. (That a known string costs no allocation
// is checked in tests/alloc, which counts mallocs.)

#include <string>
#include <string_view>
#include <vector>

#include "logmetrics/detail/string_table.hpp"
#include "support/catch.hpp"

using logmetrics::detail::string_table;

TEST_CASE("string_table gives ids in order of first sight, the same id for the same text", "[string_table]") {
    string_table table;
    CHECK(table.empty());
    CHECK(table.intern("loss") == 0);
    CHECK(table.intern("acc") == 1);
    CHECK(table.intern("loss") == 0);  // not the one looked up last
    CHECK(table.intern("acc") == 1);   // the one looked up last
    CHECK(table.intern("") == 2);
    CHECK(table.intern("") == 2);
    CHECK(table.intern("Loss") == 3);  // case matters
    CHECK(table.size() == 4);
    CHECK(table[0] == "loss");
    CHECK(table[2].empty());
    CHECK(table.find("acc") == 1u);
    CHECK_FALSE(table.find("epoch").has_value());
    const std::vector<std::string_view> all(table.strings().begin(), table.strings().end());
    CHECK(all == std::vector<std::string_view>{"loss", "acc", "", "Loss"});
}

TEST_CASE("string_table copies the text: the caller's buffer may change", "[string_table]") {
    string_table table;
    std::string buffer = "train.log";
    const std::string_view interned = table.view_of(buffer);
    CHECK(interned.data() != buffer.data());
    buffer.assign("other.log");
    CHECK(interned == "train.log");
    CHECK(table.intern(buffer) == 1);
    CHECK(table.view_of("train.log").data() == interned.data());  // no second copy
}

TEST_CASE("string_table views stay in place as it grows, with long strings, and across moves", "[string_table]") {
    string_table table;
    const std::string long_text(10'000, 'x');  // bigger than a block: a block of its own
    const std::string half(3000, 'y');         // more than half a block: a block of its own too
    std::vector<std::string_view> first;
    first.push_back(table.view_of("first"));
    first.push_back(table.view_of(long_text));
    first.push_back(table.view_of(half));
    first.push_back(table.view_of("after the long ones"));
    for (int i = 0; i < 20'000; ++i) table.intern("metric/" + std::to_string(i));  // many blocks
    REQUIRE(table.size() == 20'004);
    CHECK(first[0] == "first");
    CHECK(first[1] == long_text);
    CHECK(first[2] == half);
    CHECK(first[3] == "after the long ones");
    for (std::size_t i = 0; i < first.size(); ++i)
        CHECK(table[static_cast<string_table::id_type>(i)].data() == first[i].data());
    CHECK(table[20'003] == "metric/19999");

    string_table moved(std::move(table));
    CHECK(table.empty());  // NOLINT(bugprone-use-after-move): a moved-from table is empty
    CHECK(moved.size() == 20'004);
    CHECK(moved[1].data() == first[1].data());
    CHECK(moved.intern("first") == 0);
    CHECK(moved.intern("metric/12345") == 12'349);

    string_table assigned;
    assigned.intern("something else");
    assigned = std::move(moved);
    CHECK(assigned[3].data() == first[3].data());
    CHECK(assigned.find("something else") == std::nullopt);
    CHECK(table.intern("fresh") == 0);  // a moved-from table can be used again
}
