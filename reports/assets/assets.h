// The CSS and JS of the HTML views, kept as files beside this header and compiled in byte for
// byte (reports/assets/embed.cmake, run by the build whenever a file changes). The pages
// inline them: nothing is fetched.
#pragma once

#include <string_view>

namespace wsconform::reports::assets {

// report.css: the style of every page (index, case pages, compare).
std::string_view report_css();
// filters.js: the verdict / section / "only rows that differ" filters of index.html and
// compare.html, read from the query string or the fragment (the fragment wins), written to
// the fragment, and applied by hiding rows.
std::string_view filters_js();

}  // namespace wsconform::reports::assets
