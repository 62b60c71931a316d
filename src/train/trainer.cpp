#include "train/trainer.h"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <csignal>
#include <fstream>
#include <sstream>
#include <tuple>

#include "dist/world.h"
#include "train/sharpness_aware.h"
#include "io/file.h"
#include "io/run_lock.h"
#include "util/error.h"
#include "util/number_rule.h"
#include "util/progress.h"
#include "util/system.h"

namespace lethe::train {
namespace {

std::atomic<bool> g_interrupt{false};

extern "C" void on_interrupt_signal(int) { g_interrupt.store(true); }

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt_signal);
  std::signal(SIGTERM, on_interrupt_signal);
}
bool interrupt_requested() { return g_interrupt.load(); }
void request_interrupt() { g_interrupt.store(true); }
void clear_interrupt() { g_interrupt.store(false); }

torch::Tensor next_token_loss_function(model::CausalLM& model, const torch::Tensor& blocks, int64_t) {
  return model::next_token_loss(model->forward(blocks), blocks);
}

Trainer::Trainer(model::CausalLM model, TrainerOptions options, LossFunction loss)
    : model_(std::move(model)), options_(std::move(options)), loss_(std::move(loss)) {
  using util::at_least;
  const std::vector<std::tuple<const char*, double, util::NumberRule>> settings = {
      {"steps", options_.steps, at_least(1)},
      {"batch size", options_.batch_size, at_least(1)},
      {"accumulation", options_.accumulation, at_least(1)},
      {"learning rate", options_.lr, at_least(0)},
      {"min lr ratio", options_.min_lr_ratio, util::between(0, 1)},
      {"warmup steps", options_.warmup_steps, at_least(0)},
      {"weight decay", options_.weight_decay, at_least(0)},
      {"gradient clip", options_.grad_clip, at_least(0)},
      {"steps between logs", options_.log_every, at_least(1)},
      {"steps between evals", options_.eval_every, at_least(0)},
      {"steps between checkpoints", options_.checkpoint_every, at_least(1)},
      {"steps between probes", options_.probe_every, at_least(0)},
      {"ZeRO stage", options_.zero_stage, util::between(0, 2)},
      {"sharpness-aware rho", options_.sam_rho, at_least(0)}};
  for (const auto& [name, value, rule] : settings) {
    std::string wrong = rule.what_is_wrong(value);
    if (!wrong.empty()) throw Error(fmt::format("train: the {} {}", name, wrong));
  }
  if (options_.run_dir.empty()) throw Error("train: a run directory is needed for checkpoints and metrics");
  const int processes = dist::World::get().size();
  if (options_.accumulation % processes != 0)
    throw Error(fmt::format("train: {} micro-batches per step cannot be shared by {} processes: make the accumulation "
                            "a multiple of the number of processes",
                            options_.accumulation, processes));
  model_->set_activation_checkpointing(options_.activation_checkpointing);
  schedule_ = {options_.lr, options_.min_lr_ratio, options_.warmup_steps, options_.steps};
  auto adamw = torch::optim::AdamWOptions(options_.lr)
                   .betas({options_.beta1, options_.beta2})
                   .weight_decay(options_.weight_decay);
  for (const auto& p : model_->parameters())  // frozen weights (LoRA's base) have no optimizer state
    if (p.requires_grad()) trained_.push_back(p);
  std::vector<torch::Tensor> updated_here = trained_;
  if (options_.zero_stage > 0) {  // each process updates, and holds the optimizer states of, its share
    owners_ = dist::balanced_owners(trained_, processes);
    updated_here.clear();
    for (size_t i = 0; i < trained_.size(); ++i)
      if (owners_[i] == dist::World::get().rank()) updated_here.push_back(trained_[i]);
    if (updated_here.empty())
      throw Error(fmt::format("train: {} trained tensors cannot be shared by {} processes", trained_.size(), processes));
  }
  optimizer_ = std::make_unique<torch::optim::AdamW>(updated_here, adamw);
}

