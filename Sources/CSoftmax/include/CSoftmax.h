// Softmax down the columns of a block of attention scores, vectorised across the columns.
//
// Attention computes each block's scores transposed, one key per row and one query per
// column, so a query's softmax runs down a column: the maxima, exponentials, sums and
// scaling below all move along rows, a vector of columns at a time. Chosen at run time;
// each kernel can be forced, and every one computes the same operations in the same order,
// so they agree bit for bit.
#ifndef CSOFTMAX_H
#define CSOFTMAX_H

#ifdef __cplusplus
extern "C" {
#endif

/// The kernels, for `kernel` below (the same numbering as CSGEMM's).
enum {
    /// Plain C with fused multiply-adds, every CPU.
    NB_SOFTMAX_PORTABLE = 0,
    /// AVX2 and FMA, eight columns at a time.
    NB_SOFTMAX_AVX2 = 1,
    /// AVX-512F, sixteen columns at a time.
    NB_SOFTMAX_AVX512 = 2,
};

/// 1 when this CPU executes `kernel`, else 0.
int nb_softmax_supported(int kernel);

/// Each of the `width` columns of `block` [rows, width] (rows `width` floats apart) replaced,
/// in place, by the softmax of its values times `scale` (> 0); `scratch` holds 2 * width
/// floats. A kernel the CPU lacks runs as the portable one.
void nb_softmax_columns(float *block, long rows, long width, float scale, float *scratch, int kernel);

/// How many blocks `kernel`'s own code has computed since the process started: the tests'
/// proof that each path really ran.
unsigned long nb_softmax_runs(int kernel);

#ifdef __cplusplus
}
#endif

#endif
