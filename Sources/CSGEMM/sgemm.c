// Float32 GEMM with A read in place and B packed into 16-column panels.
//
// Blocking: k in blocks of KC (a B panel of KC x 16 floats, 16 KB, stays in L1 while the
// micro-tiles of MC rows pass over it; MC x KC of A stays in L2). Each C value is a chain of
// fused multiply-adds over one k block, started from zero, and the blocks' sums are added to C
// in order: every kernel, the portable one included, computes exactly these operations.
#include "CSGEMM.h"

#include <math.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// k per block, columns per panel.
enum { KC = 256, NR = 16 };

// ---- Portable kernel. ----

static void gemm_portable(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                          float *c, long ldc) {
    for (long p0 = 0; p0 < k; p0 += KC) {
        long count = k - p0 < KC ? k - p0 : KC;
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                float sum = 0.0f;
                for (long p = p0; p < p0 + count; p++) sum = fmaf(a[i * lda + p], b[p * ldb + j], sum);
                c[i * ldc + j] = p0 == 0 ? sum : c[i * ldc + j] + sum;
            }
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NB_SIMD 1

int nb_sgemm_supported(int kernel) {
    __builtin_cpu_init();
    switch (kernel) {
    case NB_SGEMM_PORTABLE: return 1;
    case NB_SGEMM_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NB_SGEMM_AVX512: return __builtin_cpu_supports("avx512f");
    default: return 0;
    }
}

// B rows [0, count) x columns [0, width) (width <= NR) into a zero-padded NR-wide panel.
static void pack_panel(long count, const float *b, long ldb, long width, float *panel) {
    if (width == NR) {
        // A copy of constant size, which compilers inline (a call per row costs 5% of a forward).
        for (long p = 0; p < count; p++) memcpy(panel + p * NR, b + p * ldb, sizeof(float) * NR);
        return;
    }
    for (long p = 0; p < count; p++) {
        const float *row = b + p * ldb;
        float *out = panel + p * NR;
        long j = 0;
        for (; j < width; j++) out[j] = row[j];
        for (; j < NR; j++) out[j] = 0.0f;
    }
}

// ---- AVX-512: 16 rows x 16 columns, one vector per row. ----

#define NB_AVX512 __attribute__((target("avx512f")))

NB_AVX512 static void micro_avx512(long rows, long count, const float *a, long lda, const float *panel,
                                   float *c, long ldc, long width, int add) {
    enum { MR = 16 };
    const float *row[MR];
    for (int r = 0; r < MR; r++) row[r] = a + (r < rows ? r : 0) * lda;
    __m512 acc[MR];
    for (int r = 0; r < MR; r++) acc[r] = _mm512_setzero_ps();
    for (long p = 0; p < count; p++) {
        __m512 b0 = _mm512_load_ps(panel + p * NR);
        for (int r = 0; r < MR; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(row[r][p]), b0, acc[r]);
    }
    __mmask16 mask = width >= 16 ? 0xffff : (__mmask16)((1u << width) - 1);
    for (int r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        __m512 sum = add ? _mm512_add_ps(_mm512_maskz_loadu_ps(mask, out), acc[r]) : acc[r];
        _mm512_mask_storeu_ps(out, mask, sum);
    }
}

// ---- AVX2: 6 rows x 16 columns, two vectors per row. ----

#define NB_AVX2 __attribute__((target("avx2,fma")))

NB_AVX2 static void micro_avx2(long rows, long count, const float *a, long lda, const float *panel,
                               float *c, long ldc, long width, int add) {
    enum { MR = 6 };
    const float *row[MR];
    for (int r = 0; r < MR; r++) row[r] = a + (r < rows ? r : 0) * lda;
    __m256 lo[MR], hi[MR];
    for (int r = 0; r < MR; r++) { lo[r] = _mm256_setzero_ps(); hi[r] = _mm256_setzero_ps(); }
    for (long p = 0; p < count; p++) {
        __m256 b0 = _mm256_load_ps(panel + p * NR), b1 = _mm256_load_ps(panel + p * NR + 8);
        for (int r = 0; r < MR; r++) {
            __m256 w = _mm256_broadcast_ss(row[r] + p);
            lo[r] = _mm256_fmadd_ps(w, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(w, b1, hi[r]);
        }
    }
    for (int r = 0; r < rows; r++) {
        float sums[NR];
        _mm256_storeu_ps(sums, lo[r]);
        _mm256_storeu_ps(sums + 8, hi[r]);
        float *out = c + r * ldc;
        if (add) for (long j = 0; j < width; j++) out[j] += sums[j];
        else for (long j = 0; j < width; j++) out[j] = sums[j];
    }
}

typedef void (*micro_fn)(long, long, const float *, long, const float *, float *, long, long, int);

// The blocked loops around a micro-kernel of `mr` rows.
static void gemm_blocked(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                         float *c, long ldc, micro_fn micro, long mr) {
    long panels = (n + NR - 1) / NR;
    long mc = 8 * mr;  // rows of A per pass over the B panels (MC x KC floats in L2)
    float *packed = aligned_alloc(64, sizeof(float) * NR * KC * panels);
    if (!packed) { gemm_portable(m, n, k, a, lda, b, ldb, c, ldc); return; }
    for (long p0 = 0; p0 < k; p0 += KC) {
        long count = k - p0 < KC ? k - p0 : KC;
        for (long j = 0; j < panels; j++) {
            long width = n - j * NR < NR ? n - j * NR : NR;
            pack_panel(count, b + p0 * ldb + j * NR, ldb, width, packed + j * NR * KC);
        }
        for (long i1 = 0; i1 < m; i1 += mc) {
            long i2 = i1 + mc < m ? i1 + mc : m;
            for (long j = 0; j < panels; j++) {
                long width = n - j * NR < NR ? n - j * NR : NR;
                for (long i0 = i1; i0 < i2; i0 += mr) {
                    long rows = i2 - i0 < mr ? i2 - i0 : mr;
                    micro(rows, count, a + i0 * lda + p0, lda, packed + j * NR * KC, c + i0 * ldc + j * NR, ldc, width, p0 > 0);
                }
            }
        }
    }
    free(packed);
}
#else
int nb_sgemm_supported(int kernel) { return kernel == NB_SGEMM_PORTABLE; }
#endif

// Products per kernel code, counted once per call (relaxed: a count, not a synchronisation).
static _Atomic unsigned long runs[3];

unsigned long nb_sgemm_runs(int kernel) {
    return kernel >= 0 && kernel < 3 ? atomic_load_explicit(&runs[kernel], memory_order_relaxed) : 0;
}

void nb_sgemm(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
              float *c, long ldc, int kernel) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
        return;
    }
#ifdef NB_SIMD
    if (kernel == NB_SGEMM_AVX512 && nb_sgemm_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[NB_SGEMM_AVX512], 1, memory_order_relaxed);
        gemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, micro_avx512, 16);
        return;
    }
    if (kernel == NB_SGEMM_AVX2 && nb_sgemm_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[NB_SGEMM_AVX2], 1, memory_order_relaxed);
        gemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, micro_avx2, 6);
        return;
    }
#endif
    atomic_fetch_add_explicit(&runs[NB_SGEMM_PORTABLE], 1, memory_order_relaxed);
    gemm_portable(m, n, k, a, lda, b, ldb, c, ldc);
}
