// Float32 GEMM with A read in place and B packed into panels of 16 or 32 columns (the
// kernel's NR); the same with A held in IEEE half precision, widened a block at a time as the
// loops reach it.
//
// Blocking: k in blocks of KC (a B panel of KC x NR floats, 16 or 32 KB, stays in L1 while
// the micro-tiles of MC rows pass over it; MC x KC of A stays in L2). Each C value is a chain of
// fused multiply-adds over one k block, started from zero, and the blocks' sums are added to C
// in order: every kernel, the portable one included, computes exactly these operations.
#include "CSGEMM.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// k per block (the header's NB_SGEMM_K_BLOCK).
enum { KC = NB_SGEMM_K_BLOCK };

// ---- Portable kernel. ----

// IEEE half to Float32, exactly (every half is a float); a signalling NaN comes back quiet,
// as the F16C instruction returns it, so that both widenings agree on every bit pattern.
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    if (exponent == 0) {
        float magnitude = (float)mantissa * 0x1p-24f;  // zero or subnormal: exact in Float32
        memcpy(&bits, &magnitude, sizeof bits);
        bits |= sign;
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13) | (mantissa ? 0x400000u : 0);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

static void widen_portable(const uint16_t *src, float *dst, long count) {
    for (long i = 0; i < count; i++) dst[i] = half_to_float(src[i]);
}

typedef void (*micro_fn)(long, long, const float *, long, const float *, float *, long, long, int);

// A SIMD kernel: its micro-tile of `mr` rows by `nr` columns (the width of its B panels).
typedef struct {
    micro_fn micro;
    long mr, nr;
} tile_kernel;
typedef void (*widen_fn)(const uint16_t *, float *, long);

// Where B is: row-major with rows `ldb` apart (`panel_stride` 0), or already cut into panels
// of `ldb` columns, panel j's row p at b[j * panel_stride + p * ldb].
typedef struct {
    const float *b;
    long ldb, panel_stride;
} operand_b;

static inline const float *b_row(operand_b b, long p, long j) {
    return b.panel_stride ? b.b + (j / b.ldb) * b.panel_stride + p * b.ldb + j % b.ldb : b.b + p * b.ldb + j;
}

// The definition every kernel reproduces: each C value a chain of fused multiply-adds over
// one k block from zero, the blocks' sums added in order. With `widen`, A holds half-precision
// bit patterns, widened a row segment at a time (this is also the fallback when the blocked
// loops get no memory).
static void gemm_portable(long m, long n, long k, const void *a, long lda, widen_fn widen, operand_b b,
                          float *c, long ldc, int add) {
    float segment[KC];
    for (long p0 = 0; p0 < k; p0 += KC) {
        long count = k - p0 < KC ? k - p0 : KC;
        for (long i = 0; i < m; i++) {
            const float *row = segment;
            if (widen) widen((const uint16_t *)a + i * lda + p0, segment, count);
            else row = (const float *)a + i * lda + p0;
            for (long j = 0; j < n; j++) {
                float sum = 0.0f;
                for (long p = 0; p < count; p++) sum = fmaf(row[p], *b_row(b, p0 + p, j), sum);
                c[i * ldc + j] = p0 == 0 && !add ? sum : c[i * ldc + j] + sum;
            }
        }
    }
}

