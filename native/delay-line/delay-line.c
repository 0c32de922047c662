/*
 * delay-line: a user-space propagation delay between two TUN devices.
 *
 * The kernels cleave is tested on have no netem, so the real-link validation adds propagation
 * delay here: every IP packet the kernel writes to TUN device A (in network namespace A) is held
 * for a fixed one-way delay and then written to TUN device B (in namespace B), and the same in
 * the other direction. Rate limits (tc tbf) and random loss (nftables numgen) stay in the
 * kernel; this program only delays, in FIFO order, so it never reorders packets.
 *
 * Usage: delay-line NETNS_A DEV_A NETNS_B DEV_B ONE_WAY_DELAY_US
 *   NETNS_x is a path such as /var/run/netns/NAME. The program enters each namespace in turn
 *   (setns) to create the TUN device there, prints "ready" on stdout, and then forwards.
 *   Commands on stdin, one per line: "delay US" changes the one-way delay for packets read from
 *   then on; "stats" prints "stats FORWARDED DROPPED"; "trace N" starts recording the next N
 *   packets (see below) and prints "ok"; "dump" prints "trace K", the K records, one a line, then
 *   "end", and stops recording; end of file or "quit" exits (the TUN devices vanish with the
 *   process).
 *
 * Trace records, "T_NS DIR EV LEN PAYLOAD FLAGS": T_NS the CLOCK_MONOTONIC time in ns (the clock
 * Node's process.hrtime reads, so a process on the same machine can line its own timestamps up
 * with the wire); DIR 0 for A->B, 1 for B->A; EV 0 when the packet left the sender's qdisc (read
 * here), 1 when it was handed to the receiver's device (written); LEN the IP length; PAYLOAD the
 * TCP payload bytes; FLAGS the TCP flags byte. They let a measurement tell the network's share of
 * a request from the time the hosts took (compute, scheduling) on either side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOT_BYTES 2048
#define SLOTS 16384 /* per direction: 100 Mbit/s x 0.5 s one-way is ~4300 full packets */

struct slot {
  uint64_t due_ns;
  uint32_t len;
  unsigned char data[SLOT_BYTES];
};

struct ring {
  struct slot *slots;
  uint32_t head, tail; /* head: next to write out; tail: next free */
  uint64_t forwarded, dropped;
  uint8_t dir; /* 0: A->B, 1: B->A (trace records) */
};

struct trace_rec {
  uint64_t t_ns;
  uint16_t len, payload;
  uint8_t dir, ev, flags;
};

static struct trace_rec *trace_buf;
static uint32_t trace_cap, trace_len;

/* Record one packet event if tracing (IPv4/TCP fields when present, zeros otherwise). */
static void trace_packet(const unsigned char *p, uint32_t n, uint8_t dir, uint8_t ev, uint64_t t) {
  if (trace_len >= trace_cap) return;
  struct trace_rec *r = &trace_buf[trace_len++];
  r->t_ns = t;
  r->len = (uint16_t)n;
  r->dir = dir;
  r->ev = ev;
  r->payload = 0;
  r->flags = 0;
  if (n >= 20 && (p[0] >> 4) == 4 && p[9] == 6) {
    uint32_t ihl = (uint32_t)(p[0] & 15) * 4;
    uint32_t tot = ((uint32_t)p[2] << 8) | p[3];
    if (n >= ihl + 20 && tot <= n) {
      uint32_t doff = (uint32_t)(p[ihl + 12] >> 4) * 4;
      r->flags = p[ihl + 13];
      if (tot >= ihl + doff) r->payload = (uint16_t)(tot - ihl - doff);
    }
  }
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "delay-line: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Enter the namespace at `ns_path` and create a TUN device named `dev` there. */
static int open_tun_in(const char *ns_path, const char *dev) {
  int nsfd = open(ns_path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) die(ns_path);
  if (setns(nsfd, CLONE_NEWNET) < 0) die("setns");
  close(nsfd);
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) die("/dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  int flags = fcntl(fd, F_GETFL);
  if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("O_NONBLOCK");
  return fd;
}

/* Read every packet waiting on `in` and queue it with its due time. */
static void drain_input(int in, struct ring *r, uint64_t delay_ns) {
  for (;;) {
    struct slot *s = &r->slots[r->tail % SLOTS];
    ssize_t n = read(in, s->data, SLOT_BYTES);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      die("read");
    }
    if (r->tail - r->head >= SLOTS) { /* full: behave like a drop-tail buffer */
      r->dropped++;
      continue;
    }
    s->len = (uint32_t)n;
    uint64_t t = now_ns();
    s->due_ns = t + delay_ns;
    if (trace_buf) trace_packet(s->data, s->len, r->dir, 0, t);
    r->tail++;
  }
}

