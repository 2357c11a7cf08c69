#include "tokenizers/regex.h"

#include <utf8proc.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/json_util.h"
#include "tokenizers/utf8_text.h"

namespace pf {

namespace {

[[noreturn]] void bad_regex(std::string_view pattern, const std::string& what) {
  fail(ErrorCode::kUnsupported,
       "tokenizer.json: regex '" + std::string(pattern) + "': " + what);
}

// Alphabetic code points that no letter/mark/Nl category covers (circled and
// squared Latin letters), generated from the UCD: see CMakeLists.txt.
constexpr int32_t kAlphabeticBeyondLetters[][2] = {
#include "alphabetic_beyond_letters.inc"
};

bool is_alphabetic_symbol(int32_t cp) {
  for (const auto& r : kAlphabeticBeyondLetters) {
    if (cp >= r[0] && cp <= r[1]) return true;
  }
  return false;
}

// A set of code points: ranges, utf8proc category bits, White_Space, each
// possibly negated, OR-ed together; then optionally negated as a whole.
struct CharSet {
  struct Item {
    enum Kind { kRange, kCategories, kSpace, kWord } kind = kRange;
    int32_t lo = 0, hi = 0;
    uint32_t categories = 0;  // bit per utf8proc_category_t
    bool negated = false;
  };
  std::vector<Item> items;
  bool negated = false;
  bool case_insensitive = false;

  static bool item_matches(const Item& it, int32_t cp) {
    bool m = false;
    switch (it.kind) {
      case Item::kRange: m = cp >= it.lo && cp <= it.hi; break;
      case Item::kCategories: m = (it.categories >> utf8proc_category(cp)) & 1u; break;
      case Item::kSpace: m = utf8::is_whitespace(cp); break;
      case Item::kWord: {
        const auto c = utf8proc_category(cp);
        // Rust regex's \w (which tokenizers uses): Alphabetic (letters, Nl,
        // Other_Alphabetic symbols), marks, Nd, Pc and the joiners ZWNJ / ZWJ
        // (Join_Control).
        m = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) || c == UTF8PROC_CATEGORY_ND ||
            c == UTF8PROC_CATEGORY_PC || c == UTF8PROC_CATEGORY_NL || cp == 0x200C || cp == 0x200D ||
            (c == UTF8PROC_CATEGORY_SO && is_alphabetic_symbol(cp));
        break;
      }
    }
    return m != it.negated;
  }
  bool raw_matches(int32_t cp) const {
    for (const Item& it : items) {
      if (item_matches(it, cp)) return true;
    }
    return false;
  }
  bool matches(int32_t cp) const {
    bool m = raw_matches(cp);
    if (!m && case_insensitive) {
      const int32_t lo = utf8::simple_lower(cp), up = utf8::simple_upper(cp);
      m = (lo != cp && raw_matches(lo)) || (up != cp && raw_matches(up));
    }
    return m != negated;
  }
};

enum Op : uint8_t {
  kSet,        // a = set index
  kRepeatSet,  // a = set, b = min, c = max (-1 = unbounded); greedy
  kSplit,      // try a, then b
  kJmp,        // a
  kLook,       // a = sub-program start, b = continue pc, c = 1 negative / 0 positive
  kBol,        // ^ (start of text or after \n)
  kEol,        // $ (end of text or before \n)
  kMatch,
};

struct Inst {
  Op op;
  int32_t a = 0, b = 0, c = 0;
};

// ---- AST -----------------------------------------------------------------

struct Node {
  enum Kind { kSetNode, kCat, kAlt, kRepeat, kLook, kBol, kEol } kind;
  explicit Node(Kind k) : kind(k) {}
  int32_t set = -1;
  std::vector<Node> kids;
  int32_t min = 0, max = 0;  // max -1 = unbounded
  bool greedy = true, negative = false;
};

class Parser {
 public:
  Parser(std::string_view pattern, std::vector<CharSet>* sets) : pat_(pattern), sets_(sets) {
    for (size_t pos = 0; pos < pattern.size();) {
      uint32_t len = 0;
      cps_.push_back(utf8::decode(pattern, pos, &len));
      pos += len;
    }
  }

  Node parse() {
    Node n = alternation(false);
    if (i_ < cps_.size()) error("unbalanced ')'");
    return n;
  }