double Trainer::train_step(const TokenBlocks& train, double lr) {
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  // Gradients are dropped, not zeroed: backward then writes them fresh, with no fill pass.
  for (auto& p : model_->parameters()) p.mutable_grad() = torch::Tensor();
  // Each process takes its share of the step's micro-batches; the gradients summed over the
  // processes are those of one process taking them all.
  dist::World& world = dist::World::get();
  const int64_t share = options_.accumulation / world.size();
  const auto device = model_->output_weight().device();
  auto accumulate_gradients = [&](bool to_owners) {
    double loss_sum = 0.0;
    for (int64_t micro = world.rank() * share; micro < (world.rank() + 1) * share; ++micro) {
      const int64_t batch_index = step_ * options_.accumulation + micro;
      auto blocks = train.batch(batch_index, options_.batch_size).to(device);
      auto loss = loss_(model_, blocks, batch_index) / static_cast<double>(options_.accumulation);
      loss_sum += loss.item<double>();
      loss.backward();
    }
    if (to_owners)
      world.sum_gradients_to_owners(trained_, owners_);
    else
      world.sum_gradients(trained_);
    return world.sum(loss_sum);
  };
  const bool to_owners = options_.zero_stage == 2;
  // Sharpness-aware: the first pass's gradient is needed whole on every process to move the
  // weights; the second, the one applied, is summed as usual.
  int passes = 0;
  const double loss_sum =
      options_.sam_rho > 0
          ? sharpness_aware_gradient(trained_, options_.sam_rho,
                                     [&] { return accumulate_gradients(to_owners && passes++ > 0); })
          : accumulate_gradients(to_owners);
  // A NaN or infinite loss stops the run before the optimizer spreads it into every weight; the
  // last checkpoint stays as it was.
  if (!std::isfinite(loss_sum))
    throw Error(fmt::format("train: step {}: the loss is {} (learning rate {:.3g}); the run stops here, and {} "
                            "keeps its last checkpoint, if one was written",
                            step_ + 1, loss_sum, lr, options_.run_dir.string()));
  // The global gradient norm, clipped to grad_clip when that is set; measured either way, since a
  // NaN or infinite gradient must stop the run before the optimizer spreads it.
  last_grad_norm_ = clip_gradients();
  if (!std::isfinite(last_grad_norm_)) {
    for (const auto& p : model_->named_parameters())
      if (p.value().grad().defined() && !torch::isfinite(p.value().grad()).all().item<bool>())
        throw Error(fmt::format("train: step {}: the gradient of {} holds NaN or infinite values; the run stops "
                                "here, and {} keeps its last checkpoint, if one was written",
                                step_ + 1, p.key(), options_.run_dir.string()));
    throw Error(fmt::format("train: step {}: the gradient norm is {} (the culprit is in another process's share); "
                            "the run stops here, and {} keeps its last checkpoint, if one was written",
                            step_ + 1, last_grad_norm_, options_.run_dir.string()));
  }
  optimizer_->step();
  if (!owners_.empty()) world.broadcast_from_owners(trained_, owners_);
  ++step_;
  return loss_sum;
}

double Trainer::clip_gradients() {
  const double most = options_.grad_clip > 0 ? options_.grad_clip : std::numeric_limits<double>::infinity();
  if (options_.zero_stage < 2) return torch::nn::utils::clip_grad_norm_(trained_, most);
  // Each process holds its own share's gradients: the squares are summed over the processes.
  double squares = 0.0;
  for (const auto& p : trained_)
    if (p.grad().defined()) squares += std::pow(p.grad().norm().item<double>(), 2);
  const double norm = std::sqrt(dist::World::get().sum(squares));
  const double coefficient = most / (norm + 1e-6);  // as torch's clip_grad_norm_
  if (coefficient < 1)
    for (const auto& p : trained_)
      if (p.grad().defined()) p.grad().mul_(coefficient);
  return norm;
}

double Trainer::evaluate(const TokenBlocks& blocks) {
  torch::NoGradGuard no_grad;
  model_->eval();
  const auto device = model_->output_weight().device();
  const int64_t batches = std::min(options_.eval_batches,
                                   std::max<int64_t>(1, blocks.block_count() / options_.batch_size));
  double total = 0.0;
  for (int64_t i = 0; i < batches; ++i) total += loss_(model_, blocks.batch(i, options_.batch_size).to(device), i).item<double>();
  model_->train();
  return total / batches;
}

TrainStatus Trainer::run(const TokenBlocks& train, const TokenBlocks* eval) {
  // Every process trains; the main one alone writes the run directory (which must be one that
  // every process reads, e.g. on a shared file system across machines).
  dist::World& world = dist::World::get();
  std::optional<io::RunLock> lock;  // one run per directory; leftovers of dead ones removed
  if (world.is_main()) lock.emplace(options_.run_dir);
  world.barrier();  // no process reads a checkpoint that the main one is still replacing
  if (std::filesystem::exists(checkpoint_path())) load_checkpoint();
  world.broadcast_from_main(trained_);  // the same start everywhere, whatever was read
  if (world.is_main()) drop_metrics_after(step_);
  model_->train();
  const double peak_gflops = util::measure_sgemm_peak_gflops(0.1);
  const double flops_per_token = 3.0 * model_->config().forward_flops_per_token(train.block_length());
  const int64_t tokens_per_step = options_.batch_size * options_.accumulation * train.block_length();

  std::unique_ptr<util::Progress> progress;
  if (options_.show_progress && world.is_main()) {
    progress = std::make_unique<util::Progress>("train", options_.steps, "steps");
    progress->advance(step_);
  }
  if (step_ == 0) run_probe();
  auto window_start = std::chrono::steady_clock::now();
  int64_t window_steps = 0;
  double window_loss = 0.0;
  while (step_ < options_.steps) {
    if (world.any(interrupt_requested())) {  // every process stops at the same step
      save_checkpoint();
      if (progress) progress->finish();
      fmt::print(stderr, "interrupted: checkpoint saved at step {} in {}\n", step_, checkpoint_path().string());
      return TrainStatus::interrupted;
    }
    const double lr = schedule_.lr_at(step_);
    window_loss += train_step(train, lr);
    ++window_steps;
    if (progress) progress->advance(1);

    const bool last = step_ == options_.steps;
    if (world.is_main() && (step_ % options_.log_every == 0 || last)) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
      double tokens_per_second = window_steps * tokens_per_step / seconds;
      nlohmann::json record = {{"step", step_},
                               {"loss", window_loss / window_steps},
                               {"lr", lr},
                               {"grad_norm", last_grad_norm_},
                               {"tokens_per_second", tokens_per_second},
                               {"mfu", tokens_per_second * flops_per_token / (peak_gflops * 1e9)}};
      if (eval && options_.eval_every > 0 && (step_ % options_.eval_every == 0 || last))
        record["eval_loss"] = evaluate(*eval);
      append_metrics(record);
      if (progress) progress->set_suffix(fmt::format("loss {:.3f}", window_loss / window_steps));
      window_start = std::chrono::steady_clock::now();
      window_steps = 0;
      window_loss = 0.0;
    }
    if (options_.probe_every > 0 && (step_ % options_.probe_every == 0 || last)) run_probe();
    if (step_ % options_.checkpoint_every == 0 || last) save_checkpoint();
  }
  if (progress) progress->finish();
  return TrainStatus::finished;
}

