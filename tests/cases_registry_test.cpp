// The registry: our IDs against Autobahn's, the ID order, and Autobahn's pattern rules
// (AB:caseset.py resolveCasePatternList, parseExcludeAgentCases).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cases/registry.h"
#include "harness/model/case_id.h"

namespace {

using wsconform::cases::all_cases;
using wsconform::cases::find;
using wsconform::harness::case_id_less;
constexpr auto id_less = [](std::string_view a, std::string_view b) { return case_id_less(a, b); };
using wsconform::cases::pattern_matches;
using wsconform::cases::pattern_matches_fully;
using wsconform::cases::select;

// Every section of Autobahn's with cases, and the "quick" subset without 9, 12 and 13.
const std::set<std::string> kAllSections{"1", "2", "3", "4", "5", "6", "7", "9", "10", "12", "13"};
const std::set<std::string> kQuickSections{"1", "2", "3", "4", "5", "6", "7", "10"};

std::string section_of(const std::string& id) {
    return id.substr(0, id.find('.'));
}

// Case IDs of `sections` in ../shared/reference/autobahn-cases.tsv, file order.
std::vector<std::string> reference_ids(const std::set<std::string>& sections) {
    std::ifstream in(std::string(WSCONFORM_SHARED_DIR) + "/reference/autobahn-cases.tsv");
    std::vector<std::string> ids;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        std::string id = line.substr(0, line.find('\t'));
        if (sections.count(section_of(id))) ids.push_back(id);
    }
    return ids;
}

std::vector<std::string> our_ids(const std::set<std::string>& sections) {
    std::vector<std::string> ids;
    for (const auto& c : all_cases())
        if (sections.count(section_of(c.id))) ids.push_back(c.id);
    return ids;
}

// Our IDs of `sections` equal the reference's one for one, `count` of them.
void expect_same_ids(const std::set<std::string>& sections, std::size_t count) {
    const auto reference = reference_ids(sections);
    ASSERT_EQ(reference.size(), count)
        << "reading " WSCONFORM_SHARED_DIR "/reference/autobahn-cases.tsv";
    const auto ours = our_ids(sections);
    EXPECT_EQ(ours.size(), count);

    // Both in numeric order, so equal lists mean the same IDs one for one.
    auto sorted_reference = reference;
    std::sort(sorted_reference.begin(), sorted_reference.end(),
              [](const std::string& a, const std::string& b) { return id_less(a, b); });
    EXPECT_EQ(ours, sorted_reference);

    const std::set<std::string> ours_set(ours.begin(), ours.end());
    const std::set<std::string> ref_set(reference.begin(), reference.end());
    EXPECT_EQ(ours_set.size(), ours.size()) << "duplicate IDs";
    for (const auto& id : ref_set) EXPECT_TRUE(ours_set.count(id)) << "missing " << id;
    for (const auto& id : ours_set) EXPECT_TRUE(ref_set.count(id)) << "not Autobahn's: " << id;
}

std::vector<std::string> ids_of(const std::vector<const wsconform::harness::Case*>& cases) {
    std::vector<std::string> ids;
    for (const auto* c : cases) ids.push_back(c->id);
    return ids;
}

TEST(Registry, IdsEqualAutobahnsOneForOne) {
    // All 517 of Autobahn 25.10.1's cases, and nothing else among its sections.
    expect_same_ids(kAllSections, 517);
    // Sections of our own (14, the opening handshake) only where Autobahn has none.
    for (const auto& c : all_cases()) {
        const int section = std::stoi(section_of(c.id));
        if (!kAllSections.count(section_of(c.id))) {
            EXPECT_GE(section, 14) << c.id << " is in none of Autobahn's sections";
        }
    }
}

TEST(Registry, QuickSubsetIsTheUsual247) {
    // Without 9, 12 and 13: the common quick run.
    expect_same_ids(kQuickSections, 247);
}

