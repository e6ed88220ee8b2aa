#include "network.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

namespace lirn {

namespace {

constexpr int kTile = 128;  // pixels per tile: a tile's activations stay in L2 between forward and backward

void transpose(const float* src, int rows, int cols, float* dst) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) dst[std::int64_t{c} * rows + r] = src[std::int64_t{r} * cols + c];
}

int hidden_total(const Modulation& md) {
  int n = 0;
  for (std::size_t j = 0; j + 1 < md.hyper.size(); ++j) n += md.hyper[j].out;
  return n;
}

// [lo, hi) of n items for thread tid of nt.
inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void split(std::int64_t n, int tid, int nt, std::int64_t& lo, std::int64_t& hi) {
  lo = n * tid / nt;
  hi = n * (tid + 1) / nt;
}

}  // namespace

struct Network::Scratch {
  std::vector<double> xy;
  std::vector<double> xy0;                 // unwarped coordinates (warp only)
  std::vector<unsigned char> inside;       // per coordinate: the warp did not clamp it
  std::vector<float> dxy;                  // dL/d(warped coordinate)
  std::vector<std::vector<float>> acts;  // acts[i] is the input of base layer i; the last is the output
  std::vector<float> d0, d1;
  std::vector<std::int32_t> idx;
  std::vector<float> w;
  std::vector<float> mod;
};

Network::Network(Model model, int threads, bool trainable, const Kernels* kernels)
    : model_(std::move(model)), pool_(std::max(1, threads)), k_(kernels), trainable_(trainable) {
  params_.assign(static_cast<std::size_t>(model_.total), 0.0f);
  if (trainable_) {
    m_.assign(params_.size(), 0.0f);
    v_.assign(params_.size(), 0.0f);
  }
  std::int64_t slot = 0, dwt = 0, mod_scratch = 0;
  for (const auto& md : model_.mods) {
    mod_slot_offset_.push_back(slot);
    mod_dwt_offset_.push_back(dwt);
    const std::int64_t area = std::int64_t{md.out} * md.in;
    slot += hidden_total(md) + std::int64_t{model_.rank} * (md.out + md.in) + 3 * area;
    dwt += area;
    int widest = model_.rank * (md.out + md.in);
    for (const auto& h : md.hyper) widest = std::max({widest, h.in, h.out});
    mod_scratch = std::max(mod_scratch, area + std::int64_t{md.in} * model_.rank + 2 * std::int64_t{widest});
  }
  mod_slot_size_ = slot;
  dwt_frame_size_ = dwt;
  base_t_.resize(model_.layers.size());
  for (std::size_t i = 0; i < model_.layers.size(); ++i)
    if (model_.layers[i].mod < 0) base_t_[i].resize(std::size_t(model_.layers[i].out) * model_.layers[i].in);

  const int nt = pool_.size();
  const int levels = model_.encoding == Encoding::HashGrid ? model_.levels : 0;
  const std::size_t wide = std::size_t(kTile) * model_.max_width();
  for (int t = 0; t < nt; ++t) {
    auto s = std::make_unique<Scratch>();
    s->xy.resize(kTile * 2);
    s->xy0.resize(kTile * 2);
    s->inside.resize(kTile * 2);
    s->dxy.resize(kTile * 2);
    s->acts.emplace_back(std::size_t(kTile) * model_.enc_dim);
    for (const auto& l : model_.layers) s->acts.emplace_back(std::size_t(kTile) * l.out);
    s->d0.resize(wide);
    s->d1.resize(wide);
    s->idx.resize(std::size_t(kTile) * levels * 8);
    s->w.resize(std::size_t(kTile) * levels * 8);
    s->mod.resize(static_cast<std::size_t>(mod_scratch));
    scratch_.push_back(std::move(s));
  }
  if (trainable_) {
    grad_.assign(nt, std::vector<float>(params_.size(), 0.0f));
    dwt_.resize(nt);
    loss_.assign(nt, 0.0);
    warp_acc_.resize(nt);
  }
}

Network::~Network() = default;

void Network::plan_frames(int frames) {
  if (frames <= planned_frames_) return;
  frame_slots_.resize(std::size_t(frames) * mod_slot_size_);
  if (trainable_) {
    for (auto& d : dwt_) d.resize(std::size_t(frames) * dwt_frame_size_);
    for (auto& a : warp_acc_) a.resize(std::size_t(frames) * 6);
  }
  planned_frames_ = frames;
}