void Trainer::run_probe() {
  if (!options_.probe || options_.probe_every <= 0 || !dist::World::get().is_main()) return;
  dist::ThisProcessAlone alone;  // measured by the main process alone; the others wait at the next step
  torch::NoGradGuard no_grad;
  model_->eval();
  nlohmann::json figures = options_.probe(model_);
  model_->train();
  append_metrics({{"step", step_}, {"eval", figures}});
}

namespace {

void write_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomic(path, bytes.str());
}

}  // namespace

std::filesystem::path Trainer::optimizer_shard_path() const {
  const dist::World& world = dist::World::get();
  return options_.run_dir / fmt::format("optimizer.{}-of-{}.pt", world.rank(), world.size());
}

void Trainer::save_checkpoint() {
  const bool sharded = !owners_.empty();
  if (sharded) {  // every process writes the optimizer states it holds
    torch::serialize::OutputArchive shard, optimizer_archive;
    optimizer_->save(optimizer_archive);
    shard.write("optimizer", optimizer_archive);
    shard.write("step", torch::tensor(step_, torch::kLong));
    write_archive(shard, optimizer_shard_path());
  }
  if (!dist::World::get().is_main()) return;
  torch::serialize::OutputArchive archive, model_archive;
  // The trained weights only: under LoRA the frozen base is the loaded model, never rewritten.
  for (const auto& p : model_->named_parameters())
    if (p.value().requires_grad()) model_archive.write(p.key(), p.value());
  archive.write("model", model_archive);
  if (!sharded) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer_->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  archive.write("step", torch::tensor(step_, torch::kLong));
  write_archive(archive, checkpoint_path());
}

void Trainer::load_checkpoint() {
  auto load = [](const std::filesystem::path& path, torch::serialize::InputArchive& archive) {
    std::istringstream stream(io::read_file(path));
    archive.load_from(stream);
  };
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    load(checkpoint_path(), archive);
    archive.read("model", model_archive);
    torch::NoGradGuard no_grad;
    for (auto& p : model_->named_parameters())
      if (p.value().requires_grad()) model_archive.read(p.key(), p.value());
    torch::Tensor step;
    archive.read("step", step);
    step_ = step.item<int64_t>();
    if (owners_.empty()) {
      archive.read("optimizer", optimizer_archive);
    } else {
      if (!std::filesystem::exists(optimizer_shard_path()))
        throw Error(fmt::format("{}: missing: this run's optimizer states were not sharded over {} processes; resume "
                                "it as it was launched",
                                optimizer_shard_path().string(), dist::World::get().size()));
      torch::serialize::InputArchive shard;
      load(optimizer_shard_path(), shard);
      shard.read("optimizer", optimizer_archive);
      shard.read("step", step);
      if (step.item<int64_t>() != step_)
        throw Error(fmt::format("{}: written at step {}, the checkpoint at step {}", optimizer_shard_path().string(),
                                step.item<int64_t>(), step_));
    }
    optimizer_->load(optimizer_archive);
  } catch (const c10::Error& e) {
    throw Error(fmt::format("{}: not a usable checkpoint for this model: {}", checkpoint_path().string(),
                            e.what_without_backtrace()));
  }
}

void Trainer::append_metrics(const nlohmann::json& record) {
  std::ofstream out(options_.run_dir / "metrics.jsonl", std::ios::app);
  out << record.dump() << '\n';
  if (!out) throw Error(fmt::format("{}: cannot append metrics", (options_.run_dir / "metrics.jsonl").string()));
}

void Trainer::drop_metrics_after(int64_t step) {
  auto path = options_.run_dir / "metrics.jsonl";
  if (!std::filesystem::exists(path)) return;
  std::istringstream lines(io::read_file(path));
  std::string kept, line;
  while (std::getline(lines, line)) {
    auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (step > 0 && record.is_object() && record.value("step", int64_t{0}) <= step) kept += line + '\n';
  }
  io::write_file_atomic(path, kept);
}

}  // namespace lethe::train
