// The network's shape and where each parameter lives in the flat parameter vector. Built from the Float64Array
// descriptor that src/codec/engine/native/layout.ts writes (same order as src/codec/model/params.ts).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace lirn {

enum class Encoding { HashGrid = 0, Fourier = 1 };

// Per-frame coordinate warp from the first latent components (spec §4.3.2.1).
enum class WarpKind { None = 0, Translation = 1, Affine = 2 };

struct GridLevel {
  int resolution;        // N: cells across
  int y_resolution;      // M: cells down
  int time_resolution;  // 0: static 2-D level
  std::int64_t rows;
  bool dense;
  std::int64_t offset;
};

struct DenseLayer {
  int out;
  int in;
  std::int64_t weight;
  std::int64_t bias;
  int mod = -1;  // index into Model::mods when this base layer is modulated
};

struct Modulation {
  int layer;
  std::vector<DenseLayer> hyper;  // hypernetwork layers, tanh after all but the last
  int out, in;                    // base layer shape
};

struct TensorRange {
  std::int64_t offset;
  std::int64_t size;
  int group;  // 0 latents, 1 encoding, 2 base, 3 hyper, 4 patch
};

struct Model {
  Encoding encoding;
  int enc_dim;
  // hash grid
  int levels = 0, features = 0, log2_table = 0;
  std::vector<GridLevel> grid;
  // Frames that start scenes 1, 2, … (ascending, inside the chunk): static levels hold a time slice per scene.
  std::vector<int> scene_starts;
  // Scene of frame time t (clamped to [0, frames − 1] like τ): the scene starts at or before it.
  int scene_of(double t) const {
    const double last = frames - 1;
    const double c = t >= 0 ? (t <= last ? t : last) : 0;
    int s = 0;
    while (s < static_cast<int>(scene_starts.size()) && scene_starts[s] <= c) ++s;
    return s;
  }
  // fourier
  int frequencies = 0;
  bool include_input = false;

  int latent_dim;
  int frames;
  WarpKind warp = WarpKind::None;
  double warp_scale = 0;
  int warp_dims() const { return warp == WarpKind::Affine ? 6 : warp == WarpKind::Translation ? 2 : 0; }
  int rank;
  std::int64_t latents;
  std::vector<DenseLayer> layers;
  std::vector<Modulation> mods;
  std::vector<TensorRange> tensors;
  std::int64_t total;

  int max_width() const;
  bool encoding_has_params() const { return encoding == Encoding::HashGrid; }
};

class DescriptorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Validates everything (chained shapes, offsets inside the vector, group ids); throws DescriptorError.
Model parse_model(const double* desc, std::size_t length);

}  // namespace lirn
