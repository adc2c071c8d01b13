// A constant-delay UDP relay for the TFTP benchmark (bench/tftp.ts): every datagram, in either
// direction, leaves the relay a fixed time after it arrived, so a loopback path gets a round
// trip of 2 × delay (+ the kernel's loopback time), like a LAN hop with a switch or two.
//
// Why C and not test/support/lossy-relay.ts: that relay delays with setTimeout, whose floor is
// 1 ms, so the smallest round trip it can add is 2 ms; a LAN round trip is ~0.1–0.3 ms. This
// relay waits with epoll_pwait2 (nanosecond timeout) and a timer slack of 1 ns, and reports how
// late it actually sent (its lateness histogram) when it stops. This kernel has no netem qdisc.
//
// It maps ports like test/support/lossy-relay.ts (a NAT), so TFTP's transfer IDs work:
//
//   client ──► client-facing socket for server port P ──► server-facing socket for that client ──► P
//   client ◄── client-facing socket for server port T ◄── server-facing socket for that client ◄── T
//
// Usage: delay-relay SERVER_PORT DELAY_US   (127.0.0.1 only; prints "entry PORT" when ready)
// Stops on SIGTERM/SIGINT or when its parent dies, and then prints one "stats ..." line.
//
// Two helper modes measure the path the benchmark reports (a round trip through the relay):
//   delay-relay echo              answers every datagram with itself (prints "entry PORT")
//   delay-relay ping PORT COUNT   COUNT 32-byte datagrams one after another to PORT, each waiting
//                                 for its echo; prints "rtt p10_us=… p50_us=… p90_us=… lost=…"
// Mappings idle for 5 s are closed, so repeated runs of 100 clients do not pile up sockets.
// Build: cc -O2 -o delay-relay delay-relay.c (bench/tftp.ts does this itself).

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MAPS 4096
#define IDLE_NS (5ull * 1000000000ull)
#define HIST_US 10000
#define BUF_BYTES (4 * 1024 * 1024)

typedef struct {
  int fd;
  int used;
  uint64_t last;
  uint16_t server_port; /* client-facing: the server port it stands for */
  struct sockaddr_in client; /* server-facing: the client it stands for */
} map_t;

typedef struct pkt {
  struct pkt *next;
  uint64_t due;
  int fd;
  struct sockaddr_in to;
  size_t len;
  unsigned char data[];
} pkt_t;

static map_t cf[MAX_MAPS]; /* client-facing */
static map_t sf[MAX_MAPS]; /* server-facing */
static int epfd;
static uint16_t server_port;
static uint64_t delay_ns;
static pkt_t *head, *tail;
static volatile sig_atomic_t stop;
static uint64_t hist[HIST_US + 1], forwarded, late_sum_ns, late_max_ns, queue_peak, queued;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void on_signal(int s) {
  (void)s;
  stop = 1;
}

/* epoll data: bit 31 set = server-facing, low bits = index. */
static int open_socket(uint32_t tag) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int sz = BUF_BYTES;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = tag};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int client_facing(uint16_t port, uint64_t now) {
  int free_slot = -1;
  for (int i = 0; i < MAX_MAPS; i++) {
    if (cf[i].used && cf[i].server_port == port) {
      cf[i].last = now;
      return cf[i].fd;
    }
    if (!cf[i].used && free_slot < 0) free_slot = i;
  }
  if (free_slot < 0) return -1;
  int fd = open_socket((uint32_t)free_slot);
  if (fd < 0) return -1;
  cf[free_slot] = (map_t){.fd = fd, .used = 1, .last = now, .server_port = port};
  return fd;
}

static int server_facing(const struct sockaddr_in *client, uint64_t now) {
  int free_slot = -1;
  for (int i = 0; i < MAX_MAPS; i++) {
    if (sf[i].used && sf[i].client.sin_port == client->sin_port && sf[i].client.sin_addr.s_addr == client->sin_addr.s_addr) {
      sf[i].last = now;
      return sf[i].fd;
    }
    if (!sf[i].used && free_slot < 0) free_slot = i;
  }
  if (free_slot < 0) return -1;
  int fd = open_socket(0x80000000u | (uint32_t)free_slot);
  if (fd < 0) return -1;
  sf[free_slot] = (map_t){.fd = fd, .used = 1, .last = now, .client = *client};
  return fd;
}

static void enqueue(int fd, const struct sockaddr_in *to, const unsigned char *data, size_t len, uint64_t arrived) {
  pkt_t *p = malloc(sizeof *p + len);
  if (p == NULL) return;
  p->next = NULL;
  p->due = arrived + delay_ns;
  p->fd = fd;
  p->to = *to;
  p->len = len;
  memcpy(p->data, data, len);
  if (tail) tail->next = p;
  else head = p;
  tail = p;
  if (++queued > queue_peak) queue_peak = queued;
}

static unsigned char buf[65536];

static void drain(uint32_t tag) {
  int server_side = (tag & 0x80000000u) != 0;
  int i = (int)(tag & 0x7fffffffu);
  map_t *m = server_side ? &sf[i] : &cf[i];
  if (!m->used) return;
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(m->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 0) return; /* EAGAIN (or ICMP-reported errors): nothing more now */
    uint64_t t = now_ns();
    if (server_side) {
      /* From server port `from` to the client this socket stands for. */
      int out = client_facing(ntohs(from.sin_port), t);
      if (out >= 0) enqueue(out, &m->client, buf, (size_t)n, t);
    } else {
      /* From a client to the server port this socket stands for. */
      int out = server_facing(&from, t);
      struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(m->server_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
      if (out >= 0) enqueue(out, &to, buf, (size_t)n, t);
    }
    m->last = t;
  }
}

