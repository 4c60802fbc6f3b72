/*
 * uscmdrelay's native addon (SPEC 5.5), plain C on N-API.
 *
 *   launch(file, argv, env, envCount, cwd, pipeStdin, onStart, onOutput, onExit[, onLoop]) -> child
 *     env is one string, each of its envCount entries followed by a NUL ("A=1\0B=2\0").
 *     Starts a program with posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK), whose cost does not
 *     grow with the daemon's size): own session (pid = pgid = sid), every signal at its default,
 *     an empty signal mask, stdin from /dev/null or a pipe, stdout and stderr to pipes, the
 *     planned cwd and environment exactly, and no other descriptor inherited. posix_spawn returns
 *     once the child has exec'd; it runs on a libuv worker thread, so that the event loop does
 *     not wait, or with onLoop true on the event loop itself (as libuv's uv_spawn does), which
 *     then calls onStart before launch() returns. Strings with a NUL byte throw at once (a
 *     TypeError); everything else is reported through the callbacks, on the event loop:
 *       onStart(null, pid, stdinFd)        started; stdinFd is -1 unless pipeStdin (the caller
 *                                          owns it)
 *       onStart(code, message)             it never started: code is the errno name (ENOENT,
 *                                          EACCES, ENOEXEC, a bad cwd...)
 *       onOutput(index, chunk)             a chunk read from stdout (0) or stderr (1)
 *       onOutput(index, null)              that pipe is closed (end of file, or closeOutput)
 *       onExit(exitCode, signalNumber)     the leader ended; exitCode -1 when a signal ended it
 *     The pipes are read here, on the event loop, without a Node stream per pipe; the exit is
 *     observed through a pidfd polled on the event loop, then waitid() on exactly that child:
 *     nobody else's children are reaped.
 *
 *   resumeOutput(child), pauseOutput(child), closeOutput(child)
 *     Read both pipes (nothing is read before the first resumeOutput), stop reading them (the
 *     kernel pipe fills and the writer blocks: backpressure), or close both now (each reported
 *     as ended).
 *
 *   outputLine(prefix, bytes) -> Buffer
 *     One stream-mode line of the wire protocol (SPEC 2.3) from a chunk of raw output: prefix
 *     (e.g. {"event":"stdout","data":"), the bytes as a JSON string body, then "}\n. The bytes
 *     are decoded as the WHATWG UTF-8 decoder does (each maximal invalid subpart becomes U+FFFD)
 *     and escaped as JSON.stringify escapes, so the line is the one JSON.stringify would write,
 *     without a JS string in between.
 *
 *   signalGroup(pgid, signalNumber) -> 0 or an errno number
 *     kill(-pgid, signalNumber), without the exception process.kill() throws for a group that
 *     is already gone (ESRCH), which is how most commands end.
 *
 *   sdNotify(socketPath, message)
 *     One datagram to a systemd notification socket; a path starting with '@' is abstract.
 *
 *   trimMemory() -> boolean
 *     malloc_trim(0): hands the C library's free heap pages back to the kernel (true when some
 *     were). glibc keeps what Node and V8 free with free() for reuse; a daemon at rest does not
 *     need it. False where the C library has no malloc_trim (musl).
 *
 *   sha256(text) -> Buffer (only where the running Node exports OpenSSL's SHA256_* functions)
 *     The SHA-256 of the text's UTF-8 bytes (lone surrogates as U+FFFD, as Buffer.from writes
 *     them): what crypto.hash('sha256', text) gives, through the OpenSSL that Node itself
 *     carries, without EVP's algorithm fetch. A presented key is hashed so on every
 *     request, before the spawn: 10 µs with cold caches where crypto.hash costs 14 (1.3 and 1.7
 *     in a loop).
 *
 *   tcpServe, tcpWrite, tcpEnd, tcpDestroy, tcpStopServe
 *     The TCP door's plain connections: see native/tcp.c.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "addon.h"
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

const char *errno_name(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case EPERM: return "EPERM";
    case E2BIG: return "E2BIG";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ETXTBSY: return "ETXTBSY";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOSYS: return "ENOSYS";
    case ECANCELED: return "ECANCELED";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ENOTCONN: return "ENOTCONN";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    default: return "EUNKNOWN";
  }
}

/* Throws an Error whose message is "<what>: <strerror>" and whose code is the errno name. */
napi_value throw_errno(napi_env env, int err, const char *what) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value code, msg, error;
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_throw(env, error);
  return NULL;
}

napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* A JS string as a malloc'd NUL-terminated UTF-8 string; NULL (and a pending exception) on error. */
static char *get_string(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    throw_type(env, "expected a string");
    return NULL;
  }
  char *text = malloc(length + 1);
  if (text == NULL) {
    throw_errno(env, ENOMEM, "spawn");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  if (strlen(text) != length) {
    free(text);
    throw_type(env, "strings passed to a program cannot contain NUL bytes");
    return NULL;
  }
  return text;
}