 private:
  [[noreturn]] void error(const std::string& what) { bad_regex(pat_, what); }
  bool at_end() const { return i_ >= cps_.size(); }
  int32_t peek(size_t ahead = 0) const { return i_ + ahead < cps_.size() ? cps_[i_ + ahead] : -1; }

  Node alternation(bool ci) {
    Node alt(Node::kAlt);
    alt.kids.push_back(sequence(ci));
    while (peek() == '|') {
      ++i_;
      alt.kids.push_back(sequence(ci));
    }
    if (alt.kids.size() == 1) return std::move(alt.kids[0]);
    return alt;
  }

  Node sequence(bool ci) {
    Node cat(Node::kCat);
    while (!at_end() && peek() != '|' && peek() != ')') cat.kids.push_back(repeat(ci));
    return cat;
  }

  int read_int() {
    if (!(peek() >= '0' && peek() <= '9')) error("expected a number in {m,n}");
    int v = 0;
    while (peek() >= '0' && peek() <= '9') {
      v = v * 10 + (peek() - '0');
      if (v > 1000) error("repeat count above 1000");
      ++i_;
    }
    return v;
  }

  Node repeat(bool ci) {
    Node atom_node = atom(ci);
    for (;;) {
      int mn, mx;
      const int32_t c = peek();
      if (c == '*') { mn = 0; mx = -1; ++i_; }
      else if (c == '+') { mn = 1; mx = -1; ++i_; }
      else if (c == '?') { mn = 0; mx = 1; ++i_; }
      else if (c == '{' && peek(1) >= '0' && peek(1) <= '9') {
        ++i_;
        mn = read_int();
        mx = mn;
        if (peek() == ',') {
          ++i_;
          mx = peek() == '}' ? -1 : read_int();
        }
        if (peek() != '}') error("unterminated {m,n}");
        ++i_;
        if (mx >= 0 && mx < mn) error("{m,n} with n < m");
      } else {
        return atom_node;
      }
      if (atom_node.kind == Node::kLook || atom_node.kind == Node::kBol || atom_node.kind == Node::kEol) {
        error("quantifier after an assertion");
      }
      Node rep(Node::kRepeat);
      rep.min = mn;
      rep.max = mx;
      if (peek() == '?') {
        rep.greedy = false;
        ++i_;
      } else if (peek() == '+') {
        error("possessive quantifiers are not supported");
      }
      rep.kids.push_back(std::move(atom_node));
      atom_node = std::move(rep);
    }
  }

  int32_t add_set(CharSet set) {
    sets_->push_back(std::move(set));
    return (int32_t)sets_->size() - 1;
  }

  Node set_node(CharSet set) {
    Node n(Node::kSetNode);
    n.set = add_set(std::move(set));
    return n;
  }

  Node atom(bool ci) {
    const int32_t c = peek();
    if (c < 0) error("unexpected end");
    ++i_;
    switch (c) {
      case '(': {
        bool inner_ci = ci;
        Node::Kind look = Node::kCat;
        bool negative = false;
        if (peek() == '?') {
          ++i_;
          const int32_t k = peek();
          ++i_;
          if (k == ':') {
          } else if (k == '=') {
            look = Node::kLook;
          } else if (k == '!') {
            look = Node::kLook;
            negative = true;
          } else if (k == 'i' && peek() == ':') {
            ++i_;
            inner_ci = true;
          } else if (k == '-' && peek() == 'i' && peek(1) == ':') {
            i_ += 2;
            inner_ci = false;
          } else {
            error("unsupported group syntax '(?" + std::string(1, (char)(k > 0 && k < 128 ? k : '?')) + "'");
          }
        }
        Node inner = alternation(inner_ci);
        if (peek() != ')') error("missing ')'");
        ++i_;
        if (look == Node::kLook) {
          Node n(Node::kLook);
          n.negative = negative;
          n.kids.push_back(std::move(inner));
          return n;
        }
        return inner;
      }
      case '[': return set_node(bracket(ci));
      case '.': {
        CharSet s;
        s.negated = true;
        s.items.push_back({CharSet::Item::kRange, '\n', '\n'});
        return set_node(std::move(s));
      }
      case '^': return Node(Node::kBol);
      case '$': return Node(Node::kEol);
      case ')': error("unbalanced ')'");
      case '*': case '+': case '?': error("quantifier without a target");
      case '\\': {
        CharSet s;
        escape(&s, false);
        s.case_insensitive = ci;
        return set_node(std::move(s));
      }
      default: {
        CharSet s;
        s.items.push_back({CharSet::Item::kRange, c, c});
        s.case_insensitive = ci;
        return set_node(std::move(s));
      }
    }
  }

