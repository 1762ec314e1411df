// noisebook's own vectorised elementwise kernels: attention's softmax down the columns of
// its score blocks, the map a group normalisation applies to each channel with the
// activation after it, and the input and output transforms of Winograd's F(4x4, 3x3).
//
// Swift builds for baseline x86-64, where these loops run four lanes at a time and call no
// FMA; here each has an AVX-512, an AVX2 and a portable kernel, chosen at run time and each
// forcible. Every kernel computes the same operations in the same order (fused multiply-adds
// where the definition has them, fmaf in the portable one), so they agree bit for bit.
#ifndef CVECTOR_H
#define CVECTOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// The kernels, for `kernel` below (the same numbering as CSGEMM's).
enum {
    /// Plain C with fused multiply-adds, every CPU.
    NB_VECTOR_PORTABLE = 0,
    /// AVX2 and FMA, eight values at a time.
    NB_VECTOR_AVX2 = 1,
    /// AVX-512F, sixteen values at a time.
    NB_VECTOR_AVX512 = 2,
};

/// The activations `nb_affine_map` applies.
enum {
    NB_ACTIVATION_IDENTITY = 0,
    /// GELU in its exact erf form, 0.5 x (1 + erf(x / sqrt 2)), erf by Abramowitz and Stegun 7.1.26.
    NB_ACTIVATION_GELU = 1,
    /// SiLU, x / (1 + e^-x).
    NB_ACTIVATION_SILU = 2,
};

/// 1 when this CPU executes `kernel`, else 0.
int nb_vector_supported(int kernel);

/// Each of the `width` columns of `block` [rows, width] (rows `width` floats apart) replaced,
/// in place, by the softmax of its values times `scale` (> 0); `scratch` holds 2 * width
/// floats. Attention computes each block's scores transposed, one query per column, so the
/// maxima, exponentials, sums and scaling all move along rows, a vector of columns at a time.
/// A kernel the CPU lacks runs as the portable one.
void nb_softmax_columns(float *block, long rows, long width, float scale, float *scratch, int kernel);

/// dst = act((src - mean) * scale + shift) for `rows` rows of `width` values, rows `src_stride`
/// and `dst_stride` floats apart (`dst` may be `src`): a plane of an image into a padded plane,
/// or a run of values as one row.
void nb_affine_map(const float *src, long src_stride, float *dst, long dst_stride, long rows, long width, float mean,
                   float scale, float shift, int activation, int kernel);

/// Floats each row of a plane given to `nb_winograd4_input` must hold for `tiles_x` tiles (the
/// widest kernel reads whole groups of sixteen tiles, past the last).
long nb_winograd4_row_floats(long tiles_x);

/// Winograd F(4x4, 3x3)'s input transform V = B^T d B of every tile of one zero-padded plane:
/// tile (ty, tx) reads the 6x6 values from plane[4 ty * stride + 4 tx] (rows `stride` apart,
/// 4 tiles_y + 2 rows of at least nb_winograd4_row_floats(tiles_x) values). It is tile
/// t = first_tile + ty * tiles_x + tx of the product operand, and element e of its transform
/// (6 down + across) goes to out[e * ldo + (t / panel) * panel_stride + t % panel]: tiles in
/// column panels of `panel` (CSGEMM's packed layout), or with `panel` at least the last t + 1,
/// in one row. With `stream` 1, whole aligned lines are stored past the caches (AVX-512):
/// for an operand too large to stay in them, which a store would first read from memory.
void nb_winograd4_input(const float *plane, long stride, long tiles_y, long tiles_x, long first_tile, float *out,
                        long ldo, long panel, long panel_stride, int stream, int kernel);

/// Winograd F(4x4, 3x3)'s output transform Y = A^T M A + bias of one channel: element e of tile
/// t (flat over image, tile row, tile column) at m[e * ldm + t]; tile (image, ty, tx)'s outputs
/// go to rows 4 ty ..< 4 ty + 4 and columns 4 tx ..< 4 tx + 4 of the `height` x `width` plane at
/// out + image * image_stride, clipped to it.
void nb_winograd4_output(const float *m, long ldm, long batch, long tiles_y, long tiles_x, float bias, float *out,
                         long height, long width, long image_stride, int kernel);

/// How many calls `kernel`'s own code has run since the process started: the tests' proof
/// that each path really ran.
unsigned long nb_vector_runs(int kernel);

#ifdef __cplusplus
}
#endif

#endif
