// GoogleTests for cyn::lib::string: str-like methods against CPython's answers, number
// formatting and parsing, hashing/equality as a dict key, and reference counting.
#include "cyn/lib/string.hpp"

#include "lib_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::NONE;
using cyn::lib::string;

Ref<string> S(const char* s) { return make<string>(s); }

std::vector<std::string> strs(const Ref<string::list_type>& xs) {
  std::vector<std::string> out;
  for (auto& s : *xs) out.push_back(s->str());
  return out;
}

class LibString : public ::testing::Test {
 protected:
  void SetUp() override { start_ = cyn::live_objects(); }
  void TearDown() override { EXPECT_EQ(cyn::live_objects(), start_); }
  std::int64_t start_ = 0;
};

TEST_F(LibString, ConstructionAndAccess) {
  auto s = S("hello");
  EXPECT_EQ(s->len(), 5);
  EXPECT_EQ(s->size(), 5u);
  EXPECT_STREQ(s->c_str(), "hello");
  EXPECT_EQ(s->view(), "hello");
  EXPECT_TRUE(make<string>()->empty());
  EXPECT_STREQ(make<string>()->c_str(), "");
  // Embedded NUL bytes are kept (length is explicit).
  auto z = make<string>("a\0b", 3);
  EXPECT_EQ(z->len(), 3);
  EXPECT_EQ(z->getitem(1), 0);
  // Long strings (beyond the inline buffer) work the same.
  std::string long_text(1000, 'x');
  auto l = make<string>(long_text);
  EXPECT_EQ(l->str(), long_text);
  EXPECT_EQ(l->c_str()[1000], '\0');
  auto copy = make<string>(*l);
  EXPECT_EQ(copy->str(), long_text);
  EXPECT_NE(copy->data(), l->data());
}

TEST_F(LibString, GetitemAndSliceHaveBytesSemantics) {
  auto s = S("hello");
  EXPECT_EQ(s->getitem(0), 'h');
  EXPECT_EQ(s->getitem(-1), 'o');
  try {
    s->getitem(5);
    FAIL() << "no IndexError";
  } catch (const cyn::IndexError& e) {
    EXPECT_STREQ(e.what(), "index out of range");
  }
  EXPECT_EQ(s->slice(1, 4)->str(), "ell");
  EXPECT_EQ(s->slice(NONE, NONE, -1)->str(), "olleh");
  EXPECT_EQ(s->slice(-3, NONE)->str(), "llo");
  EXPECT_EQ(s->slice(NONE, NONE, 2)->str(), "hlo");
  EXPECT_EQ(s->slice(10, 20)->str(), "");
  EXPECT_THROW(s->slice(0, 1, 0), cyn::ValueError);
  // Bytes: a UTF-8 character is several items.
  auto u = S("h\xc3\xa9");  // "hé"
  EXPECT_EQ(u->len(), 3);
  EXPECT_EQ(u->getitem(1), 0xc3);
}

TEST_F(LibString, FindRfindIndexCount) {
  auto s = S("abcabc");
  EXPECT_EQ(s->find("bc"), 1);
  EXPECT_EQ(s->find("bc", 2), 4);
  EXPECT_EQ(s->find("c", -2), 5);
  EXPECT_EQ(s->find("zz"), -1);
  EXPECT_EQ(s->rfind("bc"), 4);
  EXPECT_EQ(s->rfind("bc", 0, 4), 1);
  EXPECT_EQ(S("abc")->find("", 3), 3);  // CPython: "abc".find("", 3) == 3
  EXPECT_EQ(S("abc")->find("", 4), -1);
  EXPECT_EQ(S("abc")->rfind(""), 3);
  EXPECT_EQ(S("abc")->count(""), 4);
  EXPECT_EQ(S("aaaa")->count("aa"), 2);  // non-overlapping
  EXPECT_EQ(s->count("bc", 1, -1), 1);
  EXPECT_EQ(s->index("ca"), 2);
  try {
    s->index("x");
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "substring not found");
  }
  EXPECT_TRUE(s->contains("cab"));
  EXPECT_FALSE(s->contains("cc"));
  EXPECT_TRUE(s->startswith("abc"));
  EXPECT_TRUE(s->startswith(""));
  EXPECT_FALSE(s->startswith("bc"));
  EXPECT_TRUE(s->endswith(S("bc")));
  EXPECT_FALSE(s->endswith("abcabcabc"));
}

