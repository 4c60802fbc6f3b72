/*
 * uscmdrelay's native addon (SPEC 5.5), plain C on N-API.
 *
 *   spawn(file, argv, env, cwd, pipeStdin, onExit) -> [pid, stdinFd, stdoutFd, stderrFd]
 *     Starts a program with posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK), whose cost does not
 *     grow with the daemon's size): own session (pid = pgid = sid), every signal at its default,
 *     an empty signal mask, stdin from /dev/null or a pipe, stdout and stderr to pipes, the
 *     planned cwd and environment exactly, and no other descriptor inherited. A failure to start
 *     (ENOENT, EACCES, ENOEXEC, a bad cwd...) throws an Error whose `code` is the errno name.
 *     The exit is observed through a pidfd polled on the event loop, then waitid() on exactly
 *     that child: nobody else's children are reaped. onExit(exitCode, signalNumber) is called
 *     once, with exitCode -1 when a signal ended it.
 *
 *   sdNotify(socketPath, message)
 *     One datagram to a systemd notification socket; a path starting with '@' is abstract.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *errno_name(int err) {
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
    default: return "EUNKNOWN";
  }
}

/* Throws an Error whose message is "<what>: <strerror>" and whose code is the errno name. */
static napi_value throw_errno(napi_env env, int err, const char *what) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value code, msg, error;
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *message) {
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

/* ---- exit watching ---------------------------------------------------------------------- */

typedef struct {
  union {
    uv_poll_t poll;
    uv_timer_t timer;
  } handle;
  int use_timer; /* no pidfd (kernel < 5.3): poll waitid(P_PID) on a timer */
  uint64_t delay_ms;
  int pidfd;
  pid_t pid;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
} exit_watch;

static void on_watch_closed(uv_handle_t *handle) {
  exit_watch *watch = handle->data;
  if (watch->pidfd >= 0) close(watch->pidfd); /* only once libuv is done with the descriptor */
  free(watch);
}

/* Reaps the child if it has ended; returns 1 then, with the exit code or signal. */
static int try_reap(exit_watch *watch, int *exit_code, int *signal_number) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int rc;
  do {
    rc = watch->pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)watch->pidfd, &info, WEXITED | WNOHANG)
                           : waitid(P_PID, (id_t)watch->pid, &info, WEXITED | WNOHANG);
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

