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

#define V float
#define LANES 1
#define TARGET
#define NB(name) name##_portable
#define LOAD(p) (*(p))
#define STORE(p, v) (*(p) = (v))
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

#define V __m256
#define LANES 8
#define TARGET NB_AVX2
#define NB(name) name##_avx2
#define LOAD(p) _mm256_loadu_ps(p)
#define STORE(p, v) _mm256_storeu_ps((p), (v))
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

#define V __m512
#define LANES 16
#define TARGET NB_AVX512
#define NB(name) name##_avx512
#define LOAD(p) _mm512_loadu_ps(p)
#define STORE(p, v) _mm512_storeu_ps((p), (v))
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

// One row of nb_affine_map on `kernel` (already chosen): whole vectors in place, the last
// values, fewer than a vector, through a padded copy (an 8x8 image's rows are shorter than one
// AVX-512 vector, and the portable code calls fmaf).
typedef void (*affine_fn)(const float *, float *, long, float, float, float, int);

static void affine_row(int kernel, const float *src, float *dst, long count, float mean, float scale, float shift,
                       int activation) {
    affine_fn vectors = affine_portable;
    long lanes = 1;
#ifdef NB_SIMD
    if (kernel == NB_VECTOR_AVX512) vectors = affine_avx512, lanes = 16;
    if (kernel == NB_VECTOR_AVX2) vectors = affine_avx2, lanes = 8;
#endif
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
    int chosen_kernel = chosen(kernel);
    for (long i = 0; i < rows; i++)
        affine_row(chosen_kernel, src + i * src_stride, dst + i * dst_stride, width, mean, scale, shift, activation);
}
