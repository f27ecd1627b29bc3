/*
 * rdkafka_baseline.c — plain-librdkafka baseline for Sluice's throughput benchmarks.
 *
 * Runs in the same benchmark session as the Swift measurements, against the same broker
 * (Sluice's embedded librdkafka mock cluster, bootstrap address passed in by the harness), so
 * the Swift numbers can be read as "fraction of what librdkafka itself achieves here".
 *
 * Usage:
 *   rdkafka_baseline produce     -b BOOTSTRAP -t TOPIC -n COUNT -s SIZE [-p PARTITIONS] [-X k=v ...]
 *   rdkafka_baseline consume     -b BOOTSTRAP -t TOPIC -n COUNT [-g GROUP] [-X k=v ...]
 *   rdkafka_baseline passthrough -b BOOTSTRAP -i IN_TOPIC -o OUT_TOPIC -n COUNT [-g GROUP] [-X k=v ...]
 *
 * Output: one JSON line on stdout,
 *   {"mode":"...","records":N,"failed":F,"seconds":S,"records_per_sec":R,"mb_per_sec":M}
 * mb_per_sec counts key+value bytes in MB (10^6 bytes). Exit codes: 0 ok, 1 error (or failed
 * deliveries), 2 consume/passthrough idle timeout (60 s without a record).
 *
 * Defaults (must match the Swift side: SluiceKafka KafkaProducer / KafkaConsumer):
 *   producer: linger.ms=5, compression.type=lz4, enable.idempotence=true,
 *             queue.buffering.max.messages=500000, queue.buffering.max.kbytes=262144,
 *             batch.num.messages=10000
 *   consumer: queued.min.messages=1000000, queued.max.messages.kbytes=131072,
 *             fetch.wait.max.ms=10, enable.partition.eof=false,
 *             auto.offset.reset=earliest, enable.auto.commit=false,
 *             group.id=random unless -g is given
 * -X key=value is applied after the defaults to BOTH the producer and the consumer config.
 * librdkafka's configuration namespace is shared, so a consumer-only property on the producer is
 * accepted here and merely warned about (and ignored) by librdkafka; a property unknown to
 * librdkafka altogether, or an invalid value, is an error (catches typos).
 *
 * Produce: payload is SIZE bytes of 'a'..'z' repeating (deterministic, highly compressible),
 * null key, rd_kafka_produce with RD_KAFKA_MSG_F_COPY, explicit round-robin partitions when -p
 * is given else RD_KAFKA_PARTITION_UA; rd_kafka_poll(rk, 0) every 1000 messages, and on
 * QUEUE_FULL rd_kafka_poll(rk, 10) then retry (the same 10 ms backoff as Swift's sendWaiting);
 * then flush. Timed from the first produce call to the end of the flush.
 *
 * Consume: subscribe, rd_kafka_consume_batch_queue on the consumer queue (batch 10000, 100 ms
 * timeout) until COUNT records; timed from the first record received.
 *
 * Passthrough: consume as above, produce each record's key+value to OUT_TOPIC on the same
 * partition number; every 100000 records and at the end: flush, then commit the consumed
 * offsets synchronously (at-least-once: nothing is committed that has not been delivered; no
 * commit at all once a delivery has failed). Timed from the first record to the final commit.
 */
#define _POSIX_C_SOURCE 200809L
#include <librdkafka/rdkafka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_SIZE 10000
#define BATCH_TIMEOUT_MS 100
#define IDLE_TIMEOUT_S 60.0
#define COMMIT_EVERY 100000
#define POLL_EVERY 1000
#define FLUSH_TIMEOUT_MS 120000
#define MAX_X 64

typedef struct {
    const char *mode, *bootstrap, *topic, *in_topic, *out_topic, *group;
    long long count;
    long size, partitions;
    const char *x[MAX_X];
    int nx;
} options_t;

