#include "tasks/question_answering.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace pf {

namespace {

// exp(x - max) / sum over the allowed positions; others (and [CLS], after
// normalizing) get 0. transformers puts -10000 on the others, which vanishes
// the same way in the exponent.
std::vector<double> masked_softmax(const std::vector<float>& logits,
                                   const std::vector<uint8_t>& allowed) {
  double m = -INFINITY;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (allowed[i]) m = std::max(m, (double)logits[i]);
  }
  std::vector<double> p(logits.size(), 0.0);
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (allowed[i]) sum += (p[i] = std::exp((double)logits[i] - m));
  }
  for (double& v : p) v /= sum;
  p[0] = 0.0;  // [CLS] takes part in the normalization, never in an answer
  return p;
}

struct Candidate {
  double score;
  size_t window, start, end;  // positions in the window
};

}  // namespace

std::vector<QaAnswer> decode_answers(const std::string& context, const QaInput& input,
                                     const std::vector<std::vector<float>>& start_logits,
                                     const std::vector<std::vector<float>>& end_logits,
                                     const QaOptions& options) {
  // Character range of each word, for widening spans to whole words.
  std::vector<std::pair<uint32_t, uint32_t>> words;
  for (const auto& t : input.context_tokens) {
    if (t.word >= words.size()) words.resize(t.word + 1, {UINT32_MAX, 0});
    words[t.word].first = std::min(words[t.word].first, t.begin);
    words[t.word].second = std::max(words[t.word].second, t.end);
  }
  std::vector<Candidate> all;
  for (size_t w = 0; w < input.windows.size(); ++w) {
    const QaWindow& window = input.windows[w];
    const size_t n = window.ids.size();
    std::vector<uint8_t> allowed(n);
    for (size_t i = 0; i < n; ++i) allowed[i] = i == 0 || window.context_token[i] >= 0;
    const std::vector<double> ps = masked_softmax(start_logits[w], allowed);
    const std::vector<double> pe = masked_softmax(end_logits[w], allowed);
    // Every valid span, in row-major (start, end) order so that a stable
    // sort ranks ties the way numpy's argmax/argsort over the flat matrix do.
    std::vector<Candidate> spans;
    for (size_t s = 1; s < n; ++s) {
      if (window.context_token[s] < 0) continue;
      for (size_t e = s; e < n && e - s < options.max_answer_len; ++e) {
        if (window.context_token[e] < 0) continue;
        spans.push_back({ps[s] * pe[e], w, s, e});
      }
    }
    const size_t k = std::min(options.top_k, spans.size());
    std::partial_sort(spans.begin(), spans.begin() + k, spans.end(),
                      [](const Candidate& a, const Candidate& b) {
                        return a.score > b.score ||
                               (a.score == b.score &&
                                (a.start < b.start || (a.start == b.start && a.end < b.end)));
                      });
    all.insert(all.end(), spans.begin(), spans.begin() + k);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (all.size() > options.top_k) all.resize(options.top_k);

  std::vector<QaAnswer> answers;
  for (const Candidate& c : all) {
    const QaWindow& window = input.windows[c.window];
    const auto& first = input.context_tokens[(size_t)window.context_token[c.start]];
    const auto& last = input.context_tokens[(size_t)window.context_token[c.end]];
    QaAnswer a;
    a.score = (float)c.score;
    a.start = words[first.word].first;
    a.end = words[last.word].second;
    a.answer = context.substr(a.start, a.end - a.start);
    answers.push_back(std::move(a));
  }
  return answers;
}

std::unique_ptr<QuestionAnswerer> QuestionAnswerer::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files,
                                                         WeightFormat format) {
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<TokenLinearHead> head;
  EncoderParts parts = load_encoder_parts(
      config_json, weights, tokenizer_files, format,
      [&](const SafetensorsFile& file) { head = TokenLinearHead::load(config, file, "qa_outputs", 2); });
  return std::unique_ptr<QuestionAnswerer>(new QuestionAnswerer(std::move(parts), std::move(head)));
}

