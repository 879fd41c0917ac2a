// GoogleTests for the pieces the containers share: the error types (their std:: bases
// decide Cython's `except +` translation), the element protocol (hash / equality / order /
// repr) and Python's slice arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <unordered_set>

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/slice.hpp"
#include "cyn/lib/string.hpp"

namespace {

using cyn::make;
using cyn::Ref;
using namespace cyn::lib;

TEST(LibErrors, BasesGiveCythonsTranslation) {
  // Cython's default `except +`: out_of_range → IndexError, invalid_argument → ValueError,
  // any other std::exception → RuntimeError.
  static_assert(std::is_base_of_v<std::out_of_range, cyn::IndexError>);
  static_assert(std::is_base_of_v<std::invalid_argument, cyn::ValueError>);
  static_assert(std::is_base_of_v<std::runtime_error, cyn::RuntimeError>);
  // KeyError must not be caught as any of those (it gets its own translator).
  static_assert(std::is_base_of_v<cyn::Error, cyn::KeyError>);
  static_assert(!std::is_base_of_v<std::logic_error, cyn::KeyError>);
  static_assert(!std::is_base_of_v<std::runtime_error, cyn::KeyError>);
  static_assert(std::is_base_of_v<cyn::Error, cyn::StopIteration>);
  try {
    throw cyn::KeyError("'k'");
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "'k'");
  }
  EXPECT_STREQ(cyn::StopIteration().what(), "");
}

TEST(LibElement, ScalarHashAndEquality) {
  EXPECT_EQ(hash<long>{}(42), 42u);  // like Python: an int is its own hash
  EXPECT_EQ(hash<double>{}(0.0), hash<double>{}(-0.0));
  EXPECT_NE(hash<double>{}(1.0), hash<double>{}(2.0));
  EXPECT_TRUE(equal_to<double>{}(0.0, -0.0));
  EXPECT_TRUE(less<int>{}(1, 2));
  EXPECT_FALSE(less<int>{}(2, 2));
}

struct Thing : cyn::Object {};

TEST(LibElement, RefsHashAndCompareByIdentity) {
  auto a = make<Thing>();
  auto b = make<Thing>();
  Ref<Thing> a2 = a;
  EXPECT_EQ(hash<Ref<Thing>>{}(a), hash<Ref<Thing>>{}(a2));
  EXPECT_NE(hash<Ref<Thing>>{}(a), hash<Ref<Thing>>{}(b));
  EXPECT_TRUE(equal_to<Ref<Thing>>{}(a, a2));
  EXPECT_FALSE(equal_to<Ref<Thing>>{}(a, b));
  EXPECT_EQ(repr_of(Ref<Thing>()), "None");
}

TEST(LibElement, StringsHashAndCompareByContent) {
  auto a = make<string>("same");
  auto b = make<string>("same");
  EXPECT_EQ(hash<Ref<string>>{}(a), hash<Ref<string>>{}(b));
  EXPECT_TRUE(equal_to<Ref<string>>{}(a, b));
  EXPECT_TRUE(less<Ref<string>>{}(make<string>("a"), make<string>("b")));
  // Usable as the hash of a std:: container too.
  std::unordered_set<Ref<string>, hash<Ref<string>>, equal_to<Ref<string>>> s;
  s.insert(a);
  EXPECT_EQ(s.count(b), 1u);
}

TEST(LibElement, HashBytesSpreadsShortAndLongInputs) {
  // Every length from 0 to 40 (the short-input paths and the word loop) and one-byte
  // changes at every position give distinct hashes.
  std::unordered_set<std::uint64_t> seen;
  std::string text;
  for (int len = 0; len <= 40; ++len) {
    EXPECT_TRUE(seen.insert(hash_bytes(text.data(), text.size())).second) << "length " << len;
    for (int pos = 0; pos < len; ++pos) {
      std::string changed = text;
      changed[pos] ^= 1;
      EXPECT_TRUE(seen.insert(hash_bytes(changed.data(), changed.size())).second) << len << "/" << pos;
    }
    text.push_back(static_cast<char>('a' + len % 26));
  }
}

TEST(LibElement, ReprOfScalars) {
  EXPECT_EQ(repr_of(-3), "-3");
  EXPECT_EQ(repr_of(7u), "7");
  EXPECT_EQ(repr_of(true), "True");
  EXPECT_EQ(repr_of(2.5), "2.5");
  EXPECT_EQ(repr_of(1e100), "1e+100");
  struct Opaque {
    bool operator==(const Opaque&) const { return true; }
  };
  EXPECT_EQ(repr_of(Opaque{}), "<value>");
}

TEST(LibSlice, IndicesFollowPython) {
  // slice(None, None, -1).indices(5) → (4, -1, -1): 5 items from 4
  auto r = slice_indices(5, NONE, NONE, -1);
  EXPECT_EQ(r.start, 4);
  EXPECT_EQ(r.count, 5);
  r = slice_indices(0, NONE, NONE, -1);
  EXPECT_EQ(r.count, 0);
  r = slice_indices(10, -3, NONE, 1);
  EXPECT_EQ(r.start, 7);
  EXPECT_EQ(r.count, 3);
  r = slice_indices(10, 1, 9, 3);  // 1, 4, 7
  EXPECT_EQ(r.count, 3);
  EXPECT_THROW(slice_indices(3, 0, 1, 0), cyn::ValueError);
  EXPECT_EQ(checked_index(-1, 3, "m"), 2u);
  EXPECT_THROW(checked_index(3, 3, "m"), cyn::IndexError);
  EXPECT_THROW(checked_index(-4, 3, "m"), cyn::IndexError);
  EXPECT_THROW(checked_index(std::numeric_limits<index_t>::min(), 3, "m"), cyn::IndexError);
  EXPECT_EQ(clamp_position(-100, 3), 0u);
  EXPECT_EQ(clamp_position(100, 3), 3u);
  EXPECT_EQ(clamp_position(-1, 3), 2u);
}

TEST(LibElement, TypeErrorsNameThePythonTypes) {
  // The lib containers are named as the Python types they stand for.
  EXPECT_EQ(detail::class_name<string>(), "str");
  EXPECT_EQ(detail::class_name_of(Ref<string>()), "NoneType");
  try {
    throw_unorderable(">=", make<string>("a"), Ref<string>());
    FAIL() << "no TypeError";
  } catch (const cyn::TypeError& e) {
    EXPECT_STREQ(e.what(), "'>=' not supported between instances of 'str' and 'NoneType'");
  }
  try {
    throw_unhashable<string>();
    FAIL() << "no TypeError";
  } catch (const cyn::TypeError& e) {
    EXPECT_STREQ(e.what(), "unhashable type: 'str'");
  }
}

}  // namespace