/* Delivery report counters (served on the thread calling rd_kafka_poll/flush: no locking). */
typedef struct {
    long long delivered, failed;
    rd_kafka_resp_err_t first_err;
} dr_stats_t;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "rdkafka_baseline: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void usage(void) {
    fprintf(stderr,
            "usage:\n"
            "  rdkafka_baseline produce     -b BOOTSTRAP -t TOPIC -n COUNT -s SIZE [-p PARTITIONS] [-X k=v ...]\n"
            "  rdkafka_baseline consume     -b BOOTSTRAP -t TOPIC -n COUNT [-g GROUP] [-X k=v ...]\n"
            "  rdkafka_baseline passthrough -b BOOTSTRAP -i IN_TOPIC -o OUT_TOPIC -n COUNT [-g GROUP] [-X k=v ...]\n");
    exit(1);
}

static long long parse_count(const char *s, const char *flag) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0) die("%s needs a positive integer", flag);
    return v;
}

static void parse_args(int argc, char **argv, options_t *o) {
    memset(o, 0, sizeof(*o));
    if (argc < 2) usage();
    o->mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *f = argv[i];
        if (f[0] != '-' || f[1] == '\0' || f[2] != '\0' || i + 1 >= argc) usage();
        const char *v = argv[++i];
        switch (f[1]) {
        case 'b': o->bootstrap = v; break;
        case 't': o->topic = v; break;
        case 'i': o->in_topic = v; break;
        case 'o': o->out_topic = v; break;
        case 'g': o->group = v; break;
        case 'n': o->count = parse_count(v, "-n"); break;
        case 's': o->size = (long)parse_count(v, "-s"); break;
        case 'p': o->partitions = (long)parse_count(v, "-p"); break;
        case 'X':
            if (o->nx == MAX_X) die("too many -X options (max %s)", "64");
            if (!strchr(v, '=')) die("-X expects key=value, got '%s'", v);
            o->x[o->nx++] = v;
            break;
        default: usage();
        }
    }
    if (!o->bootstrap || o->count <= 0) usage();
    if (!strcmp(o->mode, "produce")) {
        if (!o->topic || o->size <= 0) usage();
    } else if (!strcmp(o->mode, "consume")) {
        if (!o->topic) usage();
    } else if (!strcmp(o->mode, "passthrough")) {
        if (!o->in_topic || !o->out_topic) usage();
    } else {
        usage();
    }
}

static void conf_set(rd_kafka_conf_t *conf, const char *key, const char *val) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "rdkafka_baseline: config %s=%s: %s\n", key, val, err);
        exit(1);
    }
}

/* Applies the -X overrides; "key=value" is split at the first '='. */
static void conf_apply_x(rd_kafka_conf_t *conf, const options_t *o) {
    for (int i = 0; i < o->nx; i++) {
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s", o->x[i]);
        char *eq = strchr(buf, '=');
        *eq = '\0';
        conf_set(conf, buf, eq + 1);
    }
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    dr_stats_t *st = opaque;
    if (m->err) {
        if (st->failed++ == 0) st->first_err = m->err;
    } else {
        st->delivered++;
    }
}

/* librdkafka's own error events; fatal ones (e.g. idempotence violations) end the run. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)opaque;
    fprintf(stderr, "rdkafka_baseline: %s: %s\n", rd_kafka_err2name(err), reason);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_fatal_error(rk, buf, sizeof(buf));
        die("fatal: %s", buf);
    }
}

static rd_kafka_t *new_producer(const options_t *o, dr_stats_t *st) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    conf_set(conf, "bootstrap.servers", o->bootstrap);
    conf_set(conf, "linger.ms", "5");
    conf_set(conf, "compression.type", "lz4");
    conf_set(conf, "enable.idempotence", "true");
    conf_set(conf, "queue.buffering.max.messages", "500000");
    conf_set(conf, "queue.buffering.max.kbytes", "262144");
    conf_set(conf, "batch.num.messages", "10000");
    conf_apply_x(conf, o);
    rd_kafka_conf_set_opaque(conf, st);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk) die("cannot create producer: %s", err);
    return rk;
}

static rd_kafka_t *new_consumer(const options_t *o, const char *topic) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char group[128];
    if (o->group) {
        snprintf(group, sizeof(group), "%s", o->group);
    } else {
        srand((unsigned)(time(NULL) ^ getpid()));
        snprintf(group, sizeof(group), "rdkafka-baseline-%d-%d", (int)getpid(), rand());
    }
    conf_set(conf, "bootstrap.servers", o->bootstrap);
    conf_set(conf, "group.id", group);
    conf_set(conf, "auto.offset.reset", "earliest");
    conf_set(conf, "enable.auto.commit", "false");
    conf_set(conf, "queued.min.messages", "1000000");
    conf_set(conf, "queued.max.messages.kbytes", "131072");
    conf_set(conf, "fetch.wait.max.ms", "10");
    conf_set(conf, "enable.partition.eof", "false");
    conf_apply_x(conf, o);
    rd_kafka_conf_set_error_cb(conf, on_error);
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (!rk) die("cannot create consumer: %s", err);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (e) die("subscribe failed: %s", rd_kafka_err2str(e));
    return rk;
}

static void print_result(const char *mode, long long records, long long failed, double secs, double bytes) {
    double rps = secs > 0 ? (double)records / secs : 0;
    double mbps = secs > 0 ? bytes / 1e6 / secs : 0;
    printf("{\"mode\":\"%s\",\"records\":%lld,\"failed\":%lld,\"seconds\":%.6f,"
           "\"records_per_sec\":%.1f,\"mb_per_sec\":%.3f}\n",
           mode, records, failed, secs, rps, mbps);
    fflush(stdout);
}

/* Produces one record, serving delivery reports and retrying while the local queue is full. */
static void produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition, const void *val, size_t vlen,
                        const void *key, size_t klen) {
    while (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, (void *)val, vlen, key, klen, NULL) == -1) {
        rd_kafka_resp_err_t e = rd_kafka_last_error();
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce failed: %s", rd_kafka_err2str(e));
        rd_kafka_poll(rk, 10);
    }
}