// Hypernetwork forward for one latent and modulated layer, writing the slot: hidden | v | M | W_t | W_tᵀ.
void Network::modulate(const float* z, int mod, float* slot, float*) {
  const Modulation& md = model_.mods[mod];
  const float* P = params_.data();
  const int r = model_.rank;
  float* hidden = slot;
  float* v = slot + hidden_total(md);
  float* M = v + std::int64_t{r} * (md.out + md.in);
  const std::int64_t area = std::int64_t{md.out} * md.in;
  float* Wt = M + area;
  float* WtT = Wt + area;

  const float* h = z;
  float* next_hidden = hidden;
  for (std::size_t j = 0; j < md.hyper.size(); ++j) {
    const DenseLayer& L = md.hyper[j];
    const bool last = j + 1 == md.hyper.size();
    float* dst = last ? v : next_hidden;
    const float* Wj = P + L.weight;
    const float* bj = P + L.bias;
    for (int o = 0; o < L.out; ++o) {
      const float a = k_->dot(L.in, Wj + std::int64_t{o} * L.in, h) + bj[o];
      dst[o] = last ? a : std::tanh(a);
    }
    h = dst;
    if (!last) next_hidden += L.out;
  }
  // U = P·Q with P (out×r) then Q (r×in) packed in v.
  k_->gemm(md.out, md.in, r, v, r, 1, v + std::int64_t{md.out} * r, md.in, M, md.in, GemmEpilogue{});
  const float* W = P + model_.layers[md.layer].weight;
  for (std::int64_t e = 0; e < area; ++e) {
    const float m = 1.0f / (1.0f + std::exp(-M[e]));
    M[e] = m;
    Wt[e] = m * W[e];
  }
  transpose(Wt, md.out, md.in, WtT);
}

// Chain rule from the frame's summed dW_t back to W, the hypernetwork and the latent row.
void Network::unmodulate(int frame, int mod, const float* z, float* grad, float* scratch) {
  const Modulation& md = model_.mods[mod];
  const float* P = params_.data();
  const int r = model_.rank;
  const std::int64_t area = std::int64_t{md.out} * md.in;
  const float* slot = frame_slots_.data() + std::int64_t{frame} * mod_slot_size_ + mod_slot_offset_[mod];
  const float* hidden = slot;
  const float* v = slot + hidden_total(md);
  const float* M = v + std::int64_t{r} * (md.out + md.in);

  float* dU = scratch;
  float* QT = dU + area;
  int widest = r * (md.out + md.in);
  for (const auto& h : md.hyper) widest = std::max({widest, h.in, h.out});
  float* dv = QT + std::int64_t{md.in} * r;
  float* dh = dv + widest;

  const std::int64_t at = std::int64_t{frame} * dwt_frame_size_ + mod_dwt_offset_[mod];
  std::memcpy(dU, dwt_[0].data() + at, sizeof(float) * area);
  for (std::size_t t = 1; t < dwt_.size(); ++t) k_->axpy(static_cast<int>(area), 1.0f, dwt_[t].data() + at, dU);

  const DenseLayer& base = model_.layers[md.layer];
  const float* W = P + base.weight;
  float* gW = grad + base.weight;
  for (std::int64_t e = 0; e < area; ++e) {
    const float dwt = dU[e];
    gW[e] += M[e] * dwt;
    dU[e] = dwt * W[e] * M[e] * (1.0f - M[e]);
  }
  const float* Pm = v;
  const float* Q = v + std::int64_t{md.out} * r;
  transpose(Q, r, md.in, QT);
  // dP = dU · Qᵀ (out×r), dQ = Pᵀ · dU (r×in), packed like v.
  k_->gemm(md.out, r, md.in, dU, md.in, 1, QT, r, dv, r, GemmEpilogue{});
  k_->gemm(r, md.in, md.out, Pm, 1, r, dU, md.in, dv + std::int64_t{md.out} * r, md.in, GemmEpilogue{});

  // Hidden activations of layer j live at offset sum(out of layers < j).
  std::vector<int> hidden_at(md.hyper.size(), 0);
  for (std::size_t j = 1; j < md.hyper.size(); ++j) hidden_at[j] = hidden_at[j - 1] + md.hyper[j - 1].out;
  for (int j = static_cast<int>(md.hyper.size()) - 1; j >= 0; --j) {
    const DenseLayer& L = md.hyper[j];
    const float* hin = j == 0 ? z : hidden + hidden_at[j - 1];
    const float* Wj = P + L.weight;
    float* gWj = grad + L.weight;
    float* gbj = grad + L.bias;
    std::fill(dh, dh + L.in, 0.0f);
    for (int o = 0; o < L.out; ++o) {
      const float d = dv[o];
      gbj[o] += d;
      if (d == 0.0f) continue;
      k_->axpy(L.in, d, hin, gWj + std::int64_t{o} * L.in);
      k_->axpy(L.in, d, Wj + std::int64_t{o} * L.in, dh);
    }
    if (j > 0) {
      for (int i = 0; i < L.in; ++i) dv[i] = dh[i] * (1.0f - hin[i] * hin[i]);
    } else {
      const int row = static_cast<int>((z - P - model_.latents) / model_.latent_dim);
      k_->axpy(model_.latent_dim, 1.0f, dh, grad + model_.latents + std::int64_t{row} * model_.latent_dim);
    }
  }
}

