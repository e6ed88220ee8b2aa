{
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fPIC", "-fno-math-errno"],
    "cflags": ["-O3", "-fPIC"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
  },
  "targets": [
    {
      "target_name": "lirn_native",
      "sources": [
        "src/addon.cc",
        "src/model.cc",
        "src/network.cc",
        "src/sampler.cc",
        "src/thread_pool.cc",
        "src/kernels_generic.cc",
        "src/kernels_select.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["-pthread"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["lirn_avx2", "lirn_avx512"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "lirn_avx2",
          "type": "static_library",
          "sources": ["src/kernels_avx2.cc"],
          "cflags_cc": ["-mavx2", "-mfma"]
        },
        {
          "target_name": "lirn_avx512",
          "type": "static_library",
          "sources": ["src/kernels_avx512.cc"],
          "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-Wno-uninitialized", "-Wno-maybe-uninitialized"]
        }
      ]
    }]
  ]
}