static void free_list(char **list) {
  if (list == NULL) return;
  for (char **item = list; *item != NULL; item++) free(*item);
  free(list);
}

/* A JS array of strings as a NULL-terminated list. */
static char **get_string_list(napi_env env, napi_value array) {
  bool is_array = false;
  uint32_t count = 0;
  napi_is_array(env, array, &is_array);
  if (!is_array) {
    throw_type(env, "expected an array of strings");
    return NULL;
  }
  napi_get_array_length(env, array, &count);
  char **list = calloc((size_t)count + 1, sizeof(char *));
  if (list == NULL) {
    throw_errno(env, ENOMEM, "spawn");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    napi_get_element(env, array, i, &item);
    list[i] = get_string(env, item);
    if (list[i] == NULL) {
      free_list(list);
      return NULL;
    }
  }
  return list;
}

/* The environment from JS as one string, each entry followed by a NUL ("A=1\0B=2\0"), and how
 * many entries it holds: one conversion instead of one per variable. A NUL inside an entry
 * would make one entry more, and is refused like a NUL byte anywhere else. The pointers and the
 * text are one allocation: free() it. */
static char **get_string_block(napi_env env, napi_value block, napi_value count_value) {
  uint32_t count = 0;
  size_t length = 0;
  if (napi_get_value_uint32(env, count_value, &count) != napi_ok ||
      napi_get_value_string_utf8(env, block, NULL, 0, &length) != napi_ok) {
    throw_type(env, "expected the environment as a string and its count of entries");
    return NULL;
  }
  size_t pointers = ((size_t)count + 1) * sizeof(char *);
  char **list = malloc(pointers + length + 1);
  if (list == NULL) {
    throw_errno(env, ENOMEM, "spawn");
    return NULL;
  }
  char *text = (char *)list + pointers;
  napi_get_value_string_utf8(env, block, text, length + 1, &length);
  size_t found = 0;
  char *start = text;
  for (size_t i = 0; i < length; i++) {
    if (text[i] != '\0') continue;
    if (found < count) list[found] = start;
    found++;
    start = text + i + 1;
  }
  if (found != count || start != text + length) {
    free(list);
    throw_type(env, "strings passed to a program cannot contain NUL bytes");
    return NULL;
  }
  list[count] = NULL;
  return list;
}

/* ---- the child ------------------------------------------------------------------------- */

/* The kernel pipe of each output: bigger than the default 64 KiB, so a fast writer blocks less
 * often; bounded, so a paused reader still stops the writer soon. A pipe grows once one read
 * brings GROW_AFTER bytes (a writer that fills half a default pipe between two reads), not at
 * the spawn: most commands write little, and the spawn waits for nothing. A read takes at most
 * READ_CHUNK, 64 KiB (addon.h): a door that makes a string of a chunk (the HTTP door's JSON)
 * keeps it below V8's large-object size, where the young generation frees it at once; 256 KiB
 * chunks went to the large-object space, freed only by a full collection, and a 128 MiB stream
 * swelled the daemon by 100 MiB. */
#define PIPE_CAPACITY (256 * 1024)
#define GROW_AFTER (32 * 1024)

typedef struct child child;

typedef struct {
  uv_poll_t poll;
  child *owner;
  int index; /* 0 stdout, 1 stderr */
  int fd;
  int open;    /* the poll handle exists and is not closing */
  int polling; /* reading now (not paused) */
  int grown;   /* made PIPE_CAPACITY big */
} output_pipe;

struct child {
  int refs; /* the JS external, the pending work, each open uv handle */
  napi_env env;
  napi_ref on_start, on_output, on_exit;
  napi_async_context context;
  napi_async_work work;
  /* what to start (freed once started) */
  char *file, *cwd;
  char **argv, **envp;
  int pipe_stdin;
  /* what happened */
  int error; /* errno when it never started */
  const char *error_what;
  pid_t pid;
  int pidfd;
  int stdin_fd;
  int started, exited, paused, finished;
  output_pipe out[2];
  union {
    uv_poll_t poll;
    uv_timer_t timer;
  } exit_handle;
  int exit_open;
  uint64_t exit_delay_ms; /* no pidfd (kernel < 5.3): waitid(P_PID) polled on a timer */
};

static void free_inputs(child *c) {
  free(c->file);
  free(c->cwd);
  free_list(c->argv);
  free(c->envp); /* one block (get_string_block) */
  c->file = c->cwd = NULL;
  c->argv = c->envp = NULL;
}

static void release(child *c) {
  if (--c->refs > 0) return;
  free_inputs(c);
  free(c);
}

