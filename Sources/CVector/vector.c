// CVector's kernels (kernels.inc) instantiated for the portable code, AVX2 and AVX-512, and
// the entry points that choose among them.
#include "CVector.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Fused multiply-adds only where the kernels ask for them: a multiply and an add the compiler
// fused on its own in one instantiation would round differently from the others.
#pragma STDC FP_CONTRACT OFF

static _Atomic unsigned long runs[3];

unsigned long nb_vector_runs(int kernel) {
    return kernel >= 0 && kernel < 3 ? atomic_load_explicit(&runs[kernel], memory_order_relaxed) : 0;
}

// ---- Portable: a vector of one lane. ----

static inline float pow2_portable(float t) {
    uint32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float power;
    memcpy(&power, &bits, sizeof power);
    return power;
}

static inline void columns_portable(const float *p, float c[6]) {
    for (int j = 0; j < 6; j++) c[j] = p[j];
}

#define V float
#define LANES 1
#define TARGET
#define NB(name) name##_portable
#define LOAD(p) (*(p))
#define STORE(p, v) (*(p) = (v))
#define STREAM(p, v) STORE(p, v)
#define SET1(x) (x)
#define ADD(a, b) ((a) + (b))
#define SUB(a, b) ((a) - (b))
#define MUL(a, b) ((a) * (b))
#define DIV(a, b) ((a) / (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define FMA(a, b, c) fmaf((a), (b), (c))
#define FNMA(a, b, c) fmaf(-(a), (b), (c))
#define ABS(x) fabsf(x)
#define COPYSIGN(m, s) copysignf((m), (s))
#define POW2(t) pow2_portable(t)
#define COLUMNS(p, q, c) columns_portable((p), (c))
#define INTERLEAVE(o, o2, y0, y1, y2, y3) ((o)[0] = (y0), (o)[1] = (y1), (o)[2] = (y2), (o)[3] = (y3))
#include "kernels.inc"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NB_SIMD 1

int nb_vector_supported(int kernel) {
    __builtin_cpu_init();
    switch (kernel) {
    case NB_VECTOR_PORTABLE: return 1;
    case NB_VECTOR_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_VECTOR_AVX512: return __builtin_cpu_supports("avx512f");
    default: return 0;
    }
}

// ---- AVX2 and FMA: eight lanes. ----

#define NB_AVX2 __attribute__((target("avx2,fma")))
NB_AVX2 static inline __m256 abs_avx2(__m256 x) { return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
NB_AVX2 static inline __m256 copysign_avx2(__m256 m, __m256 s) {
    __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
    return _mm256_or_ps(abs_avx2(m), _mm256_and_ps(s, sign));
}
NB_AVX2 static inline __m256 pow2_avx2(__m256 t) {
    __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000 - 127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(bits, 23));
}

// Columns 0-3 of the two runs' four tiles are a 4x4 transpose in each 128-bit half (tile i of
// run p in the low half of the i-th vector, of run q in the high half); columns 4 and 5 are
// columns 0 and 1 of the next tile.
NB_AVX2 static inline void columns_avx2(const float *p, const float *q, __m256 c[6]) {
    __m256 a = _mm256_loadu2_m128(q, p), b = _mm256_loadu2_m128(q + 4, p + 4);
    __m256 cc = _mm256_loadu2_m128(q + 8, p + 8), d = _mm256_loadu2_m128(q + 12, p + 12);
    __m256 e = _mm256_loadu2_m128(q + 16, p + 16);
    __m256 ab0 = _mm256_unpacklo_ps(a, b), cd0 = _mm256_unpacklo_ps(cc, d);
    __m256 ab2 = _mm256_unpackhi_ps(a, b), cd2 = _mm256_unpackhi_ps(cc, d);
    __m256 bc0 = _mm256_unpacklo_ps(b, cc), de0 = _mm256_unpacklo_ps(d, e);
    c[0] = _mm256_shuffle_ps(ab0, cd0, _MM_SHUFFLE(1, 0, 1, 0));
    c[1] = _mm256_shuffle_ps(ab0, cd0, _MM_SHUFFLE(3, 2, 3, 2));
    c[2] = _mm256_shuffle_ps(ab2, cd2, _MM_SHUFFLE(1, 0, 1, 0));
    c[3] = _mm256_shuffle_ps(ab2, cd2, _MM_SHUFFLE(3, 2, 3, 2));
    c[4] = _mm256_shuffle_ps(bc0, de0, _MM_SHUFFLE(1, 0, 1, 0));
    c[5] = _mm256_shuffle_ps(bc0, de0, _MM_SHUFFLE(3, 2, 3, 2));
}