void Network::encode(const double* xy, double t, int n, Scratch& s) const {
  const double tau = frame_tau(t);
  float* enc = s.acts[0].data();
  const int E = model_.enc_dim;
  if (model_.encoding == Encoding::Fourier) {
    const double pi = 3.14159265358979323846;
    for (int p = 0; p < n; ++p) {
      float* e = enc + std::int64_t{p} * E;
      const double x = xy[2 * p], y = xy[2 * p + 1];
      int at = 0;
      if (model_.include_input) {
        e[at++] = static_cast<float>(x);
        e[at++] = static_cast<float>(y);
      }
      // sin/cos of 2^k·π·x by angle doubling in double (error ~2^k·1e-16, far below fp32).
      double sx = std::sin(pi * x), cx = std::cos(pi * x), sy = std::sin(pi * y), cy = std::cos(pi * y);
      for (int k = 0; k < model_.frequencies; ++k) {
        e[at++] = static_cast<float>(sx);
        e[at++] = static_cast<float>(sy);
        e[at++] = static_cast<float>(cx);
        e[at++] = static_cast<float>(cy);
        const double sx2 = 2 * sx * cx, cx2 = cx * cx - sx * sx;
        const double sy2 = 2 * sy * cy, cy2 = cy * cy - sy * sy;
        sx = sx2, cx = cx2, sy = sy2, cy = cy2;
      }
    }
    return;
  }
  const int scene = model_.scene_of(t);
  GridLevelView views[64];
  for (int l = 0; l < model_.levels; ++l)
    views[l] = GridLevelView{model_.grid[l].resolution, model_.grid[l].y_resolution, model_.grid[l].time_resolution,
                             model_.grid[l].dense, params_.data() + model_.grid[l].offset, nullptr, scene};
  k_->grid_encode(n, xy, tau, model_.levels, model_.features, static_cast<unsigned>(model_.log2_table), views, enc, E,
                  s.idx.data(), s.w.data());
}

void Network::encode_backward(int n, const Scratch& s, const float* denc, float* grad) const {
  GridLevelView views[64];
  for (int l = 0; l < model_.levels; ++l)
    views[l] = GridLevelView{model_.grid[l].resolution, model_.grid[l].y_resolution, model_.grid[l].time_resolution,
                             model_.grid[l].dense, nullptr, grad + model_.grid[l].offset};
  k_->grid_backward(n, model_.levels, model_.features, views, s.idx.data(), s.w.data(), denc, model_.enc_dim);
}

const float* Network::layer_weight(int layer, int frame) const {
  const DenseLayer& L = model_.layers[layer];
  if (L.mod < 0) return params_.data() + L.weight;
  const Modulation& md = model_.mods[L.mod];
  return frame_slots_.data() + std::int64_t{frame} * mod_slot_size_ + mod_slot_offset_[L.mod] + hidden_total(md) +
         std::int64_t{model_.rank} * (md.out + md.in) + std::int64_t{md.out} * md.in;
}

const float* Network::layer_weight_t(int layer, int frame) const {
  const DenseLayer& L = model_.layers[layer];
  if (L.mod < 0) return base_t_[layer].data();
  return layer_weight(layer, frame) + std::int64_t{L.out} * L.in;
}

