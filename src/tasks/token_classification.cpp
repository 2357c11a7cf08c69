#include "tasks/token_classification.h"

#include <algorithm>

#include "core/error.h"
#include "tasks/label_config.h"
#include "tasks/scores.h"

namespace pf {

namespace {

// One scored token before grouping (transformers' "pre_entity").
struct PreEntity {
  std::string word;
  std::vector<float> scores;
  int32_t index;
  uint32_t start, end;
  bool is_subword;
};

// A labelled token or word before grouping into entities.
struct Labelled {
  std::string entity;
  float score;
  int32_t index;
  std::string word;
  uint32_t start, end;
};

Labelled label_word(const EncoderTokenizer& tokenizer, const std::vector<const PreEntity*>& word,
                    Aggregation aggregation, const std::vector<std::string>& labels) {
  const size_t n = labels.size();
  std::vector<std::string> pieces;
  for (const PreEntity* p : word) pieces.push_back(p->word);
  std::vector<float> scores;
  if (aggregation == Aggregation::kFirst) {
    scores = word.front()->scores;
  } else if (aggregation == Aggregation::kMax) {
    // The token whose best score is highest (the first such on ties).
    const PreEntity* best = word.front();
    float best_max = *std::max_element(best->scores.begin(), best->scores.end());
    for (const PreEntity* p : word) {
      const float m = *std::max_element(p->scores.begin(), p->scores.end());
      if (m > best_max) {
        best = p;
        best_max = m;
      }
    }
    scores = best->scores;
  } else {  // kAverage: mean of the tokens' score vectors
    scores.assign(n, 0.f);
    for (size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (const PreEntity* p : word) sum += p->scores[i];
      scores[i] = (float)(sum / (double)word.size());
    }
  }
  const size_t best = argmax(scores.data(), n);
  return {labels[best], scores[best], -1, tokenizer.tokens_to_string(pieces), word.front()->start,
          word.back()->end};
}

// "B-PER" -> (B, PER); "I-PER" -> (I, PER); anything else continues: (I, label).
std::pair<char, std::string> split_tag(const std::string& label) {
  if (label.compare(0, 2, "B-") == 0) return {'B', label.substr(2)};
  if (label.compare(0, 2, "I-") == 0) return {'I', label.substr(2)};
  return {'I', label};
}

TokenEntity close_group(const EncoderTokenizer& tokenizer, const std::vector<Labelled>& group) {
  // The group's name is its first label after the first "-".
  const std::string& first = group.front().entity;
  const size_t dash = first.find('-');
  double sum = 0;
  std::vector<std::string> words;
  for (const Labelled& e : group) {
    sum += e.score;
    words.push_back(e.word);
  }
  TokenEntity out;
  out.entity = dash == std::string::npos ? first : first.substr(dash + 1);
  out.score = (float)(sum / (double)group.size());
  out.word = tokenizer.tokens_to_string(words);
  out.start = group.front().start;
  out.end = group.back().end;
  return out;
}

std::vector<TokenEntity> group_entities(const EncoderTokenizer& tokenizer,
                                        const std::vector<Labelled>& entities) {
  std::vector<TokenEntity> groups;
  std::vector<Labelled> current;
  for (const Labelled& e : entities) {
    if (!current.empty()) {
      const auto tag = split_tag(e.entity);
      const auto last = split_tag(current.back().entity);
      if (!(tag.second == last.second && tag.first != 'B')) {
        groups.push_back(close_group(tokenizer, current));
        current.clear();
      }
    }
    current.push_back(e);
  }
  if (!current.empty()) groups.push_back(close_group(tokenizer, current));
  return groups;
}

}  // namespace

Aggregation parse_aggregation(const std::string& name) {
  if (name.empty() || name == "none") return Aggregation::kNone;
  if (name == "simple") return Aggregation::kSimple;
  if (name == "first") return Aggregation::kFirst;
  if (name == "average") return Aggregation::kAverage;
  if (name == "max") return Aggregation::kMax;
  fail(ErrorCode::kInvalidArgument, "unknown aggregation_strategy '" + name +
                                        "' (expected 'none', 'simple', 'first', 'average' or 'max')");
}

std::vector<TokenEntity> group_token_entities(const EncoderTokenizer& tokenizer,
                                              const std::string& text, const EncodedText& tokens,
                                              const float* logits,
                                              const std::vector<std::string>& labels,
                                              Aggregation aggregation,
                                              const std::vector<std::string>& ignore_labels) {
  const size_t n = labels.size();
  std::vector<PreEntity> pre;
  for (size_t i = 0; i < tokens.ids.size(); ++i) {
    if (tokens.special[i]) continue;
    const auto& span = tokens.spans[i];
    PreEntity p;
    p.scores.assign(logits + i * n, logits + (i + 1) * n);
    softmax_rows(p.scores.data(), 1, n);
    p.index = (int32_t)i;
    p.start = span.begin;
    p.end = span.end;
    const std::string source = text.substr(span.begin, span.end - span.begin);
    p.word = tokenizer.id_to_token(tokens.ids[i]);
    p.is_subword = tokenizer.is_subword(text, span);
    if (tokens.ids[i] == tokenizer.unk_id()) {
      p.word = source;
      p.is_subword = false;
    }
    pre.push_back(std::move(p));
  }

  std::vector<Labelled> labelled;
  if (aggregation == Aggregation::kNone || aggregation == Aggregation::kSimple) {
    for (const PreEntity& p : pre) {
      const size_t best = argmax(p.scores.data(), n);
      labelled.push_back({labels[best], p.scores[best], p.index, p.word, p.start, p.end});
    }
  } else {
    std::vector<const PreEntity*> word;
    for (const PreEntity& p : pre) {
      if (!word.empty() && !p.is_subword) {
        labelled.push_back(label_word(tokenizer, word, aggregation, labels));
        word.clear();
      }
      word.push_back(&p);
    }
    if (!word.empty()) labelled.push_back(label_word(tokenizer, word, aggregation, labels));
  }

  std::vector<TokenEntity> entities;
  if (aggregation == Aggregation::kNone) {
    for (const Labelled& e : labelled) {
      entities.push_back({e.entity, e.score, e.index, e.word, e.start, e.end});
    }
  } else {
    entities = group_entities(tokenizer, labelled);
  }
  entities.erase(std::remove_if(entities.begin(), entities.end(),
                                [&](const TokenEntity& e) {
                                  return std::find(ignore_labels.begin(), ignore_labels.end(),
                                                   e.entity) != ignore_labels.end();
                                }),
                 entities.end());
  return entities;
}

std::unique_ptr<TokenClassifier> TokenClassifier::load(const std::string& config_json,
                                const std::vector<WeightShard>& weights,
                                const TokenizerFiles& tokenizer_files,
                                                       WeightFormat format) {
  const LabelConfig label_config = parse_label_config(config_json);
  const EncoderConfig config = parse_encoder_config(config_json);
  std::unique_ptr<TokenLinearHead> head;
  EncoderParts parts = load_encoder_parts(
      config_json, weights, tokenizer_files, format,
      [&](const SafetensorsFile& file) { head = TokenLinearHead::load(config, file, "classifier"); });
  auto task =
      std::unique_ptr<TokenClassifier>(new TokenClassifier(std::move(parts), std::move(head)));
  task->labels_ = labels_for_head(label_config, task->head_->outputs());
  return task;
}

EncodedText TokenClassifier::encode(const std::string& text) const {
  return encode_with_offsets(parts_.tokenizer, text,
                             (size_t)parts_.model->config().max_length());
}

std::vector<std::vector<float>> TokenClassifier::logits(
    const std::vector<EncodedText>& texts) const {
  std::vector<std::vector<int32_t>> ids;
  for (const EncodedText& t : texts) ids.push_back(t.ids);
  const EncoderBatch batch = pad_batch(ids, nullptr, parts_.tokenizer.pad_id());
  const std::vector<float> hidden = parts_.model->forward(batch);
  const std::vector<float> all = head_->forward(hidden.data(), batch.batch * batch.seq);
  const size_t n = labels_.size();
  std::vector<std::vector<float>> out;
  for (size_t b = 0; b < texts.size(); ++b) {
    const float* row = &all[b * batch.seq * n];
    out.emplace_back(row, row + texts[b].ids.size() * n);
  }
  return out;
}

std::vector<std::vector<TokenEntity>> TokenClassifier::run(
    const std::vector<std::string>& texts, Aggregation aggregation,
    const std::vector<std::string>& ignore_labels) const {
  std::vector<EncodedText> encoded;
  for (const std::string& text : texts) encoded.push_back(encode(text));
  const auto all = logits(encoded);
  std::vector<std::vector<TokenEntity>> out;
  for (size_t b = 0; b < texts.size(); ++b) {
    out.push_back(group_token_entities(parts_.tokenizer, texts[b], encoded[b], all[b].data(),
                                       labels_, aggregation, ignore_labels));
  }
  return out;
}

}  // namespace pf
