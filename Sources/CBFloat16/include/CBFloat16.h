// noisebook's bfloat16 matrix product: bf16 operands, fp32 accumulation.
//
// Debian's OpenBLAS has no bf16 GEMM (sbgemm), so this small C target holds noisebook's own:
// an AVX512-BF16 kernel (VDPBF16PS) chosen at run time, and a portable scalar kernel with the
// same rounding that runs everywhere (the tests compare the two and force each).
#ifndef CBFLOAT16_H
#define CBFLOAT16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU runs the AVX512-BF16 kernel (AVX512F, AVX512BW and AVX512_BF16), else 0.
int nb_bf16_cpu_supported(void);

/// The bfloat16 nearest to `x` (round to nearest, ties to even), as its 16 bits.
uint16_t nb_bf16_from_float(float x);

/// The float whose value a bfloat16 holds.
float nb_bf16_to_float(uint16_t h);

/// Pairs per packed row of a matrix with `k` columns: (k + 1) / 2.
long nb_bf16_pairs(long k);

/// Packs A [m, k] (row-major, rows `lda` floats apart) as bf16 pairs: row r holds
/// nb_bf16_pairs(k) 32-bit words, word p = bf16(A[r][2p]) | bf16(A[r][2p + 1]) << 16 (an odd
/// k's last word has 0 above). `packed` has room for m * nb_bf16_pairs(k) words.
void nb_bf16_pack_rows(long m, long k, const float *a, long lda, uint32_t *packed);

/// C [m, n] = A B, or C += A B when `accumulate` is 1: A packed by nb_bf16_pack_rows, B [k, n]
/// row-major in fp32 (rows `ldb` floats apart, rounded to bf16 as they are read), C rows `ldc`
/// floats apart. Products of bf16 values are exact in fp32; sums are fp32.
/// `kernel`: 1 the AVX512-BF16 kernel (only where nb_bf16_cpu_supported()), 0 the portable one.
void nb_bf16_gemm(long m, long n, long k, const uint32_t *packed_a, const float *b, long ldb,
                  float *c, long ldc, int accumulate, int kernel);

/// How many products kernel `kernel` (1 AVX512-BF16, 0 portable) has run in this process:
/// each nb_bf16_gemm call counts once for the kernel that ran it.
unsigned long nb_bf16_runs(int kernel);

#ifdef __cplusplus
}
#endif

#endif