void Network::forward(int n, int frame, Scratch& s) const {
  const int nl = static_cast<int>(model_.layers.size());
  for (int i = 0; i < nl; ++i) {
    const DenseLayer& L = model_.layers[i];
    GemmEpilogue ep;
    ep.bias = params_.data() + L.bias;
    ep.relu = i + 1 < nl;
    k_->gemm(n, L.out, L.in, s.acts[i].data(), L.in, 1, layer_weight_t(i, frame), L.out, s.acts[i + 1].data(), L.out, ep);
  }
}

const float* Network::backward(int n, int frame, Scratch& s, const float* dout, float* grad, float* dwt, bool timed) {
  const int nl = static_cast<int>(model_.layers.size());
  const float* cur = dout;
  float* bufs[2] = {s.d0.data(), s.d1.data()};
  int next = cur == bufs[0] ? 1 : 0;
  for (int i = nl - 1; i >= 0; --i) {
    const DenseLayer& L = model_.layers[i];
    float* gw = L.mod >= 0 ? dwt + mod_dwt_offset_[L.mod] : grad + L.weight;
    GemmEpilogue acc;
    acc.accumulate = true;
    // dW (+)= dYᵀ · X: A = dY read transposed.
    k_->gemm(L.out, L.in, n, cur, 1, L.out, s.acts[i].data(), L.in, gw, L.in, acc);
    float* gb = grad + L.bias;
    k_->colsum_add(n, L.out, cur, gb);
    if (i == 0 && !model_.encoding_has_params() && model_.warp == WarpKind::None) return nullptr;
    GemmEpilogue ep;
    if (i > 0) {
      ep.gate = s.acts[i].data();
      ep.ldg = L.in;
    }
    float* dst = bufs[next];
    k_->gemm(n, L.in, L.out, cur, L.out, 1, layer_weight(i, frame), L.in, dst, L.in, ep);
    cur = dst;
    next ^= 1;
  }
  if (model_.encoding_has_params()) {
    const double t0 = timed ? now() : 0;
    encode_backward(n, s, cur, grad);
    if (timed) timings[kEncodeBackward] += now() - t0;
  }
  return cur;
}

void Network::warp_params(const float* z, double* p) const {
  const int dims = model_.warp_dims();
  for (int k = 0; k < 6; ++k) p[k] = k < dims ? model_.warp_scale * static_cast<double>(z[k]) : 0.0;
}

void Network::apply_warp(const double* p, int n, Scratch& s) const {
  for (int i = 0; i < n; ++i) {
    const double x = s.xy[2 * i], y = s.xy[2 * i + 1];
    s.xy0[2 * i] = x;
    s.xy0[2 * i + 1] = y;
    const double X = x - 0.5, Y = y - 0.5;
    const double wx = x + p[0] + p[2] * X + p[3] * Y, wy = y + p[1] + p[4] * X + p[5] * Y;
    // NaN fails both comparisons and lands on 0, like the reference's clamp.
    s.inside[2 * i] = wx >= 0 && wx <= 1;
    s.inside[2 * i + 1] = wy >= 0 && wy <= 1;
    s.xy[2 * i] = static_cast<float>(wx >= 0 ? (wx <= 1 ? wx : 1) : 0);
    s.xy[2 * i + 1] = static_cast<float>(wy >= 0 ? (wy <= 1 ? wy : 1) : 0);
  }
}

