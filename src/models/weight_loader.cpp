#include "models/weight_loader.h"

#include "core/error.h"
#include "tensor/shape_text.h"

namespace pf {

bool WeightLoader::has(const std::string& name) const {
  return file_.find(prefix_ + name) != nullptr;
}

const std::vector<int64_t>& WeightLoader::shape(const std::string& name) const {
  const TensorView* t = file_.find(prefix_ + name);
  if (t == nullptr) {
    fail(ErrorCode::kCorruptModel, file_.file_name() + ": missing tensor '" + prefix_ + name + "'");
  }
  return t->shape;
}

std::vector<float> WeightLoader::get(const std::string& name,
                                     const std::vector<int64_t>& shape) const {
  const std::string full = prefix_ + name;
  const TensorView* t = file_.find(full);
  if (t == nullptr) {
    fail(ErrorCode::kCorruptModel, file_.file_name() + ": missing tensor '" + full + "'");
  }
  if (t->shape != shape) {
    fail(ErrorCode::kCorruptModel, file_.file_name() + ": tensor '" + full + "' has shape " +
                                       t->shape_string() + " but config.json implies " +
                                       shape_text(shape));
  }
  std::vector<float> out((size_t)t->numel());
  convert_to_f32(t->dtype, t->data, out.size(), out.data());
  return out;
}

}  // namespace pf
