// N-API surface of the native engine. Everything crossing from JS is validated here (lengths, ranges) before
// any kernel sees it; errors are thrown as JS errors naming the argument.
#include <napi.h>

#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kernels.h"
#include "model.h"
#include "network.h"
#include "sampler.h"
#include "thread_pool.h"

namespace {

using lirn::Network;

const lirn::Kernels* kernels_for(const Napi::Value& v) {
  std::string force = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  return lirn::select_kernels(force.c_str());
}

template <typename T>
T typed(const Napi::CallbackInfo& info, int i, const char* name, napi_typedarray_type type) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + name + "' has the wrong array type");
  return v.As<T>();
}

int integer(const Napi::CallbackInfo& info, int i, const char* name, int lo, int hi) {
  const Napi::Value v = info[i];
  const double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(x >= lo && x <= hi) || std::floor(x) != x)
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + name + "' must be an integer in [" +
                                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(x);
}

class Engine : public Napi::ObjectWrap<Engine> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {InstanceMethod("info", &Engine::Info), InstanceMethod("read", &Engine::Read),
                        InstanceMethod("write", &Engine::Write), InstanceMethod("getStep", &Engine::GetStep),
                        InstanceMethod("setStep", &Engine::SetStep), InstanceMethod("setAdam", &Engine::SetAdam),
                        InstanceMethod("setFakeQuant", &Engine::SetFakeQuant),
                        InstanceMethod("train", &Engine::Train), InstanceMethod("trainAsync", &Engine::TrainAsync),
                        InstanceMethod("attachFrames", &Engine::AttachFrames),
                        InstanceMethod("render", &Engine::Render),
                        InstanceMethod("timings", &Engine::Timings), InstanceMethod("dispose", &Engine::Dispose)});
  }

  // new Engine(descriptor: Float64Array, threads: number, trainable: boolean, isa?: string)
  explicit Engine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Engine>(info) {
    Napi::Env env = info.Env();
    auto desc = typed<Napi::Float64Array>(info, 0, "descriptor", napi_float64_array);
    const int threads = integer(info, 1, "threads", 1, 1024);
    const bool trainable = info[2].ToBoolean();
    try {
      lirn::Model model = lirn::parse_model(desc.Data(), desc.ElementLength());
      net_ = std::make_unique<Network>(std::move(model), threads, trainable, kernels_for(info[3]));
    } catch (const lirn::DescriptorError& e) {
      throw Napi::Error::New(env, e.what());
    } catch (const std::bad_alloc&) {
      throw Napi::Error::New(env, "native engine: out of memory allocating the model");
    }
    trainable_ = trainable;
  }

 private:
  Network& net(const Napi::Env& env) {
    if (!net_ || dispose_pending_) throw Napi::Error::New(env, "native engine was disposed");
    if (busy_) throw Napi::Error::New(env, "native engine is busy: await the running step first");
    return *net_;
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Network& n = net(info.Env());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("isa", n.kernels()->isa);
    o.Set("threads", n.threads());
    o.Set("total", static_cast<double>(n.model().total));
    return o;
  }

  std::vector<float>& buffer(const Napi::CallbackInfo& info, int which) {
    Network& n = net(info.Env());
    if (which == 0) return n.params();
    if (!trainable_) throw Napi::Error::New(info.Env(), "this native engine was created without optimizer state");
    return which == 1 ? n.adam_m() : n.adam_v();
  }

  // read(which: 0 params | 1 adam m | 2 adam v, out: Float32Array, offset?: number): the whole buffer, or with
  // `offset` the out.length values from there (e.g. a few latent rows).
  Napi::Value Read(const Napi::CallbackInfo& info) {
    const int which = integer(info, 0, "which", 0, 2);
    auto out = typed<Napi::Float32Array>(info, 1, "out", napi_float32_array);
    auto& b = buffer(info, which);
    if (info.Length() > 2 && !info[2].IsUndefined()) {
      const double offset = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : NAN;
      if (!(offset >= 0) || std::floor(offset) != offset || offset + out.ElementLength() > static_cast<double>(b.size()))
        throw Napi::RangeError::New(info.Env(), "read: 'offset' + out length must lie inside the parameter vector");
      const auto first = b.begin() + static_cast<std::ptrdiff_t>(offset);
      std::copy(first, first + static_cast<std::ptrdiff_t>(out.ElementLength()), out.Data());
      return info.Env().Undefined();
    }
    if (out.ElementLength() != b.size()) throw Napi::RangeError::New(info.Env(), "read: 'out' length != parameter count");
    std::copy(b.begin(), b.end(), out.Data());
    return info.Env().Undefined();
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    const int which = integer(info, 0, "which", 0, 2);
    auto src = typed<Napi::Float32Array>(info, 1, "src", napi_float32_array);
    auto& b = buffer(info, which);
    if (src.ElementLength() != b.size()) throw Napi::RangeError::New(info.Env(), "write: 'src' length != parameter count");
    std::copy(src.Data(), src.Data() + b.size(), b.begin());
    return info.Env().Undefined();
  }

  Napi::Value GetStep(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(net(info.Env()).step_count));
  }

  Napi::Value SetStep(const Napi::CallbackInfo& info) {
    net(info.Env()).step_count = integer(info, 0, "step", 0, 2147483647);
    return info.Env().Undefined();
  }

  Napi::Value SetAdam(const Napi::CallbackInfo& info) {
    Network& n = net(info.Env());
    auto num = [&](int i, const char* name) {
      const double x = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : NAN;
      if (!(x >= 0 && x < 1)) throw Napi::RangeError::New(info.Env(), std::string("setAdam: '") + name + "' must be in [0, 1)");
      return x;
    };
    n.adam.beta1 = num(0, "beta1");
    n.adam.beta2 = num(1, "beta2");
    n.adam.epsilon = num(2, "epsilon");
    return info.Env().Undefined();
  }

  // setFakeQuant(bits: number[5]): per parameter group, the depth its tensors are quantized at in each training
  // step (straight-through; 0 = off).
  Napi::Value SetFakeQuant(const Napi::CallbackInfo& info) {
    Network& n = net(info.Env());
    if (!info[0].IsArray() || info[0].As<Napi::Array>().Length() != 5)
      throw Napi::TypeError::New(info.Env(), "setFakeQuant: expected an array of 5 depths (one per parameter group)");
    Napi::Array a = info[0].As<Napi::Array>();
    int bits[5];
    for (uint32_t g = 0; g < 5; ++g) {
      Napi::Value v = a.Get(g);
      const double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
      if (!(x >= 0 && x <= 16 && x == std::floor(x)))
        throw Napi::RangeError::New(info.Env(), "setFakeQuant: depth of group " + std::to_string(g) + " must be an integer in [0, 16]");
      bits[g] = static_cast<int>(x);
    }
    std::copy(bits, bits + 5, n.fake_quant_bits);
    return info.Env().Undefined();
  }

  // A validated training call: the batch, the optional rates (copied) and gradient output, and references that
  // keep the JS arrays alive while an asynchronous step reads them.
  struct TrainJob {
    lirn::Batch batch{};
    // Set when the step draws its own pixels (argument 9): coords and target are then outputs, filled first.
    bool sample = false;
    std::uint32_t rng_state[4] = {};
    float* coords_out = nullptr;
    float* target_out = nullptr;
    std::array<double, 5> rates{};
    bool has_rates = false;
    float* grads = nullptr;
    const float* latent_grad = nullptr;
    std::vector<Napi::Reference<Napi::Value>> keep;
  };

  // Arguments: (frameIndex: Int32Array, pixelsPerFrame, coords: Float32Array, target: Float32Array,
  //             rates: Float64Array(5) | null, gradsOut: Float32Array | null,
  //             latentGrad?: Float32Array(frames · latent_dim) | null,
  //             weight?: Float32Array(frames · pixelsPerFrame) | null,
  //             errorOut?: Float32Array(frames · pixelsPerFrame) | null,
  //             rngState?: Uint32Array(4) | null — the step draws its pixels from the attached frames (attachFrames)
  //             with this xoshiro128** state into coords and target (see sampler.h) before it trains on them)
  TrainJob prepare(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Network& n = net(env);
    if (!trainable_) throw Napi::Error::New(env, "this native engine was created for rendering only");
    auto frames = typed<Napi::Int32Array>(info, 0, "frameIndex", napi_int32_array);
    const int pixels = integer(info, 1, "pixelsPerFrame", 1, 1 << 26);
    auto coords = typed<Napi::Float32Array>(info, 2, "coords", napi_float32_array);
    auto target = typed<Napi::Float32Array>(info, 3, "target", napi_float32_array);
    const double F = static_cast<double>(frames.ElementLength());
    const int C = n.model().layers.back().out;
    if (F < 1 || F > (1 << 20)) throw Napi::RangeError::New(env, "train: frameIndex must hold 1 to 2^20 frames");
    if (F * pixels > double(1 << 30)) throw Napi::RangeError::New(env, "train: batch larger than 2^30 samples");
    if (static_cast<double>(coords.ElementLength()) != F * pixels * 2)
      throw Napi::RangeError::New(env, "train: coords length must be frames * pixelsPerFrame * 2");
    if (static_cast<double>(target.ElementLength()) != F * pixels * C)
      throw Napi::RangeError::New(env, "train: target length must be frames * pixelsPerFrame * " + std::to_string(C));
    for (std::size_t f = 0; f < frames.ElementLength(); ++f) {
      const std::int32_t row = frames[f];
      if (row < 0 || row >= n.model().frames)
        throw Napi::RangeError::New(env, "train: frameIndex[" + std::to_string(f) + "] = " + std::to_string(row) +
                                             " is outside the latent table (0.." + std::to_string(n.model().frames - 1) + ")");
    }
    TrainJob job;
    if (!info[4].IsNull() && !info[4].IsUndefined()) {
      auto r = typed<Napi::Float64Array>(info, 4, "rates", napi_float64_array);
      if (r.ElementLength() != 5) throw Napi::RangeError::New(env, "train: rates must hold 5 group rates");
      for (int g = 0; g < 5; ++g) {
        if (!(r[g] >= 0 && std::isfinite(r[g]))) throw Napi::RangeError::New(env, "train: rates must be finite and >= 0");
        job.rates[g] = r[g];
      }
      job.has_rates = true;
    }
    if (!info[5].IsNull() && !info[5].IsUndefined()) {
      auto g = typed<Napi::Float32Array>(info, 5, "gradsOut", napi_float32_array);
      if (static_cast<std::int64_t>(g.ElementLength()) != n.model().total)
        throw Napi::RangeError::New(env, "train: gradsOut length != parameter count");
      job.grads = g.Data();
      job.keep.push_back(Napi::Persistent(info[5]));
    }
    if (info.Length() > 6 && !info[6].IsNull() && !info[6].IsUndefined()) {
      auto lg = typed<Napi::Float32Array>(info, 6, "latentGrad", napi_float32_array);
      if (static_cast<double>(lg.ElementLength()) != F * n.model().latent_dim)
        throw Napi::RangeError::New(env, "train: latentGrad length must be frames * latent dim");
      job.latent_grad = lg.Data();
      job.keep.push_back(Napi::Persistent(info[6]));
    }
    job.batch = lirn::Batch{static_cast<int>(F), pixels, frames.Data(), coords.Data(), target.Data()};
    if (info.Length() > 7 && !info[7].IsNull() && !info[7].IsUndefined()) {
      auto w = typed<Napi::Float32Array>(info, 7, "weight", napi_float32_array);
      if (static_cast<double>(w.ElementLength()) != F * pixels)
        throw Napi::RangeError::New(env, "train: weight length must be frames * pixelsPerFrame");
      job.batch.weight = w.Data();
      job.keep.push_back(Napi::Persistent(info[7]));
    }
    if (info.Length() > 8 && !info[8].IsNull() && !info[8].IsUndefined()) {
      auto e = typed<Napi::Float32Array>(info, 8, "errorOut", napi_float32_array);
      if (static_cast<double>(e.ElementLength()) != F * pixels)
        throw Napi::RangeError::New(env, "train: errorOut length must be frames * pixelsPerFrame");
      job.batch.error_out = e.Data();
      job.keep.push_back(Napi::Persistent(info[8]));
    }
    if (info.Length() > 9 && !info[9].IsNull() && !info[9].IsUndefined()) {
      auto st = typed<Napi::Uint32Array>(info, 9, "rngState", napi_uint32_array);
      if (st.ElementLength() != 4) throw Napi::RangeError::New(env, "train: rngState must hold 4 words");
      if (clip_.frames.empty()) throw Napi::Error::New(env, "train: rngState given but no frames are attached (attachFrames)");
      if (C != 3) throw Napi::Error::New(env, "train: drawing pixels needs an RGB output (per-pixel model)");
      for (std::size_t f = 0; f < frames.ElementLength(); ++f)
        if (static_cast<std::size_t>(frames[f]) >= clip_.frames.size())
          throw Napi::RangeError::New(env, "train: frameIndex[" + std::to_string(f) + "] is outside the attached frames");
      job.sample = true;
      for (int i = 0; i < 4; ++i) job.rng_state[i] = st[i];
      job.coords_out = coords.Data();
      job.target_out = target.Data();
    }
    for (int i = 0; i < 4; ++i)
      if (i != 1) job.keep.push_back(Napi::Persistent(info[i]));
    return job;
  }

  // Draws the job's pixels (when it asks to), then trains.
  double run(TrainJob& job) {
    if (job.sample) {
      lirn::Xoshiro128 rng(job.rng_state);
      lirn::sample_pixels(clip_, job.batch.frame, job.batch.frames, job.batch.pixels, rng, job.coords_out, job.target_out);
    }
    return net_->train(job.batch, job.has_rates ? job.rates.data() : nullptr, job.grads, job.latent_grad);
  }

  // attachFrames(frames: Uint8Array[], width, height): the clip later steps draw their pixels from (RGB, 8 bits,
  // width·height·3 bytes each). The arrays are kept alive and read in place; attach again to replace them.
  Napi::Value AttachFrames(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    net(env);
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "attachFrames: 'frames' must be an array of Uint8Array");
    auto list = info[0].As<Napi::Array>();
    const int width = integer(info, 1, "width", 1, 1 << 16);
    const int height = integer(info, 2, "height", 1, 1 << 16);
    const std::uint32_t count = list.Length();
    if (count < 1 || count > (1u << 20)) throw Napi::RangeError::New(env, "attachFrames: 1 to 2^20 frames");
    lirn::ClipFrames clip;
    std::vector<Napi::Reference<Napi::Value>> refs;
    clip.width = width;
    clip.height = height;
    for (std::uint32_t i = 0; i < count; ++i) {
      const Napi::Value v = list.Get(i);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw Napi::TypeError::New(env, "attachFrames: frame " + std::to_string(i) + " is not a Uint8Array");
      auto a = v.As<Napi::Uint8Array>();
      if (static_cast<double>(a.ElementLength()) != double(width) * height * 3)
        throw Napi::RangeError::New(env, "attachFrames: frame " + std::to_string(i) + " must hold width * height * 3 bytes");
      clip.frames.push_back(a.Data());
      refs.push_back(Napi::Persistent(v));
    }
    clip_ = std::move(clip);
    clip_refs_ = std::move(refs);
    return env.Undefined();
  }

  // train(...) → MSE, synchronously on the calling thread (plus the engine's workers).
  Napi::Value Train(const Napi::CallbackInfo& info) {
    TrainJob job = prepare(info);
    return Napi::Number::New(info.Env(), run(job));
  }

  class TrainWorker : public Napi::AsyncWorker {
   public:
    TrainWorker(Napi::Env env, Engine* engine, TrainJob job, Napi::Object self)
        : Napi::AsyncWorker(env, "lirn-native-train"),
          deferred_(Napi::Promise::Deferred::New(env)),
          engine_(engine),
          job_(std::move(job)),
          self_(Napi::Persistent(self)) {}
    Napi::Promise Promise() { return deferred_.Promise(); }
    void Execute() override {
      try {
        loss_ = engine_->run(job_);
      } catch (const std::bad_alloc&) {
        SetError("native engine: out of memory during a step");
      }
    }
    void OnOK() override {
      engine_->finish();
      deferred_.Resolve(Napi::Number::New(Env(), loss_));
    }
    void OnError(const Napi::Error& e) override {
      engine_->finish();
      deferred_.Reject(e.Value());
    }

   private:
    Napi::Promise::Deferred deferred_;
    Engine* engine_;
    TrainJob job_;
    Napi::ObjectReference self_;  // keeps the engine alive until the step ends
    double loss_ = 0;
  };

  // trainAsync(...) → Promise<MSE>: the step runs off the JS thread; the engine refuses other calls meanwhile.
  Napi::Value TrainAsync(const Napi::CallbackInfo& info) {
    TrainJob job = prepare(info);
    auto* worker = new TrainWorker(info.Env(), this, std::move(job), info.This().As<Napi::Object>());
    busy_ = true;
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  void finish() {
    busy_ = false;
    if (dispose_pending_) net_.reset();
  }

  // render(z: Float32Array(latentDim), width, height, out: Float32Array(width*height*C), t = 0)
  Napi::Value Render(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Network& n = net(env);
    auto z = typed<Napi::Float32Array>(info, 0, "z", napi_float32_array);
    const int width = integer(info, 1, "width", 1, 1 << 16);
    const int height = integer(info, 2, "height", 1, 1 << 16);
    auto out = typed<Napi::Float32Array>(info, 3, "out", napi_float32_array);
    if (static_cast<int>(z.ElementLength()) != n.model().latent_dim) throw Napi::RangeError::New(env, "render: z length != latent dim");
    const double C = n.model().layers.back().out;
    if (static_cast<double>(out.ElementLength()) != double(width) * height * C)
      throw Napi::RangeError::New(env, "render: out length must be width * height * channels");
    double t = 0;
    if (info.Length() > 4 && !info[4].IsUndefined()) {
      if (!info[4].IsNumber()) throw Napi::TypeError::New(env, "render: t must be a number");
      t = info[4].As<Napi::Number>().DoubleValue();
      if (!std::isfinite(t)) throw Napi::RangeError::New(env, "render: t must be finite");
    }
    n.render(z.Data(), t, width, height, out.Data());
    return env.Undefined();
  }

  // timings() → seconds per phase since the previous call (then reset).
  Napi::Value Timings(const Napi::CallbackInfo& info) {
    Network& n = net(info.Env());
    static const char* names[] = {"modulate", "tiles", "unmodulate", "update", "encode", "forward", "backward", "encodeBackward"};
    Napi::Object o = Napi::Object::New(info.Env());
    for (int p = 0; p < Network::kPhases; ++p) {
      o.Set(names[p], n.timings[p]);
      n.timings[p] = 0;
    }
    return o;
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) dispose_pending_ = true;  // freed when the running step ends
    else net_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Network> net_;
  lirn::ClipFrames clip_;
  std::vector<Napi::Reference<Napi::Value>> clip_refs_;
  bool trainable_ = false;
  bool busy_ = false;
  bool dispose_pending_ = false;
};

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", lirn::select_kernels(nullptr)->isa);
  o.Set("hardwareThreads", static_cast<double>(std::thread::hardware_concurrency()));
  return o;
}