// dL/d(x', y') per point from dL/d(encoding): for the hash grid through the corner rows and weights the forward
// pass kept (the cell fractions are recovered from the weights: fx = Σ weights of the +x corners), for Fourier
// features analytically; then the chain rule to the warp parameters, zero where the warp clamped.
void Network::warp_backward(int n, Scratch& s, const float* denc, double* acc) const {
  const int E = model_.enc_dim;
  float* dxy = s.dxy.data();
  std::fill(dxy, dxy + 2 * n, 0.0f);
  if (model_.encoding == Encoding::HashGrid) {
    const int F = model_.features;
    for (int l = 0; l < model_.levels; ++l) {
      const GridLevel& g = model_.grid[l];
      const float* table = params_.data() + g.offset;
      const int slices = g.time_resolution > 0 ? 2 : 1;
      const float N = static_cast<float>(g.resolution), M = static_cast<float>(g.y_resolution);
      const std::int32_t* il = s.idx.data() + std::int64_t{l} * n * 8;
      const float* wl = s.w.data() + std::int64_t{l} * n * 8;
      for (int p = 0; p < n; ++p) {
        float wt[2] = {0, 0}, fx = 0, fy = 0;
        for (int sl = 0; sl < slices; ++sl) {
          const float* w = wl + p;
          const float w0 = w[(4 * sl) * n], w1 = w[(4 * sl + 1) * n], w2 = w[(4 * sl + 2) * n], w3 = w[(4 * sl + 3) * n];
          wt[sl] = w0 + w1 + w2 + w3;
          fx += w1 + w3;
          fy += w2 + w3;
        }
        const float* d = denc + std::int64_t{p} * E + l * F;
        float gx = 0, gy = 0;
        for (int sl = 0; sl < slices; ++sl) {
          const float* t0 = table + std::int64_t{il[(4 * sl) * n + p]} * F;
          const float* t1 = table + std::int64_t{il[(4 * sl + 1) * n + p]} * F;
          const float* t2 = table + std::int64_t{il[(4 * sl + 2) * n + p]} * F;
          const float* t3 = table + std::int64_t{il[(4 * sl + 3) * n + p]} * F;
          float sx = 0, sy = 0;
          for (int f = 0; f < F; ++f) {
            sx += d[f] * ((1 - fy) * (t1[f] - t0[f]) + fy * (t3[f] - t2[f]));
            sy += d[f] * ((1 - fx) * (t2[f] - t0[f]) + fx * (t3[f] - t1[f]));
          }
          gx += wt[sl] * sx;
          gy += wt[sl] * sy;
        }
        dxy[2 * p] += N * gx;
        dxy[2 * p + 1] += M * gy;
      }
    }
  } else {
    const double pi = 3.14159265358979323846;
    for (int p = 0; p < n; ++p) {
      const float* d = denc + std::int64_t{p} * E;
      const double x = s.xy[2 * p], y = s.xy[2 * p + 1];
      double gx = 0, gy = 0;
      int at = 0;
      if (model_.include_input) {
        gx += d[at++];
        gy += d[at++];
      }
      for (int k = 0; k < model_.frequencies; ++k) {
        const double fk = std::ldexp(pi, k);
        gx += d[at] * fk * std::cos(fk * x) - d[at + 2] * fk * std::sin(fk * x);
        gy += d[at + 1] * fk * std::cos(fk * y) - d[at + 3] * fk * std::sin(fk * y);
        at += 4;
      }
      dxy[2 * p] = static_cast<float>(gx);
      dxy[2 * p + 1] = static_cast<float>(gy);
    }
  }
  for (int p = 0; p < n; ++p) {
    const double gx = s.inside[2 * p] ? dxy[2 * p] : 0.0, gy = s.inside[2 * p + 1] ? dxy[2 * p + 1] : 0.0;
    const double X = s.xy0[2 * p] - 0.5, Y = s.xy0[2 * p + 1] - 0.5;
    acc[0] += gx;
    acc[1] += gy;
    acc[2] += gx * X;
    acc[3] += gx * Y;
    acc[4] += gy * X;
    acc[5] += gy * Y;
  }
}

