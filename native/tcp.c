/*
 * The TCP door's plain connections, accepted, read and written here instead of through Node's
 * net.Socket (README, Benchmarks: a Socket and its streams cost more per connection than
 * everything the relay does). TLS connections and other listeners stay on Node.
 *
 *   tcpServe(fd, onConnection, onData, onEnd, onWritten, onClosed) -> server
 *     fd is a listening TCP socket; it is duplicated here, so the caller closes its own. Every
 *     callback runs on the event loop:
 *       onConnection(id, remoteAddress, remotePort)  accepted; id names it until it is closed
 *       onData(id, chunk)                            bytes read (a Buffer of its own)
 *       onEnd(id)                                    the peer half-closed (end of file)
 *       onWritten(id)                                what tcpWrite queued has all reached the
 *                                                    kernel (and, after tcpEnd, the shutdown is
 *                                                    done)
 *       onClosed(id, code, syscall)                  a read or a write failed (code: the errno
 *                                                    name, e.g. ECONNRESET; syscall: "read" or
 *                                                    "write"); it is closed and its id is free
 *   tcpWrite(id, data) -> bytes still queued here (0: all in the kernel), or the errno name
 *     (EPIPE, ECONNRESET...) when the connection is broken: the caller destroys it
 *   tcpEnd(id) -> 1 when the shutdown is done at once, 0 when it waits for the queue (onWritten)
 *   tcpDestroy(id)         closes it now; its id is free; no callback follows
 *   tcpStopServe(server)   stops accepting; open connections go on
 *
 * One epoll set per server holds the listening socket and its connections (one epoll_ctl to
 * watch a connection, where a libuv handle takes three); libuv polls that set.
 */
#define _GNU_SOURCE
#include "addon.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define ACCEPTS_PER_WAKE 64
#define EVENTS_PER_WAKE 64
#define ACCEPT_RETRY_MS 100 /* out of descriptors: accept again after this */
#define LISTENER_TAG UINT64_MAX

typedef struct server server;

typedef struct {
  server *owner;
  int fd;
  uint32_t id, generation;
  uint32_t watched; /* the epoll events asked for; 0 = not in the set */
  int read_ended, ending, shut;
  char *queue;
  size_t queue_start, queue_end, queue_capacity;
} connection;

struct server {
  napi_env env;
  napi_ref on_connection, on_data, on_end, on_written, on_closed;
  napi_async_context context;
  int epoll_fd, listen_fd;
  uv_poll_t poll;
  uv_timer_t retry;
  int stopped, closing, connections;
  int refs; /* the JS external, the two uv handles until closed */
  int handles_open;
};

/* Every open connection, by id; the generation in the epoll tag tells a reused id apart. */
static connection **slots;
static uint32_t *generations;
static uint32_t slot_count;
static uint32_t *free_ids;
static uint32_t free_count;

static connection *connection_of(uint32_t id) { return id < slot_count ? slots[id] : NULL; }

static int take_id(connection *c) {
  if (free_count == 0) {
    uint32_t grown = slot_count == 0 ? 64 : slot_count * 2;
    connection **more_slots = realloc(slots, grown * sizeof *slots);
    if (more_slots == NULL) return -1;
    slots = more_slots;
    uint32_t *more_generations = realloc(generations, grown * sizeof *generations);
    if (more_generations == NULL) return -1;
    generations = more_generations;
    uint32_t *more_free = realloc(free_ids, grown * sizeof *free_ids);
    if (more_free == NULL) return -1;
    free_ids = more_free;
    for (uint32_t id = grown; id > slot_count; id--) {
      slots[id - 1] = NULL;
      generations[id - 1] = 0;
      free_ids[free_count++] = id - 1;
    }
    slot_count = grown;
  }
  c->id = free_ids[--free_count];
  c->generation = ++generations[c->id];
  slots[c->id] = c;
  return 0;
}

static void close_server_if_done(server *s);

/* Takes the connection out of the set and the table and closes it; the server still counts it. */
static server *detach(connection *c) {
  server *s = c->owner;
  if (c->watched) epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  slots[c->id] = NULL;
  free_ids[free_count++] = c->id;
  free(c->queue);
  free(c);
  return s;
}

static void connection_gone(server *s) {
  s->connections--;
  close_server_if_done(s);
}