void call_js(napi_env env, napi_async_context context, napi_ref which, size_t argc, napi_value *argv) {
  napi_value callback, global, result;
  napi_get_reference_value(env, which, &callback);
  napi_get_global(env, &global);
  napi_status status = napi_make_callback(env, context, global, callback, argc, argv, &result);
  if (status == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
}

/* Calls one of the child's callbacks, in its async context. */
static void call_back(child *c, napi_ref which, size_t argc, napi_value *argv) { call_js(c->env, c->context, which, argc, argv); }

/* Once nothing more will be reported, the callbacks and the async context go. */
static void finish_if_done(child *c) {
  if (c->finished || !c->started) return;
  if (c->error == 0 && (!c->exited || c->out[0].open || c->out[1].open)) return;
  c->finished = 1;
  napi_delete_reference(c->env, c->on_start);
  napi_delete_reference(c->env, c->on_output);
  napi_delete_reference(c->env, c->on_exit);
  napi_async_destroy(c->env, c->context);
}

/* ---- output pipes ---- */

static void on_pipe_closed(uv_handle_t *handle) {
  output_pipe *p = handle->data;
  close(p->fd); /* only once libuv is done with the descriptor */
  p->fd = -1;
  release(p->owner);
}

static void close_pipe(output_pipe *p) {
  if (!p->open) return;
  p->open = 0;
  p->polling = 0;
  uv_close((uv_handle_t *)&p->poll, on_pipe_closed); /* stops it too: no second epoll_ctl(DEL) */
  child *c = p->owner;
  napi_handle_scope scope;
  napi_open_handle_scope(c->env, &scope);
  napi_value argv[2];
  napi_create_int32(c->env, p->index, &argv[0]);
  napi_get_null(c->env, &argv[1]);
  call_back(c, c->on_output, 2, argv);
  napi_close_handle_scope(c->env, scope);
  finish_if_done(c);
}

static void on_pipe_readable(uv_poll_t *handle, int status, int events);

static void set_polling(child *c, int on) {
  for (int i = 0; i < 2; i++) {
    output_pipe *p = &c->out[i];
    if (!p->open || p->polling == on) continue;
    p->polling = on;
    if (on) uv_poll_start(&p->poll, UV_READABLE | UV_DISCONNECT, on_pipe_readable);
    else uv_poll_stop(&p->poll);
  }
}

char read_buffer[READ_CHUNK];

static void on_pipe_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  output_pipe *p = handle->data;
  child *c = p->owner;
  if (status < 0) {
    close_pipe(p); /* the descriptor cannot be polled: nothing more will come from it */
    return;
  }
  ssize_t n;
  do {
    n = read(p->fd, read_buffer, sizeof read_buffer);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    close_pipe(p); /* end of file, or a read error: the same for the reader */
    return;
  }
  if (n >= GROW_AFTER && !p->grown) {
    p->grown = 1;
    fcntl(p->fd, F_SETPIPE_SZ, PIPE_CAPACITY); /* past the pipe limit of an unprivileged user, it stays */
  }
  napi_env env = c->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value argv[2];
  void *data;
  napi_create_int32(env, p->index, &argv[0]);
  napi_create_buffer_copy(env, (size_t)n, read_buffer, &data, &argv[1]);
  call_back(c, c->on_output, 2, argv);
  napi_close_handle_scope(env, scope);
}

static void open_pipe(child *c, uv_loop_t *loop, int index, int fd) {
  output_pipe *p = &c->out[index];
  p->owner = c;
  p->index = index;
  p->fd = fd;
  uv_poll_init(loop, &p->poll, fd);
  p->poll.data = p;
  p->open = 1;
  c->refs++;
}

/* ---- exit ---- */

static void on_exit_closed(uv_handle_t *handle) {
  child *c = handle->data;
  if (c->pidfd >= 0) close(c->pidfd);
  c->pidfd = -1;
  release(c);
}

/* Reaps the child if it has ended; returns 1 then, with the exit code or signal. */
static int try_reap(child *c, int *exit_code, int *signal_number) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int rc;
  do {
    rc = c->pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &info, WEXITED | WNOHANG)
                       : waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    /* ECHILD: someone else reaped it; report an unknown end rather than wait for ever. */
    *exit_code = -1;
    *signal_number = 0;
    return 1;
  }
  if (info.si_pid == 0) return 0;
  if (info.si_code == CLD_EXITED) {
    *exit_code = info.si_status;
    *signal_number = 0;
  } else {
    *exit_code = -1;
    *signal_number = info.si_status;
  }
  return 1;
}

