{
  "targets": [
    {
      "target_name": "uscmdrelay",
      "sources": ["native/uscmdrelay.c", "native/tcp.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