TEST_F(LibString, SplitWithSeparator) {
  EXPECT_EQ(strs(S("a,b,,c")->split(",")), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(strs(S("ab")->split(",")), (std::vector<std::string>{"ab"}));
  EXPECT_EQ(strs(S("a,,b,")->split(",", 1)), (std::vector<std::string>{"a", ",b,"}));
  EXPECT_EQ(strs(S("")->split(",")), (std::vector<std::string>{""}));
  EXPECT_EQ(strs(S("a<>b<>c")->split("<>")), (std::vector<std::string>{"a", "b", "c"}));
  try {
    S("abc")->split("");
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "empty separator");
  }
}

TEST_F(LibString, SplitOnWhitespace) {
  EXPECT_EQ(strs(S("  a  b\tc\n")->split()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(strs(S(" ")->split()), std::vector<std::string>{});
  EXPECT_EQ(strs(S("  a  b  c  ")->split_whitespace(1)), (std::vector<std::string>{"a", "b  c  "}));
  EXPECT_EQ(strs(S("  a b")->split_whitespace(0)), (std::vector<std::string>{"a b"}));
}

TEST_F(LibString, Join) {
  auto parts = make<string::list_type>();
  EXPECT_EQ(S(",")->join(parts)->str(), "");
  parts->append(S("a"));
  EXPECT_EQ(S(",")->join(parts)->str(), "a");
  parts->append(S("bb"));
  parts->append(S(""));
  parts->append(S("c"));
  EXPECT_EQ(S(", ")->join(parts)->str(), "a, bb, , c");
  EXPECT_EQ(S("")->join(parts)->str(), "abbc");
}

TEST_F(LibString, StripFamily) {
  EXPECT_EQ(S(" \t x y \n")->strip()->str(), "x y");
  EXPECT_EQ(S("  x ")->lstrip()->str(), "x ");
  EXPECT_EQ(S("  x ")->rstrip()->str(), "  x");
  EXPECT_EQ(S("xxhixx")->strip("x")->str(), "hi");
  EXPECT_EQ(S("  x ")->strip("x ")->str(), "");
  EXPECT_EQ(S("abc")->lstrip("ab")->str(), "c");
  EXPECT_EQ(S("abc")->rstrip("c")->str(), "ab");
  // Nothing to strip: the same immutable object comes back.
  auto s = S("plain");
  EXPECT_EQ(s->strip().get(), s.get());
}

TEST_F(LibString, ReplaceUpperLowerAddRepeat) {
  EXPECT_EQ(S("aaa")->replace("a", "bb", 2)->str(), "bbbba");
  EXPECT_EQ(S("abc")->replace("", "-")->str(), "-a-b-c-");
  EXPECT_EQ(S("abc")->replace("", "-", 2)->str(), "-a-bc");
  EXPECT_EQ(S("a.b.c")->replace(".", "")->str(), "abc");
  EXPECT_EQ(S("abc")->replace("x", "y")->str(), "abc");
  EXPECT_EQ(S("ABC def \xc3\x89")->lower()->str(), "abc def \xc3\x89");  // ASCII only
  EXPECT_EQ(S("ABC def")->upper()->str(), "ABC DEF");
  EXPECT_EQ(S("ab")->add("cd")->str(), "abcd");
  EXPECT_EQ(S("ab")->add(S(""))->str(), "ab");
  EXPECT_EQ(S("ab")->repeat(3)->str(), "ababab");
  EXPECT_EQ(S("ab")->repeat(0)->str(), "");
  std::string big = S("0123456789")->repeat(10)->str();
  EXPECT_EQ(big.size(), 100u);
  EXPECT_EQ(big.substr(90), "0123456789");
}

TEST_F(LibString, ComparisonAndOrder) {
  EXPECT_TRUE(S("abc")->eq(S("abc")));
  EXPECT_FALSE(S("abc")->eq("abd"));
  EXPECT_FALSE(S("abc")->eq("ab"));
  EXPECT_TRUE(*S("x") == *S("x"));
  EXPECT_LT(S("ab")->compare("abc"), 0);
  EXPECT_GT(S("b")->compare("abc"), 0);
  EXPECT_EQ(S("")->compare(""), 0);
  EXPECT_TRUE(S("B")->lt("a"));  // byte order, as Python orders ASCII
  // sorted(['b','a','ab','B','',' ']) in CPython
  auto xs = make<cyn::lib::list<Ref<string>>>();
  for (const char* s : {"b", "a", "ab", "B", "", " "}) xs->append(S(s));
  xs->sort();
  EXPECT_EQ(strs(xs), (std::vector<std::string>{"", " ", "B", "a", "ab", "b"}));
}

TEST_F(LibString, HashIsByContentAndCached) {
  auto a = S("some key");
  auto b = S("some key");
  EXPECT_NE(a.get(), b.get());
  EXPECT_EQ(a->hash(), b->hash());
  EXPECT_EQ(a->hash(), a->hash());
  EXPECT_NE(a->hash(), S("some kez")->hash());
  EXPECT_EQ(cyn::lib::hash<Ref<string>>{}(a), a->hash());
  EXPECT_EQ(cyn::lib::hash_of(std::string_view("some key")), a->hash());  // text lookups
  EXPECT_TRUE(cyn::lib::equal_to<Ref<string>>{}(a, b));
  std::string long_text(100, 'q');
  EXPECT_EQ(make<string>(long_text)->hash(), make<string>(long_text)->hash());
}

TEST_F(LibString, FromNumbersLikePythonRepr) {
  EXPECT_EQ(string::from_long(0)->str(), "0");
  EXPECT_EQ(string::from_long(-42)->str(), "-42");
  EXPECT_EQ(string::from_long(std::numeric_limits<long long>::min())->str(), "-9223372036854775808");
  EXPECT_EQ(string::from_ulong(18446744073709551615ull)->str(), "18446744073709551615");
  // repr() of each in CPython 3.
  struct Case {
    double value;
    const char* repr;
  } cases[] = {
      {1.0, "1.0"},       {0.1, "0.1"},       {1e16, "1e+16"},
      {1e15, "1000000000000000.0"},           {1.5e-7, "1.5e-07"},
      {0.0001, "0.0001"}, {-0.0, "-0.0"},     {123.456, "123.456"},
      {2.5e-5, "2.5e-05"}, {1.0 / 3, "0.3333333333333333"},
      {1e22, "1e+22"},    {5e-324, "5e-324"}, {-1.5, "-1.5"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
      {std::nan(""), "nan"},
  };
  for (const auto& c : cases) EXPECT_EQ(string::from_double(c.value)->str(), c.repr);
}

TEST_F(LibString, ParsingLikeIntAndFloat) {
  EXPECT_EQ(S(" -42 ")->to_long(), -42);
  EXPECT_EQ(S("1_000")->to_long(), 1000);
  EXPECT_EQ(S("+7")->to_long(), 7);
  EXPECT_EQ(S("-9223372036854775808")->to_long(), std::numeric_limits<long long>::min());
  EXPECT_THROW(S("9223372036854775808")->to_long(), std::overflow_error);
  for (const char* bad : {"", "1__0", "_1", "1_", "--1", "+", "12a", "0x10"}) {
    try {
      S(bad)->to_long();
      FAIL() << "no ValueError for " << bad;
    } catch (const cyn::ValueError& e) {
      EXPECT_EQ(std::string(e.what()), "invalid literal for int() with base 10: " + S(bad)->repr());
    }
  }
  EXPECT_EQ(S(" 1e3 ")->to_double(), 1000.0);
  EXPECT_EQ(S("+1.5")->to_double(), 1.5);
  EXPECT_EQ(S("-inf")->to_double(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(S("nan")->to_double()));
  for (const char* bad : {"", "abc", "1.5x", "+-1"}) {
    try {
      S(bad)->to_double();
      FAIL() << "no ValueError for " << bad;
    } catch (const cyn::ValueError& e) {
      EXPECT_EQ(std::string(e.what()), "could not convert string to float: " + S(bad)->repr());
    }
  }
}

TEST_F(LibString, ReprQuotesLikePython) {
  EXPECT_EQ(S("abc")->repr(), "'abc'");
  EXPECT_EQ(S("it's")->repr(), "\"it's\"");
  EXPECT_EQ(S("say \"hi\"")->repr(), "'say \"hi\"'");
  EXPECT_EQ(S("both ' and \"")->repr(), "'both \\' and \"'");
  EXPECT_EQ(S("a\tb\x01")->repr(), "'a\\tb\\x01'");
  EXPECT_EQ(cyn::lib::repr_of(Ref<string>()), "None");
}

TEST_F(LibString, StringArgAcceptsEveryTextForm) {
  auto s = S("key=value");
  std::string std_text = "key";
  EXPECT_TRUE(s->startswith(std_text));
  EXPECT_TRUE(s->startswith(std::string_view("key=")));
  EXPECT_TRUE(s->startswith(*S("k")));
  EXPECT_TRUE(s->startswith(S("key")));
  EXPECT_EQ(s->split("=")->getitem(1)->str(), "value");
}

TEST_F(LibString, SmallStringsLiveInTheObject) {
  EXPECT_EQ(sizeof(string), 64u);
  auto small = S("twenty-three bytes long");  // exactly kInlineCapacity
  ASSERT_EQ(small->size(), string::kInlineCapacity);
  auto addr = reinterpret_cast<std::uintptr_t>(small.get());
  auto data = reinterpret_cast<std::uintptr_t>(small->data());
  EXPECT_TRUE(data > addr && data < addr + sizeof(string));
  auto big = S("twenty-four bytes long..");
  auto big_data = reinterpret_cast<std::uintptr_t>(big->data());
  auto big_addr = reinterpret_cast<std::uintptr_t>(big.get());
  EXPECT_FALSE(big_data > big_addr && big_data < big_addr + sizeof(string));
}

TEST_F(LibString, NoneAsTextRaisesTypeError) {
  // "abc".find(None) and the other str methods in CPython: "must be str, not NoneType"
  auto s = S("abc");
  Ref<string> none;
  const char* message = "must be str, not NoneType";
  EXPECT_TYPE_ERROR(s->find(none), message);
  EXPECT_TYPE_ERROR(s->find(nullptr, 1), message);
  EXPECT_TYPE_ERROR(s->rfind(none), message);
  EXPECT_TYPE_ERROR(s->index(none), message);
  EXPECT_TYPE_ERROR(s->rindex(none), message);
  EXPECT_TYPE_ERROR(s->count(none), message);
  EXPECT_TYPE_ERROR(s->startswith(none), message);
  EXPECT_TYPE_ERROR(s->endswith(none, 0, 1), message);
  EXPECT_TYPE_ERROR(s->contains(none), message);
  EXPECT_TYPE_ERROR(s->replace(none, "x"), message);
  EXPECT_TYPE_ERROR(s->replace("a", none), message);
  EXPECT_TYPE_ERROR(s->add(none), message);
  EXPECT_TYPE_ERROR(s->eq(static_cast<const char*>(nullptr)), message);
  EXPECT_TYPE_ERROR(s->compare(none), message);
  // join: CPython's messages for None instead of a list, and for a None item
  EXPECT_TYPE_ERROR(s->join(Ref<string::list_type>()), "can only join an iterable");
  auto parts = make<string::list_type>();
  parts->append(S("a"));
  parts->append(none);
  EXPECT_TYPE_ERROR(S(",")->join(parts), "sequence item 1: expected str instance, NoneType found");
}

TEST_F(LibString, NoneSeparatorOrCharsMeansWhitespace) {
  // " a  b c ".split(None), .split(None, 1), .strip(None), .lstrip(None), .rstrip(None)
  auto s = S(" a  b c ");
  Ref<string> none;
  EXPECT_EQ(strs(s->split(none)), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(strs(s->split(nullptr, 1)), (std::vector<std::string>{"a", "b c "}));
  EXPECT_EQ(strs(s->split(none, 0)), (std::vector<std::string>{"a  b c "}));
  EXPECT_EQ(s->strip(none)->str(), "a  b c");
  EXPECT_EQ(s->lstrip(nullptr)->str(), "a  b c ");
  EXPECT_EQ(s->rstrip(none)->str(), " a  b c");
  EXPECT_EQ(strs(s->split(S(" "), 2)), (std::vector<std::string>{"", "a", " b c "}));
}

TEST_F(LibString, SearchesWithStartAndEnd) {
  // Values from CPython for s = "abcabc".
  auto s = S("abcabc");
  EXPECT_EQ(s->rfind("a", 1), 3);
  EXPECT_EQ(s->rfind("a", 0, 3), 0);
  EXPECT_EQ(s->rfind("bc", -3), 4);
  EXPECT_EQ(s->rfind("", 1, 2), 2);
  EXPECT_EQ(s->rfind("a", 7), -1);
  EXPECT_EQ(s->index("a", 1), 3);
  EXPECT_EQ(s->index("c", -1), 5);
  EXPECT_EQ(s->rindex("a"), 3);
  EXPECT_EQ(s->rindex("b", 0, 4), 1);
  EXPECT_EQ(s->rindex("", 2, 4), 4);
  try {
    s->rindex("a", 4);
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "substring not found");
  }
  EXPECT_EQ(s->count("a", 1), 1);
  EXPECT_EQ(s->count("", 1), 6);
  EXPECT_EQ(s->count("", 6), 1);
  EXPECT_EQ(s->count("", 7), 0);
  EXPECT_EQ(s->count("bc", 0, -1), 1);
  EXPECT_EQ(s->count("abc", -3), 1);
  EXPECT_TRUE(s->startswith("b", 1));
  EXPECT_FALSE(s->startswith("bc", 1, 2));
  EXPECT_TRUE(s->startswith("", 6));
  EXPECT_FALSE(s->startswith("", 7));
  EXPECT_TRUE(s->startswith("c", -1));
  EXPECT_TRUE(s->startswith("a", -100));
  EXPECT_FALSE(s->startswith("", 4, 2));
  EXPECT_TRUE(s->endswith("b", 0, 2));
  EXPECT_TRUE(s->endswith("bc", 0, -3));
  EXPECT_FALSE(s->endswith("c", 0, 2));
  EXPECT_TRUE(s->endswith("", 6));
  EXPECT_FALSE(s->endswith("", 7));
  EXPECT_TRUE(s->endswith("abc", -3));
  EXPECT_TRUE(s->endswith("ca", 2, 4));
  EXPECT_FALSE(s->endswith("", 4, 2));
}

TEST_F(LibString, FloatParsingOverflowAndUnderscores) {
  // float(text) in CPython.
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* text;
    double value;
  } cases[] = {
      {"1e400", inf},          {"-1e400", -inf},        {"1.8e308", inf},
      {"1234567890e300", inf}, {"1e-400", 0.0},         {"2e-324", 0.0},
      {"0.000001e-320", 0.0},  {"3e-324", 5e-324},      {"123456789e300", 1.23456789e+308},
      {"0.0000001e315", 1e308}, {"1e99999999999999999999", inf},
      {"1_000.5", 1000.5},     {"1e1_0", 1e10},         {"1.0_5", 1.05},
      {"  1_0  ", 10.0},       {"-1_5e-1_0", -1.5e-09}, {"Infinity", inf},
  };
  for (const auto& c : cases) EXPECT_EQ(S(c.text)->to_double(), c.value) << c.text;
  EXPECT_TRUE(std::signbit(S("-1e-400")->to_double()));
  for (const char* bad : {"1__0", "_1", "1_", "1_.5", "1._5", "1e_1", "in_f", "nan(1)", "1e", "e5", ".e1",
                          "+_1", "0x10", "1_e5", "_", "-"}) {
    try {
      S(bad)->to_double();
      FAIL() << "no ValueError for " << bad;
    } catch (const cyn::ValueError& e) {
      EXPECT_EQ(std::string(e.what()), "could not convert string to float: " + S(bad)->repr());
    }
  }
  // int(text) allows the same underscores.
  EXPECT_EQ(S("1_000_000")->to_long(), 1000000);
  EXPECT_EQ(S(" -1_0 ")->to_long(), -10);
}

TEST_F(LibString, NoneHasNoOrder) {
  // sorted(["b", "a", None]) and "a" < None in CPython
  auto xs = make<cyn::lib::list<Ref<string>>>();
  for (const char* s : {"b", "a"}) xs->append(S(s));
  xs->append(nullptr);
  EXPECT_TYPE_ERROR(xs->sort(), "'<' not supported between instances of 'NoneType' and 'str'");
  EXPECT_EQ(xs->len(), 3);
  EXPECT_TYPE_ERROR(cyn::lib::less_than(S("a"), Ref<string>()),
                    "'<' not supported between instances of 'str' and 'NoneType'");
  EXPECT_TRUE(S("a")->le("a") && S("b")->gt("a") && S("a")->ge("a") && !S("a")->gt("a"));
}

}  // namespace