static void report_exit(child *c, int exit_code, int signal_number) {
  c->exited = 1;
  uv_close((uv_handle_t *)&c->exit_handle, on_exit_closed);
  napi_handle_scope scope;
  napi_open_handle_scope(c->env, &scope);
  napi_value argv[2];
  napi_create_int32(c->env, exit_code, &argv[0]);
  napi_create_int32(c->env, signal_number, &argv[1]);
  call_back(c, c->on_exit, 2, argv);
  napi_close_handle_scope(c->env, scope);
  finish_if_done(c);
}

static void on_pidfd_readable(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  child *c = handle->data;
  int exit_code, signal_number;
  if (!try_reap(c, &exit_code, &signal_number)) return;
  report_exit(c, exit_code, signal_number); /* closes the handle, which stops it */
}

static void on_exit_timer(uv_timer_t *handle) {
  child *c = handle->data;
  int exit_code, signal_number;
  if (!try_reap(c, &exit_code, &signal_number)) {
    if (c->exit_delay_ms < 50) c->exit_delay_ms *= 2;
    uv_timer_start(handle, on_exit_timer, c->exit_delay_ms, 0);
    return;
  }
  report_exit(c, exit_code, signal_number);
}

static void watch_exit(child *c, uv_loop_t *loop) {
  c->refs++;
  c->exit_open = 1;
  if (c->pidfd >= 0) {
    uv_poll_init(loop, &c->exit_handle.poll, c->pidfd);
    c->exit_handle.poll.data = c;
    uv_poll_start(&c->exit_handle.poll, UV_READABLE, on_pidfd_readable);
  } else {
    c->exit_delay_ms = 1;
    uv_timer_init(loop, &c->exit_handle.timer);
    c->exit_handle.timer.data = c;
    uv_timer_start(&c->exit_handle.timer, on_exit_timer, c->exit_delay_ms, 0);
  }
}

/* ---- program lookup --------------------------------------------------------------------- */

/* Like execvpe: a name without '/' is looked up in the PATH of the *child's* environment.
 * Returns a malloc'd path, or NULL with *err = ENOENT / EACCES. */
static char *find_program(const char *file, char **envp, int *err) {
  if (strchr(file, '/') != NULL || file[0] == '\0') return strdup(file);
  const char *path = "/usr/local/bin:/usr/bin:/bin";
  for (char **entry = envp; *entry != NULL; entry++) {
    if (strncmp(*entry, "PATH=", 5) == 0) {
      path = *entry + 5;
      break;
    }
  }
  size_t file_length = strlen(file);
  int saw_eacces = 0;
  const char *start = path;
  for (;;) {
    const char *end = strchr(start, ':');
    size_t dir_length = end == NULL ? strlen(start) : (size_t)(end - start);
    char *candidate = malloc(dir_length + file_length + 3);
    if (candidate == NULL) {
      *err = ENOMEM;
      return NULL;
    }
    if (dir_length == 0) {
      memcpy(candidate, file, file_length + 1); /* an empty entry is the current directory */
    } else {
      memcpy(candidate, start, dir_length);
      candidate[dir_length] = '/';
      memcpy(candidate + dir_length + 1, file, file_length + 1);
    }
    struct stat info;
    if (stat(candidate, &info) == 0 && !S_ISDIR(info.st_mode)) {
      if (access(candidate, X_OK) == 0) return candidate;
      saw_eacces = 1;
    } else if (errno == EACCES) {
      saw_eacces = 1;
    }
    free(candidate);
    if (end == NULL) break;
    start = end + 1;
  }
  *err = saw_eacces ? EACCES : ENOENT;
  return NULL;
}

/* ---- spawn (on a worker thread) --------------------------------------------------------- */

/* Adds a signal to a set without sigaddset's refusal of glibc's internal signals (32, 33):
 * glibc's posix_spawn sets those to SIG_IGN in the child unless they are in the SETSIGDEF set,
 * and an ignored signal stays ignored across exec. */