/* Asks epoll for what the connection still waits for: input until its end, output while a
 * queue is left. Nothing: out of the set (a write then goes straight to the kernel). */
static void rewatch(connection *c) {
  uint32_t wanted = (c->read_ended ? 0 : EPOLLIN) | (c->queue_end > c->queue_start ? EPOLLOUT : 0);
  if (wanted == c->watched) return;
  struct epoll_event event = {.events = wanted, .data.u64 = ((uint64_t)c->generation << 32) | c->id};
  int op = c->watched == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
  epoll_ctl(c->owner->epoll_fd, op, c->fd, &event);
  c->watched = wanted;
}

static void call_back(server *s, napi_ref which, size_t argc, napi_value *argv) { call_js(s->env, s->context, which, argc, argv); }

/* Calls back with the id and, when given, one more argument made in the same handle scope. */
static void report(connection *c, napi_ref which, napi_value (*extra)(napi_env, void *), void *data) {
  server *s = c->owner;
  napi_handle_scope scope;
  napi_open_handle_scope(s->env, &scope);
  napi_value argv[2];
  napi_create_uint32(s->env, c->id, &argv[0]);
  size_t argc = 1;
  if (extra != NULL) argv[argc++] = extra(s->env, data);
  call_back(s, which, argc, argv);
  napi_close_handle_scope(s->env, scope);
}

/* A read or a write (`syscall`) failed: the connection is closed and the caller told. */
static void fail(connection *c, int err, const char *syscall) {
  uint32_t id = c->id;
  server *s = detach(c);
  napi_handle_scope scope;
  napi_open_handle_scope(s->env, &scope);
  napi_value argv[3];
  napi_create_uint32(s->env, id, &argv[0]);
  napi_create_string_utf8(s->env, errno_name(err), NAPI_AUTO_LENGTH, &argv[1]);
  napi_create_string_utf8(s->env, syscall, NAPI_AUTO_LENGTH, &argv[2]);
  call_back(s, s->on_closed, 3, argv);
  napi_close_handle_scope(s->env, scope);
  connection_gone(s);
}

/* Shuts the sending side, once. */
static void half_close(connection *c) {
  if (c->shut) return;
  shutdown(c->fd, SHUT_WR);
  c->shut = 1;
}

/* Writes what is queued; 0, or the errno of a failed write. */
static int flush(connection *c) {
  while (c->queue_end > c->queue_start) {
    ssize_t n = send(c->fd, c->queue + c->queue_start, c->queue_end - c->queue_start, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return errno;
    }
    c->queue_start += (size_t)n;
  }
  c->queue_start = c->queue_end = 0;
  if (c->ending) half_close(c);
  return 0;
}

static int enqueue(connection *c, const char *data, size_t length) {
  if (c->queue_start > 0 && c->queue_end + length > c->queue_capacity) {
    memmove(c->queue, c->queue + c->queue_start, c->queue_end - c->queue_start);
    c->queue_end -= c->queue_start;
    c->queue_start = 0;
  }
  if (c->queue_end + length > c->queue_capacity) {
    size_t capacity = c->queue_capacity == 0 ? 16384 : c->queue_capacity;
    while (capacity < c->queue_end + length) capacity *= 2;
    char *grown = realloc(c->queue, capacity);
    if (grown == NULL) return ENOMEM;
    c->queue = grown;
    c->queue_capacity = capacity;
  }
  memcpy(c->queue + c->queue_end, data, length);
  c->queue_end += length;
  return 0;
}

static napi_value buffer_copy(napi_env env, void *data) {
  napi_value value;
  void *ignored;
  napi_create_buffer_copy(env, *(size_t *)data, read_buffer, &ignored, &value);
  return value;
}

static void on_readable(connection *c) {
  ssize_t n;
  do {
    n = recv(c->fd, read_buffer, sizeof read_buffer, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) fail(c, errno, "read");
    return;
  }
  if (n == 0) {
    c->read_ended = 1;
    rewatch(c);
    report(c, c->owner->on_end, NULL, NULL);
    return;
  }
  size_t length = (size_t)n;
  report(c, c->owner->on_data, buffer_copy, &length);
}

static void on_writable(connection *c) {
  int err = flush(c);
  if (err != 0) return fail(c, err, "write");
  rewatch(c);
  if (c->queue_end == 0) report(c, c->owner->on_written, NULL, NULL);
}

