// Runs kvrag's CUDA kernels on the CPU emulator (cuda_emulator.hpp) against float64 references; prints one line per
// check and exits 1 if any fails. Built and run by KernelEmulationTest:
//   g++ -std=c++20 -O1 -pthread -I <kernel dir> kernel_check.cpp
#include <functional>

#include "cuda_emulator.hpp"
#include "common.cuh"
#include "elementwise.cu"
#include "gemv.cu"
#include "norm.cu"
#include "rope.cu"
#include "kv.cu"
#include "attention_split.cu"
#include "attention_flash.cu"

#include <functional>
#include <cstdio>
#include <random>
#include <string>

static int failures = 0;

static void report(const std::string& name, double err, double tol) {
  bool ok = err <= tol;  // NaN fails
  std::printf("%-58s max error %.3g (limit %.3g) %s\n", name.c_str(), err, tol, ok ? "ok" : "FAILED");
  if (!ok) failures++;
}

static std::mt19937 rng(12345);
static std::vector<float> gaussian(size_t n, float scale = 1.0f) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}
static unsigned short bf16(float f) { return emu::float_to_bf16_rne(f); }
static float unbf16(unsigned short h) { return emu::bf16_bits_to_float(h); }

static dim3 d1(unsigned x) { return dim3{x, 1, 1}; }
static dim3 d2(unsigned x, unsigned y) { return dim3{x, y, 1}; }