static void add_signal_raw(sigset_t *set, int sig) {
  unsigned long *words = (unsigned long *)(void *)set;
  const size_t bits = 8 * sizeof(unsigned long);
  words[(size_t)(sig - 1) / bits] |= 1UL << ((size_t)(sig - 1) % bits);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Runs on a libuv worker thread (or, with onLoop, the event loop): nothing here touches JS. */
static void spawn_child(napi_env env, void *data) {
  (void)env;
  child *c = data;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  int lookup_error = 0;
  char *program = find_program(c->file, c->envp, &lookup_error);
  if (program == NULL) {
    c->error = lookup_error;
    c->error_what = c->file;
    return;
  }
  if ((c->pipe_stdin && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    c->error = errno;
    c->error_what = "pipe";
    goto done;
  }
  /* Blocking for now: uv_poll_init makes the read ends non-blocking on the event loop. */

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (c->pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  else posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, c->cwd);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigemptyset(&all);
  for (int sig = 1; sig < NSIG && sig <= (int)(8 * sizeof all); sig++)
    if (sig != SIGKILL && sig != SIGSTOP) add_signal_raw(&all, sig);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  int rc = posix_spawn(&c->pid, program, &actions, &attr, c->argv, c->envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    c->error = rc;
    c->error_what = c->file;
    goto done;
  }
  c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
  /* pidfd_open sets close-on-exec itself. */
  c->stdin_fd = in[1];
  c->out[0].fd = out[0];
  c->out[1].fd = err[0];
  in[1] = out[0] = err[0] = -1; /* handed over */

done:
  free(program);
  for (int i = 0; i < 2; i++) {
    close_fd(&in[i]);
    close_fd(&out[i]);
    close_fd(&err[i]);
  }
}

/* On the event loop: report the start, then read the pipes and watch the exit. */
static void report_start(napi_env env, child *c, napi_status status) {
  c->started = 1;
  if (status != napi_ok && c->error == 0) {
    c->error = ECANCELED;
    c->error_what = "spawn";
  }
  char message[512] = "";
  if (c->error != 0) snprintf(message, sizeof message, "%s: %s", c->error_what, strerror(c->error));
  free_inputs(c);
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value argv[3];
  if (c->error != 0) {
    napi_create_string_utf8(env, errno_name(c->error), NAPI_AUTO_LENGTH, &argv[0]);
    napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &argv[1]);
    call_back(c, c->on_start, 2, argv);
  } else {
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    open_pipe(c, loop, 0, c->out[0].fd);
    open_pipe(c, loop, 1, c->out[1].fd);
    watch_exit(c, loop);
    napi_get_null(env, &argv[0]);
    napi_create_int32(env, c->pid, &argv[1]);
    napi_create_int32(env, c->stdin_fd, &argv[2]);
    c->stdin_fd = -1; /* the caller's now */
    call_back(c, c->on_start, 3, argv);
    if (!c->paused) set_polling(c, 1); /* onStart may already have asked for the output */
  }
  napi_close_handle_scope(env, scope);
  finish_if_done(c);
  release(c); /* the start's reference */
}

/* Back on the event loop after spawn_child ran on a worker thread. */
static void spawn_done(napi_env env, napi_status status, void *data) {
  child *c = data;
  napi_delete_async_work(env, c->work);
  report_start(env, c, status);
}

/* ---- the JS functions ------------------------------------------------------------------- */

static void finalize_child(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release(data);
}

static child *get_child(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    throw_type(env, "expected a child from launch()");
    return NULL;
  }
  return data;
}

static napi_value Launch(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value args[10];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 9) return throw_type(env, "launch(file, argv, env, envCount, cwd, pipeStdin, onStart, onOutput, onExit[, onLoop])");
  for (int i = 6; i < 9; i++) {
    napi_valuetype type;
    napi_typeof(env, args[i], &type);
    if (type != napi_function) return throw_type(env, "onStart, onOutput and onExit must be functions");
  }
  child *c = calloc(1, sizeof *c);
  if (c == NULL) return throw_errno(env, ENOMEM, "launch");
  c->env = env;
  c->pidfd = -1;
  c->stdin_fd = -1;
  c->out[0].fd = c->out[1].fd = -1;
  c->paused = 1; /* the pipes are read from the first resumeOutput() on */
  bool pipe_stdin = false;
  napi_get_value_bool(env, args[5], &pipe_stdin);
  c->pipe_stdin = pipe_stdin;
  if ((c->file = get_string(env, args[0])) == NULL || (c->argv = get_string_list(env, args[1])) == NULL ||
      (c->envp = get_string_block(env, args[2], args[3])) == NULL || (c->cwd = get_string(env, args[4])) == NULL) {
    free_inputs(c);
    free(c);
    return NULL; /* the exception is pending */
  }
  napi_create_reference(env, args[6], 1, &c->on_start);
  napi_create_reference(env, args[7], 1, &c->on_output);
  napi_create_reference(env, args[8], 1, &c->on_exit);
  napi_value resource_name, external;
  napi_create_string_utf8(env, "uscmdrelay:child", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &c->context);
  c->refs = 2; /* the external and the start */
  napi_create_external(env, c, finalize_child, NULL, &external);
  bool on_loop = false;
  if (argc > 9) napi_get_value_bool(env, args[9], &on_loop);
  if (on_loop) {
    spawn_child(env, c);
    report_start(env, c, napi_ok);
  } else {
    napi_create_async_work(env, NULL, resource_name, spawn_child, spawn_done, c, &c->work);
    napi_queue_async_work(env, c->work);
  }
  return external;
}

/* The child a pauseOutput/resumeOutput/closeOutput call names; NULL (an exception pending) if none. */
static child *child_argument(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  return get_child(env, arg);
}