TEST(Registry, SectionCountsAreAutobahns) {
    std::map<std::string, std::size_t> counts;
    for (const auto& c : all_cases()) ++counts[section_of(c.id)];
    EXPECT_EQ(counts["9"], 54u);
    EXPECT_EQ(counts["12"], 90u);
    EXPECT_EQ(counts["13"], 126u);
}

// The README's table of sections says how many cases each has: a number (all of them), or
// "S + C" (those testing servers, those testing clients). Rows saying something else (section
// 14: "see `wsconform list`") are not counted.
TEST(Registry, TheReadmesSectionTableCountsTheCatalogue) {
    std::ifstream in(std::string(WSCONFORM_SOURCE_DIR) + "/README.md");
    std::string line;
    while (std::getline(in, line) && line != "| sections | what | cases |") {
    }
    ASSERT_TRUE(in) << "README.md has no table headed \"| sections | what | cases |\"";
    std::getline(in, line);  // |---|---|---|
    int rows = 0;
    while (std::getline(in, line) && line.starts_with("| ")) {
        const auto first_end = line.find(" | ");
        const auto last_start = line.rfind(" | ");
        const std::string sections_cell = line.substr(2, first_end - 2);
        const std::string count_cell = line.substr(last_start + 3, line.size() - last_start - 5);
        // "1–7, 10": numbers and ranges (an en dash), comma-separated.
        std::set<int> sections;
        std::istringstream items(sections_cell);
        for (std::string item; std::getline(items, item, ',');) {
            const auto dash = item.find("\u2013");
            const int from = std::stoi(item);
            const int to = dash == std::string::npos ? from : std::stoi(item.substr(dash + 3));
            for (int n = from; n <= to; ++n) sections.insert(n);
        }
        std::size_t servers = 0, clients = 0, all = 0;
        for (const auto& c : all_cases()) {
            if (!sections.count(std::stoi(section_of(c.id)))) continue;
            ++all;
            if (c.for_clients_only()) ++clients;
            if (c.for_servers_only()) ++servers;
        }
        unsigned long said_servers = 0, said_clients = 0;
        if (std::sscanf(count_cell.c_str(), "%lu + %lu", &said_servers, &said_clients) == 2) {
            EXPECT_EQ(said_servers, servers) << "testing servers, in the row of " << sections_cell;
            EXPECT_EQ(said_clients, clients) << "testing clients, in the row of " << sections_cell;
            ++rows;
        } else if (!count_cell.empty() &&
                   std::all_of(count_cell.begin(), count_cell.end(),
                               [](unsigned char ch) { return std::isdigit(ch); })) {
            EXPECT_EQ(std::stoul(count_cell), all) << "in the row of " << sections_cell;
            ++rows;
        }
    }
    EXPECT_GE(rows, 6) << "rows with a count";
}

TEST(Registry, CatalogueIsSortedWithoutDuplicates) {
    const auto& all = all_cases();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_TRUE(id_less(all[i - 1].id, all[i].id))
            << all[i - 1].id << " should sort before " << all[i].id;
    }
    std::set<std::string> unique;
    for (const auto& c : all) EXPECT_TRUE(unique.insert(c.id).second) << "duplicate " << c.id;
}

TEST(Registry, IdLessComparesIntegerTuples) {
    // {a, b}: a sorts before b, and b not before a.
    const std::pair<const char*, const char*> ordered[] = {
        {"1.1.9", "1.1.10"},
        {"2.9", "2.10"},
        {"9.8.6", "10.1.1"},
        {"1.2.8", "2.1"},
        {"6.9.4", "6.10.1"},
        {"12.1.18", "12.2.1"},
        // A proper prefix sorts first, as Python's tuples do.
        {"1.1", "1.1.1"},
    };
    for (const auto& [a, b] : ordered) {
        EXPECT_TRUE(id_less(a, b)) << a << " < " << b;
        EXPECT_FALSE(id_less(b, a)) << b << " < " << a;
        EXPECT_FALSE(id_less(a, a)) << a << " < " << a;  // irreflexive
    }
    EXPECT_FALSE(id_less("7.7.13", "7.7.13"));
}