/* Write out every queued packet whose time has come. */
static void flush_due(int out, struct ring *r, uint64_t t) {
  while (r->head != r->tail) {
    struct slot *s = &r->slots[r->head % SLOTS];
    if (s->due_ns > t) return;
    if (write(out, s->data, s->len) < 0 && errno != EAGAIN && errno != EINVAL && errno != EIO) die("write");
    if (trace_buf) trace_packet(s->data, s->len, r->dir, 1, now_ns());
    r->head++;
    r->forwarded++;
  }
}

static uint64_t next_due(const struct ring *r) {
  return r->head == r->tail ? UINT64_MAX : r->slots[r->head % SLOTS].due_ns;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: delay-line NETNS_A DEV_A NETNS_B DEV_B ONE_WAY_DELAY_US\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  uint64_t delay_ns = strtoull(argv[5], NULL, 10) * 1000ull;
  int fa = open_tun_in(argv[1], argv[2]);
  int fb = open_tun_in(argv[3], argv[4]);
  struct ring ab = {0}, ba = {0};
  ba.dir = 1;
  ab.slots = calloc(SLOTS, sizeof(struct slot));
  ba.slots = calloc(SLOTS, sizeof(struct slot));
  if (!ab.slots || !ba.slots) die("calloc");
  printf("ready\n");
  fflush(stdout);

  char line[256];
  size_t line_len = 0;
  for (;;) {
    uint64_t t = now_ns();
    flush_due(fb, &ab, t);
    flush_due(fa, &ba, t);
    uint64_t due = next_due(&ab) < next_due(&ba) ? next_due(&ab) : next_due(&ba);
    struct timespec timeout, *tp = NULL;
    if (due != UINT64_MAX) {
      uint64_t wait = due > t ? due - t : 0;
      timeout.tv_sec = (time_t)(wait / 1000000000ull);
      timeout.tv_nsec = (long)(wait % 1000000000ull);
      tp = &timeout;
    }
    struct pollfd p[3] = {{fa, POLLIN, 0}, {fb, POLLIN, 0}, {0, POLLIN, 0}};
    int rc = ppoll(p, 3, tp, NULL);
    if (rc < 0) {
      if (errno == EINTR) continue;
      die("ppoll");
    }
    if (p[0].revents & POLLIN) drain_input(fa, &ab, delay_ns);
    if (p[1].revents & POLLIN) drain_input(fb, &ba, delay_ns);
    if (p[2].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(0, line + line_len, sizeof line - 1 - line_len);
      if (n <= 0) break;
      line_len += (size_t)n;
      line[line_len] = 0;
      char *nl;
      while ((nl = strchr(line, '\n')) != NULL) {
        *nl = 0;
        if (strncmp(line, "delay ", 6) == 0) {
          delay_ns = strtoull(line + 6, NULL, 10) * 1000ull;
          printf("ok\n");
        } else if (strcmp(line, "stats") == 0) {
          printf("stats %llu %llu\n", (unsigned long long)(ab.forwarded + ba.forwarded),
                 (unsigned long long)(ab.dropped + ba.dropped));
        } else if (strncmp(line, "trace ", 6) == 0) {
          /* Records are kept in memory and printed only on "dump", so tracing adds no output
           * (and no blocking write) to the forwarding path. */
          uint32_t cap = (uint32_t)strtoul(line + 6, NULL, 10);
          if (cap > 4000000) cap = 4000000;
          free(trace_buf);
          trace_buf = cap ? calloc(cap, sizeof *trace_buf) : NULL;
          if (cap && !trace_buf) die("calloc trace");
          trace_cap = cap;
          trace_len = 0;
          printf("ok\n");
        } else if (strcmp(line, "dump") == 0) {
          printf("trace %u\n", trace_len);
          for (uint32_t i = 0; i < trace_len; i++) {
            const struct trace_rec *r = &trace_buf[i];
            printf("%llu %u %u %u %u %u\n", (unsigned long long)r->t_ns, r->dir, r->ev, r->len, r->payload, r->flags);
          }
          printf("end\n");
          free(trace_buf);
          trace_buf = NULL;
          trace_cap = trace_len = 0;
        } else if (strcmp(line, "quit") == 0) {
          return 0;
        }
        fflush(stdout);
        size_t rest = line_len - (size_t)(nl + 1 - line);
        memmove(line, nl + 1, rest);
        line_len = rest;
        line[line_len] = 0;
      }
      if (line_len >= sizeof line - 1) line_len = 0; /* overlong garbage line: discard */
    }
  }
  return 0;
}
