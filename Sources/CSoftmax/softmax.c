// Column softmax (see CSoftmax.h). e^x is the polynomial of noisebook's Swift FastMath.exp
// (range reduction by the 1.5 * 2^23 rounding trick, degree-7 polynomial), written with fused
// multiply-adds in every kernel so that the vector lanes and the portable loop round alike.
#include "CSoftmax.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static _Atomic unsigned long runs[3];

unsigned long nb_softmax_runs(int kernel) {
    return kernel >= 0 && kernel < 3 ? atomic_load_explicit(&runs[kernel], memory_order_relaxed) : 0;
}

// The constants of e^x, in the order the steps use them.
#define NB_EXP_LOW (-87.3f)
#define NB_EXP_HIGH 88.3f
#define NB_LOG2E 1.44269504f
#define NB_ROUND 12582912.0f     // 1.5 * 2^23
#define NB_LN2_HIGH 0.693145752f
#define NB_LN2_LOW 1.4286068e-6f
#define NB_P0 1.9875692e-4f
#define NB_P1 1.3981999e-3f
#define NB_P2 8.3334520e-3f
#define NB_P3 4.1665796e-2f
#define NB_P4 0.16666665f
#define NB_P5 0.5f

static float exp_portable(float x) {
    float c = x < NB_EXP_LOW ? NB_EXP_LOW : x;
    c = c > NB_EXP_HIGH ? NB_EXP_HIGH : c;
    float t = fmaf(c, NB_LOG2E, NB_ROUND);
    float n = t - NB_ROUND;
    float r = fmaf(-n, NB_LN2_HIGH, c);
    r = fmaf(-n, NB_LN2_LOW, r);
    float p = fmaf(NB_P0, r, NB_P1);
    p = fmaf(p, r, NB_P2);
    p = fmaf(p, r, NB_P3);
    p = fmaf(p, r, NB_P4);
    p = fmaf(p, r, NB_P5);
    p = fmaf(p, r * r, r) + 1.0f;
    uint32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float power;
    memcpy(&power, &bits, sizeof power);
    return p * power;
}