using Clock = std::chrono::steady_clock;

// sgemmBench(n, threads, reps, isa?) → seconds per n×n×n product (rows of C split over threads).
Napi::Value SgemmBench(const Napi::CallbackInfo& info) {
  const int n = integer(info, 0, "n", 16, 4096);
  const int threads = integer(info, 1, "threads", 1, 1024);
  const int reps = integer(info, 2, "reps", 1, 1000);
  const lirn::Kernels* k = kernels_for(info[3]);
  std::vector<float> A(std::size_t(n) * n), B(std::size_t(n) * n), C(std::size_t(n) * n);
  for (std::size_t i = 0; i < A.size(); ++i) {
    A[i] = static_cast<float>((i * 7919) % 1000) * 1e-3f - 0.5f;
    B[i] = static_cast<float>((i * 104729) % 1000) * 1e-3f - 0.5f;
  }
  lirn::ThreadPool pool(threads);
  constexpr int kc = 128;
  auto once = [&] {
    pool.run([&](int tid) {
      const int r0 = static_cast<int>(std::int64_t{n} * tid / threads), r1 = static_cast<int>(std::int64_t{n} * (tid + 1) / threads);
      for (int k0 = 0; k0 < n; k0 += kc) {
        lirn::GemmEpilogue ep;
        ep.accumulate = k0 > 0;
        const int kk = std::min(kc, n - k0);
        k->gemm(r1 - r0, n, kk, A.data() + std::size_t(r0) * n + k0, n, 1, B.data() + std::size_t(k0) * n, n,
                C.data() + std::size_t(r0) * n, n, ep);
      }
    });
  };
  once();
  const auto t0 = Clock::now();
  for (int r = 0; r < reps; ++r) once();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count() / reps;
  return Napi::Number::New(info.Env(), s);
}

