#include "model/lora.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/core.h>

#include <algorithm>

#include "io/file.h"
#include "io/safetensors.h"
#include "model/linear.h"
#include "util/error.h"

namespace lethe::model {
namespace {

// Every projection of the decoder with its module path ("model.layers.3.mlp.up_proj").
std::vector<std::pair<std::string, torch::nn::Linear>> projections(const CausalLM& model) {
  std::vector<std::pair<std::string, torch::nn::Linear>> out;
  auto layers = model.ptr()->model->layers;  // a handle: the list itself is not const
  for (size_t i = 0; i < layers->size(); ++i) {
    auto* layer = layers[i]->as<DecoderLayer>();
    const std::string attention = fmt::format("model.layers.{}.self_attn.", i), mlp = fmt::format("model.layers.{}.mlp.", i);
    auto& a = layer->self_attn;
    auto& m = layer->mlp;
    for (const auto& [name, linear] : {std::pair{"q_proj", a->q_proj}, std::pair{"k_proj", a->k_proj},
                                       std::pair{"v_proj", a->v_proj}, std::pair{"o_proj", a->o_proj}})
      out.emplace_back(attention + name, linear);
    for (const auto& [name, linear] : {std::pair{"gate_proj", m->gate_proj}, std::pair{"up_proj", m->up_proj},
                                       std::pair{"down_proj", m->down_proj}})
      out.emplace_back(mlp + name, linear);
  }
  return out;
}

// Whether a module path ends with the projection `name` ("model.layers.0.mlp.up_proj", "up_proj").
bool is_projection(const std::string& path, const std::string& name) {
  return path.size() > name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
         path[path.size() - name.size() - 1] == '.';
}

}  // namespace

LoraImpl::LoraImpl(int64_t in, int64_t out, const LoraOptions& o, torch::Generator& generator)
    : scale(o.scale()), dropout(o.dropout) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));  // kaiming uniform with a = sqrt(5)
  A = register_parameter("A", torch::empty({o.rank, in}).uniform_(-bound, bound, generator));
  B = register_parameter("B", torch::zeros({out, o.rank}));
}

torch::Tensor LoraImpl::forward(const torch::Tensor& x) {
  auto h = x.to(torch::kFloat);
  if (dropout > 0 && is_training())
    h = torch::nn::functional::dropout(h, torch::nn::functional::DropoutFuncOptions().p(dropout).training(true));
  return (model::linear(model::linear(h, A), B) * scale).to(x.scalar_type());
}

Lora lora_of(const torch::nn::Linear& layer) {
  for (const auto& child : layer->named_children())
    if (child.key() == "lora") return Lora(std::dynamic_pointer_cast<LoraImpl>(child.value()));
  return nullptr;
}

void add_lora(CausalLM& model, const LoraOptions& o, uint64_t seed) {
  if (o.rank < 1) throw Error(fmt::format("lora: rank {} (at least 1)", o.rank));
  if (o.targets.empty()) throw Error("lora: no target projections");
  for (const auto& target : o.targets)
    if (std::find(kLoraTargets.begin(), kLoraTargets.end(), target) == kLoraTargets.end())
      throw Error(fmt::format("lora: unknown target \"{}\" (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                              "down_proj)", target));
  for (auto& p : model->parameters()) p.requires_grad_(false);
  const auto device = model->output_weight().device();
  torch::Generator generator = at::detail::createCPUGenerator(seed);
  for (auto& [path, linear] : projections(model)) {
    const bool targeted =
        std::any_of(o.targets.begin(), o.targets.end(), [&](const std::string& t) { return is_projection(path, t); });
    if (!targeted || lora_of(linear)) continue;
    Lora adapter(linear->weight.size(1), linear->weight.size(0), o, generator);
    adapter->to(device);
    linear->register_module("lora", adapter);
  }
}

void merge_lora(CausalLM& model) {
  torch::NoGradGuard no_grad;
  for (auto& [path, linear] : projections(model)) {
    auto adapter = lora_of(linear);
    if (!adapter) continue;
    auto delta = torch::matmul(adapter->B, adapter->A) * adapter->scale;  // (out,in)
    linear->weight.add_(delta.to(linear->weight.scalar_type()));
    linear->unregister_module("lora");
  }
  for (auto& p : model->parameters()) p.requires_grad_(true);
}

void save_peft_adapter(const CausalLM& model, const LoraOptions& o, const std::filesystem::path& dir,
                       const std::string& base_model) {
  std::vector<torch::Tensor> keep_alive;
  std::vector<io::TensorBytes> tensors;
  for (auto& [path, linear] : projections(model)) {
    auto adapter = lora_of(linear);
    if (!adapter) continue;
    for (const auto& [suffix, value] : {std::pair{".lora_A.weight", adapter->A}, std::pair{".lora_B.weight", adapter->B}}) {
      auto t = value.detach().to(torch::kCPU, torch::kFloat).contiguous();
      keep_alive.push_back(t);
      tensors.push_back({"base_model.model." + path + suffix, io::DType::F32, t.sizes().vec(), t.data_ptr(),
                         static_cast<uint64_t>(t.nbytes())});
    }
  }
  if (tensors.empty()) throw Error("lora: the model has no adapters to save");
  std::filesystem::create_directories(dir);
  io::write_safetensors(dir / "adapter_model.safetensors", tensors, {{"format", "pt"}});
  io::write_json_atomic(dir / "adapter_config.json",
                        {{"peft_type", "LORA"},
                         {"task_type", "CAUSAL_LM"},
                         {"base_model_name_or_path", base_model},
                         {"r", o.rank},
                         {"lora_alpha", o.alpha},
                         {"lora_dropout", o.dropout},
                         {"target_modules", o.targets},
                         {"bias", "none"},
                         {"fan_in_fan_out", false},
                         {"inference_mode", true},
                         {"init_lora_weights", true},
                         {"modules_to_save", nullptr},
                         {"layers_to_transform", nullptr},
                         {"layers_pattern", nullptr},
                         {"rank_pattern", nlohmann::json::object()},
                         {"alpha_pattern", nlohmann::json::object()},
                         {"use_rslora", false},
                         {"use_dora", false},
                         {"revision", nullptr}});
}

}  // namespace lethe::model
