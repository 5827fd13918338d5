/*
 * BASELINE ONLY, not the node: a minimal C relay hub (one thread, epoll), like the "C epoll
 * relay" row of the loadgen reference figures. The loadgen figures script runs it in the same
 * run as the node, so a figure on a shared, loaded machine can be read against what the
 * machine gives a hub with no runtime at all.
 *
 * It accepts TCP connections on 127.0.0.1, finds HDLC frames by their flags (0x7E) and writes
 * every complete frame of a read to every other peer, once per read; bytes a peer's socket does
 * not take are queued (at most 4 MiB per peer, beyond that frames are dropped for it). No
 * dedup, no unescaping: the loadgen's packets are unique.
 *
 * Build: cc -O2 -o c-relay c-relay.c   Run: ./c-relay [port]   (prints "listening <port>")
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLAG 0x7e
#define MAX_PEERS 65536
#define READ_SIZE 65536
#define MAX_QUEUED (4u << 20)
#define MAX_PARTIAL (2u << 20)

typedef struct {
  unsigned char *data;
  size_t len, cap;
} bytes_t;

typedef struct {
  int fd;
  int index; /* in `live` */
  bytes_t partial; /* an unfinished frame, from its opening flag */
  bytes_t out;     /* bytes the socket did not take yet */
  size_t out_off;
} peer_t;

static peer_t *peers[MAX_PEERS]; /* by descriptor */
static peer_t *live[MAX_PEERS];  /* dense, for the fan-out */
static int nlive;
static int epfd;

static int append(bytes_t *b, const unsigned char *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
  }
  memmove(b->data + b->len, p, n); /* p may lie inside b (see on_bytes) */
  b->len += n;
  return 0;
}

static void drop(peer_t *p) {
  epoll_ctl(epfd, EPOLL_CTL_DEL, p->fd, NULL);
  close(p->fd);
  peers[p->fd] = NULL;
  live[p->index] = live[--nlive];
  live[p->index]->index = p->index;
  free(p->partial.data);
  free(p->out.data);
  free(p);
}

static void watch_out(peer_t *p, int on) {
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.fd = p->fd};
  epoll_ctl(epfd, EPOLL_CTL_MOD, p->fd, &ev);
}

static void flush_out(peer_t *p) {
  while (p->out_off < p->out.len) {
    ssize_t w = write(p->fd, p->out.data + p->out_off, p->out.len - p->out_off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN: wait for EPOLLOUT; an error shows on the next read */
    }
    p->out_off += (size_t)w;
  }
  p->out.len = p->out_off = 0;
  watch_out(p, 0);
}

static void send_to(peer_t *p, const unsigned char *b, size_t n) {
  size_t queued = p->out.len - p->out_off;
  if (queued == 0) {
    ssize_t w = write(p->fd, b, n);
    if (w < 0) w = 0;
    if ((size_t)w == n) return;
    b += w;
    n -= (size_t)w;
    if (append(&p->out, b, n) == 0) watch_out(p, 1);
    return;
  }
  if (queued + n <= MAX_QUEUED) append(&p->out, b, n);
}

static void forward(peer_t *from, const unsigned char *b, size_t n) {
  for (int i = 0; i < nlive; i++)
    if (live[i] != from) send_to(live[i], b, n);
}

/*
 * Relays the complete frames of `buf` (from its first flag to its last) and keeps the rest as
 * the peer's unfinished frame. `buf` is either a socket read or the peer's own `partial`.
 */
static void on_bytes(peer_t *p, unsigned char *buf, size_t n) {
  unsigned char *first = memchr(buf, FLAG, n);
  if (!first) {
    /* Inside a long frame (kept, as `buf` is the partial itself), or noise before any flag. */
    if (buf != p->partial.data) p->partial.len = 0;
    return;
  }
  unsigned char *last = memrchr(buf, FLAG, n);
  if (last > first) forward(p, first, (size_t)(last - first) + 1);
  p->partial.len = 0;
  size_t rest = n - (size_t)(last - buf);
  if (rest <= MAX_PARTIAL) append(&p->partial, last, rest);
}

static void on_readable(peer_t *p) {
  static unsigned char rbuf[READ_SIZE];
  for (;;) {
    ssize_t r = read(p->fd, rbuf, sizeof rbuf);
    if (r == 0) {
      drop(p);
      return;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) drop(p);
      return;
    }
    if (p->partial.len > 0 && p->partial.len + (size_t)r <= MAX_PARTIAL) {
      append(&p->partial, rbuf, (size_t)r);
      on_bytes(p, p->partial.data, p->partial.len);
    } else {
      on_bytes(p, rbuf, (size_t)r);
    }
    if ((size_t)r < sizeof rbuf) return;
  }
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  signal(SIGPIPE, SIG_IGN);
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
    perror("c-relay: bind/listen");
    return 1;
  }
  socklen_t alen = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &alen);
  printf("listening %d\n", ntohs(a.sin_port));
  fflush(stdout);
  epfd = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(epfd, EPOLL_CTL_ADD, ls, &ev);
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(epfd, events, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == ls) {
        int c;
        while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (c >= MAX_PEERS) {
            close(c);
            continue;
          }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          peer_t *p = calloc(1, sizeof *p);
          p->fd = c;
          peers[c] = p;
          p->index = nlive;
          live[nlive++] = p;
          struct epoll_event pe = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(epfd, EPOLL_CTL_ADD, c, &pe);
        }
        continue;
      }
      peer_t *p = peers[fd];
      if (!p) continue;
      if (events[i].events & EPOLLOUT) flush_out(p);
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(p);
    }
  }
}
