/*
 * A delay line for the NAT lab (issue #14): this kernel has no sch_netem, so packets that an
 * nftables rule sends to NFQUEUE queue N wait here D milliseconds before their ACCEPT verdict, in
 * arrival order (FIFO: no reordering), and a fraction of them is dropped instead.
 *
 *   delayline QUEUE DELAY_MS LOSS_PERCENT SEED
 *
 * Runs inside the namespace whose rule queues the packets (NFQUEUE is per network namespace).
 * Prints "delayline: queue N ready" once bound, then works until SIGTERM or SIGINT, then prints
 * what it passed and dropped. Bounded: at most HELD packets wait at once (the kernel queue is
 * sized to match); one more is dropped, as a full router buffer would.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HELD 16384

static struct { uint32_t id; int64_t due; } held[HELD];
static unsigned head, count;
static int64_t delay_ns;
static double loss;
static unsigned long passed, dropped, overflow;
static volatile sig_atomic_t stop;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *data, void *arg) {
    (void) msg;
    (void) arg;
    struct nfqnl_msg_packet_hdr *h = nfq_get_msg_packet_hdr(data);
    if (h == NULL) {
        return 0;
    }
    uint32_t id = ntohl(h->packet_id);
    if (loss > 0 && drand48() * 100.0 < loss) {
        dropped++;
        return nfq_set_verdict(q, id, NF_DROP, 0, NULL);
    }
    if (count == HELD) {
        overflow++;
        return nfq_set_verdict(q, id, NF_DROP, 0, NULL);
    }
    unsigned tail = (head + count) % HELD;
    held[tail].id = id;
    held[tail].due = now_ns() + delay_ns;
    count++;
    return 0;
}

static void release_due(struct nfq_q_handle *q) {
    int64_t now = now_ns();
    while (count > 0 && held[head].due <= now) {
        nfq_set_verdict(q, held[head].id, NF_ACCEPT, 0, NULL);
        passed++;
        head = (head + 1) % HELD;
        count--;
    }
}

static void on_signal(int sig) {
    (void) sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: delayline QUEUE DELAY_MS LOSS_PERCENT SEED\n");
        return 2;
    }
    int queue = atoi(argv[1]);
    delay_ns = (int64_t) (atof(argv[2]) * 1e6);
    loss = atof(argv[3]);
    srand48(atol(argv[4]));
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    struct nfq_handle *nh = nfq_open();
    if (nh == NULL) {
        perror("delayline: nfq_open");
        return 1;
    }
    struct nfq_q_handle *q = nfq_create_queue(nh, queue, on_packet, NULL);
    if (q == NULL) {
        fprintf(stderr, "delayline: cannot bind queue %d (is another process on it?)\n", queue);
        return 1;
    }
    if (nfq_set_mode(q, NFQNL_COPY_META, 0) < 0 || nfq_set_queue_maxlen(q, HELD) < 0) {
        perror("delayline: queue settings");
        return 1;
    }
    int fd = nfq_fd(nh);
    /* Room for a burst: a full kernel queue's worth of messages, so the netlink socket does not
       overflow (an overflow makes the kernel drop packets: loss nobody asked for). */
    nfnl_rcvbufsiz(nfq_nfnlh(nh), 32u << 20);
    int one = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
    printf("delayline: queue %d ready (%.1f ms, %.2f %% loss)\n", queue, delay_ns / 1e6, loss);
    fflush(stdout);

    char buf[65536] __attribute__((aligned));
    while (!stop) {
        int64_t wait = 100000000LL;
        if (count > 0) {
            wait = held[head].due - now_ns();
            wait = wait < 0 ? 0 : wait;
        }
        struct timespec timeout = {wait / 1000000000LL, wait % 1000000000LL};
        struct pollfd p = {fd, POLLIN, 0};
        int r = ppoll(&p, 1, &timeout, NULL);
        if (r > 0) {
            for (;;) {
                ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0) {
                    if (errno == ENOBUFS) {
                        overflow++; /* the kernel dropped some: counted, not fatal */
                        continue;
                    }
                    break;
                }
                nfq_handle_packet(nh, buf, (int) n);
            }
        }
        release_due(q);
    }
    nfq_destroy_queue(q);
    nfq_close(nh);
    printf("delayline: queue %d passed %lu dropped %lu overflow %lu\n", queue, passed, dropped, overflow);
    return 0;
}
