/* What the addon's C files share (native/uscmdrelay.c defines these). */
#ifndef USCMDRELAY_ADDON_H
#define USCMDRELAY_ADDON_H
#include <node_api.h>

/* The errno's name (ENOENT, ECONNRESET...), or EUNKNOWN. */
const char *errno_name(int err);
/* Throws an Error "<what>: <strerror>" whose code is the errno name; returns NULL. */
napi_value throw_errno(napi_env env, int err, const char *what);
/* Throws a TypeError; returns NULL. */
napi_value throw_type(napi_env env, const char *message);
/* Calls a JS callback on the event loop in an async context; an exception it throws is the
 * process's uncaught exception, as with any event. */
void call_js(napi_env env, napi_async_context context, napi_ref which, size_t argc, napi_value *argv);

/* The most one read takes (a child's pipe, a connection), and the event loop's one buffer for
 * it: every read is copied into a Buffer of its own before the next one. */
#define READ_CHUNK (64 * 1024)
extern char read_buffer[READ_CHUNK];

/* native/tcp.c: tcpServe, tcpWrite, tcpEnd, tcpDestroy, tcpStopServe. */
napi_value TcpServe(napi_env env, napi_callback_info info);
napi_value TcpWrite(napi_env env, napi_callback_info info);
napi_value TcpEnd(napi_env env, napi_callback_info info);
napi_value TcpDestroy(napi_env env, napi_callback_info info);
napi_value TcpStopServe(napi_env env, napi_callback_info info);
#endif