static void check_elementwise() {
  int n = 5, dim = 37, vocab = 11;
  std::vector<float> table = gaussian((size_t) vocab * dim);
  std::vector<unsigned short> t16(table.size()), th(table.size());
  for (size_t i = 0; i < table.size(); i++) {
    t16[i] = bf16(table[i]);
    th[i] = float_to_f16(table[i]);
  }
  std::vector<int> ids = {3, 0, 10, 3, 7};
  for (int dtype = 0; dtype < 3; dtype++) {
    std::vector<float> out((size_t) n * dim, -1.0f);
    const void* src = dtype == 0 ? (const void*) t16.data() : dtype == 1 ? (const void*) th.data() : table.data();
    launch(d1(2), d1(64), embed, src, ids.data(), out.data(), n, dim, dtype);
    double err = 0;
    for (int t = 0; t < n; t++)
      for (int d = 0; d < dim; d++) {
        size_t k = (size_t) ids[t] * dim + d;
        float want = dtype == 0 ? unbf16(t16[k]) : dtype == 1 ? f16_to_float(th[k]) : table[k];
        err = std::max(err, (double) std::fabs(out[(size_t) t * dim + d] - want));
      }
    report("embed dtype " + std::to_string(dtype), err, 0);
  }

  std::vector<float> wide(table.size(), -1.0f);
  launch(d1(2), d1(64), widen, (const void*) t16.data(), wide.data(), (int) table.size(), 0);
  double werr = 0;
  for (size_t i = 0; i < table.size(); i++) werr = std::max(werr, (double) std::fabs(wide[i] - unbf16(t16[i])));
  launch(d1(2), d1(64), widen, (const void*) th.data(), wide.data(), (int) table.size(), 1);
  for (size_t i = 0; i < table.size(); i++) werr = std::max(werr, (double) std::fabs(wide[i] - f16_to_float(th[i])));
  report("widen bf16 / f16 to f32", werr, 0);

  std::vector<float> acc = gaussian(1000), x = gaussian(1000), want(1000);
  for (int i = 0; i < 1000; i++) want[i] = acc[i] + x[i];
  launch(d1(3), d1(64), add_inplace, acc.data(), (const float*) x.data(), 1000);
  double err = 0;
  for (int i = 0; i < 1000; i++) err = std::max(err, (double) std::fabs(acc[i] - want[i]));
  report("add_inplace", err, 0);

  std::vector<float> out = gaussian(7 * 13), bias = gaussian(13), ref = out;
  for (int i = 0; i < 7 * 13; i++) ref[i] += bias[i % 13];
  launch(d1(2), d1(32), bias_add, out.data(), (const float*) bias.data(), 7, 13);
  err = 0;
  for (int i = 0; i < 7 * 13; i++) err = std::max(err, (double) std::fabs(out[i] - ref[i]));
  report("bias_add", err, 0);

  std::vector<float> gate = gaussian(777, 3.0f), up = gaussian(777);
  std::vector<double> sref(777);
  for (int i = 0; i < 777; i++) sref[i] = gate[i] / (1 + std::exp(-(double) gate[i])) * up[i];
  std::vector<unsigned short> g16(777);
  launch(d1(2), d1(128), silu_mul, gate.data(), (const float*) up.data(), g16.data(), 777, 0);
  err = 0;
  double err16 = 0;
  for (int i = 0; i < 777; i++) {
    err = std::max(err, std::fabs(gate[i] - sref[i]) / (1 + std::fabs(sref[i])));
    err16 = std::max(err16, (double) (g16[i] != bf16(gate[i])));
  }
  report("silu_mul (relative)", err, 1e-6);
  report("silu_mul bf16 copy (mismatching bits)", err16, 0);
  // in 16 bits: every result is the float64 silu(g) * u of the 16-bit inputs, rounded once (in place, as the backend
  // calls it); 776 takes the 8-wide path, 777 the scalar one
  for (int dtype = 0; dtype < 2; dtype++)
    for (int count : {776, 777}) {
      std::vector<float> gv = gaussian(count, 3.0f), uv = gaussian(count, 2.0f);
      std::vector<unsigned short> g16h(count), u16h(count);
      for (int i = 0; i < count; i++) {
        g16h[i] = dtype == 0 ? bf16(gv[i]) : float_to_f16(gv[i]);
        u16h[i] = dtype == 0 ? bf16(uv[i]) : float_to_f16(uv[i]);
      }
      std::vector<unsigned short> in16 = g16h;
      launch(d1(2), d1(32), silu_mul_half, (const unsigned short*) g16h.data(), (const unsigned short*) u16h.data(),
             g16h.data(), count, dtype);
      double ulps = 0;
      for (int i = 0; i < count; i++) {
        double g = dtype == 0 ? unbf16(in16[i]) : f16_to_float(in16[i]);
        double u = dtype == 0 ? unbf16(u16h[i]) : f16_to_float(u16h[i]);
        double want = g / (1 + std::exp(-g)) * u;
        double got = dtype == 0 ? unbf16(g16h[i]) : f16_to_float(g16h[i]);
        int exponent;
        std::frexp(want, &exponent);  // |want| in [2^(exponent-1), 2^exponent)
        double ulp = dtype == 0 ? std::ldexp(1.0, exponent - 1 - 7)
                                : std::max(std::ldexp(1.0, exponent - 1 - 10), 0x1p-24);  // f16 subnormals: 2^-24
        ulps = std::max(ulps, std::fabs(got - want) / ulp);
      }
      report(std::string("silu_mul_half ") + (dtype == 0 ? "bf16" : "f16") + (count % 8 ? " scalar" : " 8-wide")
             + " (error in units in the last place)", ulps, 0.51);
    }

  std::vector<float> h = gaussian(300, 100.0f);
  std::vector<unsigned short> hb(300), hh(300);
  launch(d1(1), d1(64), to_half, (const float*) h.data(), hb.data(), 300, 0);
  launch(d1(1), d1(64), to_half, (const float*) h.data(), hh.data(), 300, 1);
  // round to nearest: the result is at most half a unit in the last place from the input
  err = 0;
  for (int i = 0; i < 300; i++) {
    double ulp_b = std::ldexp(1.0, std::ilogb(h[i]) - 7);
    double ulp_h = std::ldexp(1.0, std::ilogb(h[i]) - 10);
    err = std::max(err, std::fabs(unbf16(hb[i]) - h[i]) / ulp_b);
    err = std::max(err, std::fabs(f16_to_float(hh[i]) - h[i]) / ulp_h);
  }
  report("to_half bf16 / f16 (error in units in the last place)", err, 0.5);

  std::vector<float> rowsrc = gaussian(9 * 6), gathered(4 * 6);
  std::vector<int> rows = {8, 0, 3, 3};
  launch(d1(1), d1(32), gather_rows, (const float*) rowsrc.data(), (const int*) rows.data(), gathered.data(), 4, 6);
  err = 0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 6; c++) err = std::max(err, (double) std::fabs(gathered[r * 6 + c] - rowsrc[rows[r] * 6 + c]));
  report("gather_rows", err, 0);
}