static void send_due(void) {
  uint64_t t = now_ns();
  while (head && head->due <= t) {
    pkt_t *p = head;
    head = p->next;
    if (!head) tail = NULL;
    queued--;
    sendto(p->fd, p->data, p->len, 0, (struct sockaddr *)&p->to, sizeof p->to);
    uint64_t late = t - p->due;
    late_sum_ns += late;
    if (late > late_max_ns) late_max_ns = late;
    uint64_t us = late / 1000;
    hist[us > HIST_US ? HIST_US : us]++;
    forwarded++;
    free(p);
    t = now_ns();
  }
}

static void expire(uint64_t t) {
  for (int i = 0; i < MAX_MAPS; i++) {
    if (sf[i].used && t - sf[i].last > IDLE_NS) {
      close(sf[i].fd);
      sf[i].used = 0;
    }
    /* Slot 0 is the entry socket: kept. */
    if (i > 0 && cf[i].used && t - cf[i].last > IDLE_NS) {
      close(cf[i].fd);
      cf[i].used = 0;
    }
  }
}

static double percentile_us(double q) {
  uint64_t want = (uint64_t)(q * (double)forwarded), seen = 0;
  for (int i = 0; i <= HIST_US; i++) {
    seen += hist[i];
    if (seen > want) return i;
  }
  return HIST_US;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int echo_main(void) {
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
    perror("delay-relay echo");
    return 1;
  }
  printf("entry %u\n", ntohs(a.sin_port));
  fflush(stdout);
  while (!stop) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n >= 0) sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
  }
  return 0;
}

static int ping_main(uint16_t port, int count) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  struct timeval tv = {.tv_sec = 1, .tv_usec = 0};
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
    perror("delay-relay ping");
    return 1;
  }
  uint64_t *rtt = calloc((size_t)count, sizeof *rtt);
  int got = 0, lost = 0;
  unsigned char msg[32] = {0};
  for (int i = 0; i < count; i++) {
    memcpy(msg, &i, sizeof i);
    uint64_t t0 = now_ns();
    sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)&to, sizeof to);
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 0) {
        lost++;
        break;
      }
      if (n == (ssize_t)sizeof msg && memcmp(buf, msg, sizeof msg) == 0) {
        rtt[got++] = now_ns() - t0;
        break;
      }
    }
  }
  qsort(rtt, (size_t)got, sizeof *rtt, cmp_u64);
  double p10 = got ? (double)rtt[got / 10] / 1000.0 : 0, p50 = got ? (double)rtt[got / 2] / 1000.0 : 0, p90 = got ? (double)rtt[(got * 9) / 10] / 1000.0 : 0;
  printf("rtt p10_us=%.1f p50_us=%.1f p90_us=%.1f lost=%d\n", p10, p50, p90, lost);
  return got > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "echo") == 0) return echo_main();
  if (argc == 4 && strcmp(argv[1], "ping") == 0) return ping_main((uint16_t)atoi(argv[2]), atoi(argv[3]));
  if (argc != 3) {
    fprintf(stderr, "usage: delay-relay SERVER_PORT DELAY_US | echo | ping PORT COUNT\n");
    return 2;
  }
  server_port = (uint16_t)atoi(argv[1]);
  delay_ns = (uint64_t)atoll(argv[2]) * 1000ull;
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0 || client_facing(server_port, now_ns()) < 0) {
    perror("delay-relay");
    return 1;
  }
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  getsockname(cf[0].fd, (struct sockaddr *)&a, &al);
  printf("entry %u\n", ntohs(a.sin_port));
  fflush(stdout);
  uint64_t next_expire = now_ns() + 1000000000ull;
  struct epoll_event evs[64];
  while (!stop) {
    struct timespec to, *top = NULL;
    uint64_t t = now_ns();
    uint64_t wake = next_expire;
    if (head && head->due < wake) wake = head->due;
    uint64_t wait = wake > t ? wake - t : 0;
    to.tv_sec = (time_t)(wait / 1000000000ull);
    to.tv_nsec = (long)(wait % 1000000000ull);
    top = &to;
    int n = epoll_pwait2(epfd, evs, 64, top, NULL);
    if (n < 0 && errno != EINTR) {
      perror("epoll_pwait2");
      break;
    }
    for (int i = 0; i < n; i++) drain(evs[i].data.u32);
    send_due();
    t = now_ns();
    if (t >= next_expire) {
      expire(t);
      next_expire = t + 1000000000ull;
    }
  }
  printf("stats forwarded=%llu late_mean_us=%.1f late_p50_us=%.0f late_p99_us=%.0f late_max_us=%.0f queue_peak=%llu\n",
         (unsigned long long)forwarded, forwarded ? (double)late_sum_ns / (double)forwarded / 1000.0 : 0.0, percentile_us(0.5),
         percentile_us(0.99), (double)late_max_ns / 1000.0, (unsigned long long)queue_peak);
  fflush(stdout);
  return 0;
}