// Autobahn's pattern rules, one row each: {pattern, id, matches from the start, matches fully}.
struct PatternRow {
    const char* pattern;
    const char* id;
    bool matches;
    bool matches_fully;
};

const PatternRow kPatternRows[] = {
    // Without '*' a pattern is a literal ID.
    {"1.1.1", "1.1.1", true, true},
    {"1.1.1", "1.1.10", false, false},
    {"1.1", "1.1.1", false, false},
    {"1.1.1", "1x1x1", false, false},
    // With '*': "1*" -> regex "1.*" with re.match: also 10.1.1 (and 12.*, 13.*).
    {"1*", "1.1.1", true, true},
    {"1*", "10.1.1", true, true},
    {"1*", "12.3.4", true, true},
    {"1*", "2.1", false, false},
    // '.' is literal.
    {"9.*", "9.1.1", true, true},
    {"9.*", "9.10.1", true, true},
    {"9.*", "10.9.1", false, false},
    {"1.*", "10.1.1", false, false},
    {"1.*", "1.1.1", true, true},
    {"1.1*", "121", false, false},
    // Anchored at the start only: "6.4.1*" matches 6.4.10 too; "*.1" matches 6.4.10 (re.match,
    // not fullmatch), but only fully where the ID ends in .1.
    {"6.4.1*", "6.4.10", true, true},
    {"*", "13.7.18", true, true},
    {"*.1", "6.4.1", true, true},
    {"*.1", "6.4.10", true, false},
    // exclude-agent-cases patterns name agents, anchored at both ends.
    {"Autobahn*", "AutobahnPython/0.10.9", true, true},
    {"ws", "ws@8.18.3", false, false},
    {"ws*", "ws@8.18.3", true, true},
};

TEST(Registry, PatternsFollowAutobahnsRules) {
    for (const PatternRow& row : kPatternRows) {
        SCOPED_TRACE(std::string(row.pattern) + " ~ " + row.id);
        EXPECT_EQ(pattern_matches(row.pattern, row.id), row.matches);
        EXPECT_EQ(pattern_matches_fully(row.pattern, row.id), row.matches_fully);
    }
}

TEST(Registry, StarOneSelectsSectionTen) {
    const std::vector<std::string> include{"1*"};
    const auto ids = ids_of(select(include, {}));
    EXPECT_NE(std::find(ids.begin(), ids.end(), "10.1.1"), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "1.2.8"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "2.1"), ids.end());
}

TEST(Registry, NineDotStarSelectsOnlySectionNine) {
    const std::vector<std::string> include{"9.*"};
    const auto ids = ids_of(select(include, {}));
    EXPECT_EQ(ids.size(), 54u);
    for (const auto& id : ids) EXPECT_EQ(section_of(id), "9") << id;
}

TEST(Registry, SelectionIsIncludeMinusExcludeInIdOrder) {
    const std::vector<std::string> include{"2.*", "1.1.*"};
    const std::vector<std::string> exclude{"2.1*", "1.1.8", "2.5"};
    const auto ids = ids_of(select(include, exclude));
    // 2.1* drops 2.1, 2.10 and 2.11 (prefix match); the literal 2.5 drops only 2.5.
    const std::vector<std::string> want{"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5",
                                        "1.1.6", "1.1.7", "2.2",   "2.3",   "2.4",
                                        "2.6",   "2.7",   "2.8",   "2.9"};
    EXPECT_EQ(ids, want);
}

TEST(Registry, EverythingSelectsTheWholeCatalogueButSectionFifteen) {
    const std::vector<std::string> include{"*"};
    const auto fifteen = std::count_if(all_cases().begin(), all_cases().end(),
                                       [](const auto& c) { return c.id.starts_with("15."); });
    EXPECT_EQ(select(include, {}).size(), all_cases().size() - fifteen);
    for (const auto& id : ids_of(select(include, {}))) EXPECT_NE(section_of(id), "15") << id;
}