static void check_gemv() {
  // three matrices in one launch (as q, k, v), rows not a multiple of the warps, columns past the unrolled part
  // (8 * 32 * 4 = 1024 per step): 1096 = 1024 + 72; then one matrix alone
  const int cols = 1096;
  const int counts[3] = {37, 9, 5};
  for (int dtype = 0; dtype < 2; dtype++) {
    auto narrow = [&](float f) { return dtype == 0 ? bf16(f) : float_to_f16(f); };
    auto widen = [&](unsigned short h) { return dtype == 0 ? (double) unbf16(h) : (double) f16_to_float(h); };
    std::vector<unsigned short> w16[3], x16(cols);
    std::vector<float> out[3];
    for (int m = 0; m < 3; m++) {
      std::vector<float> w = gaussian((size_t) counts[m] * cols);
      for (float f : w) w16[m].push_back(narrow(f));
      out[m].assign(counts[m], -1.0f);
    }
    std::vector<float> x = gaussian(cols);
    for (int c = 0; c < cols; c++) x16[c] = narrow(x[c]);
    for (int fused = 1; fused >= 0; fused--) {
      if (fused) {
        launch(d1(3), d1(64), gemv_half, (const unsigned short*) w16[0].data(), (const unsigned short*) w16[1].data(),
               (const unsigned short*) w16[2].data(), (const unsigned short*) x16.data(), out[0].data(), out[1].data(),
               out[2].data(), counts[0], counts[1], counts[2], cols, dtype, 0);
      } else {
        for (int m = 0; m < 3; m++) {
          launch(d1(2), d1(64), gemv_half, (const unsigned short*) w16[m].data(), (const unsigned short*) nullptr,
                 (const unsigned short*) nullptr, (const unsigned short*) x16.data(), out[m].data(), (float*) nullptr,
                 (float*) nullptr, counts[m], 0, 0, cols, dtype, 0);
          // accumulating: the same product once more on top, so out = 2 * product
          launch(d1(2), d1(64), gemv_half, (const unsigned short*) w16[m].data(), (const unsigned short*) nullptr,
                 (const unsigned short*) nullptr, (const unsigned short*) x16.data(), out[m].data(), (float*) nullptr,
                 (float*) nullptr, counts[m], 0, 0, cols, dtype, 1);
        }
      }
      double err = 0;
      for (int m = 0; m < 3; m++) {
        for (int r = 0; r < counts[m]; r++) {
          double want = 0, magnitude = 0;  // fp32 accumulation: error relative to the sum of |terms|
          for (int c = 0; c < cols; c++) {
            double term = widen(w16[m][(size_t) r * cols + c]) * widen(x16[c]);
            want += term;
            magnitude += std::fabs(term);
          }
          if (!fused) want *= 2, magnitude *= 2;
          err = std::max(err, std::fabs(out[m][r] - want) / (1 + magnitude));
        }
        out[m].assign(counts[m], -1.0f);
      }
      std::string name = std::string("gemv_half ") + (dtype == 0 ? "bf16" : "f16") + (fused ? ", three matrices" : ", one, then accumulated")
          + " (relative)";
      report(name, err, 1e-6);
    }
  }
}

static void check_rope_angles() {
  // positions up to 8k and llama-3-like frequencies: the table equals the host's fp32 product, then cos/sin in double
  int n = 5, half = 16;
  std::vector<int> pos = {0, 1, 17, 4095, 8191};
  std::vector<float> inv(half), c(n * half), sn(n * half);
  for (int i = 0; i < half; i++) inv[i] = (float) std::pow(500000.0, -2.0 * i / (2 * half));
  launch(d1(1), d1(32), rope_angles, (const int*) pos.data(), (const float*) inv.data(), c.data(), sn.data(), n, half);
  double err = 0;
  for (int t = 0; t < n; t++)
    for (int i = 0; i < half; i++) {
      float angle = (float) pos[t] * inv[i];
      err = std::max(err, std::fabs(c[t * half + i] - std::cos((double) angle)));
      err = std::max(err, std::fabs(sn[t * half + i] - std::sin((double) angle)));
    }
  report("rope_angles", err, 1e-6);
}