// Columns [from, width) of the three passes, one column at a time: the portable kernel, and
// the SIMD kernels' last columns.
static void columns_portable(float *block, long rows, long width, long from, float scale, float *top, float *total) {
    for (long j = from; j < width; j++) top[j] = block[j];
    for (long i = 1; i < rows; i++)
        for (long j = from; j < width; j++) top[j] = block[i * width + j] > top[j] ? block[i * width + j] : top[j];
    for (long j = from; j < width; j++) total[j] = 0.0f;
    for (long i = 0; i < rows; i++)
        for (long j = from; j < width; j++) {
            float e = exp_portable((block[i * width + j] - top[j]) * scale);
            block[i * width + j] = e;
            total[j] += e;
        }
    for (long j = from; j < width; j++) total[j] = 1.0f / total[j];
    for (long i = 0; i < rows; i++)
        for (long j = from; j < width; j++) block[i * width + j] *= total[j];
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NB_SIMD 1

int nb_softmax_supported(int kernel) {
    __builtin_cpu_init();
    switch (kernel) {
    case NB_SOFTMAX_PORTABLE: return 1;
    case NB_SOFTMAX_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_SOFTMAX_AVX512: return __builtin_cpu_supports("avx512f");
    default: return 0;
    }
}

// One kernel per vector type: V the vector, L its lanes, and the intrinsics' prefix spelled
// out per operation (the two instruction sets name them alike up to the prefix).
#define NB_COLUMNS(NAME, TARGET, V, L, LOAD, STORE, SET1, ADD, SUB, MUL, FMA, FNMA, MAX, MIN, DIV, CASTI, CASTF, ADDI, SUBI, SLLI, SET1I) \
    TARGET static V NAME##_exp(V x) {                                                                  \
        V c = MIN(MAX(x, SET1(NB_EXP_LOW)), SET1(NB_EXP_HIGH));                                        \
        V t = FMA(c, SET1(NB_LOG2E), SET1(NB_ROUND));                                                  \
        V n = SUB(t, SET1(NB_ROUND));                                                                  \
        V r = FNMA(n, SET1(NB_LN2_HIGH), c);                                                           \
        r = FNMA(n, SET1(NB_LN2_LOW), r);                                                              \
        V p = FMA(SET1(NB_P0), r, SET1(NB_P1));                                                        \
        p = FMA(p, r, SET1(NB_P2));                                                                    \
        p = FMA(p, r, SET1(NB_P3));                                                                    \
        p = FMA(p, r, SET1(NB_P4));                                                                    \
        p = FMA(p, r, SET1(NB_P5));                                                                    \
        p = ADD(FMA(p, MUL(r, r), r), SET1(1.0f));                                                     \
        V power = CASTF(SLLI(ADDI(SUBI(CASTI(t), SET1I(0x4B400000)), SET1I(127)), 23));               \
        return MUL(p, power);                                                                          \
    }                                                                                                  \
    TARGET static void NAME(float *block, long rows, long width, float scale, float *top, float *total) { \
        long whole = width / L * L;                                                                    \
        V s = SET1(scale);                                                                             \
        for (long j = 0; j < whole; j += L) STORE(top + j, LOAD(block + j));                           \
        for (long i = 1; i < rows; i++)                                                                \
            for (long j = 0; j < whole; j += L) STORE(top + j, MAX(LOAD(top + j), LOAD(block + i * width + j))); \
        for (long j = 0; j < whole; j += L) STORE(total + j, SET1(0.0f));                              \
        for (long i = 0; i < rows; i++)                                                                \
            for (long j = 0; j < whole; j += L) {                                                      \
                V e = NAME##_exp(MUL(SUB(LOAD(block + i * width + j), LOAD(top + j)), s));             \
                STORE(block + i * width + j, e);                                                       \
                STORE(total + j, ADD(LOAD(total + j), e));                                             \
            }                                                                                          \
        for (long j = 0; j < whole; j += L) STORE(total + j, DIV(SET1(1.0f), LOAD(total + j)));        \
        for (long i = 0; i < rows; i++)                                                                \
            for (long j = 0; j < whole; j += L) STORE(block + i * width + j, MUL(LOAD(block + i * width + j), LOAD(total + j))); \
        columns_portable(block, rows, width, whole, scale, top, total);                                \
    }

NB_COLUMNS(columns_avx512, __attribute__((target("avx512f"))), __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps,
           _mm512_set1_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_fmadd_ps, _mm512_fnmadd_ps,
           _mm512_max_ps, _mm512_min_ps, _mm512_div_ps, _mm512_castps_si512, _mm512_castsi512_ps,
           _mm512_add_epi32, _mm512_sub_epi32, _mm512_slli_epi32, _mm512_set1_epi32)
NB_COLUMNS(columns_avx2, __attribute__((target("avx2,fma"))), __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps,
           _mm256_set1_ps, _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, _mm256_fmadd_ps, _mm256_fnmadd_ps,
           _mm256_max_ps, _mm256_min_ps, _mm256_div_ps, _mm256_castps_si256, _mm256_castsi256_ps,
           _mm256_add_epi32, _mm256_sub_epi32, _mm256_slli_epi32, _mm256_set1_epi32)
#else
int nb_softmax_supported(int kernel) { return kernel == NB_SOFTMAX_PORTABLE; }
#endif

void nb_softmax_columns(float *block, long rows, long width, float scale, float *scratch, int kernel) {
    if (rows <= 0 || width <= 0) return;
    float *top = scratch, *total = scratch + width;
#ifdef NB_SIMD
    if (kernel == NB_SOFTMAX_AVX512 && nb_softmax_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[kernel], 1, memory_order_relaxed);
        columns_avx512(block, rows, width, scale, top, total);
        return;
    }
    if (kernel == NB_SOFTMAX_AVX2 && nb_softmax_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[kernel], 1, memory_order_relaxed);
        columns_avx2(block, rows, width, scale, top, total);
        return;
    }
#endif
    atomic_fetch_add_explicit(&runs[NB_SOFTMAX_PORTABLE], 1, memory_order_relaxed);
    columns_portable(block, rows, width, 0, scale, top, total);
}
