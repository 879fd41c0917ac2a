// GoogleTests for the destruction of deep object structures (cyn/object.hpp, "Destroying deep
// structures"): dropping the head of a long chain or a deep tree must not recurse once per
// node, yet every object is still destroyed, exactly once, before the dropping release
// returns, on the dropping thread or coroutine.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include "coro_test_util.hpp"
#include "cyn/coro.hpp"
#include "cyn/object.hpp"
#include "cyn/waitgroup.hpp"

namespace {

// The lowest stack address any destructor ran at since the last reset, per thread.
thread_local std::uintptr_t tls_lowest_sp = UINTPTR_MAX;

inline void note_stack() noexcept {
  auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (here < tls_lowest_sp) tls_lowest_sp = here;
}

// The stack a drop may use: the budget, plus one destructor's own frames (much larger under
// the sanitizers), plus the frames of the drop itself.
constexpr std::uintptr_t kStackAllowance = cyn::Object::kDestroyStackBudget + 16 * 1024;

// A singly linked node that records the order of destructions and checks, at destruction,
// that its count word is a count again (0 or 1: the sole-owner release skips the decrement),
// not a pending-list link, also when it waited on the pending list.
struct Node : cyn::Object {
  Node(long id_, std::vector<long>* order_) : id(id_), order(order_) {}
  ~Node() override {
    note_stack();
    if (refcount() > 1) bad_count = true;
    order->push_back(id);
  }
  cyn::Ref<Node> next;
  long id;
  std::vector<long>* order;
  static inline bool bad_count = false;
};

cyn::Ref<Node> make_chain(long n, std::vector<long>* order) {
  cyn::Ref<Node> head;
  for (long i = n - 1; i >= 0; --i) {
    auto x = cyn::make<Node>(i, order);
    x->next = std::move(head);
    head = std::move(x);
  }
  return head;
}

// Every node destroyed exactly once, head first (0, 1, 2, ...).
void expect_chain_order(const std::vector<long>& order, long n) {
  ASSERT_EQ(static_cast<long>(order.size()), n);
  long wrong = 0;
  for (long i = 0; i < n; ++i) wrong += order[i] != i;
  EXPECT_EQ(wrong, 0);
  EXPECT_FALSE(Node::bad_count);
}

TEST(ObjectDestruction, MillionNodeChainOnTheMainThread) {
  const long n = 1000000;
  const auto before = cyn::live_objects();
  std::vector<long> order;
  order.reserve(n);
  cyn::Ref<Node> head = make_chain(n, &order);
  EXPECT_EQ(cyn::live_objects(), before + n);
  tls_lowest_sp = UINTPTR_MAX;
  const auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  head = nullptr;  // the whole chain is gone when this statement completes
  EXPECT_EQ(cyn::live_objects(), before);
  expect_chain_order(order, n);
  EXPECT_LT(top - tls_lowest_sp, kStackAllowance);
  EXPECT_EQ(cyn::detail::current_destroy_state()->floor, 0u);
  EXPECT_EQ(cyn::detail::current_destroy_state()->pending, nullptr);
}

TEST(ObjectDestruction, ShortChainIsDestroyedHeadFirstWithoutQueueing) {
  std::vector<long> order;
  {
    cyn::Ref<Node> head = make_chain(10, &order);
    cyn::Ref<Node> middle = head->next->next->next;  // keeps 3..9 alive
    head.reset();
    EXPECT_EQ(order, (std::vector<long>{0, 1, 2}));
    EXPECT_EQ(middle->refcount(), 1u);
  }
  expect_chain_order(order, 10);
}

// Dropping a chain from a coroutine: its stack is 64 KiB by default.
long g_coro_destroyed_at_drop = -1;
long g_coro_stack_used = -1;
void drop_chain_in_coroutine(long n) {
  std::vector<long> order;
  order.reserve(n);
  cyn::Ref<Node> head = make_chain(n, &order);
  tls_lowest_sp = UINTPTR_MAX;
  const auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  head = nullptr;
  g_coro_stack_used = static_cast<long>(top - tls_lowest_sp);
  g_coro_destroyed_at_drop = static_cast<long>(order.size());
  expect_chain_order(order, n);
}

TEST(ObjectDestruction, HundredThousandNodeChainInACoroutine) {
  const long n = 100000;
  const auto before = settled_live_objects();
  g_coro_destroyed_at_drop = -1;
  cyn::run(&drop_chain_in_coroutine, n);
  EXPECT_EQ(g_coro_destroyed_at_drop, n);
  EXPECT_LT(g_coro_stack_used, static_cast<long>(kStackAllowance));
  EXPECT_EQ(settled_live_objects(), before);
}

// Many coroutines at once, on every worker, each dropping its own chain.
void drop_chains(long n, int rounds, cyn::Ref<cyn::WaitGroup> wg, std::atomic<long>* bad) {
  for (int r = 0; r < rounds; ++r) {
    std::vector<long> order;
    cyn::Ref<Node> head = make_chain(n, &order);
    head = nullptr;
    if (static_cast<long>(order.size()) != n) bad->fetch_add(1);
    cyn::yield_();
  }
  wg->done();
}
void spawn_chain_droppers(long n, int coroutines, std::atomic<long>* bad) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(coroutines);
  for (int i = 0; i < coroutines; ++i) cyn::spawn(&drop_chains, n, 3, wg, bad);
  wg->wait();
}