static napi_value PauseOutput(napi_env env, napi_callback_info info) {
  child *c = child_argument(env, info);
  if (c != NULL && !c->paused) {
    c->paused = 1;
    set_polling(c, 0);
  }
  return NULL;
}

static napi_value ResumeOutput(napi_env env, napi_callback_info info) {
  child *c = child_argument(env, info);
  if (c != NULL && c->paused) {
    c->paused = 0;
    set_polling(c, 1);
  }
  return NULL;
}

static napi_value CloseOutput(napi_env env, napi_callback_info info) {
  child *c = child_argument(env, info);
  if (c != NULL) {
    close_pipe(&c->out[0]);
    close_pipe(&c->out[1]);
  }
  return NULL;
}

/* ---- outputLine ------------------------------------------------------------------------- */

static const char HEX[] = "0123456789abcdef";
static const char LINE_END[] = "\"}\n";

/* Whether json_body copies a byte as it is: printable ASCII other than '"' and '\\'. Anything else
 * is escaped, or starts a multibyte sequence to validate. */
static int copied_as_is(unsigned char b) {
  return b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
}

/* Where json_body puts the line: with `data` NULL it only counts, so the line's exact length is
 * known before a buffer is made for it (one V8-owned buffer, no malloc, no finalizer to run). */
typedef struct {
  unsigned char *data;
  size_t length;
} out_buffer;

static void append(out_buffer *out, const void *bytes, size_t count) {
  if (out->data != NULL) memcpy(out->data + out->length, bytes, count);
  out->length += count;
}

/* The bytes of `word` that are not copied as is, each marked by its high bit: below 0x20, '"',
 * '\\', or 0x80 and up (the classic has-zero-byte and has-less-than tests, 8 bytes at once). A
 * borrow can mark a byte above a marked one, never below it: the lowest mark is exact. */
static uint64_t care_marks(uint64_t word) {
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t quote = word ^ (ones * '"'), backslash = word ^ (ones * '\\');
  uint64_t control = (word - ones * 0x20) & ~word;
  uint64_t is_quote = (quote - ones) & ~quote, is_backslash = (backslash - ones) & ~backslash;
  return (control | is_quote | is_backslash | word) & highs;
}

/* Where the run of bytes copied as is, from `i`, ends, 8 bytes a step: the first marked byte is
 * found from its mark on a little-endian machine. */
static size_t plain_run_end_words(const unsigned char *src, size_t i, size_t n) {
  uint64_t word, marks;
  while (i + 8 <= n) {
    memcpy(&word, src + i, 8);
    marks = care_marks(word);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (marks != 0) return i + (size_t)(__builtin_ctzll(marks) >> 3);
#else
    if (marks != 0) break;
#endif
    i += 8;
  }
  while (i < n && copied_as_is(src[i])) i++;
  return i;
}

/* The same, 16 bytes a step where the machine has SSE2 (every x86-64): output is mostly plain
 * text (a byte at a time cost 1.9 ms of CPU a MiB, 8 at a time 0.55, 16 at a time 0.37). In a
 * signed comparison the bytes from 0x80 up are negative, so "below 0x20" marks them together
 * with the controls. */
#if defined(__SSE2__)
static size_t plain_run_end(const unsigned char *src, size_t i, size_t n) {
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  while (i + 16 <= n) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
    __m128i care = _mm_or_si128(_mm_cmplt_epi8(bytes, space), _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
    unsigned mask = (unsigned)_mm_movemask_epi8(care);
    if (mask != 0) return i + (size_t)__builtin_ctz(mask);
    i += 16;
  }
  return plain_run_end_words(src, i, n);
}
#else
#define plain_run_end plain_run_end_words
#endif

/* At a byte from 0x80 up: the length of the well-formed UTF-8 character it starts (Unicode's
 * table 3-7), or 0 and in *subpart the length of the maximal subpart that becomes one U+FFFD
 * (the WHATWG decoder's rule: the byte that broke the sequence is read again). */
static size_t utf8_character(const unsigned char *src, size_t i, size_t n, size_t *subpart) {
  unsigned char b = src[i], lower = 0x80, upper = 0xBF;
  size_t need;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lower = 0xA0;
    if (b == 0xED) upper = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lower = 0x90;
    if (b == 0xF4) upper = 0x8F;
  } else {
    *subpart = 1;
    return 0;
  }
  size_t seen = 0;
  for (size_t j = i + 1; seen < need && j < n && src[j] >= lower && src[j] <= upper; j++, seen++) {
    lower = 0x80;
    upper = 0xBF;
  }
  if (seen == need) return need + 1;
  *subpart = seen + 1;
  return 0;
}

/* Appends the JSON string body for src. Plain ASCII and well-formed multibyte characters are
 * copied as they are, a whole span at once; only an escape or an invalid sequence breaks it. */
