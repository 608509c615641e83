/*
 * Echo server on libwebsockets 4.1 (Debian libwebsockets-dev).
 *
 * usage: lws-echo PORT
 * Prints "LISTENING <port>" once the socket accepts connections.
 *
 * lws hands a message to the application in pieces (at most rx_buffer_size bytes,
 * or one inflated buffer with permessage-deflate); each piece is echoed as a
 * fragment of the same message type as soon as it arrives, so messages of any size
 * pass through in bounded memory. Pings, the closing handshake and (with
 * LWS_SERVER_OPTION_VALIDATE_UTF8) UTF-8 checking are done by lws itself.
 */
#include <libwebsockets.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RX_BUFFER (1 << 20)  /* per-connection rx buffer; also caps the inflate buffer */
#define RX_INFLATE_PWR2 "20" /* permessage-deflate inflate buffer: 1 MiB */
#define TX_DEFLATE_PWR2 "16" /* permessage-deflate deflate buffer: 64 KiB */
#define TX_PACKET 65536
#define TX_PIECE 16384        /* largest fragment handed to lws_write */
#define QUEUE_HIGH (4u << 20) /* stop reading when this much waits to be sent */
#define QUEUE_LOW (1u << 20)  /* and resume below this */

struct piece {
    struct piece* next;
    size_t len;
    int flags;            /* lws_write flags: type, first/last fragment */
    unsigned char data[]; /* LWS_PRE bytes of headroom, then len bytes */
};

struct session {
    struct piece *head, *tail;
    size_t queued;
    int rx_paused;
    int in_message; /* a message is being echoed: next piece continues it */
    int binary;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

static int enqueue(struct session* s, const unsigned char* in, size_t len, int first, int final,
                   int binary) {
    /* Split into pieces of at most TX_PIECE so one lws_write never produces more
     * deflate output than the extension's tx buffer holds. */
    size_t off = 0;
    do {
        size_t n = len - off > TX_PIECE ? TX_PIECE : len - off;
        struct piece* p = malloc(sizeof *p + LWS_PRE + n);
        if (!p) return -1;
        p->next = NULL;
        p->len = n;
        if (n) memcpy(p->data + LWS_PRE, in + off, n);
        off += n;
        p->flags = lws_write_ws_flags(binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT, first && off == n,
                                      final && off == len);
        if (s->tail)
            s->tail->next = p;
        else
            s->head = p;
        s->tail = p;
        s->queued += n;
    } while (off < len);
    return 0;
}

static void drop_all(struct session* s) {
    while (s->head) {
        struct piece* p = s->head;
        s->head = p->next;
        free(p);
    }
    s->tail = NULL;
    s->queued = 0;
}

static int callback_echo(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in,
                         size_t len) {
    struct session* s = user;

    switch (reason) {
        case LWS_CALLBACK_ESTABLISHED:
            memset(s, 0, sizeof *s);
            /* Larger deflate buffers than lws's 1 KiB defaults, which gave corrupted
             * echoes with many concurrent deflate connections (lws 4.1.6). The
             * inflate side is 1 MiB because lws 4.1.6 aborts (assertion
             * `priv->rx.avail_out` in extension-permessage-deflate.c) when the last
             * frame of a compressed message inflates to more than this buffer in
             * one go; with 1 MiB only messages above 1 MiB can hit it. Fails
             * harmlessly when permessage-deflate was not negotiated. */
            lws_set_extension_option(wsi, "permessage-deflate", "rx_buf_size", RX_INFLATE_PWR2);
            lws_set_extension_option(wsi, "permessage-deflate", "tx_buf_size", TX_DEFLATE_PWR2);
            break;

        case LWS_CALLBACK_RECEIVE: {
            int first = lws_is_first_fragment(wsi);
            int final = lws_is_final_fragment(wsi);
            if (first) s->binary = lws_frame_is_binary(wsi);
            if (enqueue(s, in, len, first, final, s->binary)) return -1;
            if (s->queued > QUEUE_HIGH && !s->rx_paused) {
                s->rx_paused = 1;
                lws_rx_flow_control(wsi, 0);
            }
            lws_callback_on_writable(wsi);
            break;
        }

        case LWS_CALLBACK_SERVER_WRITEABLE: {
            struct piece* p = s->head;
            if (!p) break;
            int m = lws_write(wsi, p->data + LWS_PRE, p->len, (enum lws_write_protocol)p->flags);
            if (m < (int)p->len) {
                lwsl_err("lws-echo: write failed (%d)\n", m);
                return -1;
            }
            s->head = p->next;
            if (!s->head) s->tail = NULL;
            s->queued -= p->len;
            free(p);
            if (s->rx_paused && s->queued < QUEUE_LOW) {
                s->rx_paused = 0;
                lws_rx_flow_control(wsi, 1);
            }
            if (s->head) lws_callback_on_writable(wsi);
            break;
        }

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            return 0; /* lws echoes the peer's close code */

        case LWS_CALLBACK_CLOSED:
            drop_all(s);
            break;

        default:
            break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    {"echo", callback_echo, sizeof(struct session), RX_BUFFER, 0, NULL, TX_PACKET},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

static const struct lws_extension extensions[] = {
    {"permessage-deflate", lws_extension_callback_pm_deflate,
     "permessage-deflate; client_no_context_takeover; client_max_window_bits"},
    {NULL, NULL, NULL}};

int main(int argc, char** argv) {
    struct lws_context_creation_info info;
    struct lws_context* context;
    struct lws_vhost* vhost;

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

    memset(&info, 0, sizeof info);
    info.port = argc > 1 ? atoi(argv[1]) : 0;
    info.iface = "127.0.0.1";
    info.protocols = protocols;
    info.extensions = extensions;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6 |
                   LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.max_http_header_data = 8192;
    info.pt_serv_buf_size = TX_PACKET;
    /* retry_and_idle_policy stays NULL: no keepalive pings, no idle timeout */

    context = lws_create_context(&info);
    if (!context) {
        fprintf(stderr, "lws-echo: lws_create_context failed\n");
        return 1;
    }
    vhost = lws_create_vhost(context, &info);
    if (!vhost) {
        fprintf(stderr, "lws-echo: cannot listen on 127.0.0.1:%d\n", info.port);
        lws_context_destroy(context);
        return 1;
    }
    printf("LISTENING %d\n", lws_get_vhost_listen_port(vhost));
    fflush(stdout);

    while (!interrupted && lws_service(context, 0) >= 0)
        ;
    lws_context_destroy(context);
    return 0;
}