static void on_socket_error(connection *c) {
  int err = 0;
  socklen_t length = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &length);
  fail(c, err != 0 ? err : ECONNRESET, "read");
}

static void on_retry(uv_timer_t *timer);

static void accept_connections(server *s) {
  for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    int fd = accept4(s->listen_fd, (struct sockaddr *)&address, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Out of descriptors: the pending connection stays queued; stop asking for a while
         * rather than spin on it. */
        epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->listen_fd, NULL);
        uv_timer_start(&s->retry, on_retry, ACCEPT_RETRY_MS, 0);
      }
      return; /* EAGAIN: none left; ECONNABORTED and the like: gone before we took it */
    }
    connection *c = calloc(1, sizeof *c);
    if (c == NULL || take_id(c) != 0) {
      free(c);
      close(fd);
      continue;
    }
    c->owner = s;
    c->fd = fd;
    s->connections++;
    rewatch(c);
    char host[INET6_ADDRSTRLEN] = "";
    int port = 0;
    if (address.ss_family == AF_INET) {
      struct sockaddr_in *in = (struct sockaddr_in *)&address;
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      port = ntohs(in->sin_port);
    } else if (address.ss_family == AF_INET6) {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
      inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      port = ntohs(in6->sin6_port);
    }
    napi_handle_scope scope;
    napi_open_handle_scope(s->env, &scope);
    napi_value argv[3];
    napi_create_uint32(s->env, c->id, &argv[0]);
    napi_create_string_utf8(s->env, host, NAPI_AUTO_LENGTH, &argv[1]);
    napi_create_int32(s->env, port, &argv[2]);
    call_back(s, s->on_connection, 3, argv);
    napi_close_handle_scope(s->env, scope);
  }
}

static void watch_listener(server *s) {
  struct epoll_event event = {.events = EPOLLIN, .data.u64 = LISTENER_TAG};
  epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &event);
}

static void on_retry(uv_timer_t *timer) {
  server *s = timer->data;
  if (!s->stopped) watch_listener(s);
}

static void on_epoll_readable(uv_poll_t *handle, int status, int events) {
  (void)status; /* an error on the epoll descriptor itself: epoll_wait below reports nothing */
  (void)events;
  server *s = handle->data;
  struct epoll_event ready[EVENTS_PER_WAKE];
  int count = epoll_wait(s->epoll_fd, ready, EVENTS_PER_WAKE, 0);
  for (int i = 0; i < count; i++) {
    uint64_t tag = ready[i].data.u64;
    if (tag == LISTENER_TAG) {
      if (!s->stopped) accept_connections(s);
      continue;
    }
    connection *c = connection_of((uint32_t)tag);
    /* Closed by an earlier event of this batch (its id maybe taken again since). */
    if (c == NULL || c->generation != (uint32_t)(tag >> 32)) continue;
    uint32_t what = ready[i].events;
    if (what & EPOLLERR) on_socket_error(c);
    else if ((what & (EPOLLIN | EPOLLHUP)) && !c->read_ended) on_readable(c);
    /* A hang-up after the end of input: the queue's next write tells (and rewatch stops it). */
    else if (what & (EPOLLOUT | EPOLLHUP)) on_writable(c);
  }
}

static void release_server(server *s) {
  if (--s->refs == 0) free(s);
}

/* The epoll set goes with the last handle; the struct once the JS external is collected too. */
static void on_handle_closed(uv_handle_t *handle) {
  server *s = handle->data;
  if (--s->handles_open == 0) close(s->epoll_fd);
  release_server(s);
}

static void on_external_collected(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release_server(data);
}

/* Once it accepts no more and its last connection is gone, the server lets go of the loop. */
static void close_server_if_done(server *s) {
  if (!s->stopped || s->connections > 0 || s->closing) return;
  s->closing = 1;
  napi_delete_reference(s->env, s->on_connection);
  napi_delete_reference(s->env, s->on_data);
  napi_delete_reference(s->env, s->on_end);
  napi_delete_reference(s->env, s->on_written);
  napi_delete_reference(s->env, s->on_closed);
  napi_async_destroy(s->env, s->context);
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  uv_close((uv_handle_t *)&s->retry, on_handle_closed);
}

/* ---- the JS functions (exported by native/uscmdrelay.c's Init) ---- */