static void json_body(const unsigned char *src, size_t n, out_buffer *out) {
  size_t i = 0, span = 0; /* src[span..i) is still to be copied */
  while (i < n) {
    i = plain_run_end(src, i, n);
    if (i >= n) break;
    unsigned char b = src[i];
    if (b >= 0x80) {
      size_t subpart = 0, character = utf8_character(src, i, n, &subpart);
      if (character > 0) {
        i += character;
        continue;
      }
      append(out, src + span, i - span);
      append(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
      i += subpart;
      span = i;
      continue;
    }
    char escaped[6] = {'\\', 0, 0, 0, 0, 0};
    size_t length = 2;
    switch (b) {
      case '"': escaped[1] = '"'; break;
      case '\\': escaped[1] = '\\'; break;
      case '\b': escaped[1] = 'b'; break;
      case '\f': escaped[1] = 'f'; break;
      case '\n': escaped[1] = 'n'; break;
      case '\r': escaped[1] = 'r'; break;
      case '\t': escaped[1] = 't'; break;
      default:
        memcpy(escaped + 1, "u00", 3);
        escaped[4] = HEX[b >> 4];
        escaped[5] = HEX[b & 15];
        length = 6;
    }
    append(out, src + span, i - span);
    append(out, escaped, length);
    i++;
    span = i;
  }
  append(out, src + span, n - span);
}

/* Scratch room for one line of a chunk of at most READ_CHUNK bytes (plus a character carried
 * over), 6 bytes a byte at worst; one per Node environment, made at its first use. */
#define LINE_SCRATCH (6 * (READ_CHUNK + 8) + 256)

static void free_scratch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static unsigned char *line_scratch(napi_env env) {
  void *scratch = NULL;
  if (napi_get_instance_data(env, &scratch) == napi_ok && scratch != NULL) return scratch;
  scratch = malloc(LINE_SCRATCH);
  if (scratch != NULL && napi_set_instance_data(env, scratch, free_scratch, NULL) != napi_ok) {
    free(scratch);
    scratch = NULL;
  }
  return scratch;
}

static void write_line(const void *prefix, size_t prefix_length, const unsigned char *bytes, size_t length, out_buffer *out) {
  append(out, prefix, prefix_length);
  json_body(bytes, length, out);
  append(out, LINE_END, sizeof LINE_END - 1);
}

static napi_value OutputLine(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], result;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  void *prefix = NULL, *bytes = NULL;
  size_t prefix_length = 0, length = 0;
  if (argc < 2 || napi_get_buffer_info(env, args[0], &prefix, &prefix_length) != napi_ok ||
      napi_get_buffer_info(env, args[1], &bytes, &length) != napi_ok)
    return throw_type(env, "outputLine(prefix: Buffer, bytes: Buffer)");
  /* Into a V8-owned buffer: a malloc'd line handed over as an external buffer needed a finalizer
   * each, and V8 answered the external memory with full collections (13 % of a stream's time).
   * A chunk the reader gave (64 KiB) is written once into scratch room big enough however it
   * escapes, then copied; anything bigger is measured first, then written. */
  size_t most = prefix_length + 6 * length + sizeof LINE_END;
  unsigned char *scratch = most <= LINE_SCRATCH ? line_scratch(env) : NULL;
  if (scratch != NULL) {
    out_buffer line = {scratch, 0};
    write_line(prefix, prefix_length, bytes, length, &line);
    if (napi_create_buffer_copy(env, line.length, scratch, NULL, &result) != napi_ok) return throw_errno(env, ENOMEM, "outputLine");
    return result;
  }
  out_buffer measure = {NULL, 0};
  write_line(prefix, prefix_length, bytes, length, &measure);
  void *data = NULL;
  if (napi_create_buffer(env, measure.length, &data, &result) != napi_ok) return throw_errno(env, ENOMEM, "outputLine");
  out_buffer line = {data, 0};
  write_line(prefix, prefix_length, bytes, length, &line);
  return result;
}

/* ---- signalGroup ------------------------------------------------------------------------ */

static napi_value SignalGroup(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], result;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  int32_t pgid = 0, signal_number = 0;
  if (argc < 2 || napi_get_value_int32(env, args[0], &pgid) != napi_ok || napi_get_value_int32(env, args[1], &signal_number) != napi_ok)
    return throw_type(env, "signalGroup(pgid, signalNumber)");
  if (pgid <= 1) return throw_type(env, "signalGroup: pgid must be above 1");
  int error = kill(-pgid, signal_number) == 0 ? 0 : errno;
  napi_create_int32(env, error, &result);
  return result;
}

/* ---- sd_notify -------------------------------------------------------------------------- */