static int flush_all(rd_kafka_t *rk) {
    rd_kafka_resp_err_t e = rd_kafka_flush(rk, FLUSH_TIMEOUT_MS);
    if (e) fprintf(stderr, "rdkafka_baseline: flush: %s (%d still queued)\n", rd_kafka_err2str(e), rd_kafka_outq_len(rk));
    return e == RD_KAFKA_RESP_ERR_NO_ERROR;
}

static int run_produce(const options_t *o) {
    dr_stats_t st = {0};
    rd_kafka_t *rk = new_producer(o, &st);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    if (!rkt) die("cannot create topic handle: %s", rd_kafka_err2str(rd_kafka_last_error()));
    char *payload = malloc((size_t)o->size);
    if (!payload) die("out of memory%s", "");
    for (long i = 0; i < o->size; i++) payload[i] = (char)('a' + i % 26);

    double t0 = now_s();
    for (long long i = 0; i < o->count; i++) {
        int32_t part = o->partitions > 0 ? (int32_t)(i % o->partitions) : RD_KAFKA_PARTITION_UA;
        produce_one(rk, rkt, part, payload, (size_t)o->size, NULL, 0);
        if ((i + 1) % POLL_EVERY == 0) rd_kafka_poll(rk, 0);
    }
    int flushed = flush_all(rk);
    double secs = now_s() - t0;

    long long failed = st.failed + (o->count - st.delivered - st.failed);
    print_result("produce", st.delivered, failed, secs, (double)st.delivered * (double)o->size);
    if (st.failed) fprintf(stderr, "rdkafka_baseline: %lld deliveries failed, first: %s\n", st.failed, rd_kafka_err2str(st.first_err));
    free(payload);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return (flushed && failed == 0) ? 0 : 1;
}

/* Next offset to commit per partition of the input topic (grown on demand). */
typedef struct {
    int64_t *next;
    int32_t n;
} offsets_t;

static void offsets_note(offsets_t *off, int32_t partition, int64_t offset) {
    if (partition >= off->n) {
        int32_t n = partition + 1 > off->n * 2 ? partition + 1 : off->n * 2;
        off->next = realloc(off->next, (size_t)n * sizeof(int64_t));
        if (!off->next) die("out of memory%s", "");
        for (int32_t i = off->n; i < n; i++) off->next[i] = -1;
        off->n = n;
    }
    off->next[partition] = offset + 1;
}

static void commit_offsets(rd_kafka_t *consumer, const char *topic, const offsets_t *off) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(off->n > 0 ? off->n : 1);
    for (int32_t p = 0; p < off->n; p++)
        if (off->next[p] >= 0) rd_kafka_topic_partition_list_add(l, topic, p)->offset = off->next[p];
    rd_kafka_resp_err_t e = l->cnt ? rd_kafka_commit(consumer, l, 0) : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_destroy(l);
    if (e) die("commit failed: %s", rd_kafka_err2str(e));
}