// The inverse: the same 4x4 transposes put tile i of each run in the halves of one vector.
NB_AVX2 static inline void interleave_avx2(float *o, float *o2, __m256 y0, __m256 y1, __m256 y2, __m256 y3) {
    __m256 t0 = _mm256_unpacklo_ps(y0, y1), t1 = _mm256_unpacklo_ps(y2, y3);
    __m256 t2 = _mm256_unpackhi_ps(y0, y1), t3 = _mm256_unpackhi_ps(y2, y3);
    __m256 a = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0)), b = _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 c = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0)), d = _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(o, _mm256_permute2f128_ps(a, b, 0x20));
    _mm256_storeu_ps(o + 8, _mm256_permute2f128_ps(c, d, 0x20));
    _mm256_storeu_ps(o2, _mm256_permute2f128_ps(a, b, 0x31));
    _mm256_storeu_ps(o2 + 8, _mm256_permute2f128_ps(c, d, 0x31));
}

#define V __m256
#define LANES 8
#define TARGET NB_AVX2
#define NB(name) name##_avx2
#define LOAD(p) _mm256_loadu_ps(p)
#define STORE(p, v) _mm256_storeu_ps((p), (v))
// Half a line: streamed halves of 36 rows at once would leave the write-combining buffers
// flushing partial lines.
#define STREAM(p, v) STORE(p, v)
#define SET1(x) _mm256_set1_ps(x)
#define ADD(a, b) _mm256_add_ps((a), (b))
#define SUB(a, b) _mm256_sub_ps((a), (b))
#define MUL(a, b) _mm256_mul_ps((a), (b))
#define DIV(a, b) _mm256_div_ps((a), (b))
#define MIN(a, b) _mm256_min_ps((a), (b))
#define MAX(a, b) _mm256_max_ps((a), (b))
#define FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define FNMA(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define ABS(x) abs_avx2(x)
#define COPYSIGN(m, s) copysign_avx2((m), (s))
#define POW2(t) pow2_avx2(t)
#define COLUMNS(p, q, c) columns_avx2((p), (q), (c))
#define INTERLEAVE(o, o2, y0, y1, y2, y3) interleave_avx2((o), (o2), (y0), (y1), (y2), (y3))
#include "kernels.inc"

// ---- AVX-512F: sixteen lanes (bitwise operations on the integer view: AVX-512F has no
// floating-point and/or without DQ). ----

#define NB_AVX512 __attribute__((target("avx512f")))
NB_AVX512 static inline __m512 abs_avx512(__m512 x) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}
NB_AVX512 static inline __m512 copysign_avx512(__m512 m, __m512 s) {
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(s), _mm512_set1_epi32((int)0x80000000u));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(abs_avx512(m)), sign));
}
NB_AVX512 static inline __m512 pow2_avx512(__m512 t) {
    __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000 - 127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(bits, 23));
}

// Column j of the two runs' eight tiles: every fourth value from j of each run's first 32,
// picked and joined; columns 4 and 5 likewise from four values on.
NB_AVX512 static inline void columns_avx512(const float *p, const float *q, __m512 c[6]) {
    __m512i every4 = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20, 24, 28);
    for (int shift = 0; shift <= 4; shift += 4) {
        __m512 a = _mm512_loadu_ps(p + shift), b = _mm512_loadu_ps(p + shift + 16);
        __m512 cc = _mm512_loadu_ps(q + shift), d = _mm512_loadu_ps(q + shift + 16);
        for (int j = 0; j < (shift ? 2 : 4); j++) {
            __m512i index = _mm512_add_epi32(every4, _mm512_set1_epi32(j));
            c[shift + j] = _mm512_mask_blend_ps(0xff00, _mm512_permutex2var_ps(a, index, b),
                                                _mm512_permutex2var_ps(cc, index, d));
        }
    }
}

