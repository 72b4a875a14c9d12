{
  "targets": [
    {
      "target_name": "seraplot",

      # The core's C++ sources are listed by a command so that a new file in core/src is
      # built without editing this file. gyp runs the command in this file's folder.
      "sources": [
        "node/src/addon.cpp",
        "<!@(node -p \"require('fs').readdirSync('core/src').filter((f) => f.endsWith('.cpp')).sort().map((f) => 'core/src/' + f).join(' ')\")"
      ],

      # RapidJSON is not listed: it comes from /usr/include (Debian's rapidjson-dev), a
      # system folder, so the compiler keeps quiet about warnings inside its headers.
      "include_dirs": [
        "core/include",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],

      "defines": [
        # Node-API 8 is available from Node 12.22 and 14.17 on, so every Node that
        # package.json allows (>=18) can load the addon.
        "NAPI_VERSION=8",

        # A failed node-addon-api call throws Napi::Error, which node-addon-api turns into
        # a JavaScript exception when it leaves the callback. The binding catches every
        # other C++ exception itself.
        "NAPI_CPP_EXCEPTIONS"
      ],

      # Node's common.gypi builds with -fno-exceptions, -fno-rtti and -std=gnu++17. The
      # core throws and catches exceptions internally and is written as portable C++17
      # for all its builds, so it is compiled here as it is everywhere else.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        # Stated here so that a Node built with other defaults still gets an optimized
        # core, which does all the parsing and writing.
        "-O3",
        # Keeps the core's C++ symbols out of the dynamic symbol table, so they cannot
        # clash with another library in the Node process. Only the addon's entry point
        # and the C interface stay visible.
        "-fvisibility=hidden"
      ],

      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_ENABLE_CPP_RTTI": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_OPTIMIZATION_LEVEL": "3",
            "WARNING_CFLAGS": ["-Wall", "-Wextra"],
            "OTHER_CPLUSPLUSFLAGS": ["-fvisibility=hidden"]
          }
        }],
        ["OS=='win'", {
          "msvs_settings": {
            "VCCLCompilerTool": {
              # /EHsc: C++ exceptions on, as on the other systems.
              "ExceptionHandling": 1,
              "RuntimeTypeInfo": "true",
              "AdditionalOptions": ["/std:c++17"]
            }
          }
        }]
      ]
    }
  ]
}