/* consume (producer == NULL) or passthrough (producer != NULL). */
static int run_consume(const options_t *o, rd_kafka_t *producer, rd_kafka_topic_t *out, dr_stats_t *st) {
    const char *topic = producer ? o->in_topic : o->topic;
    rd_kafka_t *rk = new_consumer(o, topic);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t **batch = malloc(BATCH_SIZE * sizeof(*batch));
    if (!q || !batch) die("cannot get consumer queue%s", "");
    offsets_t off = {0};

    long long got = 0, since_commit = 0, errors = 0;
    double bytes = 0, t0 = 0, last_rx = now_s();
    int rc = 0;
    while (got < o->count) {
        ssize_t n = rd_kafka_consume_batch_queue(q, BATCH_TIMEOUT_MS, batch, BATCH_SIZE);
        if (n < 0) die("consume_batch_queue: %s", rd_kafka_err2str(rd_kafka_last_error()));
        if (n == 0) {
            if (now_s() - last_rx > IDLE_TIMEOUT_S) {
                fprintf(stderr, "rdkafka_baseline: idle for %.0f s after %lld of %lld records\n", IDLE_TIMEOUT_S, got, o->count);
                rc = 2;
                break;
            }
            if (producer) rd_kafka_poll(producer, 0);
            continue;
        }
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = batch[i];
            if (m->err) {
                /* Consumer errors (e.g. topic not yet known) are transient here: report and keep going. */
                if (errors++ < 10) fprintf(stderr, "rdkafka_baseline: consumer: %s\n", rd_kafka_message_errstr(m));
            } else if (got < o->count) {
                if (got == 0) t0 = now_s();
                got++;
                bytes += (double)(m->len + m->key_len);
                if (producer) {
                    produce_one(producer, out, m->partition, m->payload, m->len, m->key, m->key_len);
                    offsets_note(&off, m->partition, m->offset);
                    if (got % POLL_EVERY == 0) rd_kafka_poll(producer, 0);
                }
            }
            rd_kafka_message_destroy(m);
        }
        last_rx = now_s();
        if (producer && (since_commit += n) >= COMMIT_EVERY && got < o->count) {
            since_commit = 0;
            if (flush_all(producer) && st->failed == 0) commit_offsets(rk, topic, &off);
        }
    }
    if (producer && got > 0) {
        /* At-least-once: commit only what has been delivered. */
        if (!flush_all(producer) || st->failed) {
            rc = rc ? rc : 1;
        } else {
            commit_offsets(rk, topic, &off);
        }
    }
    double secs = got > 0 ? now_s() - t0 : 0;
    long long failed = producer ? got - st->delivered : 0;
    print_result(producer ? "passthrough" : "consume", got, failed, secs, bytes);
    if (producer && st->failed)
        fprintf(stderr, "rdkafka_baseline: %lld deliveries failed, first: %s\n", st->failed, rd_kafka_err2str(st->first_err));
    if (rc == 0 && failed) rc = 1;

    free(batch);
    free(off.next);
    rd_kafka_queue_destroy(q);
    rd_kafka_resp_err_t e = rd_kafka_consumer_close(rk);
    if (e) fprintf(stderr, "rdkafka_baseline: consumer close: %s\n", rd_kafka_err2str(e));
    rd_kafka_destroy(rk);
    return rc;
}

int main(int argc, char **argv) {
    options_t o;
    parse_args(argc, argv, &o);
    if (!strcmp(o.mode, "produce")) return run_produce(&o);
    if (!strcmp(o.mode, "consume")) return run_consume(&o, NULL, NULL, NULL);

    dr_stats_t st = {0};
    rd_kafka_t *producer = new_producer(&o, &st);
    rd_kafka_topic_t *out = rd_kafka_topic_new(producer, o.out_topic, NULL);
    if (!out) die("cannot create topic handle: %s", rd_kafka_err2str(rd_kafka_last_error()));
    int rc = run_consume(&o, producer, out, &st);
    rd_kafka_topic_destroy(out);
    rd_kafka_destroy(producer);
    return rc;
}
