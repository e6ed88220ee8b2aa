#include "sampler.h"

namespace lirn {

void sample_pixels(const ClipFrames& clip, const std::int32_t* frame, int count, int pixels, Xoshiro128& rng,
                   float* coords, float* target) {
  const std::uint64_t area = std::uint64_t(clip.width) * clip.height;
  const double w = clip.width, h = clip.height;
  std::int64_t n = 0;
  for (int f = 0; f < count; ++f) {
    const std::uint8_t* data = clip.frames[frame[f]];
    for (int s = 0; s < pixels; ++s, ++n) {
      const std::uint32_t p = rng.below(area);
      const std::uint32_t x = p % clip.width, y = p / clip.width;
      coords[2 * n] = static_cast<float>((x + 0.5) / w);
      coords[2 * n + 1] = static_cast<float>((y + 0.5) / h);
      const std::uint8_t* px = data + 3 * std::uint64_t(p);
      target[3 * n] = static_cast<float>(px[0] / 255.0);
      target[3 * n + 1] = static_cast<float>(px[1] / 255.0);
      target[3 * n + 2] = static_cast<float>(px[2] / 255.0);
    }
  }
}

}  // namespace lirn
