// The floor of any daemon on this machine: a C server with no runtime and no relay. One epoll
// loop; per connection, at the first bytes of the request, the command is started with
// posix_spawn as the native launcher starts it (own session, default signal dispositions, empty
// mask, stdin /dev/null, stdout and stderr piped), its exit watched through a pidfd, its pipes
// drained, then a fixed answer is written and the connection closed. Built by bench/raw.ts with
// the machine's C compiler (the row is skipped without one); `floor-server ARGV...` prints its
// port, then serves until killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char ANSWER[] = "{\"status\":\"ok\",\"message\":\"\",\"code\":0}\n";

enum kind { LISTENER, CONNECTION, EXIT, OUTPUT };

struct job;
struct watched {
  enum kind kind;
  int fd;
  struct job *job;
};

// One request: its connection, then the command's exit and its two pipes.
struct job {
  struct watched connection, exit, stdout_pipe, stderr_pipe;
  int waiting; // of the exit and the two pipes
};

static int loop;
static char **command;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void watch(struct watched *w, enum kind kind, int fd, struct job *job) {
  *w = (struct watched){kind, fd, job};
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = w};
  if (epoll_ctl(loop, EPOLL_CTL_ADD, fd, &event) != 0) die("epoll_ctl");
}

static void unwatch_and_close(struct watched *w) {
  epoll_ctl(loop, EPOLL_CTL_DEL, w->fd, NULL);
  close(w->fd);
}

// The exit or a pipe is done; once all three are, the answer.
static void done_one(struct job *job) {
  if (--job->waiting > 0) return;
  if (write(job->connection.fd, ANSWER, sizeof ANSWER - 1) < 0) { /* the client left */ }
  close(job->connection.fd);
  free(job);
}

static void start_command(struct job *job) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(err, O_CLOEXEC | O_NONBLOCK) != 0) die("pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid;
  int failed = posix_spawn(&pid, command[0], &actions, &attributes, command, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) {
    errno = failed;
    die(command[0]);
  }
  close(out[1]);
  close(err[1]);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) die("pidfd_open");
  job->waiting = 3;
  watch(&job->exit, EXIT, pidfd, job);
  watch(&job->stdout_pipe, OUTPUT, out[0], job);
  watch(&job->stderr_pipe, OUTPUT, err[0], job);
}

static void on_event(struct watched *w, int listener) {
  static char buffer[65536];
  switch (w->kind) {
  case LISTENER:
    for (int fd; (fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      struct job *job = calloc(1, sizeof *job);
      if (job == NULL) die("calloc");
      watch(&job->connection, CONNECTION, fd, job);
    }
    return;
  case CONNECTION: {
    ssize_t got = read(w->fd, buffer, sizeof buffer);
    if (got < 0 && errno == EAGAIN) return;
    epoll_ctl(loop, EPOLL_CTL_DEL, w->fd, NULL);
    if (got > 0) return start_command(w->job);
    close(w->fd);
    free(w->job);
    return;
  }
  case EXIT: {
    siginfo_t info;
    if (waitid(P_PIDFD, (id_t)w->fd, &info, WEXITED) != 0) die("waitid");
    unwatch_and_close(w);
    return done_one(w->job);
  }
  case OUTPUT: {
    ssize_t got = read(w->fd, buffer, sizeof buffer);
    if (got > 0 || (got < 0 && errno == EAGAIN)) return;
    unwatch_and_close(w);
    return done_one(w->job);
  }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s ARGV...\n", argv[0]);
    return 2;
  }
  command = argv + 1;
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, length) != 0 || listen(listener, 511) != 0) die("listen");
  if (getsockname(listener, (struct sockaddr *)&address, &length) != 0) die("getsockname");
  printf("%d\n", ntohs(address.sin_port));
  fflush(stdout);
  loop = epoll_create1(EPOLL_CLOEXEC);
  if (loop < 0) die("epoll_create1");
  struct watched listening;
  watch(&listening, LISTENER, listener, NULL);
  struct epoll_event events[64];
  for (;;) {
    int count = epoll_wait(loop, events, 64, -1);
    if (count < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < count; i++) on_event(events[i].data.ptr, listener);
  }
}
