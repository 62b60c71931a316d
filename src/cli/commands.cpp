#include "cli/commands.h"

namespace lethe::cli {

void register_commands(CLI::App& app) {
  register_info(app);
  register_tokenize(app);
  register_generate(app);
  register_perplexity(app);
  register_pretrain(app);
  register_reinforce(app);
  register_anchors(app);
  register_labels(app);
  register_unlearn(app);
  register_world(app);
  register_eval(app);
  register_compare(app);
  register_tokenizer(app);
  register_export(app);
  register_suite(app);
  register_plan(app);
}

}  // namespace lethe::cli