  int32_t hex(size_t digits_max, bool braced) {
    int32_t v = 0;
    size_t n = 0;
    while (n < digits_max) {
      const int32_t h = peek();
      int d;
      if (h >= '0' && h <= '9') d = h - '0';
      else if (h >= 'a' && h <= 'f') d = h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
      else break;
      v = v * 16 + d;
      if (v > 0x10FFFF) error("code point out of range");
      ++i_;
      ++n;
    }
    if (n == 0) error("bad hex escape");
    if (braced) {
      if (peek() != '}') error("unterminated \\x{...}");
      ++i_;
    }
    return v;
  }

  static uint32_t category_bits(std::string_view name) {
    struct Entry { const char* name; uint32_t bits; };
    auto bit = [](utf8proc_category_t c) { return 1u << c; };
    auto range = [](utf8proc_category_t a, utf8proc_category_t b) {
      uint32_t m = 0;
      for (int c = a; c <= b; ++c) m |= 1u << c;
      return m;
    };
    const Entry table[] = {
        {"L", range(UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LO)},
        {"Letter", range(UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LO)},
        {"Lu", bit(UTF8PROC_CATEGORY_LU)}, {"Ll", bit(UTF8PROC_CATEGORY_LL)},
        {"Lt", bit(UTF8PROC_CATEGORY_LT)}, {"Lm", bit(UTF8PROC_CATEGORY_LM)},
        {"Lo", bit(UTF8PROC_CATEGORY_LO)},
        {"M", range(UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_ME)},
        {"Mark", range(UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_ME)},
        {"Mn", bit(UTF8PROC_CATEGORY_MN)}, {"Mc", bit(UTF8PROC_CATEGORY_MC)},
        {"Me", bit(UTF8PROC_CATEGORY_ME)},
        {"N", range(UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NO)},
        {"Number", range(UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NO)},
        {"Nd", bit(UTF8PROC_CATEGORY_ND)}, {"Nl", bit(UTF8PROC_CATEGORY_NL)},
        {"No", bit(UTF8PROC_CATEGORY_NO)},
        {"P", range(UTF8PROC_CATEGORY_PC, UTF8PROC_CATEGORY_PO)},
        {"Punctuation", range(UTF8PROC_CATEGORY_PC, UTF8PROC_CATEGORY_PO)},
        {"Pc", bit(UTF8PROC_CATEGORY_PC)}, {"Pd", bit(UTF8PROC_CATEGORY_PD)},
        {"Ps", bit(UTF8PROC_CATEGORY_PS)}, {"Pe", bit(UTF8PROC_CATEGORY_PE)},
        {"Pi", bit(UTF8PROC_CATEGORY_PI)}, {"Pf", bit(UTF8PROC_CATEGORY_PF)},
        {"Po", bit(UTF8PROC_CATEGORY_PO)},
        {"S", range(UTF8PROC_CATEGORY_SM, UTF8PROC_CATEGORY_SO)},
        {"Symbol", range(UTF8PROC_CATEGORY_SM, UTF8PROC_CATEGORY_SO)},
        {"Sm", bit(UTF8PROC_CATEGORY_SM)}, {"Sc", bit(UTF8PROC_CATEGORY_SC)},
        {"Sk", bit(UTF8PROC_CATEGORY_SK)}, {"So", bit(UTF8PROC_CATEGORY_SO)},
        {"Z", range(UTF8PROC_CATEGORY_ZS, UTF8PROC_CATEGORY_ZP)},
        {"Separator", range(UTF8PROC_CATEGORY_ZS, UTF8PROC_CATEGORY_ZP)},
        {"Zs", bit(UTF8PROC_CATEGORY_ZS)}, {"Zl", bit(UTF8PROC_CATEGORY_ZL)},
        {"Zp", bit(UTF8PROC_CATEGORY_ZP)},
        {"C", bit(UTF8PROC_CATEGORY_CN) | range(UTF8PROC_CATEGORY_CC, UTF8PROC_CATEGORY_CO)},
        {"Other", bit(UTF8PROC_CATEGORY_CN) | range(UTF8PROC_CATEGORY_CC, UTF8PROC_CATEGORY_CO)},
        {"Cc", bit(UTF8PROC_CATEGORY_CC)}, {"Cf", bit(UTF8PROC_CATEGORY_CF)},
        {"Cs", bit(UTF8PROC_CATEGORY_CS)}, {"Co", bit(UTF8PROC_CATEGORY_CO)},
        {"Cn", bit(UTF8PROC_CATEGORY_CN)},
    };
    for (const Entry& e : table) {
      if (name == e.name) return e.bits;
    }
    return 0;
  }

