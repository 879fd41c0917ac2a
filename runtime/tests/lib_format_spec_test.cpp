// format_spec.hpp against Python's format(): every row below was written by Python 3.11
// (format(value, spec) for ints, floats and str over a grid of values and specs, keeping the
// combinations Python accepts), so a mismatch is a difference from Python's output.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cyn/lib/format_spec.hpp"

namespace {

enum class Kind { integer, float_, text };

struct Row {
  Kind kind;
  long long integer;
  double real;
  const char* text;
  const char* spec;
  const char* expected;
};

const Row kRows[] = {
#include "lib_format_spec_rows.inc"
};

TEST(FormatSpec, MatchesPythonFormat) {
  int checked = 0;
  for (const Row& row : kRows) {
    auto spec = cyn::lib::parse_format_spec(row.spec);
    std::string got;
    switch (row.kind) {
      case Kind::integer: got = cyn::lib::format_integer(row.integer, spec); break;
      case Kind::float_: got = cyn::lib::format_float(row.real, spec); break;
      case Kind::text: got = cyn::lib::format_text(row.text, spec); break;
    }
    EXPECT_EQ(got, row.expected) << "spec '" << row.spec << "' value " << row.integer << "/" << row.real << "/"
                                 << row.text;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

TEST(FormatSpec, UnsignedMagnitudesAreExact) {
  auto spec = cyn::lib::parse_format_spec(",");
  EXPECT_EQ(cyn::lib::format_unsigned(18446744073709551615ull, false, spec), "18,446,744,073,709,551,615");
}

TEST(FormatSpec, SpecsThatDoNotSuitTheTypeAreValueErrors) {
  using cyn::lib::parse_format_spec;
  EXPECT_THROW(cyn::lib::format_integer(1, parse_format_spec(".2d")), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_integer(1, parse_format_spec("s")), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_text("a", parse_format_spec("+")), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_text("a", parse_format_spec("d")), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_float(1.0, parse_format_spec("x")), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_integer(1, parse_format_spec(",x")), cyn::ValueError);
  EXPECT_THROW(parse_format_spec("10.2fx"), cyn::ValueError);
  EXPECT_THROW(parse_format_spec("."), cyn::ValueError);
  EXPECT_THROW(cyn::lib::format_integer(-1, parse_format_spec("c")), std::overflow_error);
}

}  // namespace