void Network::reduce_and_update(int tid, const double* rates, float* grads_out) {
  std::int64_t lo, hi;
  split(model_.total, tid, pool_.size(), lo, hi);
  const int nt = pool_.size();
  const float b1 = static_cast<float>(adam.beta1), b2 = static_cast<float>(adam.beta2);
  // 1 − β in double: 1.0f − 0.999f would be off by 1.3e-5 relative.
  const float c1 = static_cast<float>(1.0 - adam.beta1), c2 = static_cast<float>(1.0 - adam.beta2);
  const float eps = static_cast<float>(adam.epsilon);
  // PyTorch's form (as the tfjs engine): θ −= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + ε).
  const double step_scale = 1.0 / (1.0 - std::pow(adam.beta1, static_cast<double>(step_count)));
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(adam.beta2, static_cast<double>(step_count))));
  constexpr std::int64_t kBlock = 2048;
  float g[kBlock];
  for (const TensorRange& tr : model_.tensors) {
    const std::int64_t a = std::max(lo, tr.offset), b = std::min(hi, tr.offset + tr.size);
    if (a >= b) continue;
    const float step_size = rates ? static_cast<float>(rates[tr.group] * step_scale) : 0.0f;
    for (std::int64_t b0 = a; b0 < b; b0 += kBlock) {
      const int len = static_cast<int>(std::min(kBlock, b - b0));
      float* g0 = grad_[0].data() + b0;
      std::memcpy(g, g0, sizeof(float) * len);
      std::memset(g0, 0, sizeof(float) * len);
      for (int t = 1; t < nt; ++t) {
        float* gt = grad_[t].data() + b0;
        k_->axpy(len, 1.0f, gt, g);
        std::memset(gt, 0, sizeof(float) * len);
      }
      if (grads_out) std::memcpy(grads_out + b0, g, sizeof(float) * len);
      if (!rates) continue;
      float* p = params_.data() + b0;
      float* m = m_.data() + b0;
      float* v = v_.data() + b0;
      for (int i = 0; i < len; ++i) {
        const float gi = g[i];
        const float mi = b1 * m[i] + c1 * gi;
        const float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= step_size * mi / (std::sqrt(vi) * inv_sqrt_bc2 + eps);
      }
    }
  }
}