static void check_norm_and_rope() {
  int rows = 5, dim = 70;
  std::vector<float> x = gaussian((size_t) rows * dim, 2.0f), w = gaussian(dim), out(x.size());
  std::vector<unsigned short> o16(x.size());
  launch(d1(1), d1(256), rms_norm, (const float*) x.data(), out.data(), o16.data(), (const float*) w.data(), rows, dim,
         1e-5f, 0);
  double err = 0, bits = 0;
  for (int r = 0; r < rows; r++) {
    double ss = 0;
    for (int i = 0; i < dim; i++) ss += (double) x[r * dim + i] * x[r * dim + i];
    double inv = 1 / std::sqrt(ss / dim + 1e-5);
    for (int i = 0; i < dim; i++) {
      double want = x[r * dim + i] * inv * w[i];
      err = std::max(err, std::fabs(out[r * dim + i] - want) / (1 + std::fabs(want)));
      bits = std::max(bits, (double) (o16[r * dim + i] != bf16(out[r * dim + i])));
    }
  }
  report("rms_norm (relative)", err, 2e-6);
  report("rms_norm bf16 copy (mismatching bits)", bits, 0);
  std::vector<float> inplace = x;
  launch(d1(1), d1(256), rms_norm, (const float*) inplace.data(), inplace.data(), (unsigned short*) nullptr,
         (const float*) w.data(), rows, dim, 1e-5f, 0);
  err = 0;
  for (size_t i = 0; i < x.size(); i++) err = std::max(err, (double) std::fabs(inplace[i] - out[i]));
  report("rms_norm in place equals out of place", err, 0);
  std::vector<float> strided(x.size());
  launch(d1(2), d1(64), rms_norm, (const float*) x.data(), strided.data(), (unsigned short*) nullptr,
         (const float*) w.data(), rows, dim, 1e-5f, 0);  // two blocks of two warps striding over five rows
  err = 0;
  for (size_t i = 0; i < x.size(); i++) err = std::max(err, (double) std::fabs(strided[i] - out[i]) / (1 + std::fabs(out[i])));
  report("rms_norm, any grid and block", err, 1e-6);

  int n = 3, heads = 2, hd = 10, half = 5;
  std::vector<float> q = gaussian((size_t) n * heads * hd), cosv(n * half), sinv(n * half), orig = q;
  for (int t = 0; t < n; t++)
    for (int i = 0; i < half; i++) {
      double a = (t + 4) * std::pow(10000.0, -2.0 * i / hd);
      cosv[t * half + i] = (float) std::cos(a);
      sinv[t * half + i] = (float) std::sin(a);
    }
  launch(d1(1), d1(32), rope, q.data(), (const float*) cosv.data(), (const float*) sinv.data(), n, heads, hd);
  err = 0;
  for (int t = 0; t < n; t++)
    for (int h = 0; h < heads; h++)
      for (int i = 0; i < half; i++) {
        const float* r = &orig[(t * heads + h) * hd];
        double c = cosv[t * half + i], s = sinv[t * half + i];
        err = std::max(err, std::fabs(q[(t * heads + h) * hd + i] - (r[i] * c - r[i + half] * s)));
        err = std::max(err, std::fabs(q[(t * heads + h) * hd + i + half] - (r[i + half] * c + r[i] * s)));
      }
  report("rope", err, 1e-6);

  int kvh = 2, cap = 9;
  std::vector<float> kf = gaussian((size_t) kvh * cap * hd);
  std::vector<unsigned short> keys(kf.size());
  for (size_t i = 0; i < kf.size(); i++) keys[i] = bf16(kf[i]);
  std::vector<unsigned short> before = keys;
  std::vector<float> cd(half), sd(half);
  for (int i = 0; i < half; i++) {
    cd[i] = (float) std::cos(0.3 * (i + 1));
    sd[i] = (float) std::sin(0.3 * (i + 1));
  }
  std::vector<float> kf32(kf.size());
  for (size_t i = 0; i < kf.size(); i++) kf32[i] = unbf16(keys[i]);
  launch(d1(1), d1(32), rotate_keys, (void*) keys.data(), (const float*) cd.data(), (const float*) sd.data(), kvh, cap,
         hd, 2, 5, 0);
  launch(d1(1), d1(32), rotate_keys, (void*) kf32.data(), (const float*) cd.data(), (const float*) sd.data(), kvh, cap,
         hd, 2, 5, 2);
  err = 0;
  double untouched = 0;
  for (int g = 0; g < kvh; g++)
    for (int s = 0; s < cap; s++)
      for (int i = 0; i < half; i++) {
        size_t o = ((size_t) g * cap + s) * hd;
        if (s < 2 || s >= 7) {
          untouched = std::max(untouched, (double) (keys[o + i] != before[o + i] || keys[o + i + half] != before[o + i + half]));
          continue;
        }
        float x1 = unbf16(before[o + i]), x2 = unbf16(before[o + i + half]);
        err = std::max(err, (double) (keys[o + i] != bf16(x1 * cd[i] - x2 * sd[i])));
        err = std::max(err, (double) (keys[o + i + half] != bf16(x2 * cd[i] + x1 * sd[i])));
        err = std::max(err, (double) std::fabs(kf32[o + i] - (x1 * cd[i] - x2 * sd[i])) * 1e6);
        err = std::max(err, (double) std::fabs(kf32[o + i + half] - (x2 * cd[i] + x1 * sd[i])) * 1e6);
      }
  report("rotate_keys bf16 and f32 (mismatching bits; f32 error x 1e6)", err, 0.5);
  report("rotate_keys leaves other slots alone", untouched, 0);
}