napi_value TcpServe(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 6 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return throw_type(env, "tcpServe(fd, onConnection, onData, onEnd, onWritten, onClosed)");
  for (int i = 1; i < 6; i++) {
    napi_valuetype type;
    napi_typeof(env, argv[i], &type);
    if (type != napi_function) return throw_type(env, "tcpServe: the callbacks must be functions");
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  server *s = calloc(1, sizeof *s);
  if (s == NULL) return throw_errno(env, ENOMEM, "tcpServe");
  s->env = env;
  s->refs = 3;
  s->handles_open = 2;
  s->listen_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (s->listen_fd < 0 || s->epoll_fd < 0) {
    int err = errno;
    if (s->listen_fd >= 0) close(s->listen_fd);
    if (s->epoll_fd >= 0) close(s->epoll_fd);
    free(s);
    return throw_errno(env, err, "tcpServe");
  }
  fcntl(s->listen_fd, F_SETFL, fcntl(s->listen_fd, F_GETFL) | O_NONBLOCK);
  napi_ref *refs[5] = {&s->on_connection, &s->on_data, &s->on_end, &s->on_written, &s->on_closed};
  for (int i = 0; i < 5; i++) napi_create_reference(env, argv[i + 1], 1, refs[i]);
  napi_value resource_name;
  napi_create_string_utf8(env, "uscmdrelay:tcp", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &s->context);
  uv_poll_init(loop, &s->poll, s->epoll_fd);
  s->poll.data = s;
  uv_timer_init(loop, &s->retry);
  s->retry.data = s;
  uv_poll_start(&s->poll, UV_READABLE, on_epoll_readable);
  watch_listener(s);
  napi_value external;
  napi_create_external(env, s, on_external_collected, NULL, &external);
  return external;
}

/* The call's arguments (`count` of them, into argv) and the connection its first one names; NULL
 * when there is no such connection. */
static connection *called_on(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t id;
  if (argc < count || napi_get_value_uint32(env, argv[0], &id) != napi_ok) return NULL;
  return connection_of(id);
}

static napi_value number(napi_env env, int64_t value) {
  napi_value result;
  napi_create_int64(env, value, &result);
  return result;
}

napi_value TcpWrite(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  connection *c = called_on(env, info, 2, argv);
  if (c == NULL) return throw_type(env, "tcpWrite: no such connection");
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  char small[4096];
  char *data = small;
  size_t length;
  if (is_buffer) {
    void *bytes;
    napi_get_buffer_info(env, argv[1], &bytes, &length);
    data = bytes;
  } else {
    if (napi_get_value_string_utf8(env, argv[1], NULL, 0, &length) != napi_ok) return throw_type(env, "tcpWrite: data must be a Buffer or a string");
    if (length >= sizeof small && (data = malloc(length + 1)) == NULL) return throw_errno(env, ENOMEM, "tcpWrite");
    napi_get_value_string_utf8(env, argv[1], data, length + 1, &length);
  }
  int err = 0;
  size_t written = 0;
  if (c->queue_end == c->queue_start) {
    while (written < length) {
      ssize_t n = send(c->fd, data + written, length - written, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
        break;
      }
      written += (size_t)n;
    }
  }
  if (err == 0 && written < length) err = enqueue(c, data + written, length - written);
  if (data != small && !is_buffer) free(data);
  if (err != 0) {
    napi_value code;
    napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
    return code;
  }
  rewatch(c);
  return number(env, (int64_t)(c->queue_end - c->queue_start));
}

napi_value TcpEnd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  connection *c = called_on(env, info, 1, argv);
  if (c == NULL) return throw_type(env, "tcpEnd: no such connection");
  c->ending = 1;
  if (c->queue_end > c->queue_start) return number(env, 0);
  half_close(c);
  return number(env, 1);
}

napi_value TcpDestroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  connection *c = called_on(env, info, 1, argv);
  if (c != NULL) connection_gone(detach(c));
  return NULL;
}

napi_value TcpStopServe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  server *s = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || s == NULL) return throw_type(env, "tcpStopServe(server)");
  if (s->stopped) return NULL;
  s->stopped = 1;
  uv_timer_stop(&s->retry);
  epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->listen_fd, NULL);
  close(s->listen_fd);
  close_server_if_done(s);
  return NULL;
}