  // Parses the escape after '\' into set (as OR-ed items).
  void escape(CharSet* s, bool in_class) {
    const int32_t c = peek();
    if (c < 0) error("trailing backslash");
    ++i_;
    using Item = CharSet::Item;
    auto single = [&](int32_t cp) { s->items.push_back({Item::kRange, cp, cp}); };
    switch (c) {
      case 'p': case 'P': {
        bool negated = c == 'P';
        std::string name;
        if (peek() == '{') {
          ++i_;
          if (peek() == '^') {
            negated = !negated;
            ++i_;
          }
          while (!at_end() && peek() != '}') {
            if (peek() > 127) error("bad \\p{...} name");
            name.push_back((char)peek());
            ++i_;
          }
          if (peek() != '}') error("unterminated \\p{...}");
          ++i_;
        } else if (!at_end() && peek() < 128) {
          name.push_back((char)peek());
          ++i_;
        }
        const uint32_t bits = category_bits(name);
        if (!bits) error("unsupported Unicode property \\p{" + name + "}");
        Item it{Item::kCategories};
        it.categories = bits;
        it.negated = negated;
        s->items.push_back(it);
        return;
      }
      case 's': case 'S': {
        Item it{Item::kSpace};
        it.negated = c == 'S';
        s->items.push_back(it);
        return;
      }
      case 'd': case 'D': {
        Item it{Item::kCategories};
        it.categories = 1u << UTF8PROC_CATEGORY_ND;
        it.negated = c == 'D';
        s->items.push_back(it);
        return;
      }
      case 'w': case 'W': {
        Item it{Item::kWord};
        it.negated = c == 'W';
        s->items.push_back(it);
        return;
      }
      case 'n': single('\n'); return;
      case 'r': single('\r'); return;
      case 't': single('\t'); return;
      case 'f': single('\f'); return;
      case 'v': single('\v'); return;
      case 'a': single(7); return;
      case 'e': single(27); return;
      case '0': single(0); return;
      case 'x':
        if (peek() == '{') {
          ++i_;
          single(hex(8, true));
        } else {
          single(hex(2, false));
        }
        return;
      case 'u': single(hex(4, false)); return;
      default:
        if (c < 128 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
          error(std::string("unsupported escape \\") + (char)c);
        }
        (void)in_class;
        single(c);  // escaped punctuation or any non-ASCII character
        return;
    }
  }

  CharSet bracket(bool ci) {
    CharSet s;
    s.case_insensitive = ci;
    if (peek() == '^') {
      s.negated = true;
      ++i_;
    }
    bool first = true;
    for (;;) {
      if (at_end()) error("unterminated character class");
      int32_t c = peek();
      if (c == ']' && !first) {
        ++i_;
        break;
      }
      first = false;
      if (c == '[') {
        if (peek(1) == ':') error("POSIX bracket classes are not supported");
        error("nested character classes are not supported");
      }
      if (c == '&' && peek(1) == '&') error("class intersection '&&' is not supported");
      int32_t lo;
      ++i_;
      if (c == '\\') {
        CharSet tmp;
        escape(&tmp, true);
        if (tmp.items.size() == 1 && tmp.items[0].kind == CharSet::Item::kRange &&
            !tmp.items[0].negated) {
          lo = tmp.items[0].lo;
        } else {
          for (auto& it : tmp.items) s.items.push_back(it);
          continue;
        }
      } else {
        lo = c;
      }
      if (peek() == '-' && peek(1) != ']' && peek(1) >= 0) {
        ++i_;
        int32_t hi = peek();
        ++i_;
        if (hi == '\\') {
          CharSet tmp;
          escape(&tmp, true);
          if (tmp.items.size() != 1 || tmp.items[0].kind != CharSet::Item::kRange) {
            error("range with a class as its end");
          }
          hi = tmp.items[0].lo;
        }
        if (hi < lo) error("reversed range in character class");
        s.items.push_back({CharSet::Item::kRange, lo, hi});
      } else {
        s.items.push_back({CharSet::Item::kRange, lo, lo});
      }
    }
    return s;
  }