static void check_kv() {
  int n = 4, kvh = 3, hd = 12, cap = 10;
  std::vector<float> k = gaussian((size_t) n * kvh * hd), v = gaussian((size_t) n * kvh * hd);
  std::vector<int> slots = {7, 0, 2, 9};
  std::vector<unsigned short> keys((size_t) kvh * cap * hd, 0), values(keys.size(), 0);
  launch(d1(1), d1(64), kv_write, (const float*) k.data(), (const float*) v.data(), (const int*) slots.data(),
         (void*) keys.data(), (void*) values.data(), n, kvh, hd, cap, 0);
  std::vector<float> keys32(keys.size(), 0), values32(keys.size(), 0);
  launch(d1(1), d1(64), kv_write, (const float*) k.data(), (const float*) v.data(), (const int*) slots.data(),
         (void*) keys32.data(), (void*) values32.data(), n, kvh, hd, cap, 2);
  std::vector<unsigned short> keys16(keys.size(), 0), values16(keys.size(), 0);
  launch(d1(1), d1(64), kv_write, (const float*) k.data(), (const float*) v.data(), (const int*) slots.data(),
         (void*) keys16.data(), (void*) values16.data(), n, kvh, hd, cap, 1);
  double bad = 0;
  for (int t = 0; t < n; t++)
    for (int g = 0; g < kvh; g++)
      for (int d = 0; d < hd; d++) {
        size_t dst = ((size_t) g * cap + slots[t]) * hd + d;
        size_t src = ((size_t) t * kvh + g) * hd + d;
        bad = std::max(bad, (double) (keys[dst] != bf16(k[src]) || values[dst] != bf16(v[src])));
        bad = std::max(bad, (double) (keys32[dst] != k[src] || values32[dst] != v[src]));
        bad = std::max(bad, (double) (keys16[dst] != float_to_f16(k[src]) || values16[dst] != float_to_f16(v[src])));
      }
  report("kv_write bf16, f16 and f32 (mismatching bits)", bad, 0);

  // deviation of fresh values [count][kvh][hd] against the cache rows 0..count-1, per cache format: the fresh value
  // is rounded as the cache stores it first, so a token whose fresh value is the cached one scores exactly 0
  int count = 10;
  std::vector<float> values32x(values.size());
  for (size_t i = 0; i < values.size(); i++) values32x[i] = unbf16(values[i]) * 1.5f;
  struct Format {
    const char* name;
    int dtype;
    const void* cache;
    std::function<double(size_t)> cached;  // element i of the cache, widened
    std::function<double(float)> stored;   // f as the cache would store it
  };
  std::vector<Format> formats = {
      {"bf16", 0, values.data(), [&](size_t i) { return (double) unbf16(values[i]); },
       [](float f) { return (double) unbf16(bf16(f)); }},
      {"f16", 1, values16.data(), [&](size_t i) { return (double) f16_to_float(values16[i]); },
       [](float f) { return (double) f16_to_float(float_to_f16(f)); }},
      {"f32", 2, values32x.data(), [&](size_t i) { return (double) values32x[i]; }, [](float f) { return (double) f; }},
  };
  for (const Format& fmt : formats) {
    std::vector<float> fresh = gaussian((size_t) count * kvh * hd);
    for (int d = 0; d < kvh * hd; d++) fresh[3 * kvh * hd + d] = (float) fmt.cached((d / hd * cap + 3) * hd + d % hd);
    std::vector<float> dev(count, -1.0f);
    launch(d1((count + 3) / 4), d1(128), value_deviation, (const float*) fresh.data(), fmt.cache, dev.data(), count,
           kvh, hd, cap, fmt.dtype);
    double err = 0;
    for (int t = 0; t < count; t++) {
      double s = 0;
      for (int g = 0; g < kvh; g++)
        for (int d = 0; d < hd; d++) {
          double diff = fmt.stored(fresh[((size_t) t * kvh + g) * hd + d]) - fmt.cached(((size_t) g * cap + t) * hd + d);
          s += diff * diff;
        }
      err = std::max(err, std::fabs(dev[t] - s) / (1 + s));
    }
    report(std::string("value_deviation over a ") + fmt.name + " cache (relative)", err, 1e-6);
    report(std::string("value_deviation over a ") + fmt.name + " cache: an unchanged token is exactly 0",
           std::fabs(dev[3]), 0);
  }
}

