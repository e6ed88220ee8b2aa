// Forward, backward and Adam for exactly the Latent-INR network (spec/04-decoding-process.md §4.3), fp32.
// One step runs in four phases over the thread pool, each split statically by thread id so results are
// deterministic for a given thread count:
//   A  per (frame, modulated layer): hypernetwork → P, Q → M = sigmoid(P·Q) → W_t = M ∘ W (and W_tᵀ)
//   B  per pixel tile: encoding, base MLP forward, loss, backward; dW_t accumulated per frame, every other
//      gradient into the thread's own gradient vector
//   C  per (frame, modulated layer): dW += M ∘ dW_t, dM = W ∘ dW_t → dU → dP, dQ → hypernetwork → latent
//   D  per slice of the parameter vector: sum the threads' gradients, then Adam (or hand the gradient out)
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels.h"
#include "model.h"
#include "thread_pool.h"

namespace lirn {

struct Batch {
  int frames;                  // F
  int pixels;                  // P per frame
  const std::int32_t* frame;   // latent row per frame, F
  const float* coords;         // F·P·2
  const float* target;         // F·P·C
  const float* weight = nullptr;  // optional loss weight per sample, F·P (importance sampling)
  float* error_out = nullptr;     // optional: Σ_c (out − target)² per sample, F·P, unweighted
};

struct Adam {
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};

class Network {
 public:
  Network(Model model, int threads, bool trainable, const Kernels* kernels);
  ~Network();

  const Model& model() const { return model_; }
  int threads() const { return pool_.size(); }
  const Kernels* kernels() const { return k_; }
  std::vector<float>& params() { return params_; }
  std::vector<float>& adam_m() { return m_; }
  std::vector<float>& adam_v() { return v_; }
  std::int64_t step_count = 0;
  Adam adam;
  // Straight-through quantization-aware training: per parameter group (0 latents … 4 patch) a depth b > 0 makes
  // every training step see each of the group's tensors quantized min–max at b bits, one range per tensor (the
  // packer's 'tensor' mode), while Adam updates the float values underneath. 0 = off.
  int fake_quant_bits[5] = {0, 0, 0, 0, 0};

  // Seconds spent per phase since the last reset (B's parts measured on thread 0 only), for benchmarks.
  enum Phase { kModulate, kTiles, kUnmodulate, kUpdate, kEncode, kForward, kBackward, kEncodeBackward, kPhases };
  double timings[kPhases] = {};

  // Forward + backward over the batch; returns the MSE. With `rates` (5 per-group learning rates) the
  // parameters take one Adam step; with `grads_out` (total floats) the gradient is written there.
  // `latent_grad` (F·latent_dim floats, optional) is the gradient of extra loss terms (feature alignment) with
  // respect to the batch's latent rows; it is added to their MSE gradient before the update.
  double train(const Batch& batch, const double* rates, float* grads_out, const float* latent_grad = nullptr);

  // Forward only at pixel centres of a width×height image for latent z (latent_dim floats) at frame time t
  // (latent rows; fractional between frames); rgb is W·H·C, clamped to [0, 1].
  void render(const float* z, double t, int width, int height, float* rgb);

  // Normalised time τ = (t + 0.5) / frames of frame time t, t clamped to [0, frames − 1] (spec §4.3.3).
  double frame_tau(double t) const {
    const double last = model_.frames - 1;
    const double c = t >= 0 ? (t <= last ? t : last) : 0;
    return (c + 0.5) / model_.frames;
  }

 private:
  struct Scratch;

  void plan_frames(int frames);
  void modulate(const float* z, int mod, float* slot, float* scratch);
  void unmodulate(int frame, int mod, const float* z, float* grad, float* scratch);
  // Encoding of n points at frame time t (latent rows, fractional between frames).
  void encode(const double* xy, double t, int n, Scratch& s) const;
  void encode_backward(int n, const Scratch& s, const float* denc, float* grad) const;
  void forward(int n, int frame, Scratch& s) const;
  const float* layer_weight(int layer, int frame) const;
  const float* layer_weight_t(int layer, int frame) const;
  // Returns dL/d(encoding) of the tile (inside s), or nullptr when nothing below the base network needs it.
  const float* backward(int n, int frame, Scratch& s, const float* dout, float* grad, float* dwt, bool timed);
  // Warp (spec §4.3.2.1): p = [u, v, a, b, c, d] of latent z; apply_warp moves s.xy (keeping s.xy0 and which
  // coordinates stayed inside [0, 1]); warp_backward adds the tile's dL/dp into acc (6 doubles).
  void warp_params(const float* z, double* p) const;
  void apply_warp(const double* p, int n, Scratch& s) const;
  void warp_backward(int n, Scratch& s, const float* denc, double* acc) const;
  void reduce_and_update(int tid, const double* rates, float* grads_out);
  // Swap the fake-quantized groups' tensors for their quantized values (keeping the float values aside), and back.
  bool fake_quantize();
  void restore_fake_quantized();

  Model model_;
  ThreadPool pool_;
  const Kernels* k_;
  bool trainable_;
  std::vector<float> params_, m_, v_;
  std::vector<float> fq_master_;  // float values of the fake-quantized tensors during a step, in tensor order

  // per frame of the current batch and modulated layer: hidden activations | v | M | W_t | W_tᵀ
  std::int64_t mod_slot_size_ = 0;
  std::vector<std::int64_t> mod_slot_offset_;   // within one frame's slots, per modulated layer
  std::vector<std::int64_t> mod_dwt_offset_;    // within one frame's dW_t block, per modulated layer
  std::int64_t dwt_frame_size_ = 0;
  std::vector<float> frame_slots_;              // planned frames × mod_slot_size_
  int planned_frames_ = 0;
  std::vector<std::vector<float>> base_t_;       // Wᵀ of every unmodulated base layer (refreshed each step)

  std::vector<std::unique_ptr<Scratch>> scratch_;   // per thread
  std::vector<std::vector<float>> grad_;            // per thread, total floats
  std::vector<std::vector<float>> dwt_;             // per thread, planned frames × dwt_frame_size_
  std::vector<double> loss_;                        // per thread
  std::vector<std::vector<double>> warp_acc_;       // per thread, planned frames × 6: dL/d[u, v, a, b, c, d]
};

}  // namespace lirn