  std::string_view pat_;
  std::vector<CharSet>* sets_;
  std::vector<int32_t> cps_;
  size_t i_ = 0;
};

}  // namespace

struct Regex::Program {
  std::vector<CharSet> sets;
  std::vector<Inst> code;
  std::string pattern;

  void emit_node(const Node& n) {
    switch (n.kind) {
      case Node::kSetNode: code.push_back({kSet, n.set}); break;
      case Node::kCat:
        for (const Node& k : n.kids) emit_node(k);
        break;
      case Node::kAlt: {
        std::vector<size_t> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            const size_t split = code.size();
            code.push_back({kSplit, (int32_t)split + 1, 0});
            emit_node(n.kids[i]);
            jumps.push_back(code.size());
            code.push_back({kJmp, 0});
            code[split].b = (int32_t)code.size();
          } else {
            emit_node(n.kids[i]);
          }
        }
        for (size_t j : jumps) code[j].a = (int32_t)code.size();
        break;
      }
      case Node::kLook: {
        const size_t look = code.size();
        code.push_back({kLook, (int32_t)look + 1, 0, n.negative ? 1 : 0});
        emit_node(n.kids[0]);
        code.push_back({kMatch});
        code[look].b = (int32_t)code.size();
        break;
      }
      case Node::kBol: code.push_back({kBol}); break;
      case Node::kEol: code.push_back({kEol}); break;
      case Node::kRepeat: {
        const Node& body = n.kids[0];
        if (body.kind == Node::kSetNode && n.greedy) {
          code.push_back({kRepeatSet, body.set, n.min, n.max});
          break;
        }
        if (code.size() > 100000) bad_regex(pattern, "pattern too large");
        for (int i = 0; i < n.min; ++i) emit_node(body);
        if (n.max < 0) {
          const size_t split = code.size();
          code.push_back({kSplit, 0, 0});
          emit_node(body);
          code.push_back({kJmp, (int32_t)split});
          const int32_t body_pc = (int32_t)split + 1, out_pc = (int32_t)code.size();
          code[split].a = n.greedy ? body_pc : out_pc;
          code[split].b = n.greedy ? out_pc : body_pc;
        } else {
          std::vector<size_t> splits;
          for (int i = n.min; i < n.max; ++i) {
            splits.push_back(code.size());
            code.push_back({kSplit, 0, 0});
            emit_node(body);
          }
          const int32_t out_pc = (int32_t)code.size();
          for (size_t s : splits) {
            const int32_t body_pc = (int32_t)s + 1;
            code[s].a = n.greedy ? body_pc : out_pc;
            code[s].b = n.greedy ? out_pc : body_pc;
          }
        }
        break;
      }
    }
  }

  // Backtracking run from pc at code point index pos; returns the end index
  // of the first (Oniguruma-priority) match or -1.
  struct Frame {
    int32_t pc;
    int64_t pos;
    int64_t low;  // for kRepeatSet backtracking: the smallest allowed pos; -1 otherwise
  };

  int64_t run(int32_t start_pc, int64_t start_pos, const std::vector<int32_t>& cps,
              uint64_t* budget, int depth) const {
    // One backtracking stack per lookaround depth, reused across calls.
    thread_local std::vector<Frame> stacks[10];
    std::vector<Frame>& stack = stacks[depth];
    stack.clear();
    int32_t pc = start_pc;
    int64_t pos = start_pos;
    const int64_t n = (int64_t)cps.size();
    for (;;) {
      if (*budget == 0) {
        fail(ErrorCode::kUnsupported,
             "tokenizer.json: regex '" + pattern + "' needs too much backtracking on this input");
      }
      --*budget;
      bool ok = true;
      const Inst& in = code[(size_t)pc];
      switch (in.op) {
        case kMatch:
          return pos;
        case kSet:
          if (pos < n && sets[(size_t)in.a].matches(cps[(size_t)pos])) {
            ++pos;
            ++pc;
          } else {
            ok = false;
          }
          break;
        case kRepeatSet: {
          const CharSet& set = sets[(size_t)in.a];
          int64_t count = 0;
          const int64_t limit = in.c < 0 ? n - pos : std::min<int64_t>(in.c, n - pos);
          while (count < limit && set.matches(cps[(size_t)(pos + count)])) ++count;
          if (count < in.b) {
            ok = false;
            break;
          }
          *budget -= std::min<uint64_t>(*budget, (uint64_t)count);
          if (count > in.b) stack.push_back({pc + 1, pos + count - 1, pos + in.b});
          pos += count;
          ++pc;
          break;
        }
        case kSplit:
          stack.push_back({in.b, pos, -1});
          pc = in.a;
          break;
        case kJmp:
          pc = in.a;
          break;
        case kLook: {
          if (depth >= 8) bad_regex(pattern, "lookarounds nested too deeply");
          const bool found = run(in.a, pos, cps, budget, depth + 1) >= 0;
          if (found == (in.c == 1)) ok = false;
          else pc = in.b;
          break;
        }
        case kBol:
          if (pos == 0 || cps[(size_t)pos - 1] == '\n') ++pc;
          else ok = false;
          break;
        case kEol:
          if (pos == n || cps[(size_t)pos] == '\n') ++pc;
          else ok = false;
          break;
      }
      if (ok) {
        if (stack.size() > (1u << 20)) {
          fail(ErrorCode::kUnsupported,
               "tokenizer.json: regex '" + pattern + "' needs too much backtracking on this input");
        }
        continue;
      }
      if (stack.empty()) return -1;
      Frame f = stack.back();
      stack.pop_back();
      if (f.low >= 0) {
        // Give back one more repeated character next time, if allowed.
        if (f.pos > f.low) stack.push_back({f.pc, f.pos - 1, f.low});
      }
      pc = f.pc;
      pos = f.pos;
    }
  }
};

