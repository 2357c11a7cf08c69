#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "formats/safetensors.h"

namespace {

// Builds a safetensors buffer from a raw header string and data bytes.
std::vector<uint8_t> make_file(const std::string& header, size_t data_bytes,
                               uint64_t declared_len = UINT64_MAX) {
  const uint64_t len = declared_len == UINT64_MAX ? header.size() : declared_len;
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i) out[i] = (uint8_t)(len >> (8 * i));
  out.insert(out.end(), header.begin(), header.end());
  for (size_t i = 0; i < data_bytes; ++i) out.push_back((uint8_t)i);
  return out;
}

std::string parse_error(const std::vector<uint8_t>& file) {
  try {
    pf::SafetensorsFile::parse(file.data(), file.size(), "m.safetensors");
  } catch (const pf::Error& e) {
    return e.what();
  }
  return "";
}

const std::string kGood =
    R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
    R"("b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]}})";

}  // namespace

TEST_CASE("safetensors: a valid file gives bounded views") {
  const auto file = make_file(kGood, 32);
  const auto st = pf::SafetensorsFile::parse(file.data(), file.size());
  REQUIRE(st.tensors().size() == 2);
  const pf::TensorView* a = st.find("a");
  REQUIRE(a != nullptr);
  CHECK(a->dtype == pf::DType::kF32);
  CHECK(a->shape == std::vector<int64_t>{2, 3});
  CHECK(a->nbytes == 24);
  CHECK(a->data == file.data() + 8 + kGood.size());
  CHECK(st.find("b")->dtype == pf::DType::kF16);
  CHECK(st.metadata().at("format") == "pt");
  CHECK(st.find("missing") == nullptr);
}

TEST_CASE("safetensors: every truncation is reported, never read past the end") {
  const auto file = make_file(kGood, 32);
  for (size_t cut = 0; cut < file.size(); ++cut) {
    std::vector<uint8_t> truncated(file.begin(), file.begin() + cut);
    const std::string err = parse_error(truncated);
    INFO("cut at " << cut << ": " << err);
    CHECK(!err.empty());
    CHECK(err.find("m.safetensors") != std::string::npos);
  }
}

TEST_CASE("safetensors: hostile headers give specific errors") {
  CHECK_THAT(parse_error(make_file(kGood, 32, 1ull << 40)), Catch::Contains("truncated"));
  CHECK_THAT(parse_error(make_file("{not json", 0)), Catch::Contains("not valid JSON"));
  CHECK_THAT(parse_error(make_file("[1,2]", 0)), Catch::Contains("not an object"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                   8)),
             Catch::Contains("duplicate"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}})", 8)),
             Catch::Contains("out of bounds"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8)),
             Catch::Contains("out of bounds"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("does not match"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("non-negative"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("too large"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2]}})", 8)),
             Catch::Contains("data_offsets"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", 8)),
             Catch::Contains("dtype"));
  CHECK_THAT(parse_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1.5]}})", 8)),
             Catch::Contains("data_offsets"));
}

TEST_CASE("safetensors: unsupported dtypes are named") {
  const auto file = make_file(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8);
  try {
    pf::SafetensorsFile::parse(file.data(), file.size());
    FAIL("expected an error");
  } catch (const pf::Error& e) {
    CHECK(e.code() == pf::ErrorCode::kUnsupported);
    CHECK_THAT(e.what(), Catch::Contains("I64"));
  }
}