// A 16-bit cache element (bf16, or f16) widened.
static double unhalf(unsigned short h, bool f16) { return f16 ? (double) f16_to_float(h) : (double) unbf16(h); }

// float64 attention reference over the 16-bit cache; q as given (the flash kernel rounds it to the cache's format: pass
// rounded).
static void reference_attention(const std::vector<float>& q, const std::vector<unsigned short>& keys,
                                const std::vector<unsigned short>& values, const std::vector<int>& lo,
                                const std::vector<int>& hi, int n, int heads, int group, int hd, int cap,
                                std::vector<double>& out, std::vector<double>& lse, double scale, bool f16) {
  out.assign((size_t) n * heads * hd, 0.0);
  lse.assign((size_t) n * heads, -INFINITY);
  for (int t = 0; t < n; t++)
    for (int h = 0; h < heads; h++) {
      int g = h / group;
      if (hi[t] <= lo[t]) continue;
      std::vector<double> s;
      double m = -INFINITY;
      for (int j = lo[t]; j < hi[t]; j++) {
        double d = 0;
        for (int i = 0; i < hd; i++) d += (double) q[((size_t) t * heads + h) * hd + i] * unhalf(keys[((size_t) g * cap + j) * hd + i], f16);
        s.push_back(d * scale);
        m = std::max(m, d * scale);
      }
      double sum = 0;
      for (double x : s) sum += std::exp(x - m);
      for (int j = lo[t]; j < hi[t]; j++) {
        double p = std::exp(s[j - lo[t]] - m) / sum;
        for (int i = 0; i < hd; i++) out[((size_t) t * heads + h) * hd + i] += p * unhalf(values[((size_t) g * cap + j) * hd + i], f16);
      }
      lse[(size_t) t * heads + h] = m + std::log(sum);
    }
}

struct Case {
  std::string name;
  int n, heads, group, hd, cap, kv_length;
  bool causal;
  bool f32 = false;  // the cache in f32 (split-K only)
  bool f16 = false;  // the cache in f16 (else bf16)
};

// The flash kernel for the case's head dim and cache format.
static auto flash_kernel(const Case& c) {
  if (c.f16) return c.hd == 128 ? attention_flash_128_f16 : attention_flash_64_f16;
  return c.hd == 128 ? attention_flash_128 : attention_flash_64;
}

