// bfloat16 GEMM: C = A B with A pre-packed as bf16 pairs (weights, packed once) and B read as
// fp32 and rounded to bf16 while it is packed (activations). Accumulation is fp32.
//
// Layout: A row r is a run of 32-bit words, one per pair of k (k even in the low half). A B
// panel holds, for each pair p of its k range, 32 columns of words (B[2p][j], B[2p + 1][j]).
// VDPBF16PS multiplies such word vectors lane by lane and adds both products to an fp32
// lane, so one broadcast A word times one B panel row advances 16 columns by two k.
#include "CBFloat16.h"
#include <stdatomic.h>

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Rows per micro-tile, columns per panel (two 16-lane vectors), pairs per k block.
enum { MR = 8, NR = 32, KC = 256 };

uint16_t nb_bf16_from_float(float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu)) return (uint16_t)((bits >> 16) | 0x40); // quiet NaN
    uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return (uint16_t)((bits + rounding) >> 16);
}

float nb_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float x;
    memcpy(&x, &bits, 4);
    return x;
}

long nb_bf16_pairs(long k) { return (k + 1) / 2; }

void nb_bf16_pack_rows(long m, long k, const float *a, long lda, uint32_t *packed) {
    long pairs = nb_bf16_pairs(k);
    for (long r = 0; r < m; r++) {
        const float *row = a + r * lda;
        uint32_t *out = packed + r * pairs;
        for (long p = 0; p < pairs; p++) {
            uint32_t lo = nb_bf16_from_float(row[2 * p]);
            uint32_t hi = 2 * p + 1 < k ? nb_bf16_from_float(row[2 * p + 1]) : 0;
            out[p] = lo | (hi << 16);
        }
    }
}

// ---- Portable kernel: the same rounding, one product and sum at a time. ----

static void gemm_portable(long m, long n, long k, const uint32_t *a, const float *b, long ldb,
                          float *c, long ldc, int accumulate) {
    long pairs = nb_bf16_pairs(k);
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float sum = accumulate ? c[i * ldc + j] : 0.0f;
            for (long p = 0; p < pairs; p++) {
                uint32_t word = a[i * pairs + p];
                float b0 = nb_bf16_to_float(nb_bf16_from_float(b[(2 * p) * ldb + j]));
                float b1 = 2 * p + 1 < k ? nb_bf16_to_float(nb_bf16_from_float(b[(2 * p + 1) * ldb + j])) : 0.0f;
                sum += nb_bf16_to_float((uint16_t)word) * b0 + nb_bf16_to_float((uint16_t)(word >> 16)) * b1;
            }
            c[i * ldc + j] = sum;
        }
    }
}

// ---- AVX512-BF16 kernel. ----

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NB_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

int nb_bf16_cpu_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512bf16");
}

// 16 floats rounded to bf16, left in the high half of each 32-bit lane (low half zero).
NB_TARGET static inline __m512i round_high(__m512 x) {
    __m512i bits = _mm512_castps_si512(x);
    __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7fff), lsb));
    return _mm512_and_si512(rounded, _mm512_set1_epi32((int)0xffff0000u));
}

// Packs B rows [2 p0, 2 (p0 + count)) x columns [j0, j0 + width) (width <= NR) into `panel`.
NB_TARGET static void pack_panel(long k, long p0, long count, const float *b, long ldb, long j0, long width,
                                 uint32_t *panel) {
    __mmask16 m0 = width >= 16 ? 0xffff : (__mmask16)((1u << width) - 1);
    __mmask16 m1 = width >= 32 ? 0xffff : width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0;
    for (long p = 0; p < count; p++) {
        long r0 = 2 * (p0 + p), r1 = r0 + 1;
        const float *even = b + r0 * ldb + j0;
        for (int half = 0; half < 2; half++) {
            __mmask16 mask = half ? m1 : m0;
            __m512 x0 = _mm512_maskz_loadu_ps(mask, even + 16 * half);
            __m512 x1 = r1 < k ? _mm512_maskz_loadu_ps(mask, even + ldb + 16 * half) : _mm512_setzero_ps();
            __m512i word = _mm512_or_si512(_mm512_srli_epi32(round_high(x0), 16), round_high(x1));
            _mm512_storeu_si512((void *)(panel + p * NR + 16 * half), word);
        }
    }
}

