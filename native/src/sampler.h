// The trainer's uniform pixel batches (src/codec/train/sampler.ts, pixelBatch), drawn natively so the JS thread
// does not compete with the engine's threads for the cores. Bit-identical to the TypeScript sampler: the same
// xoshiro128** stream (src/codec/util/random.ts), continued from the state the trainer hands over after it picked
// the batch's frames, the same rejection sampling of Rng.fillInts, the same float32 roundings.
#pragma once
#include <cstdint>
#include <vector>

namespace lirn {

class Xoshiro128 {
 public:
  explicit Xoshiro128(const std::uint32_t state[4]) : s_{state[0], state[1], state[2], state[3]} {}
  std::uint32_t next() {
    const std::uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const std::uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }
  // Uniform integer in [0, n) by rejection of the top partial bucket (Rng.int / Rng.fillInts).
  std::uint32_t below(std::uint64_t n) {
    const std::uint64_t limit = (std::uint64_t{1} << 32) - ((std::uint64_t{1} << 32) % n);
    std::uint32_t u = next();
    while (u >= limit) u = next();
    return static_cast<std::uint32_t>(u % n);
  }

 private:
  static std::uint32_t rotl(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  std::uint32_t s_[4];
};

// RGB frames of one clip, 8 bits per channel, width × height × 3 each.
struct ClipFrames {
  std::vector<const std::uint8_t*> frames;
  int width = 0;
  int height = 0;
};

// For each of the `count` frames in `frame` order, `pixels` uniform random pixels: coords (x + 0.5)/W, (y + 0.5)/H
// and RGB targets value/255, as float32, into coords (count·pixels·2) and target (count·pixels·3).
void sample_pixels(const ClipFrames& clip, const std::int32_t* frame, int count, int pixels, Xoshiro128& rng,
                   float* coords, float* target);

}  // namespace lirn
