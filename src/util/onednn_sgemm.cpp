#include "util/onednn_sgemm.h"

#include <c10/util/Exception.h>
#include <oneapi/dnnl/dnnl.h>

namespace lethe::util {

void onednn_sgemm(char transpose_a, char transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                  int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  auto status = dnnl_sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  TORCH_CHECK(status == dnnl_success, "oneDNN sgemm failed with status ", static_cast<int>(status), " (M ", m,
              ", N ", n, ", K ", k, ")");
}

}  // namespace lethe::util