// C rows [i0, i0 + R) x panel columns += (or =) A rows x panel, over `count` pairs from p0.
#define NB_MICRO(R)                                                                                       \
    NB_TARGET static void micro_##R(long count, const uint32_t *a, long pairs, const uint32_t *panel,    \
                                    float *c, long ldc, long width, int add) {                          \
        __m512 acc0[R], acc1[R];                                                                          \
        for (int r = 0; r < R; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }    \
        for (long p = 0; p < count; p++) {                                                                \
            __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)(panel + p * NR));                  \
            __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(panel + p * NR + 16));             \
            for (int r = 0; r < R; r++) {                                                                 \
                __m512bh w = (__m512bh)_mm512_set1_epi32((int)a[r * pairs + p]);                          \
                acc0[r] = _mm512_dpbf16_ps(acc0[r], w, b0);                                               \
                acc1[r] = _mm512_dpbf16_ps(acc1[r], w, b1);                                               \
            }                                                                                             \
        }                                                                                                 \
        __mmask16 m0 = width >= 16 ? 0xffff : (__mmask16)((1u << width) - 1);                            \
        __mmask16 m1 = width >= 32 ? 0xffff : width > 16 ? (__mmask16)((1u << (width - 16)) - 1) : 0;    \
        for (int r = 0; r < R; r++) {                                                                     \
            float *row = c + r * ldc;                                                                     \
            if (add) {                                                                                    \
                acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, row));                         \
                acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, row + 16));                    \
            }                                                                                             \
            _mm512_mask_storeu_ps(row, m0, acc0[r]);                                                      \
            _mm512_mask_storeu_ps(row + 16, m1, acc1[r]);                                                 \
        }                                                                                                 \
    }
NB_MICRO(1)
NB_MICRO(2)
NB_MICRO(3)
NB_MICRO(4)
NB_MICRO(5)
NB_MICRO(6)
NB_MICRO(7)
NB_MICRO(8)

NB_TARGET static void gemm_avx512(long m, long n, long k, const uint32_t *a, const float *b, long ldb,
                                  float *c, long ldc, int accumulate) {
    long pairs = nb_bf16_pairs(k);
    uint32_t *panel = aligned_alloc(64, sizeof(uint32_t) * NR * KC);
    if (!panel) { gemm_portable(m, n, k, a, b, ldb, c, ldc, accumulate); return; }
    for (long p0 = 0; p0 < pairs; p0 += KC) {
        long count = pairs - p0 < KC ? pairs - p0 : KC;
        int add = accumulate || p0 > 0;
        for (long j0 = 0; j0 < n; j0 += NR) {
            long width = n - j0 < NR ? n - j0 : NR;
            pack_panel(k, p0, count, b, ldb, j0, width, panel);
            for (long i0 = 0; i0 < m; i0 += MR) {
                const uint32_t *rows = a + i0 * pairs + p0;
                float *tile = c + i0 * ldc + j0;
                switch (m - i0 < MR ? m - i0 : MR) {
                case 1: micro_1(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 2: micro_2(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 3: micro_3(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 4: micro_4(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 5: micro_5(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 6: micro_6(count, rows, pairs, panel, tile, ldc, width, add); break;
                case 7: micro_7(count, rows, pairs, panel, tile, ldc, width, add); break;
                default: micro_8(count, rows, pairs, panel, tile, ldc, width, add); break;
                }
            }
        }
    }
    free(panel);
}
#else
int nb_bf16_cpu_supported(void) { return 0; }
#endif

// Products per kernel (0 portable, 1 AVX512-BF16), counted once per call (relaxed: a count,
// not a synchronisation), so the tests see which code ran.
static _Atomic unsigned long runs[2];

unsigned long nb_bf16_runs(int kernel) {
    return kernel == 0 || kernel == 1 ? atomic_load_explicit(&runs[kernel], memory_order_relaxed) : 0;
}

void nb_bf16_gemm(long m, long n, long k, const uint32_t *packed_a, const float *b, long ldb,
                  float *c, long ldc, int accumulate, int kernel) {
    if (m <= 0 || n <= 0) return;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (kernel == 1 && k > 0 && nb_bf16_cpu_supported()) {
        atomic_fetch_add_explicit(&runs[1], 1, memory_order_relaxed);
        gemm_avx512(m, n, k, packed_a, b, ldb, c, ldc, accumulate);
        return;
    }
#endif
    atomic_fetch_add_explicit(&runs[0], 1, memory_order_relaxed);
    gemm_portable(m, n, k, packed_a, b, ldb, c, ldc, accumulate);
}