static void run_attention(const Case& c, bool flash, int splits, double tol) {
  int kvh = c.heads / c.group;
  std::vector<float> q = gaussian((size_t) c.n * c.heads * c.hd);
  std::vector<unsigned short> keys((size_t) kvh * c.cap * c.hd), values(keys.size());
  for (size_t i = 0; i < keys.size(); i++) {
    keys[i] = c.f16 ? float_to_f16(gaussian(1)[0]) : bf16(gaussian(1)[0]);
    values[i] = c.f16 ? float_to_f16(gaussian(1)[0]) : bf16(gaussian(1)[0]);
  }
  // the cache beyond the filled slots holds NaN: nothing may read it into a result
  for (int g = 0; g < kvh; g++)
    for (int s = c.kv_length; s < c.cap; s++)
      for (int i = 0; i < c.hd; i++) {
        keys[((size_t) g * c.cap + s) * c.hd + i] = c.f16 ? 0x7e00 : 0x7fc0;
        values[((size_t) g * c.cap + s) * c.hd + i] = c.f16 ? 0x7e00 : 0x7fc0;
      }
  std::vector<int> slots(c.n), from(c.n), to(c.n), lo(c.n), hi(c.n);
  std::uniform_int_distribution<int> any(0, c.cap + 3);
  for (int t = 0; t < c.n; t++) {
    slots[t] = c.kv_length - c.n + t;
    if (c.causal) {
      lo[t] = 0;
      hi[t] = std::min(c.kv_length, slots[t] + 1);
    } else {
      from[t] = any(rng) - 2;
      to[t] = t % 7 == 3 ? from[t] : any(rng);  // some empty ranges
      lo[t] = std::max(0, from[t]);
      hi[t] = std::min(c.kv_length, to[t]);
    }
  }
  float scale = 1.0f / std::sqrt((float) c.hd);
  std::vector<float> qref = q;
  if (flash)
    for (auto& x : qref) x = c.f16 ? f16_to_float(float_to_f16(x)) : unbf16(bf16(x));
  std::vector<double> want, want_lse;
  reference_attention(qref, keys, values, lo, hi, c.n, c.heads, c.group, c.hd, c.cap, want, want_lse, scale, c.f16);

  std::vector<float> out((size_t) c.n * c.heads * c.hd, NAN), lse((size_t) c.n * c.heads, NAN);
  std::vector<unsigned short> out16(out.size());
  const int* f = c.causal ? nullptr : from.data();
  const int* e = c.causal ? nullptr : to.data();
  float scale_log2 = scale * KV_LOG2E;
  if (flash) {
    dim3 grid = d2((c.n + 127) / 128, c.heads);
    launch(grid, d1(128), flash_kernel(c), (const float*) q.data(), (const unsigned short*) keys.data(),
           (const unsigned short*) values.data(), f, e, (const int*) slots.data(), out.data(), out16.data(),
           lse.data(), c.n, c.heads, c.group, c.cap, c.kv_length, scale_log2, 0);
  } else {
    std::vector<float> po((size_t) c.n * c.heads * splits * c.hd), pm((size_t) c.n * c.heads * splits),
        pl(pm.size());
    std::vector<float> k32(keys.size()), v32(keys.size());
    for (size_t i = 0; i < keys.size(); i++) {
      k32[i] = (float) unhalf(keys[i], c.f16);
      v32[i] = (float) unhalf(values[i], c.f16);
    }
    const void* kp = c.f32 ? (const void*) k32.data() : (const void*) keys.data();
    const void* vp = c.f32 ? (const void*) v32.data() : (const void*) values.data();
    launch(d2((c.heads * splits + 3) / 4, c.n), d1(128), attention_split, (const float*) q.data(), kp, vp, f, e,
           (const int*) slots.data(), po.data(), pm.data(), pl.data(), c.n, c.heads, c.group, c.hd, c.cap, c.kv_length,
           splits, scale_log2, c.f32 ? 2 : c.f16 ? 1 : 0);
    launch(d1((c.n * c.heads + 3) / 4), d1(128), attention_combine, (const float*) po.data(), (const float*) pm.data(),
           (const float*) pl.data(), out.data(), out16.data(), lse.data(), c.n * c.heads, c.hd, splits, 0);
  }
  double err = 0, lerr = 0, bits = 0;
  for (size_t i = 0; i < out.size(); i++) {
    err = std::max(err, std::fabs(out[i] - want[i]));
    if (std::isnan(out[i])) err = INFINITY;
    bits = std::max(bits, (double) (out16[i] != bf16(out[i])));
  }
  for (size_t i = 0; i < lse.size(); i++) {
    if (std::isinf(want_lse[i])) {
      lerr = std::max(lerr, lse[i] == -INFINITY ? 0.0 : INFINITY);
    } else {
      lerr = std::max(lerr, std::fabs(lse[i] - want_lse[i]));
    }
  }
  std::string kind = (flash ? "flash" : "split x" + std::to_string(splits)) + (c.f32 ? " f32 cache" : "")
      + (c.f16 ? " f16 cache" : "");
  if (flash) {
    // without an fp32 output the kernel writes the same 16-bit copy and touches nothing else
    std::vector<unsigned short> alone(out.size(), 0xffff);
    launch(d2((c.n + 127) / 128, c.heads), d1(128), flash_kernel(c),
           (const float*) q.data(), (const unsigned short*) keys.data(), (const unsigned short*) values.data(), f, e,
           (const int*) slots.data(), (float*) nullptr, alone.data(), (float*) nullptr, c.n, c.heads, c.group, c.cap,
           c.kv_length, scale_log2, 0);
    double differ = 0;
    for (size_t i = 0; i < out.size(); i++) differ = std::max(differ, (double) (alone[i] != out16[i]));
    report(kind + " " + c.name + ": 16-bit copy alone (mismatching bits)", differ, 0);
  }
  report(kind + " " + c.name + ": output", err, tol);
  report(kind + " " + c.name + ": log-sum-exp", lerr, tol);
  report(kind + " " + c.name + ": bf16 copy (mismatching bits)", bits, 0);
}

