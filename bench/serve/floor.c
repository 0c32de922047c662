/*
 * bench/serve's floor: what splitting a computation across two processes costs on this machine
 * with no software stack at all. One process runs HEAD then TAIL (matrix multiplies calibrated
 * to the given times; the tail streams its left operands from TAIL_BYTES of "weights", as a
 * tail's layers do, so caches matter as much as they do for the real tail); the split runs HEAD
 * here, sends CUT_BYTES over loopback TCP to a second process that runs TAIL and answers
 * REPLY_BYTES. No Node, no ORT, no framing: the gap between the two is the machine's (wake-ups,
 * scheduling, caches, TCP).
 *
 * Usage: floor HEAD_MS TAIL_MS CUT_BYTES REPLY_BYTES TAIL_BYTES
 * Prints "ready" once calibrated; then each line on stdin runs one pair and prints
 * "ONE_PROCESS_MS SPLIT_MS" (both runs of a pair do the same work). Exits at end of input.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define M 128
static float A[M * M], B[M * M], C[M * M];

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void matmul(const float *a) {
  for (int i = 0; i < M; i++)
    for (int k = 0; k < M; k++) {
      float x = a[i * M + k];
      for (int j = 0; j < M; j++) C[i * M + j] += x * B[k * M + j];
    }
}

static void head_work(long reps) {
  for (long r = 0; r < reps; r++) matmul(A);
}

/* The tail's weights: blocks of M*M floats, taken in turn across runs. */
static float *W;
static long blocks, next_block;

static void tail_work(long reps) {
  for (long r = 0; r < reps; r++) {
    matmul(W + next_block * M * M);
    next_block = (next_block + 1) % blocks;
  }
}

/* Repetitions of the kernel that take `ms`, from the fastest of many timed runs (a slower one
   met a busy sibling CPU; the one-process and split runs then share whatever speed they get). */
static long calibrate(void (*work)(long), double ms) {
  double best = 1e9, warm = now_ms();
  while (now_ms() - warm < 100) work(1); /* caches and clock up first */
  for (int i = 0; i < 101; i++) {
    double t0 = now_ms();
    work(1);
    double t = now_ms() - t0;
    if (t < best) best = t;
  }
  long reps = (long)(ms / best + 0.5);
  return reps < 1 ? 1 : reps;
}

static int read_all(int fd, char *buf, size_t n) {
  for (size_t got = 0; got < n;) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

static int write_all(int fd, const char *buf, size_t n) {
  for (size_t sent = 0; sent < n;) {
    ssize_t w = write(fd, buf + sent, n - sent);
    if (w <= 0) return -1;
    sent += (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: floor HEAD_MS TAIL_MS CUT_BYTES REPLY_BYTES TAIL_BYTES\n");
    return 2;
  }
  double head_ms = atof(argv[1]), tail_ms = atof(argv[2]);
  size_t cut = (size_t)atol(argv[3]), reply = (size_t)atol(argv[4]), weights = (size_t)atol(argv[5]);
  if (head_ms <= 0 || tail_ms <= 0 || cut < sizeof(long) || reply < 1 || cut > (64u << 20) || reply > (64u << 20) || weights > (1u << 30)) {
    fprintf(stderr, "floor: times must be > 0, the cut 8 bytes to 64 MiB, the reply 1 byte to 64 MiB, the tail's bytes at most 1 GiB\n");
    return 2;
  }
  blocks = (long)(weights / (M * M * sizeof(float)));
  if (blocks < 1) blocks = 1;
  W = malloc((size_t)blocks * M * M * sizeof(float));
  if (!W) { perror("floor: weights"); return 1; }
  for (long i = 0; i < blocks * M * M; i++) W[i] = (float)(i % 3);
  for (int i = 0; i < M * M; i++) { A[i] = (float)(i % 7); B[i] = (float)(i % 5); }
  long head = calibrate(head_work, head_ms), tail = calibrate(tail_work, tail_ms);
  char *buf = calloc(cut > reply ? cut : reply, 1);
  int one = 1, ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!buf || ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) || listen(ls, 1) || getsockname(ls, (struct sockaddr *)&addr, &len)) {
    perror("floor: loopback socket");
    return 1;
  }
  fflush(stdout);
  if (fork() == 0) { /* the "server": tail on each cut tensor, until the socket closes */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, sizeof addr)) return 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (read_all(c, buf, cut) == 0) {
      long reps;
      memcpy(&reps, buf, sizeof reps); /* the parent's current tail size travels in the cut */
      tail_work(reps);
      if (write_all(c, buf, reply)) break;
    }
    return 0;
  }
  int s = accept(ls, NULL, NULL);
  if (s < 0) { perror("floor: accept"); return 1; }
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  printf("ready\n");
  fflush(stdout);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    double t0 = now_ms();
    head_work(head);
    tail_work(tail);
    double t1 = now_ms();
    head_work(head);
    memcpy(buf, &tail, sizeof tail);
    if (write_all(s, buf, cut) || read_all(s, buf, reply)) { fprintf(stderr, "floor: the tail process went away\n"); return 1; }
    double t2 = now_ms();
    printf("%.4f %.4f\n", t1 - t0, t2 - t1);
    /* This machine's speed drifts: steer the work halfway back to the asked-for times each pair. */
    double scale = 1 + 0.5 * ((head_ms + tail_ms) / (t1 - t0) - 1);
    head = (long)(head * scale + 0.5);
    tail = (long)(tail * scale + 0.5);
    if (head < 1) head = 1;
    if (tail < 1) tail = 1;
    fflush(stdout);
  }
  close(s);
  return 0;
}