bool Network::fake_quantize() {
  struct Range {
    float* x;
    std::int64_t size;
    float lo, scale;
    double levels, slack;
  };
  std::vector<Range> ranges;
  std::int64_t need = 0;
  for (const TensorRange& tr : model_.tensors) {
    const int bits = fake_quant_bits[tr.group];
    if (bits <= 0 || tr.size == 0) continue;
    need += tr.size;
    float* x = params_.data() + tr.offset;
    float lo = x[0], hi = x[0];
    for (std::int64_t i = 1; i < tr.size; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    const double levels = std::ldexp(1.0, bits) - 1;
    // As the packer: scale = fround((max − min) / levels). A constant tensor is its own quantization.
    const float scale = static_cast<float>((static_cast<double>(hi) - lo) / levels);
    if (!(scale > 0)) continue;
    // x̂_q = min ⊕ (q ⊗ scale) is off the exact min + q·scale by at most an ulp of |min| + levels·scale, so the
    // nearest grid point can differ from round((x − min) / scale) only within that distance (in steps, with a
    // 4× margin) of a midpoint; only there are the neighbours compared.
    const double slack = 4 * std::ldexp(1.0, -23) * (std::fabs(lo) / scale + levels + 1);
    ranges.push_back({x, tr.size, lo, scale, levels, slack});
  }
  if (ranges.empty()) return false;
  fq_master_.resize(static_cast<std::size_t>(need));
  {
    float* keep = fq_master_.data();
    for (const Range& r : ranges) {
      std::memcpy(keep, r.x, sizeof(float) * r.size);
      keep += r.size;
    }
  }
  pool_.run([&](int tid) {
    for (const Range& r : ranges) {
      std::int64_t a, b;
      split(r.size, tid, pool_.size(), a, b);
      const float lo = r.lo, scale = r.scale;
      const double inv = 1.0 / scale;
      auto deq = [&](double q) { return lo + static_cast<float>(q * scale); };
      for (std::int64_t i = a; i < b; ++i) {
        const float xi = r.x[i];
        // Away from midpoints (the product by 1/scale is off the quotient by far less than the slack) the nearest
        // point is plain rounding. Near one, exactly the packer's quantizeWithLayout (src/codec/quant/quantize.ts):
        // q = round((x − min) / scale) in binary64, half up as Math.round, then the neighbour whose x̂ is strictly
        // nearer where float rounding made one so.
        double v = (static_cast<double>(xi) - lo) * inv;
        double q = std::min(r.levels, std::max(0.0, std::floor(v + 0.5)));
        if (std::fabs(v - q) >= 0.5 - r.slack) {
          v = (static_cast<double>(xi) - lo) / scale;
          q = std::min(r.levels, std::max(0.0, std::floor(v + 0.5)));
          auto miss = [&](double qq) { return std::fabs(static_cast<double>(xi) - deq(qq)); };
          const double err = miss(q);
          if (q > 0 && miss(q - 1) < err) {
            q -= 1;
          } else if (q < r.levels && miss(q + 1) < err) {
            q += 1;
          }
        }
        r.x[i] = deq(q);
      }
    }
  });
  return true;
}

void Network::restore_fake_quantized() {
  const float* keep = fq_master_.data();
  for (const TensorRange& tr : model_.tensors) {
    if (fake_quant_bits[tr.group] <= 0 || tr.size == 0) continue;
    std::memcpy(params_.data() + tr.offset, keep, sizeof(float) * tr.size);
    keep += tr.size;
  }
}

double Network::train(const Batch& batch, const double* rates, float* grads_out, const float* latent_grad) {
  const int F = batch.frames, Pn = batch.pixels;
  const bool fake_quantized = fake_quantize();
  const int nl = static_cast<int>(model_.layers.size());
  const int C = model_.layers.back().out;
  const int nt = pool_.size();
  const int nmods = static_cast<int>(model_.mods.size());
  plan_frames(F);
  const std::int64_t tiles_per_frame = (Pn + kTile - 1) / kTile;
  const std::int64_t tiles = tiles_per_frame * F;
  const float scale = static_cast<float>(2.0 / (static_cast<double>(F) * Pn * C));
  auto latent = [&](int f) { return params_.data() + model_.latents + std::int64_t{batch.frame[f]} * model_.latent_dim; };
  const bool warped = model_.warp != WarpKind::None;
  std::vector<double> warps(warped ? std::size_t(F) * 6 : 0);
  for (int f = 0; warped && f < F; ++f) warp_params(latent(f), warps.data() + std::int64_t{f} * 6);

  double t = now();
  auto lap = [&](Phase p) {
    const double n = now();
    timings[p] += n - t;
    t = n;
  };
  pool_.run([&](int tid) {  // A
    for (int i = tid; i < nl; i += nt)
      if (model_.layers[i].mod < 0)
        transpose(params_.data() + model_.layers[i].weight, model_.layers[i].out, model_.layers[i].in, base_t_[i].data());
    for (int pair = tid; pair < F * nmods; pair += nt) {
      const int f = pair / nmods, k = pair % nmods;
      modulate(latent(f), k, frame_slots_.data() + std::int64_t{f} * mod_slot_size_ + mod_slot_offset_[k], scratch_[tid]->mod.data());
    }
  });
  lap(kModulate);
  pool_.run([&](int tid) {  // B
    Scratch& s = *scratch_[tid];
    float* dwt = dwt_[tid].data();
    std::fill(dwt, dwt + std::int64_t{F} * dwt_frame_size_, 0.0f);
    double* warp_acc = warped ? warp_acc_[tid].data() : nullptr;
    if (warped) std::fill(warp_acc, warp_acc + std::int64_t{F} * 6, 0.0);
    double loss = 0;
    std::int64_t lo, hi;
    split(tiles, tid, nt, lo, hi);
    for (std::int64_t t = lo; t < hi; ++t) {
      const int f = static_cast<int>(t / tiles_per_frame);
      const int p0 = static_cast<int>((t % tiles_per_frame) * kTile);
      const int n = std::min(kTile, Pn - p0);
      const std::int64_t first = std::int64_t{f} * Pn + p0;
      const float* xy = batch.coords + first * 2;
      for (int i = 0; i < 2 * n; ++i) s.xy[i] = xy[i];
      if (warped) apply_warp(warps.data() + std::int64_t{f} * 6, n, s);
      const bool timed = tid == 0;
      const double t0 = timed ? now() : 0;
      encode(s.xy.data(), batch.frame[f], n, s);
      const double t1 = timed ? now() : 0;
      forward(n, f, s);
      const double t2 = timed ? now() : 0;
      const float* out = s.acts[nl].data();
      const float* tgt = batch.target + first * C;
      float* d = s.d0.data();
      if (!batch.weight && !batch.error_out) {
        for (int e = 0; e < n * C; ++e) {
          const float diff = out[e] - tgt[e];
          loss += static_cast<double>(diff) * diff;
          d[e] = diff * scale;
        }
      } else {
        const float* w = batch.weight ? batch.weight + first : nullptr;
        float* err = batch.error_out ? batch.error_out + first : nullptr;
        for (int i = 0; i < n; ++i) {
          const float wi = w ? w[i] : 1.0f;
          float sq = 0;
          for (int c = 0; c < C; ++c) {
            const int e = i * C + c;
            const float diff = out[e] - tgt[e];
            sq += diff * diff;
            d[e] = diff * scale * wi;
          }
          loss += static_cast<double>(wi) * sq;
          if (err) err[i] = sq;
        }
      }
      const float* denc = backward(n, f, s, d, grad_[tid].data(), dwt + std::int64_t{f} * dwt_frame_size_, timed);
      if (warped) warp_backward(n, s, denc, warp_acc + std::int64_t{f} * 6);
      if (timed) {
        timings[kEncode] += t1 - t0;
        timings[kForward] += t2 - t1;
        timings[kBackward] += now() - t2;
      }
    }
    loss_[tid] = loss;
  });
  lap(kTiles);
  pool_.run([&](int tid) {  // C
    for (int pair = tid; pair < F * nmods; pair += nt) {
      const int f = pair / nmods, k = pair % nmods;
      unmodulate(f, k, latent(f), grad_[tid].data(), scratch_[tid]->mod.data());
    }
  });
  if (warped) {  // dL/dz[k] = scale · dL/dp[k] for the warp's latent components: serial, F·6 adds
    for (int f = 0; f < F; ++f) {
      float* gz = grad_[0].data() + model_.latents + std::int64_t{batch.frame[f]} * model_.latent_dim;
      for (int k = 0; k < model_.warp_dims(); ++k) {
        double sum = 0;
        for (int t = 0; t < nt; ++t) sum += warp_acc_[t][std::size_t(f) * 6 + k];
        gz[k] += static_cast<float>(model_.warp_scale * sum);
      }
    }
  }
  if (latent_grad) {  // extra loss terms on the latent rows (alignment): serial, F·D adds
    for (int f = 0; f < F; ++f)
      k_->axpy(model_.latent_dim, 1.0f, latent_grad + std::int64_t{f} * model_.latent_dim,
               grad_[0].data() + model_.latents + std::int64_t{batch.frame[f]} * model_.latent_dim);
  }
  lap(kUnmodulate);
  if (fake_quantized) restore_fake_quantized();  // straight-through: the update lands on the float values
  if (rates) ++step_count;
  pool_.run([&](int tid) { reduce_and_update(tid, rates, grads_out); });  // D
  lap(kUpdate);
  double loss = 0;
  for (double l : loss_) loss += l;
  return loss / (static_cast<double>(F) * Pn * C);
}

void Network::render(const float* z, double time, int width, int height, float* rgb) {
  const bool warped = model_.warp != WarpKind::None;
  double warp[6];
  if (warped) warp_params(z, warp);
  const int nl = static_cast<int>(model_.layers.size());
  const int C = model_.layers.back().out;
  const int nt = pool_.size();
  const int nmods = static_cast<int>(model_.mods.size());
  plan_frames(1);
  pool_.run([&](int tid) {
    for (int i = tid; i < nl; i += nt)
      if (model_.layers[i].mod < 0)
        transpose(params_.data() + model_.layers[i].weight, model_.layers[i].out, model_.layers[i].in, base_t_[i].data());
    for (int k = tid; k < nmods; k += nt) modulate(z, k, frame_slots_.data() + mod_slot_offset_[k], scratch_[tid]->mod.data());
  });
  const std::int64_t pixels = std::int64_t{width} * height;
  const std::int64_t tiles = (pixels + kTile - 1) / kTile;
  pool_.run([&](int tid) {
    Scratch& s = *scratch_[tid];
    std::int64_t lo, hi;
    split(tiles, tid, nt, lo, hi);
    for (std::int64_t t = lo; t < hi; ++t) {
      const std::int64_t q0 = t * kTile;
      const int n = static_cast<int>(std::min<std::int64_t>(kTile, pixels - q0));
      for (int p = 0; p < n; ++p) {
        const std::int64_t q = q0 + p;
        // Rounded to float32 like training coordinates and the reference decoder's (src/codec/render/coords.ts).
        s.xy[2 * p] = static_cast<float>((static_cast<double>(q % width) + 0.5) / width);
        s.xy[2 * p + 1] = static_cast<float>((static_cast<double>(q / width) + 0.5) / height);
      }
      if (warped) apply_warp(warp, n, s);
      encode(s.xy.data(), time, n, s);
      forward(n, 0, s);
      const float* out = s.acts[nl].data();
      float* dst = rgb + q0 * C;
      for (int e = 0; e < n * C; ++e) dst[e] = std::min(1.0f, std::max(0.0f, out[e]));
    }
  });
}

}  // namespace lirn