TEST(ObjectDestruction, ManyCoroutinesDropChainsConcurrently) {
  const auto before = settled_live_objects();
  std::atomic<long> bad{0};
  cyn::run(&spawn_chain_droppers, 20000L / kScale + 500, 16, &bad);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(settled_live_objects(), before);
}

TEST(ObjectDestruction, PlainThreadsDropChainsConcurrently) {
  const auto before = cyn::live_objects();
  std::atomic<long> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&bad] {
      for (int r = 0; r < 3; ++r) {
        std::vector<long> order;
        const long n = 200000 / kScale;
        cyn::Ref<Node> head = make_chain(n, &order);
        head = nullptr;
        if (static_cast<long>(order.size()) != n) bad.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(cyn::live_objects(), before);
}

// Trees: each node holds two children. A parent's destructor always runs before its children's.
struct TreeNode : cyn::Object {
  TreeNode(long id_, long parent_, std::vector<char>* dead_, std::atomic<long>* bad_)
      : id(id_), parent(parent_), dead(dead_), bad(bad_) {}
  ~TreeNode() override {
    note_stack();
    if ((*dead)[id] || (parent >= 0 && !(*dead)[parent])) bad->fetch_add(1);
    (*dead)[id] = 1;
  }
  cyn::Ref<TreeNode> left, right;
  long id, parent;
  std::vector<char>* dead;
  std::atomic<long>* bad;
};

struct TreeBuilder {
  std::vector<char> dead;
  std::atomic<long> bad{0};
  long count = 0;
  cyn::Ref<TreeNode> node(long parent) {
    dead.push_back(0);
    return cyn::make<TreeNode>(count++, parent, &dead, &bad);
  }
  // A full binary tree of the given height, built breadth first without recursion.
  cyn::Ref<TreeNode> full(int height) {
    cyn::Ref<TreeNode> root = node(-1);
    std::vector<TreeNode*> level{root.get()};
    for (int h = 1; h < height; ++h) {
      std::vector<TreeNode*> next;
      for (TreeNode* p : level) {
        p->left = node(p->id);
        p->right = node(p->id);
        next.push_back(p->left.get());
        next.push_back(p->right.get());
      }
      level.swap(next);
    }
    return root;
  }
  // A deep zigzag: every node has two children, a small full subtree and the rest of the
  // spine, alternating sides, so the spine is `depth` nodes long.
  cyn::Ref<TreeNode> zigzag(long depth) {
    cyn::Ref<TreeNode> root = node(-1);
    TreeNode* p = root.get();
    for (long d = 1; d < depth; ++d) {
      cyn::Ref<TreeNode> leaf = node(p->id);
      leaf->left = node(leaf->id);
      leaf->right = node(leaf->id);
      cyn::Ref<TreeNode> spine = node(p->id);
      TreeNode* next = spine.get();
      if (d % 2) {
        p->left = std::move(spine);
        p->right = std::move(leaf);
      } else {
        p->left = std::move(leaf);
        p->right = std::move(spine);
      }
      p = next;
    }
    return root;
  }
};

TEST(ObjectDestruction, FullBinaryTree) {
  const auto before = cyn::live_objects();
  TreeBuilder b;
  b.dead.reserve(1 << 18);
  cyn::Ref<TreeNode> root = b.full(18);
  EXPECT_EQ(b.count, (1L << 18) - 1);
  root = nullptr;
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_EQ(std::count(b.dead.begin(), b.dead.end(), 1), b.count);
  EXPECT_EQ(b.bad.load(), 0);
}

TEST(ObjectDestruction, DeepTreeWithTwoChildrenPerNode) {
  const auto before = cyn::live_objects();
  TreeBuilder b;
  const long depth = 300000 / kScale;
  b.dead.reserve(4 * depth);
  cyn::Ref<TreeNode> root = b.zigzag(depth);
  EXPECT_EQ(cyn::live_objects(), before + b.count);
  tls_lowest_sp = UINTPTR_MAX;
  const auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  root = nullptr;
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_EQ(std::count(b.dead.begin(), b.dead.end(), 1), b.count);
  EXPECT_EQ(b.bad.load(), 0);
  EXPECT_LT(top - tls_lowest_sp, kStackAllowance);
}

void drop_deep_tree_in_coroutine(long depth, long* destroyed, long* bad) {
  TreeBuilder b;
  cyn::Ref<TreeNode> root = b.zigzag(depth);
  root = nullptr;
  *destroyed = std::count(b.dead.begin(), b.dead.end(), 1);
  *bad = b.bad.load() + (*destroyed != b.count);
}

TEST(ObjectDestruction, DeepTreeInACoroutine) {
  const auto before = settled_live_objects();
  long destroyed = 0, bad = -1;
  cyn::run(&drop_deep_tree_in_coroutine, 100000L / kScale, &destroyed, &bad);
  EXPECT_EQ(destroyed, 4 * (100000L / kScale) - 3);
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(settled_live_objects(), before);
}

// Re-entrancy: destructors that themselves build and drop chains.
struct Counters {
  long outer = 0, inner = 0, inner_seen_complete = 0;
};

struct InnerNode : cyn::Object {
  explicit InnerNode(Counters* c_) : c(c_) {}
  ~InnerNode() override { ++c->inner; }
  cyn::Ref<InnerNode> next;
  Counters* c;
};

cyn::Ref<InnerNode> make_inner_chain(long n, Counters* c) {
  cyn::Ref<InnerNode> head;
  for (long i = 0; i < n; ++i) {
    auto x = cyn::make<InnerNode>(c);
    x->next = std::move(head);
    head = std::move(x);
  }
  return head;
}

struct OuterNode : cyn::Object {
  OuterNode(long inner_len_, Counters* c_) : inner_len(inner_len_), c(c_) {}
  ~OuterNode() override {
    note_stack();
    ++c->outer;
    const long inner_before = c->inner;
    cyn::Ref<InnerNode> chain = make_inner_chain(inner_len, c);
    chain = nullptr;
    // Complete at once unless this destructor itself runs below the floor (then the inner
    // chain is finished right after this destructor returns).
    if (c->inner == inner_before + inner_len) ++c->inner_seen_complete;
  }
  cyn::Ref<OuterNode> next;
  long inner_len;
  Counters* c;
};

TEST(ObjectDestruction, DestructorsThatBuildAndDropChains) {
  const auto before = cyn::live_objects();
  Counters c;
  const long n = 100000 / kScale, inner = 20;
  {
    cyn::Ref<OuterNode> head;
    for (long i = 0; i < n; ++i) {
      auto x = cyn::make<OuterNode>(inner, &c);
      x->next = std::move(head);
      head = std::move(x);
    }
    tls_lowest_sp = UINTPTR_MAX;
    const auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    head = nullptr;
    EXPECT_EQ(c.outer, n);
    EXPECT_EQ(c.inner, n * inner);
    EXPECT_LT(top - tls_lowest_sp, kStackAllowance);
  }
  EXPECT_GT(c.inner_seen_complete, 0);
  EXPECT_EQ(cyn::live_objects(), before);
}

// A shallow destructor that drops a long chain sees it entirely destroyed when its own
// release returns: the release drains what it queued before returning.
struct DropsALongChain : cyn::Object {
  DropsALongChain(long n_, Counters* c_) : n(n_), c(c_) {}
  ~DropsALongChain() override {
    cyn::Ref<InnerNode> chain = make_inner_chain(n, c);
    const long before = c->inner;
    chain = nullptr;
    if (c->inner == before + n) ++c->inner_seen_complete;
    ++c->outer;
  }
  long n;
  Counters* c;
};

TEST(ObjectDestruction, NestedDropInsideADestructorCompletesBeforeItReturns) {
  const auto before = cyn::live_objects();
  Counters c;
  auto o = cyn::make<DropsALongChain>(500000 / kScale, &c);
  o = nullptr;
  EXPECT_EQ(c.outer, 1);
  EXPECT_EQ(c.inner, 500000 / kScale);
  EXPECT_EQ(c.inner_seen_complete, 1);
  EXPECT_EQ(cyn::live_objects(), before);
}

// Destructors with large frames of their own (a big local buffer): a release may then jump
// from far above the floor to below it in one step, past the zone where releases drain what
// their destructor queued; the outermost release finishes that work instead.
template <int kBytes>
struct BigFrame : cyn::Object {
  explicit BigFrame(long* d_) : d(d_) {}
  ~BigFrame() override {
    volatile char buf[kBytes];
    buf[0] = 1;
    buf[kBytes - 1] = buf[0];
    note_stack();
    ++*d;
  }
  cyn::Ref<BigFrame> next;
  long* d;
};

template <int kBytes>
void drop_big_frame_chain() {
  const auto before = cyn::live_objects();
  long destroyed = 0;
  const long n = 2000;
  cyn::Ref<BigFrame<kBytes>> head;
  for (long i = 0; i < n; ++i) {
    auto x = cyn::make<BigFrame<kBytes>>(&destroyed);
    x->next = std::move(head);
    head = std::move(x);
  }
  tls_lowest_sp = UINTPTR_MAX;
  const auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  head = nullptr;
  EXPECT_EQ(destroyed, n) << kBytes;
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_LT(top - tls_lowest_sp, kStackAllowance + 2 * kBytes) << kBytes;
}

TEST(ObjectDestruction, DestructorsWithLargeFrames) {
  drop_big_frame_chain<1000>();
  drop_big_frame_chain<3000>();
  drop_big_frame_chain<6000>();
  drop_big_frame_chain<9000>();
  drop_big_frame_chain<20000>();
}

// Destructors that suspend their coroutine (a __dealloc__ that yields or blocks): the
// coroutine may resume on another worker, and other coroutines run on the thread it left,
// each with a destruction state of its own.
struct YieldingNode : cyn::Object {
  YieldingNode(long id_, long* destroyed_) : id(id_), destroyed(destroyed_) {}
  ~YieldingNode() override {
    ++*destroyed;
    if (id % 97 == 0) cyn::yield_();
  }
  cyn::Ref<YieldingNode> next;
  long id;
  long* destroyed;
};

void drop_yielding_chain(long n, cyn::Ref<cyn::WaitGroup> wg, std::atomic<long>* bad) {
  long destroyed = 0;  // on this coroutine's stack: only this chain's destructors touch it
  {
    cyn::Ref<YieldingNode> head;
    for (long i = n - 1; i >= 0; --i) {
      auto x = cyn::make<YieldingNode>(i, &destroyed);
      x->next = std::move(head);
      head = std::move(x);
    }
    head = nullptr;
    if (destroyed != n) bad->fetch_add(1);
  }
  const cyn::detail::DestroyState* state = cyn::detail::current_destroy_state();
  if (state->floor != 0 || state->pending != nullptr) bad->fetch_add(1);
  wg->done();
}
void spawn_yielding_droppers(long n, int coroutines, std::atomic<long>* bad) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(coroutines);
  for (int i = 0; i < coroutines; ++i) cyn::spawn(&drop_yielding_chain, n, wg, bad);
  wg->wait();
}