// B rows [0, count) x columns [0, width) (width <= nr) into a zero-padded nr-wide panel.
static void pack_panel(long count, const float *b, long ldb, long width, long nr, float *panel) {
    // Copies of constant size, which compilers inline (a call per row costs 5% of a forward).
    if (width == 16 && nr == 16) {
        for (long p = 0; p < count; p++) memcpy(panel + p * 16, b + p * ldb, sizeof(float) * 16);
        return;
    }
    if (width == 32 && nr == 32) {
        for (long p = 0; p < count; p++) memcpy(panel + p * 32, b + p * ldb, sizeof(float) * 32);
        return;
    }
    for (long p = 0; p < count; p++) {
        const float *row = b + p * ldb;
        float *out = panel + p * nr;
        long j = 0;
        for (; j < width; j++) out[j] = row[j];
        for (; j < nr; j++) out[j] = 0.0f;
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

// The blocked loops around a micro-kernel of `mr` rows; 0 when they get no memory. With
// `widen`, A holds half-precision bit patterns: each MC x KC block of it is widened into a
// buffer that stays in L2 while its micro-tiles pass over every B panel, so A is read once,
// two bytes a value, and never written out whole in Float32. B already in the kernel's
// panels is read in place.
static int gemm_blocked(long m, long n, long k, const void *a, long lda, widen_fn widen, operand_b b,
                        float *c, long ldc, int add, tile_kernel kernel) {
    long mr = kernel.mr, nr = kernel.nr;
    long panels = (n + nr - 1) / nr;
    long mc = 8 * mr;  // rows of A per pass over the B panels (MC x KC floats in L2)
    float *packed = b.panel_stride ? NULL : aligned_alloc(64, sizeof(float) * nr * KC * panels);
    float *block = widen ? aligned_alloc(64, sizeof(float) * mc * KC) : NULL;
    if ((!b.panel_stride && !packed) || (widen && !block)) { free(packed); free(block); return 0; }
    long panel_stride = b.panel_stride ? b.panel_stride : nr * KC;
    for (long p0 = 0; p0 < k; p0 += KC) {
        long count = k - p0 < KC ? k - p0 : KC;
        // Panel j of this k block at panel_base + j * panel_stride, `nr` floats a row.
        const float *panel_base = b.panel_stride ? b.b + p0 * nr : packed;
        for (long j = 0; packed && j < panels; j++) {
            long width = n - j * nr < nr ? n - j * nr : nr;
            pack_panel(count, b.b + p0 * b.ldb + j * nr, b.ldb, width, nr, packed + j * nr * KC);
        }
        for (long i1 = 0; i1 < m; i1 += mc) {
            long i2 = i1 + mc < m ? i1 + mc : m;
            // Rows i1..<i2 of this k block, `ld` apart: widened into the buffer, or in place.
            const float *rows = block;
            long ld = KC;
            if (widen) {
                for (long i = i1; i < i2; i++) widen((const uint16_t *)a + i * lda + p0, block + (i - i1) * KC, count);
            } else {
                rows = (const float *)a + i1 * lda + p0;
                ld = lda;
            }
            for (long j = 0; j < panels; j++) {
                long width = n - j * nr < nr ? n - j * nr : nr;
                for (long i0 = i1; i0 < i2; i0 += mr) {
                    long height = i2 - i0 < mr ? i2 - i0 : mr;
                    kernel.micro(height, count, rows + (i0 - i1) * ld, ld, panel_base + j * panel_stride,
                                 c + i0 * ldc + j * nr, ldc, width, p0 > 0 || add);
                }
            }
        }
    }
    free(packed);
    free(block);
    return 1;
}

// ---- AVX-512: 12 rows x 32 columns, two vectors per row. ----
//
// Each multiply-add takes one weight broadcast from memory; a CPU with two 512-bit FMA units
// (Intel's server cores) starts at most about one such FMA a cycle when every FMA needs its
// own broadcast, as one vector per row did (16 x 16: half the FMA rate). Two vectors per row
// share each broadcast, so the tile runs at the FMA rate; 12 x 2 accumulators and the two B
// vectors take 26 of the 32 registers.

#define NB_AVX512 __attribute__((target("avx512f")))
enum { AVX512_MR = 12, AVX512_NR = 32 };

NB_AVX512 static void micro_avx512(long rows, long count, const float *a, long lda, const float *panel,
                                   float *c, long ldc, long width, int add) {
    enum { MR = AVX512_MR, NR = AVX512_NR };
    float edge[MR * KC];
    if (rows < MR) {
        // A short tile reads its rows from a copy padded with zeros, so the loop below
        // addresses all twelve rows the same way.
        for (long r = 0; r < MR; r++) {
            if (r < rows) memcpy(edge + r * count, a + r * lda, sizeof(float) * count);
            else memset(edge + r * count, 0, sizeof(float) * count);
        }
        a = edge;
        lda = count;
    }
    // Rows 4q to 4q + 3 are read as base q plus 0, 1, 2 and 3 strides: three advancing bases
    // and three stride registers instead of twelve pointers, which do not fit beside the loop's
    // other registers and were spilled (a fifth of the speed). The empty asm statement hides
    // the bases' values from the optimiser each step, so that it addresses each row as base
    // plus stride instead of re-deriving the addresses with a chain of integer adds, which
    // compete with the FMAs for their ports.
    const float *a0 = a, *a4 = a + 4 * lda, *a8 = a + 8 * lda;
    long l2 = 2 * lda, l3 = 3 * lda;
    __m512 lo[MR], hi[MR];
    for (int r = 0; r < MR; r++) { lo[r] = _mm512_setzero_ps(); hi[r] = _mm512_setzero_ps(); }
#define NB_ROW(r, base, offset)                                 \
    {                                                           \
        __m512 w = _mm512_set1_ps((base)[offset]);              \
        lo[r] = _mm512_fmadd_ps(w, b0, lo[r]);                  \
        if (wide) hi[r] = _mm512_fmadd_ps(w, b1, hi[r]);        \
    }
#define NB_ROWS(wide_value)                                                                     \
    for (long p = 0; p < count; p++, a0++, a4++, a8++) {                                        \
        const int wide = wide_value;                                                            \
        __asm__("" : "+r"(a0), "+r"(a4), "+r"(a8));                                               \
        __m512 b0 = _mm512_load_ps(panel + p * NR), b1 = wide ? _mm512_load_ps(panel + p * NR + 16) : b0; \
        NB_ROW(0, a0, 0) NB_ROW(1, a0, lda) NB_ROW(2, a0, l2) NB_ROW(3, a0, l3)                  \
        NB_ROW(4, a4, 0) NB_ROW(5, a4, lda) NB_ROW(6, a4, l2) NB_ROW(7, a4, l3)                  \
        NB_ROW(8, a8, 0) NB_ROW(9, a8, lda) NB_ROW(10, a8, l2) NB_ROW(11, a8, l3)                \
    }
    // A panel no wider than one vector has only padding in its second half, left out.
    if (width > 16) NB_ROWS(1) else NB_ROWS(0)
#undef NB_ROWS
#undef NB_ROW
    // Out through a local tile, so that the accumulators are only ever indexed by constants
    // and stay in registers (a loop to `rows` over them made the compiler keep a copy in
    // memory, stored on every step).
    float tile[MR][NR] __attribute__((aligned(64)));
    for (int r = 0; r < MR; r++) {
        _mm512_store_ps(tile[r], lo[r]);
        _mm512_store_ps(tile[r] + 16, hi[r]);
    }
    __mmask16 first = width >= 16 ? 0xffff : (__mmask16)((1u << width) - 1);
    __mmask16 second = width >= 32 ? 0xffff : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
    for (long r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        __m512 low = _mm512_load_ps(tile[r]), high = _mm512_load_ps(tile[r] + 16);
        if (add) low = _mm512_add_ps(_mm512_maskz_loadu_ps(first, out), low);
        _mm512_mask_storeu_ps(out, first, low);
        if (!second) continue;
        if (add) high = _mm512_add_ps(_mm512_maskz_loadu_ps(second, out + 16), high);
        _mm512_mask_storeu_ps(out + 16, second, high);
    }
}

// ---- AVX2: 6 rows x 16 columns, two vectors per row. ----

#define NB_AVX2 __attribute__((target("avx2,fma")))
enum { AVX2_MR = 6, AVX2_NR = 16 };

NB_AVX2 static void micro_avx2(long rows, long count, const float *a, long lda, const float *panel,
                               float *c, long ldc, long width, int add) {
    enum { MR = AVX2_MR, NR = AVX2_NR };
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

// Half to Float32 eight at a time (F16C: every AVX2 and AVX-512 CPU has it).
__attribute__((target("avx2,f16c"))) static void widen_f16c(const uint16_t *src, float *dst, long count) {
    long i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < count; i++) dst[i] = half_to_float(src[i]);
}

#else
int nb_sgemm_supported(int kernel) { return kernel == NB_SGEMM_PORTABLE; }
#endif

// Products per kernel code, counted once per call (relaxed: a count, not a synchronisation).
static _Atomic unsigned long runs[3];

unsigned long nb_sgemm_runs(int kernel) {
    return kernel >= 0 && kernel < 3 ? atomic_load_explicit(&runs[kernel], memory_order_relaxed) : 0;
}

// Whether the product is empty: nothing to write, or (k = 0) a C of zeros, written here.
static int empty_product(long m, long n, long k, float *c, long ldc) {
    if (m <= 0 || n <= 0) return 1;
    if (k > 0) return 0;
    for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
    return 1;
}

// The one table of the SIMD kernels' micro-tiles; anything else (the portable kernel) has
// none: no micro-kernel, 1 x 1.
static tile_kernel tiles_of(int kernel) {
#ifdef NB_SIMD
    if (kernel == NB_SGEMM_AVX512) return (tile_kernel){micro_avx512, AVX512_MR, AVX512_NR};
    if (kernel == NB_SGEMM_AVX2) return (tile_kernel){micro_avx2, AVX2_MR, AVX2_NR};
#endif
    return (tile_kernel){NULL, 1, 1};
}

long nb_sgemm_panel_width(int kernel) { return tiles_of(kernel).nr; }

long nb_sgemm_tile_height(int kernel) { return tiles_of(kernel).mr; }

void nb_sgemm_pack(long count, long width, const float *b, long ldb, float *panel, int kernel) {
    long nr = nb_sgemm_panel_width(kernel);
    if (count <= 0 || width <= 0) return;
    pack_panel(count, b, ldb, width < nr ? width : nr, nr, panel);
}

// Every entry point: A Float32 (`half` 0) or half-precision bit patterns (`half` 1), on
// `kernel` when this CPU runs it, else on the portable definition.
static void product(long m, long n, long k, const void *a, long lda, int half, operand_b b, float *c, long ldc,
                    int add, int kernel) {
    if (add ? m <= 0 || n <= 0 || k <= 0 : empty_product(m, n, k, c, ldc)) return;
#ifdef NB_SIMD
    tile_kernel tiles = tiles_of(kernel);
    if (tiles.micro && nb_sgemm_supported(kernel)) {
        atomic_fetch_add_explicit(&runs[kernel], 1, memory_order_relaxed);
        widen_fn widen = !half ? NULL : __builtin_cpu_supports("f16c") ? widen_f16c : widen_portable;
        if (!gemm_blocked(m, n, k, a, lda, widen, b, c, ldc, add, tiles)) gemm_portable(m, n, k, a, lda, widen, b, c, ldc, add);
        return;
    }
#endif
    atomic_fetch_add_explicit(&runs[NB_SGEMM_PORTABLE], 1, memory_order_relaxed);
    gemm_portable(m, n, k, a, lda, half ? widen_portable : NULL, b, c, ldc, add);
}

void nb_sgemm_half(long m, long n, long k, const uint16_t *a, long lda, const float *b, long ldb,
                   float *c, long ldc, int kernel) {
    product(m, n, k, a, lda, 1, (operand_b){b, ldb, 0}, c, ldc, 0, kernel);
}

void nb_sgemm(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
              float *c, long ldc, int kernel) {
    product(m, n, k, a, lda, 0, (operand_b){b, ldb, 0}, c, ldc, 0, kernel);
}

void nb_sgemm_panels(long m, long n, long k, const float *a, long lda, const float *b, long panel_stride,
                     float *c, long ldc, int add, int kernel) {
    long nr = nb_sgemm_panel_width(kernel);
    product(m, n, k, a, lda, 0, (operand_b){b, nr, panel_stride > 0 ? panel_stride : nr * k}, c, ldc, add, kernel);
}

void nb_sgemm_half_panels(long m, long n, long k, const uint16_t *a, long lda, const float *b, long panel_stride,
                          float *c, long ldc, int add, int kernel) {
    long nr = nb_sgemm_panel_width(kernel);
    product(m, n, k, a, lda, 1, (operand_b){b, nr, panel_stride > 0 ? panel_stride : nr * k}, c, ldc, add, kernel);
}