Regex::Regex(std::string_view pattern) : program_(std::make_unique<Program>()) {
  program_->pattern = std::string(pattern);
  Parser parser(pattern, &program_->sets);
  Node root = parser.parse();
  program_->emit_node(root);
  program_->code.push_back({kMatch});
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::vector<Span> Regex::find_all(std::string_view text) const {
  std::vector<int32_t> cps;
  std::vector<uint32_t> byte_at;  // byte offset of each code point, plus the end
  cps.reserve(text.size());
  byte_at.reserve(text.size() + 1);
  for (size_t pos = 0; pos < text.size();) {
    uint32_t len = 0;
    cps.push_back(utf8::decode(text, pos, &len));
    byte_at.push_back((uint32_t)pos);
    pos += len;
  }
  byte_at.push_back((uint32_t)text.size());
  std::vector<Span> out;
  // Linear in the input for the patterns real tokenizers use; a generous
  // cap turns a pathological pattern into an error instead of a hang.
  uint64_t budget = 4000000 + 400 * (uint64_t)cps.size();
  const int64_t n = (int64_t)cps.size();
  for (int64_t pos = 0; pos < n;) {
    const int64_t end = program_->run(0, pos, cps, &budget, 0);
    if (end > pos) {
      out.push_back({byte_at[(size_t)pos], byte_at[(size_t)end]});
      pos = end;
    } else {
      ++pos;
    }
  }
  return out;
}

Pattern Pattern::from_json(const nlohmann::json& j, const std::string& ctx) {
  Pattern p;
  if (const auto* s = json_find(j, "String")) {
    if (!s->is_string()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " pattern String is not a string");
    p.literal_ = s->get<std::string>();
    if (p.literal_.empty()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " has an empty String pattern");
    return p;
  }
  if (const auto* r = json_find(j, "Regex")) {
    if (!r->is_string()) fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " pattern Regex is not a string");
    p.regex_ = std::make_shared<Regex>(r->get<std::string>());
    return p;
  }
  fail(ErrorCode::kCorruptModel, "tokenizer.json: " + ctx + " pattern is neither String nor Regex");
}

std::vector<Span> Pattern::find_all(std::string_view text) const {
  if (regex_) return regex_->find_all(text);
  std::vector<Span> out;
  for (size_t pos = text.find(literal_); pos != std::string_view::npos;
       pos = text.find(literal_, pos + literal_.size())) {
    out.push_back({(uint32_t)pos, (uint32_t)(pos + literal_.size())});
  }
  return out;
}

}  // namespace pf