// layerBench(pixels, width, threads, reps, isa?) → seconds for forward + backward of one width×width ReLU layer
// over `pixels` rows in 128-row tiles (the kernel measured against WASM in native/README.md).
Napi::Value LayerBench(const Napi::CallbackInfo& info) {
  const int pixels = integer(info, 0, "pixels", 1, 1 << 24);
  const int w = integer(info, 1, "width", 1, 4096);
  const int threads = integer(info, 2, "threads", 1, 1024);
  const int reps = integer(info, 3, "reps", 1, 1000);
  const lirn::Kernels* k = kernels_for(info[4]);
  constexpr int T = 128;
  std::vector<float> X(std::size_t(pixels) * w), Wm(std::size_t(w) * w), WT(std::size_t(w) * w), bias(w, 0.01f);
  for (std::size_t i = 0; i < X.size(); ++i) X[i] = static_cast<float>((i * 7919) % 1000) * 1e-3f - 0.3f;
  for (std::size_t i = 0; i < Wm.size(); ++i) Wm[i] = static_cast<float>((i * 104729) % 1000) * 1e-3f - 0.5f;
  for (int r = 0; r < w; ++r)
    for (int c = 0; c < w; ++c) WT[std::size_t(c) * w + r] = Wm[std::size_t(r) * w + c];
  lirn::ThreadPool pool(threads);
  std::vector<std::vector<float>> Y(threads, std::vector<float>(std::size_t(T) * w)),
      dX(threads, std::vector<float>(std::size_t(T) * w)), dW(threads, std::vector<float>(std::size_t(w) * w));
  const int tiles = (pixels + T - 1) / T;
  auto once = [&] {
    pool.run([&](int tid) {
      for (int t = tiles * tid / threads; t < tiles * (tid + 1) / threads; ++t) {
        const int n = std::min(T, pixels - t * T);
        const float* x = X.data() + std::size_t(t) * T * w;
        lirn::GemmEpilogue f;
        f.bias = bias.data();
        f.relu = true;
        k->gemm(n, w, w, x, w, 1, WT.data(), w, Y[tid].data(), w, f);
        // Treat Y as the incoming gradient: dW += Yᵀ·X, dX = (Y·W) gated by X > 0.
        lirn::GemmEpilogue acc;
        acc.accumulate = true;
        k->gemm(w, w, n, Y[tid].data(), 1, w, x, w, dW[tid].data(), w, acc);
        lirn::GemmEpilogue g;
        g.gate = x;
        g.ldg = w;
        k->gemm(n, w, w, Y[tid].data(), w, 1, Wm.data(), w, dX[tid].data(), w, g);
      }
    });
  };
  once();
  const auto t0 = Clock::now();
  for (int r = 0; r < reps; ++r) once();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count() / reps;
  return Napi::Number::New(info.Env(), s);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Engine", Engine::Define(env));
  exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo));
  exports.Set("sgemmBench", Napi::Function::New(env, SgemmBench));
  exports.Set("layerBench", Napi::Function::New(env, LayerBench));
  exports.Set("abiVersion", Napi::Number::New(env, 6));
  return exports;
}

}  // namespace

NODE_API_MODULE(lirn_native, Init)