static void report_exit(exit_watch *watch, int exit_code, int signal_number) {
  napi_env env = watch->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, global, argv[2], result;
  napi_get_reference_value(env, watch->callback, &callback);
  napi_get_global(env, &global);
  napi_create_int32(env, exit_code, &argv[0]);
  napi_create_int32(env, signal_number, &argv[1]);
  napi_status status = napi_make_callback(env, watch->context, global, callback, 2, argv, &result);
  if (status == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_delete_reference(env, watch->callback);
  napi_async_destroy(env, watch->context);
  napi_close_handle_scope(env, scope);
}

static void on_pidfd_readable(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  exit_watch *watch = handle->data;
  int exit_code, signal_number;
  if (!try_reap(watch, &exit_code, &signal_number)) return;
  uv_poll_stop(handle);
  uv_close((uv_handle_t *)handle, on_watch_closed);
  report_exit(watch, exit_code, signal_number);
}

static void on_timer(uv_timer_t *handle) {
  exit_watch *watch = handle->data;
  int exit_code, signal_number;
  if (!try_reap(watch, &exit_code, &signal_number)) {
    if (watch->delay_ms < 50) watch->delay_ms *= 2;
    uv_timer_start(handle, on_timer, watch->delay_ms, 0);
    return;
  }
  uv_close((uv_handle_t *)handle, on_watch_closed);
  report_exit(watch, exit_code, signal_number);
}

static int watch_exit(napi_env env, pid_t pid, napi_value callback) {
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return EINVAL;
  exit_watch *watch = calloc(1, sizeof *watch);
  if (watch == NULL) return ENOMEM;
  watch->env = env;
  watch->pid = pid;
  watch->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  napi_create_reference(env, callback, 1, &watch->callback);
  napi_value resource_name;
  napi_create_string_utf8(env, "uscmdrelay:exit", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &watch->context);
  if (watch->pidfd >= 0) {
    fcntl(watch->pidfd, F_SETFD, FD_CLOEXEC);
    uv_poll_init(loop, &watch->handle.poll, watch->pidfd);
    watch->handle.poll.data = watch;
    uv_poll_start(&watch->handle.poll, UV_READABLE, on_pidfd_readable);
  } else {
    watch->use_timer = 1;
    watch->delay_ms = 1;
    uv_timer_init(loop, &watch->handle.timer);
    watch->handle.timer.data = watch;
    uv_timer_start(&watch->handle.timer, on_timer, watch->delay_ms, 0);
  }
  return 0;
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

/* ---- spawn ------------------------------------------------------------------------------ */

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

static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 6) return throw_type(env, "spawn(file, argv, env, cwd, pipeStdin, onExit)");
  napi_valuetype callback_type;
  napi_typeof(env, args[5], &callback_type);
  if (callback_type != napi_function) return throw_type(env, "onExit must be a function");
  bool pipe_stdin = false;
  napi_get_value_bool(env, args[4], &pipe_stdin);

  char *file = NULL, *cwd = NULL, *program = NULL;
  char **argv = NULL, **envp = NULL;
  napi_value result = NULL;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  int files_ready = 0, attr_ready = 0;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  file = get_string(env, args[0]);
  if (file == NULL) goto done;
  argv = get_string_list(env, args[1]);
  if (argv == NULL) goto done;
  envp = get_string_list(env, args[2]);
  if (envp == NULL) goto done;
  cwd = get_string(env, args[3]);
  if (cwd == NULL) goto done;

  int lookup_error = 0;
  program = find_program(file, envp, &lookup_error);
  if (program == NULL) {
    throw_errno(env, lookup_error, file);
    goto done;
  }

  if ((pipe_stdin && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    throw_errno(env, errno, "pipe");
    goto done;
  }

  posix_spawn_file_actions_init(&actions);
  files_ready = 1;
  if (pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  else posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_init(&attr);
  attr_ready = 1;
  sigset_t all, none;
  sigemptyset(&all);
  for (int sig = 1; sig < NSIG && sig <= (int)(8 * sizeof all); sig++)
    if (sig != SIGKILL && sig != SIGSTOP) add_signal_raw(&all, sig);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid;
  int rc = posix_spawn(&pid, program, &actions, &attr, argv, envp);
  if (rc != 0) {
    throw_errno(env, rc, file);
    goto done;
  }
  close_fd(&in[0]);
  close_fd(&out[1]);
  close_fd(&err[1]);

  rc = watch_exit(env, pid, args[5]);
  if (rc != 0) {
    /* Cannot happen short of memory; the child must not run unwatched. */
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    throw_errno(env, rc, "watch");
    goto done;
  }

  napi_value fds[4];
  napi_create_array_with_length(env, 4, &result);
  napi_create_int32(env, pid, &fds[0]);
  napi_create_int32(env, in[1], &fds[1]);
  napi_create_int32(env, out[0], &fds[2]);
  napi_create_int32(env, err[0], &fds[3]);
  for (uint32_t i = 0; i < 4; i++) napi_set_element(env, result, i, fds[i]);
  in[1] = out[0] = err[0] = -1; /* now owned by the caller */

done:
  if (files_ready) posix_spawn_file_actions_destroy(&actions);
  if (attr_ready) posix_spawnattr_destroy(&attr);
  for (int i = 0; i < 2; i++) {
    close_fd(&in[i]);
    close_fd(&out[i]);
    close_fd(&err[i]);
  }
  free(file);
  free(cwd);
  free(program);
  free_list(argv);
  free_list(envp);
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

/* ---- module ----------------------------------------------------------------------------- */

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"spawn", NULL, Spawn, NULL, NULL, NULL, napi_default, NULL},
      {"sdNotify", NULL, SdNotify, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