static napi_value SdNotify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 2) return throw_type(env, "sdNotify(socketPath, message)");
  char *path = get_string(env, args[0]);
  if (path == NULL) return NULL;
  char *message = get_string(env, args[1]);
  if (message == NULL) {
    free(path);
    return NULL;
  }
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  size_t length = strlen(path);
  socklen_t address_length;
  if (length == 0 || length >= sizeof address.sun_path) {
    free(path);
    free(message);
    return throw_errno(env, EINVAL, "sdNotify: socket path empty or too long");
  }
  memcpy(address.sun_path, path, length);
  if (path[0] == '@') {
    address.sun_path[0] = '\0'; /* abstract namespace: no terminating NUL counted */
    address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
  } else {
    address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int error = 0;
  if (fd < 0) {
    error = errno;
  } else {
    ssize_t sent;
    do {
      sent = sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&address, address_length);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) error = errno;
    close(fd);
  }
  free(path);
  free(message);
  if (error != 0) return throw_errno(env, error, "sdNotify");
  return NULL;
}

/* ---- trimMemory ------------------------------------------------------------------------- */

static napi_value TrimMemory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#ifdef __GLIBC__
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
#else
  napi_get_boolean(env, false, &result);
#endif
  return result;
}

/* ---- sha256 ---------------------------------------------------------------------------- */

/* OpenSSL's SHA256_Init/Update/Final, looked up in the running Node (bundled or shared
 * libcrypto) when the addon loads rather than linked: where a Node exports no OpenSSL, the
 * addon still loads, only without sha256(), and the caller uses crypto.hash. Not the one-shot
 * SHA256(), which OpenSSL 3 routes through EVP's algorithm fetch (slower than crypto.hash). */
typedef struct {
  _Alignas(16) unsigned char bytes[256]; /* OpenSSL's SHA256_CTX is 112 bytes */
} sha256_context;
static int (*sha256_init)(sha256_context *context);
static int (*sha256_update)(sha256_context *context, const void *data, size_t length);
static int (*sha256_final)(unsigned char *digest, sha256_context *context);

static napi_value Sha256(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value text_value;
  napi_get_cb_info(env, info, &argc, &text_value, NULL, NULL);
  size_t length = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, text_value, NULL, 0, &length) != napi_ok) return throw_type(env, "sha256(text): text must be a string");
  char on_stack[256];
  char *text = length < sizeof on_stack ? on_stack : malloc(length + 1);
  if (text == NULL) return throw_errno(env, ENOMEM, "sha256");
  napi_get_value_string_utf8(env, text_value, text, length + 1, &length);
  sha256_context context;
  unsigned char digest[32];
  sha256_init(&context);
  sha256_update(&context, text, length);
  sha256_final(digest, &context);
  if (text != on_stack) free(text);
  napi_value result;
  napi_create_buffer_copy(env, sizeof digest, digest, NULL, &result);
  return result;
}

/* ---- module ----------------------------------------------------------------------------- */

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"launch", NULL, Launch, NULL, NULL, NULL, napi_default, NULL},
      {"pauseOutput", NULL, PauseOutput, NULL, NULL, NULL, napi_default, NULL},
      {"resumeOutput", NULL, ResumeOutput, NULL, NULL, NULL, napi_default, NULL},
      {"closeOutput", NULL, CloseOutput, NULL, NULL, NULL, napi_default, NULL},
      {"outputLine", NULL, OutputLine, NULL, NULL, NULL, napi_default, NULL},
      {"signalGroup", NULL, SignalGroup, NULL, NULL, NULL, napi_default, NULL},
      {"sdNotify", NULL, SdNotify, NULL, NULL, NULL, napi_default, NULL},
      {"trimMemory", NULL, TrimMemory, NULL, NULL, NULL, napi_default, NULL},
      {"tcpServe", NULL, TcpServe, NULL, NULL, NULL, napi_default, NULL},
      {"tcpWrite", NULL, TcpWrite, NULL, NULL, NULL, napi_default, NULL},
      {"tcpEnd", NULL, TcpEnd, NULL, NULL, NULL, napi_default, NULL},
      {"tcpDestroy", NULL, TcpDestroy, NULL, NULL, NULL, napi_default, NULL},
      {"tcpStopServe", NULL, TcpStopServe, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  *(void **)&sha256_init = dlsym(RTLD_DEFAULT, "SHA256_Init");
  *(void **)&sha256_update = dlsym(RTLD_DEFAULT, "SHA256_Update");
  *(void **)&sha256_final = dlsym(RTLD_DEFAULT, "SHA256_Final");
  if (sha256_init != NULL && sha256_update != NULL && sha256_final != NULL) {
    napi_property_descriptor sha256 = {"sha256", NULL, Sha256, NULL, NULL, NULL, napi_default, NULL};
    napi_define_properties(env, exports, 1, &sha256);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