// Section 15 can crash a vulnerable peer: only a pattern that itself starts with "15" picks it.
TEST(Registry, OnlyAPatternStartingWithFifteenSelectsSectionFifteen) {
    struct Row {
        const char* pattern;
        bool selects_15_2_1;
    };
    for (const Row row : {Row{"*", false}, Row{"1*", false}, Row{"1*.2.1", false},
                          Row{"*15.2.1", false}, Row{"15.*", true}, Row{"15*", true},
                          Row{"15.2.*", true}, Row{"15.2.1", true}, Row{"15.3.*", false}}) {
        SCOPED_TRACE(row.pattern);
        EXPECT_EQ(pattern_matches(row.pattern, "15.2.1"), row.selects_15_2_1);
    }
    // Other sections are untouched by the rule, and exclusions still reach section 15.
    EXPECT_TRUE(wsconform::cases::opts_in("1*", "1.1.1"));
    EXPECT_TRUE(wsconform::cases::opts_in("*", "18.1.1"));
    EXPECT_TRUE(pattern_matches_fully("*", "15.2.1"));
}

TEST(Registry, DeflateSectionsSelectByPattern) {
    const std::vector<std::string> twelve{"12.*"};
    EXPECT_EQ(select(twelve, {}).size(), 90u);
    const std::vector<std::string> thirteen_seven{"13.7.*"};
    EXPECT_EQ(select(thirteen_seven, {}).size(), 18u);
    // "1*" takes 1.x, 10.x, 12.x and 13.x alike (prefix match), and our own 14.x, 16.x-18.x.
    const std::vector<std::string> one_star{"1*"};
    const std::vector<std::string> ours{"14.*", "16.*", "17.*", "18.*"};
    EXPECT_EQ(select(one_star, {}).size(), 16u + 1u + 90u + 126u + select(ours, {}).size());
    // Autobahn's cases without deflate: 301.
    const std::vector<std::string> everything{"*"};
    const std::vector<std::string> not_autobahn_deflate{"12.*", "13.*", "14.*",
                                                        "16.*", "17.*", "18.*"};
    EXPECT_EQ(select(everything, not_autobahn_deflate).size(), 301u);
}

TEST(Registry, OverlappingPatternsSelectACaseOnce) {
    const std::vector<std::string> include{"3.*", "3.1", "3*"};
    std::vector<std::string> unmatched;
    const auto ids = ids_of(select(include, {}, &unmatched));
    const std::vector<std::string> want{"3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"};
    EXPECT_EQ(ids, want);
    EXPECT_TRUE(unmatched.empty());
}

TEST(Registry, UnmatchedPatternsAreReported) {
    const std::vector<std::string> include{"1.1.1", "42.*", "6.4.9", "7.13.2"};
    std::vector<std::string> unmatched;
    const auto ids = ids_of(select(include, {}, &unmatched));
    EXPECT_EQ(ids, (std::vector<std::string>{"1.1.1", "7.13.2"}));
    EXPECT_EQ(unmatched, (std::vector<std::string>{"42.*", "6.4.9"}));
}

TEST(Registry, ExcludingEverythingLeavesNothing) {
    const std::vector<std::string> include{"5.*"};
    const std::vector<std::string> exclude{"*"};
    std::vector<std::string> unmatched;
    EXPECT_TRUE(select(include, exclude, &unmatched).empty());
    EXPECT_TRUE(unmatched.empty());  // the include matched; the exclude removed it
}

TEST(Registry, FindByExactId) {
    for (const char* id : {"6.4.1", "10.1.1", "9.4.9", "13.7.18"}) {
        ASSERT_NE(find(id), nullptr) << id;
        EXPECT_EQ(find(id)->id, id);
    }
    for (const char* id : {"9.9.1", "12.1.19", "6.4.9", "6.4", "", "x"})
        EXPECT_EQ(find(id), nullptr) << id;
}

}  // namespace