TEST(ObjectDestruction, DestructorsThatSuspendTheirCoroutine) {
  const auto before = settled_live_objects();
  std::atomic<long> bad{0};
  cyn::run(&spawn_yielding_droppers, 50000L / kScale, 8, &bad);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(settled_live_objects(), before);
}

// An exception unwinding through a frame that holds a long chain destroys it on the way.
TEST(ObjectDestruction, ExceptionUnwindingDropsALongChain) {
  const auto before = cyn::live_objects();
  std::vector<long> order;
  const long n = 300000;
  try {
    cyn::Ref<Node> head = make_chain(n, &order);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
    expect_chain_order(order, n);
  }
  EXPECT_EQ(cyn::live_objects(), before);
}

// Releases from a destructor that catches its own exceptions.
struct CatchesInside : cyn::Object {
  explicit CatchesInside(long* d_) : d(d_) {}
  ~CatchesInside() override {
    try {
      throw std::runtime_error("inside a destructor");
    } catch (const std::exception&) {
      ++*d;
    }
  }
  cyn::Ref<CatchesInside> next;
  long* d;
};

TEST(ObjectDestruction, DestructorsThatThrowAndCatchInternally) {
  const auto before = cyn::live_objects();
  long destroyed = 0;
  const long n = 50000 / kScale;
  {
    cyn::Ref<CatchesInside> head;
    for (long i = 0; i < n; ++i) {
      auto x = cyn::make<CatchesInside>(&destroyed);
      x->next = std::move(head);
      head = std::move(x);
    }
  }
  EXPECT_EQ(destroyed, n);
  EXPECT_EQ(cyn::live_objects(), before);
}

}  // namespace