QaOptions QuestionAnswerer::resolve(QaOptions options) const {
  const size_t positions = (size_t)parts_.model->config().max_length();
  if (options.max_seq_len == 0) options.max_seq_len = std::min<size_t>(384, positions);
  if (options.max_seq_len > positions) {
    fail(ErrorCode::kInvalidArgument, "max_seq_len " + std::to_string(options.max_seq_len) +
                                          " exceeds the model's " + std::to_string(positions) +
                                          " positions");
  }
  if (options.doc_stride == 0) options.doc_stride = std::min<size_t>(options.max_seq_len / 2, 128);
  if (options.top_k == 0) fail(ErrorCode::kInvalidArgument, "top_k must be at least 1");
  if (options.max_answer_len == 0) {
    fail(ErrorCode::kInvalidArgument, "max_answer_len must be at least 1");
  }
  return options;
}

QaInput QuestionAnswerer::prepare(const std::string& question, const std::string& context,
                                  const QaOptions& options) const {
  const EncoderTokenizer& tok = parts_.tokenizer;
  const EncoderTokenizer::Specials& sp = tok.pair();
  std::vector<int32_t> q = tok.tokenize_ids(question);
  QaInput input;
  input.context_tokens = tok.tokenize_with_offsets(context);
  // prefix question middle window suffix ([CLS] q [SEP] window [SEP]); only
  // the context is cut into windows.
  if (q.size() + sp.count() >= options.max_seq_len) {
    fail(ErrorCode::kInvalidArgument, "the question has " + std::to_string(q.size()) +
                                          " tokens, leaving no room for the context in max_seq_len " +
                                          std::to_string(options.max_seq_len));
  }
  const size_t room = options.max_seq_len - q.size() - sp.count();
  if (options.doc_stride >= room) {
    fail(ErrorCode::kInvalidArgument,
         "doc_stride " + std::to_string(options.doc_stride) +
             " must be smaller than the context window of " + std::to_string(room) + " tokens");
  }
  const bool segments = parts_.model->config().type_vocab_size > 1;  // DistilBERT/RoBERTa: no
  const size_t n = input.context_tokens.size();
  for (size_t begin = 0;; begin += room - options.doc_stride) {
    const size_t end = std::min(n, begin + room);
    QaWindow w;
    auto push = [&](int32_t id, int32_t type, int32_t context_token) {
      w.ids.push_back(id);
      w.type_ids.push_back(segments ? type : 0);
      w.context_token.push_back(context_token);
    };
    for (size_t i = 0; i < sp.prefix.size(); ++i) push(sp.prefix[i], sp.prefix_types[i], -1);
    for (int32_t id : q) push(id, 0, -1);
    for (size_t i = 0; i < sp.middle.size(); ++i) push(sp.middle[i], sp.middle_types[i], -1);
    for (size_t i = begin; i < end; ++i) {
      push(input.context_tokens[i].id, sp.second_type, (int32_t)i);
    }
    for (size_t i = 0; i < sp.suffix.size(); ++i) push(sp.suffix[i], sp.suffix_types[i], -1);
    input.windows.push_back(std::move(w));
    if (end == n) break;
  }
  return input;
}

void QuestionAnswerer::logits(const QaInput& input, std::vector<std::vector<float>>* start,
                              std::vector<std::vector<float>>* end) const {
  std::vector<std::vector<int32_t>> ids, types;
  for (const QaWindow& w : input.windows) {
    ids.push_back(w.ids);
    types.push_back(w.type_ids);
  }
  const EncoderBatch batch = pad_batch(ids, &types, parts_.tokenizer.pad_id());
  const std::vector<float> hidden = parts_.model->forward(batch);
  const std::vector<float> out = head_->forward(hidden.data(), batch.batch * batch.seq);
  start->clear();
  end->clear();
  for (size_t b = 0; b < batch.batch; ++b) {
    std::vector<float> s, e;
    for (size_t i = 0; i < input.windows[b].ids.size(); ++i) {
      s.push_back(out[(b * batch.seq + i) * 2]);
      e.push_back(out[(b * batch.seq + i) * 2 + 1]);
    }
    start->push_back(std::move(s));
    end->push_back(std::move(e));
  }
}

std::vector<QaAnswer> QuestionAnswerer::run(const std::string& question,
                                            const std::string& context,
                                            const QaOptions& options) const {
  const QaOptions resolved = resolve(options);
  const QaInput input = prepare(question, context, resolved);
  std::vector<std::vector<float>> start, end;
  logits(input, &start, &end);
  return decode_answers(context, input, start, end, resolved);
}

}  // namespace pf
