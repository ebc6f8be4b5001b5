/*
 * linkemu: a one-direction link emulator in user space, on an NFQUEUE (libnetfilter_queue).
 *
 *   linkemu --queue N [--delay MS] [--jitter MS] [--dist uniform|normal] [--loss PCT]
 *           [--rate KBIT] [--limit PKTS] [--limit-ms MS] [--seed S] [--max-s SECONDS]
 *
 * Every packet iptables sends to queue N gets, in this order:
 *   1. loss: dropped (NF_DROP) with probability PCT/100, independently per packet;
 *   2. rate: serialised at KBIT kbit/s behind the packets already waiting for the wire; if that
 *      backlog holds LIMIT packets or LIMIT-MS worth of bytes, the packet is dropped (drop-tail);
 *   3. delay: held DELAY ± JITTER ms after it leaves the wire (uniform in [DELAY-JITTER,
 *      DELAY+JITTER], or normal with sd JITTER/2 with --dist normal; never below 0).
 * Order is kept: a packet is never released before the one queued ahead of it (its due time is
 * max(its own, the previous packet's)), like netem with a rate. So jitter shows up as bunching,
 * not reordering: the queue is one direction of one page's traffic, i.e. one or two TCP flows,
 * and reordering TCP segments would mostly measure fast-retransmit spuriousness. Because due
 * times never decrease, the held packets form a FIFO and the verdict queue is a ring buffer.
 *
 * Verdicts are issued when due (NF_ACCEPT) or at once (NF_DROP). The queue is bound with
 * NFQA_CFG_F_FAIL_OPEN, so a kernel queue that overflows passes packets instead of dropping
 * them, and the iptables rule is expected to carry --queue-bypass, so a crashed or stopped
 * emulator lets traffic through instead of blackholing it. On SIGTERM/SIGINT (or after
 * --max-s seconds) every held packet is accepted, the queue is unbound and one JSON line of
 * counters is printed on stdout.
 *
 * The RNG is xorshift64* seeded by --seed (default 1): the same seed and the same packets give
 * the same losses and delays.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HELD_MAX 16384

struct held {
  uint32_t id;
  double due_ms;
};

static struct {
  double delay_ms, jitter_ms, loss, rate_bps, limit_ms;
  int limit_pkts, normal;
  uint64_t rng;
} cfg = {.limit_pkts = 50, .limit_ms = 250, .rng = 1};

static struct {
  unsigned long long packets, bytes, lost, rate_dropped, overflow_dropped, accepted, max_held;
} st;

static struct held ring[HELD_MAX];
static unsigned head, count;
static double wire_free_ms, last_due_ms;
/* Packets admitted to the rate stage whose serialisation has not finished (drop-tail bound). */
static double wire_done[HELD_MAX];
static unsigned wire_head, wire_count;
static struct nfq_q_handle *qh;
static volatile sig_atomic_t stop;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double rnd(void) {
  cfg.rng ^= cfg.rng >> 12;
  cfg.rng ^= cfg.rng << 25;
  cfg.rng ^= cfg.rng >> 27;
  return ((cfg.rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static double delay_sample(void) {
  double d = cfg.delay_ms;
  if (cfg.jitter_ms > 0) {
    if (cfg.normal) {
      double u1 = rnd(), u2 = rnd();
      if (u1 < 1e-12) u1 = 1e-12;
      d += (cfg.jitter_ms / 2) * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
    } else {
      d += (rnd() * 2 - 1) * cfg.jitter_ms;
    }
  }
  return d < 0 ? 0 : d;
}

static void verdict(uint32_t id, int v) {
  nfq_set_verdict(qh, id, v, 0, NULL);
}

/** The IPv4/IPv6 length from the header bytes copied to us (we copy only the first 64). */
static unsigned packet_len(unsigned char *p, int n) {
  if (n >= 4 && (p[0] >> 4) == 4) return (p[2] << 8) | p[3];
  if (n >= 6 && (p[0] >> 4) == 6) return ((p[4] << 8) | p[5]) + 40;
  return n > 0 ? (unsigned)n : 0;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *m, struct nfq_data *nfa, void *data) {
  (void)q, (void)m, (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  unsigned char *payload = NULL;
  int n = nfq_get_payload(nfa, &payload);
  unsigned len = packet_len(payload, n);
  double now = now_ms();
  st.packets++;
  st.bytes += len;
  if (cfg.loss > 0 && rnd() < cfg.loss) {
    st.lost++;
    verdict(id, NF_DROP);
    return 0;
  }
  double leave = now;
  if (cfg.rate_bps > 0) {
    while (wire_count && wire_done[wire_head] <= now) {
      wire_head = (wire_head + 1) % HELD_MAX;
      wire_count--;
    }
    double start = wire_free_ms > now ? wire_free_ms : now;
    if (wire_count >= (unsigned)cfg.limit_pkts || wire_count >= HELD_MAX || start - now > cfg.limit_ms) {
      st.rate_dropped++;
      verdict(id, NF_DROP);
      return 0;
    }
    leave = start + len * 8.0 * 1000.0 / cfg.rate_bps;
    wire_free_ms = leave;
    wire_done[(wire_head + wire_count) % HELD_MAX] = leave;
    wire_count++;
  }
  double due = leave + delay_sample();
  if (due < last_due_ms) due = last_due_ms;
  if (count >= HELD_MAX) {
    st.overflow_dropped++;
    verdict(id, NF_DROP);
    return 0;
  }
  last_due_ms = due;
  ring[(head + count) % HELD_MAX] = (struct held){id, due};
  if (++count > st.max_held) st.max_held = count;
  return 0;
}

/** Accepts every held packet that is due (all of them when `all`); returns ms to the next one. */
static int release(int all) {
  double now = now_ms();
  while (count && (all || ring[head].due_ms <= now)) {
    verdict(ring[head].id, NF_ACCEPT);
    st.accepted++;
    head = (head + 1) % HELD_MAX;
    count--;
  }
  if (!count) return 100;
  double wait = ring[head].due_ms - now;
  return wait < 1 ? 1 : (int)wait;
}

static void on_signal(int s) {
  (void)s;
  stop = 1;
}

static void usage(void) {
  fprintf(stderr,
          "usage: linkemu --queue N [--delay MS] [--jitter MS] [--dist uniform|normal] [--loss PCT]\n"
          "               [--rate KBIT] [--limit PKTS] [--limit-ms MS] [--seed S] [--max-s S]\n");
  exit(2);
}

int main(int argc, char **argv) {
  int queue = -1;
  double max_s = 3600;
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc) usage();
    const char *k = argv[i], *v = argv[++i];
    if (!strcmp(k, "--queue")) queue = atoi(v);
    else if (!strcmp(k, "--delay")) cfg.delay_ms = atof(v);
    else if (!strcmp(k, "--jitter")) cfg.jitter_ms = atof(v);
    else if (!strcmp(k, "--dist")) cfg.normal = !strcmp(v, "normal");
    else if (!strcmp(k, "--loss")) cfg.loss = atof(v) / 100;
    else if (!strcmp(k, "--rate")) cfg.rate_bps = atof(v) * 1000;
    else if (!strcmp(k, "--limit")) cfg.limit_pkts = atoi(v);
    else if (!strcmp(k, "--limit-ms")) cfg.limit_ms = atof(v);
    else if (!strcmp(k, "--seed")) cfg.rng = strtoull(v, NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    else if (!strcmp(k, "--max-s")) max_s = atof(v);
    else usage();
  }
  if (queue < 0 || queue > 65535 || cfg.limit_pkts < 1) usage();

  struct nfq_handle *h = nfq_open();
  if (!h) {
    perror("nfq_open");
    return 1;
  }
  qh = nfq_create_queue(h, (uint16_t)queue, on_packet, NULL);
  if (!qh) {
    perror("nfq_create_queue");
    nfq_close(h);
    return 1;
  }
  /* Only the IP header is needed (for the length); the verdict carries no payload. */
  if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 64) < 0) perror("nfq_set_mode");
  nfq_set_queue_maxlen(qh, HELD_MAX);
  if (nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN) < 0)
    perror("nfq_set_queue_flags(FAIL_OPEN)");
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int fd = nfq_fd(h);
  int rcvbuf = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
  char buf[65536] __attribute__((aligned));
  double started = now_ms();
  printf("{\"ready\":true,\"queue\":%d}\n", queue);
  fflush(stdout);
  while (!stop && now_ms() - started < max_s * 1000) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, release(0));
    if (r > 0) {
      for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) nfq_handle_packet(h, buf, (int)n);
        else if (n < 0 && errno == ENOBUFS) continue; /* the kernel dropped notifications; go on */
        else break;
      }
    }
    release(0);
  }
  release(1);
  nfq_destroy_queue(qh);
  nfq_close(h);
  printf("{\"packets\":%llu,\"bytes\":%llu,\"lost\":%llu,\"rateDropped\":%llu,\"overflowDropped\":%llu,"
         "\"accepted\":%llu,\"maxHeld\":%llu}\n",
         st.packets, st.bytes, st.lost, st.rate_dropped, st.overflow_dropped, st.accepted, st.max_held);
  return 0;
}
