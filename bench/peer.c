/*
 * The C client as an in-run peer for `make bench`: the same three workloads as bench/Baseline.java,
 * against the lab's stream and consumer, held to the same honesty rules as the scripts: a message
 * counts as published only once its PubAck is in, and as processed only once a flush after its ack
 * came back (the server has read everything sent before the flush), batch by batch.
 *
 * Two more modes are the program a C user would write from nats.c's own examples (js-pub.c,
 * js-sub.c): pub-async-natural has no per-message PubAck handler, only an error handler, and counts
 * what js_PublishAsyncComplete saw answered without an error; pull-natural fetches, acks each
 * message and fetches again, with no flush per batch: only one flush at the end confirms the acks.
 *
 * Build: gcc -O2 -o peer bench/peer.c -lnats   (Debian: apt-get install libnats-dev)
 * Usage: peer pub-sync N SIZE | pub-async[-natural] N SIZE WINDOW | pull[-natural] N BATCH  (NATS_URL)
 * Prints one line, like Baseline: "<N> messages in <S> s: <R> msgs/s".
 */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SUBJECT = "lab4.stream";
static int64_t acked, refused;

static void fail(const char *what, natsStatus s)
{
    fprintf(stderr, "peer: %s: %s\n", what, natsStatus_GetText(s));
    nats_PrintLastErrorStack(stderr);
    exit(1);
}

/* Runs on the library's PubAck thread: only counts. */
static void on_pub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    if (pa != NULL)
        __atomic_add_fetch(&acked, 1, __ATOMIC_RELAXED);
    else
        __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
    natsMsg_Destroy(msg);
}

static int64_t publish_sync(jsCtx *js, int n, const char *body, int size)
{
    for (int i = 0; i < n; i++) {
        jsPubAck *pa = NULL;
        natsStatus s = js_Publish(&pa, js, SUBJECT, body, size, NULL, NULL);
        if (s != NATS_OK)
            fail("publish", s);
        jsPubAck_Destroy(pa);
        acked++;
    }
    return acked;
}

/* The library keeps at most `window` PubAcks outstanding (MaxPending) and blocks the caller beyond it. */
static int64_t publish_async(jsCtx *js, int n, const char *body, int size)
{
    for (int i = 0; i < n; i++) {
        natsStatus s = js_PublishAsync(js, SUBJECT, body, size, NULL);
        if (s != NATS_OK)
            fail("publish async", s);
    }
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = 30000;
    natsStatus s = js_PublishAsyncComplete(js, &wait);
    if (s != NATS_OK)
        fail("waiting for PubAcks", s);
    return __atomic_load_n(&acked, __ATOMIC_RELAXED);
}

/* The examples' way: only errors get a callback; the count is what was answered without one. */
static void on_pub_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
}

static int64_t publish_async_natural(jsCtx *js, int n, const char *body, int size)
{
    publish_async(js, n, body, size); /* js_PublishAsyncComplete returned: every message was answered */
    return n - __atomic_load_n(&refused, __ATOMIC_RELAXED);
}

/*
 * Fetch a batch, ack each message, then flush: only a returned flush makes the batch count.
 * natural: no flush per batch (the examples' loop); one flush at the end confirms every ack.
 */
static int64_t pull(natsConnection *nc, natsSubscription *sub, int n, int batch, int natural)
{
    int64_t done = 0;
    while (done < n) {
        natsMsgList list = {0};
        int want = (int) (n - done < batch ? n - done : batch);
        natsStatus s = natsSubscription_Fetch(&list, sub, want, 5000, NULL);
        if (s == NATS_TIMEOUT)
            break;
        if (s != NATS_OK)
            fail("fetch", s);
        for (int i = 0; i < list.Count; i++) {
            if ((s = natsMsg_Ack(list.Msgs[i], NULL)) != NATS_OK)
                fail("ack", s);
        }
        if (!natural && (s = natsConnection_FlushTimeout(nc, 5000)) != NATS_OK)
            fail("flush after acks", s);
        done += list.Count;
        natsMsgList_Destroy(&list);
    }
    natsStatus s;
    if (natural && (s = natsConnection_FlushTimeout(nc, 30000)) != NATS_OK)
        fail("flush after the last acks", s);
    return done;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: peer pub-sync N SIZE | pub-async[-natural] N SIZE WINDOW | pull[-natural] N BATCH\n");
        return 2;
    }
    const char *mode = argv[1];
    int n = atoi(argv[2]);
    const char *url = getenv("NATS_URL") ? getenv("NATS_URL") : "nats://127.0.0.1:4222";

    natsOptions *opts = NULL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jsOpts;
    natsStatus s;
    if ((s = natsOptions_Create(&opts)) != NATS_OK || (s = natsOptions_SetURL(opts, url)) != NATS_OK)
        fail("options", s);
    if ((s = natsConnection_Connect(&nc, opts)) != NATS_OK)
        fail("connect", s);
    jsOptions_Init(&jsOpts);
    int natural = strstr(mode, "-natural") != NULL;
    if (strncmp(mode, "pub-async", 9) == 0) {
        jsOpts.PublishAsync.MaxPending = argc > 4 ? atoi(argv[4]) : 1000;
        if (natural)
            jsOpts.PublishAsync.ErrHandler = on_pub_error;
        else
            jsOpts.PublishAsync.AckHandler = on_pub_ack;
        jsOpts.PublishAsync.StallWait = 5000;
    }
    if ((s = natsConnection_JetStream(&js, nc, &jsOpts)) != NATS_OK)
        fail("jetstream context", s);

    natsSubscription *sub = NULL;
    int pulling = strncmp(mode, "pull", 4) == 0;
    if (pulling) {
        jsSubOptions subOpts;
        jsSubOptions_Init(&subOpts);
        subOpts.Stream = "LAB4_STREAM";
        subOpts.Consumer = "LAB4_CONSUMER";
        if ((s = js_PullSubscribe(&sub, js, SUBJECT, "LAB4_CONSUMER", NULL, &subOpts, NULL)) != NATS_OK)
            fail("binding to the consumer", s);
    }

    int size = pulling ? 0 : atoi(argv[3]);
    char *body = calloc(1, size > 0 ? size : 1);
    for (int i = 0; i < size; i++)
        body[i] = 'a' + i % 26;

    int64_t start = nats_NowInNanoSeconds();
    int64_t done;
    if (strcmp(mode, "pub-sync") == 0)
        done = publish_sync(js, n, body, size);
    else if (strcmp(mode, "pub-async") == 0)
        done = publish_async(js, n, body, size);
    else if (strcmp(mode, "pub-async-natural") == 0)
        done = publish_async_natural(js, n, body, size);
    else if (strcmp(mode, "pull") == 0 || strcmp(mode, "pull-natural") == 0)
        done = pull(nc, sub, n, atoi(argv[3]), natural);
    else {
        fprintf(stderr, "peer: unknown mode %s\n", mode);
        return 2;
    }
    double seconds = (nats_NowInNanoSeconds() - start) / 1e9;
    printf("%lld messages in %.3f s: %.0f msgs/s\n", (long long) done, seconds, done / seconds);
    if (refused > 0)
        fprintf(stderr, "peer: %lld PubAcks were errors\n", (long long) refused);

    free(body);
    natsSubscription_Destroy(sub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(opts);
    nats_Close();
    return done == n ? 0 : 1;
}