int main() {
  check_elementwise();
  check_gemv();
  check_norm_and_rope();
  check_rope_angles();
  check_kv();
  // split-K: fp32 queries, exact to rounding
  run_attention({"hd 24, GQA 2, causal", 5, 4, 2, 24, 40, 37, true}, false, 3, 1e-5);
  run_attention({"hd 128, GQA 4, ranges", 6, 8, 4, 128, 30, 27, false}, false, 1, 1e-5);
  run_attention({"hd 40, no GQA, ranges", 9, 2, 1, 40, 80, 70, false}, false, 5, 1e-5);
  run_attention({"hd 128, GQA 4, decode over more splits than lanes", 1, 8, 4, 128, 130, 129, true}, false, 40, 1e-5);
  run_attention({"hd 24, GQA 2, causal", 5, 4, 2, 24, 40, 37, true, true}, false, 3, 1e-5);
  run_attention({"hd 128, GQA 4, ranges, prefill size", 70, 8, 4, 128, 100, 96, false, true}, false, 2, 1e-5);
  // flash: q and probabilities in bf16
  run_attention({"hd 128, GQA 2, causal, partial block", 70, 4, 2, 128, 140, 130, true}, true, 0, 5e-3);
  run_attention({"hd 64, GQA 2, ranges, partial block", 80, 2, 2, 64, 150, 140, false}, true, 0, 5e-3);
  run_attention({"hd 128, GQA 4, causal after 170 cached slots", 130, 4, 4, 128, 320, 300, true}, true, 0, 5e-3);
  run_attention({"hd 128, no GQA, ranges", 64, 2, 1, 128, 200, 190, false}, true, 0, 5e-3);
  // an f16 cache: split-K widens it exactly; flash rounds q and the probabilities to f16 (8x finer than bf16)
  run_attention({"hd 24, GQA 2, causal", 5, 4, 2, 24, 40, 37, true, false, true}, false, 3, 1e-5);
  run_attention({"hd 128, GQA 2, causal, partial block", 70, 4, 2, 128, 140, 130, true, false, true}, true, 0, 1e-3);
  run_attention({"hd 64, GQA 2, ranges, partial block", 80, 2, 2, 64, 150, 140, false, false, true}, true, 0, 1e-3);
  std::printf("%s\n", failures == 0 ? "all kernel checks passed" : "KERNEL CHECKS FAILED");
  return failures == 0 ? 0 : 1;
}
