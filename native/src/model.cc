#include "model.h"

#include <algorithm>
#include <cmath>

namespace lirn {

namespace {

class Reader {
 public:
  Reader(const double* d, std::size_t n) : d_(d), n_(n) {}
  std::int64_t next(const char* what, std::int64_t lo, std::int64_t hi) {
    if (pos_ >= n_) throw DescriptorError(std::string("model descriptor ends before ") + what);
    const double x = d_[pos_++];
    if (!(x >= static_cast<double>(lo) && x <= static_cast<double>(hi)) || std::floor(x) != x)
      throw DescriptorError(std::string("model descriptor: ") + what + " = " + std::to_string(x) + " is not an integer in [" +
                            std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<std::int64_t>(x);
  }
  int small(const char* what, int lo, int hi) { return static_cast<int>(next(what, lo, hi)); }
  double real(const char* what) {
    if (pos_ >= n_) throw DescriptorError(std::string("model descriptor ends before ") + what);
    const double x = d_[pos_++];
    if (!std::isfinite(x)) throw DescriptorError(std::string("model descriptor: ") + what + " is not finite");
    return x;
  }
  bool done() const { return pos_ == n_; }

 private:
  const double* d_;
  std::size_t n_;
  std::size_t pos_ = 0;
};

constexpr std::int64_t kMaxTotal = std::int64_t{1} << 32;  // floats
constexpr int kMaxWidth = 1 << 16;

void check_range(const char* what, std::int64_t off, std::int64_t size, std::int64_t total) {
  if (off < 0 || size < 0 || off + size > total)
    throw DescriptorError(std::string("model descriptor: ") + what + " lies outside the parameter vector");
}

DenseLayer read_layer(Reader& r, std::int64_t total, const char* what) {
  DenseLayer l;
  l.out = r.small("layer out", 1, kMaxWidth);
  l.in = r.small("layer in", 1, kMaxWidth);
  l.weight = r.next("layer weight offset", 0, kMaxTotal);
  l.bias = r.next("layer bias offset", 0, kMaxTotal);
  check_range(what, l.weight, std::int64_t{l.out} * l.in, total);
  check_range(what, l.bias, l.out, total);
  return l;
}

}  // namespace

int Model::max_width() const {
  int w = enc_dim;
  for (const auto& l : layers) w = std::max({w, l.out, l.in});
  return w;
}

Model parse_model(const double* desc, std::size_t length) {
  Reader r(desc, length);
  Model m;
  if (r.small("version", 0, 1000) != 5) throw DescriptorError("model descriptor: unsupported version");
  m.encoding = static_cast<Encoding>(r.small("encoding type", 0, 1));
  m.enc_dim = r.small("encoding dim", 1, kMaxWidth);
  m.latent_dim = r.small("latent dim", 1, kMaxWidth);
  m.frames = r.small("latent rows", 1, 1 << 24);
  m.rank = r.small("rank", 1, kMaxWidth);
  const int n_layers = r.small("base layers", 1, 64);
  const int n_mods = r.small("modulated layers", 0, 64);
  const int n_tensors = r.small("tensors", 1, 4096);
  m.total = r.next("total parameters", 1, kMaxTotal);
  m.latents = r.next("latents offset", 0, kMaxTotal);
  check_range("latents", m.latents, std::int64_t{m.frames} * m.latent_dim, m.total);
  m.warp = static_cast<WarpKind>(r.small("warp kind", 0, 2));
  m.warp_scale = r.real("warp scale");
  if (m.warp != WarpKind::None && !(m.warp_scale > 0 && m.warp_scale <= 1))
    throw DescriptorError("model descriptor: warp scale must be in (0, 1]");
  if (m.warp_dims() > m.latent_dim) throw DescriptorError("model descriptor: the warp reads more latent components than there are");

  if (m.encoding == Encoding::HashGrid) {
    m.levels = r.small("grid levels", 1, 64);
    m.features = r.small("features per level", 1, 64);
    m.log2_table = r.small("log2 hashmap size", 1, 30);
    if (m.enc_dim != m.levels * m.features) throw DescriptorError("model descriptor: encoding dim != levels * features");
    const std::int64_t table = std::int64_t{1} << m.log2_table;
    // Ascending frames from 1 (spec §3: up to 4096 of them, each ≤ 2^24); starts past the chunk's last frame are
    // allowed and never reached.
    const int n_starts = r.small("scene starts", 0, 4096);
    for (int k = 0; k < n_starts; ++k) {
      const int first = k == 0 ? 1 : m.scene_starts.back() + 1;
      m.scene_starts.push_back(r.small("scene start", first, 1 << 24));
    }
    const std::int64_t scenes = n_starts + 1;
    for (int l = 0; l < m.levels; ++l) {
      GridLevel g;
      g.resolution = r.small("level resolution", 1, 1 << 24);
      g.y_resolution = r.small("level y resolution", 1, 1 << 24);
      g.time_resolution = r.small("level time resolution", 0, 1 << 24);
      g.rows = r.next("level rows", 1, kMaxTotal);
      g.offset = r.next("level offset", 0, kMaxTotal);
      const std::int64_t area = (std::int64_t{g.resolution} + 1) * (std::int64_t{g.y_resolution} + 1);
      // area < 2^50 and slices ≤ 2^24 + 1: the product is only formed when area fits the table (no int64 overflow).
      const std::int64_t slices = g.time_resolution > 0 ? std::int64_t{g.time_resolution} + 1 : scenes;
      g.dense = area <= table && area * slices <= table;
      const std::int64_t vertices = g.dense ? area * slices : table;
      if (g.rows != vertices) throw DescriptorError("model descriptor: level rows do not match its resolution");
      check_range("grid level", g.offset, g.rows * m.features, m.total);
      m.grid.push_back(g);
    }
  } else {
    m.frequencies = r.small("frequencies", 0, 32);
    m.include_input = r.small("include input", 0, 1) == 1;
    if (m.enc_dim != (m.include_input ? 2 : 0) + 4 * m.frequencies)
      throw DescriptorError("model descriptor: encoding dim does not match the Fourier features");
  }

  for (int i = 0; i < n_layers; ++i) {
    DenseLayer l = read_layer(r, m.total, "base layer");
    const int expect_in = i == 0 ? m.enc_dim : m.layers.back().out;
    if (l.in != expect_in) throw DescriptorError("model descriptor: base layer " + std::to_string(i) + " input width does not chain");
    m.layers.push_back(l);
  }
  for (int k = 0; k < n_mods; ++k) {
    Modulation mod;
    mod.layer = r.small("modulated layer", 0, n_layers - 1);
    if (m.layers[mod.layer].mod >= 0) throw DescriptorError("model descriptor: a base layer is modulated twice");
    m.layers[mod.layer].mod = k;
    mod.out = m.layers[mod.layer].out;
    mod.in = m.layers[mod.layer].in;
    const int n_hyper = r.small("hypernetwork layers", 1, 16);
    for (int j = 0; j < n_hyper; ++j) {
      DenseLayer h = read_layer(r, m.total, "hypernetwork layer");
      const int expect_in = j == 0 ? m.latent_dim : mod.hyper.back().out;
      if (h.in != expect_in) throw DescriptorError("model descriptor: hypernetwork input width does not chain");
      mod.hyper.push_back(h);
    }
    if (std::int64_t{mod.hyper.back().out} != std::int64_t{m.rank} * (mod.out + mod.in))
      throw DescriptorError("model descriptor: hypernetwork output is not rank*(out+in)");
    m.mods.push_back(mod);
  }
  std::int64_t covered = 0;
  for (int t = 0; t < n_tensors; ++t) {
    TensorRange tr;
    tr.offset = r.next("tensor offset", 0, kMaxTotal);
    tr.size = r.next("tensor size", 0, kMaxTotal);
    tr.group = r.small("tensor group", 0, 4);
    check_range("tensor", tr.offset, tr.size, m.total);
    if (tr.offset != covered) throw DescriptorError("model descriptor: tensors are not contiguous");
    covered += tr.size;
    m.tensors.push_back(tr);
  }
  if (covered != m.total) throw DescriptorError("model descriptor: tensors do not cover the parameter vector");
  if (!r.done()) throw DescriptorError("model descriptor has trailing values");
  return m;
}

}  // namespace lirn