// The inverse: y0 and y1 paired lane by lane, y2 and y3 likewise, then the pairs joined.
NB_AVX512 static inline void interleave_avx512(float *o, float *o2, __m512 y0, __m512 y1, __m512 y2, __m512 y3) {
    __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    __m512i first = _mm512_setr_epi32(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
    __m512i second = _mm512_setr_epi32(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
    __m512 p01 = _mm512_permutex2var_ps(y0, low, y1), p23 = _mm512_permutex2var_ps(y2, low, y3);
    __m512 q01 = _mm512_permutex2var_ps(y0, high, y1), q23 = _mm512_permutex2var_ps(y2, high, y3);
    _mm512_storeu_ps(o, _mm512_permutex2var_ps(p01, first, p23));
    _mm512_storeu_ps(o + 16, _mm512_permutex2var_ps(p01, second, p23));
    _mm512_storeu_ps(o2, _mm512_permutex2var_ps(q01, first, q23));
    _mm512_storeu_ps(o2 + 16, _mm512_permutex2var_ps(q01, second, q23));
}

#define V __m512
#define LANES 16
#define TARGET NB_AVX512
#define NB(name) name##_avx512
#define LOAD(p) _mm512_loadu_ps(p)
#define STORE(p, v) _mm512_storeu_ps((p), (v))
#define STREAM(p, v) (((uintptr_t)(p) & 63) ? _mm512_storeu_ps((p), (v)) : _mm512_stream_ps((p), (v)))
#define SET1(x) _mm512_set1_ps(x)
#define ADD(a, b) _mm512_add_ps((a), (b))
#define SUB(a, b) _mm512_sub_ps((a), (b))
#define MUL(a, b) _mm512_mul_ps((a), (b))
#define DIV(a, b) _mm512_div_ps((a), (b))
#define MIN(a, b) _mm512_min_ps((a), (b))
#define MAX(a, b) _mm512_max_ps((a), (b))
#define FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define FNMA(a, b, c) _mm512_fnmadd_ps((a), (b), (c))
#define ABS(x) abs_avx512(x)
#define COPYSIGN(m, s) copysign_avx512((m), (s))
#define POW2(t) pow2_avx512(t)
#define COLUMNS(p, q, c) columns_avx512((p), (q), (c))
#define INTERLEAVE(o, o2, y0, y1, y2, y3) interleave_avx512((o), (o2), (y0), (y1), (y2), (y3))
#include "kernels.inc"
#else
int nb_vector_supported(int kernel) { return kernel == NB_VECTOR_PORTABLE; }
#endif

// The instantiation for `kernel` where this CPU runs it, else the portable one; counted.
static int chosen(int kernel) {
#ifdef NB_SIMD
    if ((kernel == NB_VECTOR_AVX512 || kernel == NB_VECTOR_AVX2) && nb_vector_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[kernel], 1, memory_order_relaxed);
        return kernel;
    }
#endif
    atomic_fetch_add_explicit(&runs[NB_VECTOR_PORTABLE], 1, memory_order_relaxed);
    return NB_VECTOR_PORTABLE;
}

void nb_softmax_columns(float *block, long rows, long width, float scale, float *scratch, int kernel) {
    if (rows <= 0 || width <= 0) return;
    float *top = scratch, *total = scratch + width;
    long whole = 0;
    switch (chosen(kernel)) {
#ifdef NB_SIMD
    case NB_VECTOR_AVX512: whole = width / 16 * 16; softmax_avx512(block, rows, width, 0, whole, scale, top, total); break;
    case NB_VECTOR_AVX2: whole = width / 8 * 8; softmax_avx2(block, rows, width, 0, whole, scale, top, total); break;
#endif
    default: break;
    }
    softmax_portable(block, rows, width, whole, width, scale, top, total);
}

typedef void (*affine_fn)(const float *, float *, long, float, float, float, int);
typedef void (*winograd4_input_fn)(const float *, const float *, long, float *, long, int);
typedef void (*winograd4_output_fn)(const float *, long, float, float *, float *, long);

// One instantiation of kernels.inc: its lanes and the kernels the entry points below call.
typedef struct {
    long lanes;
    affine_fn affine;
    winograd4_input_fn winograd4_input;
    winograd4_output_fn winograd4_output;
} instantiation;

// The instantiation of a kernel `chosen` returned.
static instantiation instantiation_of(int kernel) {
#ifdef NB_SIMD
    if (kernel == NB_VECTOR_AVX512) return (instantiation){16, affine_avx512, winograd4_input_avx512, winograd4_output_avx512};
    if (kernel == NB_VECTOR_AVX2) return (instantiation){8, affine_avx2, winograd4_input_avx2, winograd4_output_avx2};
#endif
    return (instantiation){1, affine_portable, winograd4_input_portable, winograd4_output_portable};
}

// One row of nb_affine_map: whole vectors in place, the last values, fewer than a vector,
// through a padded copy (an 8x8 image's rows are shorter than one AVX-512 vector, and the
// portable code calls fmaf).
static void affine_row(instantiation kernel, const float *src, float *dst, long count, float mean, float scale,
                       float shift, int activation) {
    affine_fn vectors = kernel.affine;
    long lanes = kernel.lanes;
    long whole = count / lanes * lanes, rest = count - whole;
    vectors(src, dst, whole, mean, scale, shift, activation);
    if (rest == 0) return;
    float tail[16] = {0};
    memcpy(tail, src + whole, sizeof(float) * rest);
    vectors(tail, tail, lanes, mean, scale, shift, activation);
    memcpy(dst + whole, tail, sizeof(float) * rest);
}

void nb_affine_map(const float *src, long src_stride, float *dst, long dst_stride, long rows, long width, float mean,
                   float scale, float shift, int activation, int kernel) {
    if (rows <= 0 || width <= 0) return;
    instantiation chosen_kernel = instantiation_of(chosen(kernel));
    for (long i = 0; i < rows; i++)
        affine_row(chosen_kernel, src + i * src_stride, dst + i * dst_stride, width, mean, scale, shift, activation);
}

// ---- Winograd's F(4x4, 3x3) transforms. A vector takes two runs of up to LANES / 2 adjacent
// tiles of one tile row (the portable kernel one tile), consecutive in the flat tile order:
// a 32x32 image has rows of eight tiles, which as groups of sixteen would leave half of every
// AVX-512 vector idle. Whole runs go in place, short ones through a copy. ----

enum { WINOGRAD4_ELEMENTS = 36, WIDEST = 16 };

// A run: `count` tiles from tile (image, ty, tx).
typedef struct {
    long image, ty, tx, count;
} run;

// The run of at most `half` tiles at flat tile t (of `tiles`), within its tile row; empty past the last.
static run run_at(long t, long tiles, long tiles_y, long tiles_x, long half) {
    if (t >= tiles) return (run){0, 0, 0, 0};
    long tx = t % tiles_x;
    return (run){t / (tiles_y * tiles_x), (t / tiles_x) % tiles_y, tx, tiles_x - tx < half ? tiles_x - tx : half};
}

// The two runs a vector of `lanes` takes from flat tile t, `half` lanes each (the portable
// kernel's one lane takes one tile, and no second run).
typedef struct {
    run a, b;
    long half;
} vector_runs;

static vector_runs runs_at(long t, long tiles, long tiles_y, long tiles_x, long lanes) {
    if (lanes == 1) return (vector_runs){run_at(t, tiles, tiles_y, tiles_x, 1), {0, 0, 0, 0}, 1};
    long half = lanes / 2;
    run a = run_at(t, tiles, tiles_y, tiles_x, half);
    return (vector_runs){a, run_at(t + a.count, tiles, tiles_y, tiles_x, half), half};
}

// `count` values from lane `lane` of each element's row in `spill` (rows `lanes` apart) to the
// operand's tiles from t, a stretch per panel.
static void scatter_tiles(const float *spill, long lanes, long lane, long count, long t, float *out, long ldo, long panel,
                          long panel_stride) {
    for (long i = 0; i < count;) {
        long u = t + i, stretch = count - i < panel - u % panel ? count - i : panel - u % panel;
        float *to = out + (u / panel) * panel_stride + u % panel;
        for (long e = 0; e < WINOGRAD4_ELEMENTS; e++) memcpy(to + e * ldo, spill + e * lanes + lane + i, sizeof(float) * stretch);
        i += stretch;
    }
}

long nb_winograd4_row_floats(long tiles_x) { return 4 * ((tiles_x + WIDEST / 2 - 1) / (WIDEST / 2) * (WIDEST / 2)) + 4; }

void nb_winograd4_input(const float *plane, long stride, long tiles_y, long tiles_x, long first_tile, float *out,
                        long ldo, long panel, long panel_stride, int stream, int kernel) {
    long tiles = tiles_y * tiles_x;
    if (tiles <= 0 || panel <= 0) return;
    instantiation chosen_kernel = instantiation_of(chosen(kernel));
    winograd4_input_fn transform = chosen_kernel.winograd4_input;
    long lanes = chosen_kernel.lanes;
    float spill[WINOGRAD4_ELEMENTS * WIDEST];
    for (long t = 0; t < tiles;) {
        vector_runs v = runs_at(t, tiles, tiles_y, tiles_x, lanes);
        run a = v.a, b = v.b;
        const float *p = plane + 4 * a.ty * stride + 4 * a.tx;
        const float *q = b.count ? plane + 4 * b.ty * stride + 4 * b.tx : p;
        long first = first_tile + t;
        if (a.count + b.count == lanes && first % panel + lanes <= panel) {
            transform(p, q, stride, out + (first / panel) * panel_stride + first % panel, ldo, stream);
        } else {
            transform(p, q, stride, spill, lanes, 0);
            scatter_tiles(spill, lanes, 0, a.count, first, out, ldo, panel, panel_stride);
            scatter_tiles(spill, lanes, v.half, b.count, first + a.count, out, ldo, panel, panel_stride);
        }
        t += a.count + b.count;
    }
#ifdef NB_SIMD
    // Streamed stores are weakly ordered: all of them before whatever tells another thread
    // that the operand is ready.
    if (stream) _mm_sfence();
#endif
}

// A run's outputs from `block` (four rows `ldb` apart, 4 values a tile) into its plane, clipped.
static void place_run(run r, const float *block, long ldb, float *out, long height, long width, long image_stride) {
    if (r.count == 0) return;
    long x0 = 4 * r.tx, columns = 4 * r.count < width - x0 ? 4 * r.count : width - x0;
    long rows = height - 4 * r.ty < 4 ? height - 4 * r.ty : 4;
    float *plane = out + r.image * image_stride;
    for (long i = 0; i < rows; i++) memcpy(plane + (4 * r.ty + i) * width + x0, block + i * ldb, sizeof(float) * columns);
}

void nb_winograd4_output(const float *m, long ldm, long batch, long tiles_y, long tiles_x, float bias, float *out,
                         long height, long width, long image_stride, int kernel) {
    long tiles = batch * tiles_y * tiles_x;
    if (tiles <= 0) return;
    instantiation chosen_kernel = instantiation_of(chosen(kernel));
    winograd4_output_fn transform = chosen_kernel.winograd4_output;
    long lanes = chosen_kernel.lanes;
    float gathered[WINOGRAD4_ELEMENTS * WIDEST] = {0};
    float block[4 * 4 * WIDEST];  // four rows of a vector's outputs, lane l's tile at columns 4 l ..< 4 l + 4
    for (long t = 0; t < tiles;) {
        vector_runs v = runs_at(t, tiles, tiles_y, tiles_x, lanes);
        run a = v.a, b = v.b;
        long half = v.half;
        const float *source = m + t;
        long ld = ldm;
        if (a.count + b.count < lanes) {
            // Lanes [0, a) from tile t, [half, half + b) from the tile after a's last.
            for (long e = 0; e < WINOGRAD4_ELEMENTS; e++) {
                memcpy(gathered + e * lanes, m + e * ldm + t, sizeof(float) * a.count);
                memcpy(gathered + e * lanes + half, m + e * ldm + t + a.count, sizeof(float) * b.count);
            }
            source = gathered, ld = lanes;
        }
        // Whole runs inside the image go straight to their planes.
        int inside_a = a.count == half && 4 * (a.tx + half) <= width && 4 * a.ty + 4 <= height;
        int inside_b = lanes == 1 || (b.count == half && 4 * (b.tx + half) <= width && 4 * b.ty + 4 <= height);
        if (inside_a && inside_b) {
            float *o = out + a.image * image_stride + 4 * a.ty * width + 4 * a.tx;
            float *o2 = lanes == 1 ? o : out + b.image * image_stride + 4 * b.ty * width + 4 * b.tx;
            transform(source, ld, bias, o, o2, width);
        } else {
            transform(source, ld, bias, block, block + 4 * half, 4 * lanes);
            place_run(a, block, 4 * lanes, out, height, width, image_stride);
            place_run(b, block + 4 * half, 4 * lanes, out, height, width, image_stride);
        }
        t += a.count + b.count;
    }
}
