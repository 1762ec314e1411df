// noisebook's own Float32 matrix product for weight-times-activation products.
//
// OpenBLAS packs both operands of every call. For a layer's weights, which never change, and
// products with few columns (Winograd's element products, small images), packing the
// weights again on every call costs as much as a tenth of a forward pass. These kernels read
// A (the weights) in place, row-major, and pack only B (the activations). Chosen at run time;
// each can be forced, so the tests run every one this CPU can execute.
#ifndef CSGEMM_H
#define CSGEMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The kernels, for `kernel` below.
enum {
    /// Plain C, every CPU: the same sums in the same order as the SIMD kernels (fused
    /// multiply-adds along k in blocks of 256, blocks added in order), so results match bit for bit.
    NB_SGEMM_PORTABLE = 0,
    /// AVX2 and FMA, 6 x 16 micro-tiles.
    NB_SGEMM_AVX2 = 1,
    /// AVX-512F, 12 x 32 micro-tiles.
    NB_SGEMM_AVX512 = 2,
};

/// The k block: every product sums each C value a block of this many rows of k at a time.
enum { NB_SGEMM_K_BLOCK = 256 };

/// 1 when this CPU executes `kernel`, else 0.
int nb_sgemm_supported(int kernel);

/// C [m, n] = A [m, k] B [k, n], all row-major with rows `lda`, `ldb` and `ldc` floats apart.
/// C is overwritten (it need not be initialised). A kernel the CPU lacks runs as the portable one.
void nb_sgemm(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
              float *c, long ldc, int kernel);

/// The same with A held as IEEE half-precision bit patterns (a half-precision layer's weights),
/// widened a block at a time inside the loops: bit for bit `nb_sgemm` on the widened A, without
/// writing the widened A out whole.
void nb_sgemm_half(long m, long n, long k, const uint16_t *a, long lda, const float *b, long ldb,
                   float *c, long ldc, int kernel);

/// The same with B already cut into `kernel`'s panels (its panel width NR columns each, as it
/// would pack them): columns [j NR, j NR + NR) of row p at b[j * panel_stride + p * NR], each
/// panel 64-byte aligned and readable to its full width (columns past n are read, never
/// written; a `panel_stride` of 0 means panels back to back, NR * k apart). Read in place,
/// without packing: an operand made in this layout (Winograd's transformed input) saves the
/// copy. NR is 1 for the portable kernel. With `add` 1, C += A B instead: a product over k
/// taken in parts, each a multiple of NB_SGEMM_K_BLOCK rows but the last, in order, makes the
/// same sums as one call over the whole of k.
void nb_sgemm_panels(long m, long n, long k, const float *a, long lda, const float *b, long panel_stride,
                     float *c, long ldc, int add, int kernel);

/// The same with A held as half-precision bit patterns, as `nb_sgemm_half` reads it.
void nb_sgemm_half_panels(long m, long n, long k, const uint16_t *a, long lda, const float *b, long panel_stride,
                          float *c, long ldc, int add, int kernel);

/// Rows [0, count) of B's columns [0, width), rows `ldb` apart (width at most the panel width),
/// into `count` rows of one of `kernel`'s panels, zero past `width`: the layout `nb_sgemm_panels`
/// reads, written by the code its own packing uses. A product whose lanes share one B packs
/// it once this way instead of once per lane.
void nb_sgemm_pack(long count, long width, const float *b, long ldb, float *panel, int kernel);

/// The rows of `kernel`'s micro-tile (1 for the portable kernel): blocks of C's rows that are
/// multiples of it cut no tile short.
long nb_sgemm_tile_height(int kernel);

/// The width of the B panels `kernel` packs (its micro-tile's columns; 1 for the portable
/// kernel, which packs nothing): products whose n is a multiple of it fill every panel.
long nb_sgemm_panel_width(int kernel);

/// How many products `kernel`'s own code has computed since the process started (a product
/// asked of a kernel the CPU lacks counts for the portable one, which ran it): the tests'
/// proof that each SIMD path really ran.
unsigned long nb_sgemm_runs(int kernel);

#ifdef __cplusplus
}
#endif

#endif
