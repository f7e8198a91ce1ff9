/* net_stream.h: polled, non-blocking TCP byte streams over lwIP for migration and tests. Nothing
 * here waits: call net_poll() (the main loop does) and ask again. */
#ifndef KERNEL_NET_STREAM_H
#define KERNEL_NET_STREAM_H

#include <stddef.h>
#include <stdint.h>

enum net_stream_state {
	NET_STREAM_LISTENING,  /* a listener: net_stream_accept() takes connections */
	NET_STREAM_CONNECTING, /* SYN sent */
	NET_STREAM_OPEN,       /* both ways open */
	NET_STREAM_PEER_CLOSED, /* the peer sent FIN: read what is left, then EOF; sending still works */
	NET_STREAM_FAILED,     /* reset, refused, timed out, aborted: see net_stream_error() */
};

/* Return values of send and recv besides a byte count. */
#define NET_STREAM_AGAIN 0  /* nothing now: poll and retry */
#define NET_STREAM_EOF (-1) /* recv: the peer closed and every byte was read */
#define NET_STREAM_ERR (-2) /* the stream failed (net_stream_error() says why) */

#define NET_STREAM_DEFAULT_TIMEOUT_MS 10000

struct net_stream;

/* Listens on port (all addresses). NULL with a message when the port is taken or memory is out. */
struct net_stream *net_stream_listen(uint16_t port);
/* One connection that arrived on a listener, or NULL when none is waiting. */
struct net_stream *net_stream_accept(struct net_stream *listener);
/* Starts connecting to "a.b.c.d[:port]" or "name[:port]" (default_port when no port is given; a
 * name is looked up in hosts=, then by DNS). Returns NULL with why filled for a bad target, no
 * network or no way to resolve; otherwise the stream is CONNECTING (FAILED if the name is unknown). */
struct net_stream *net_stream_connect(const char *host, uint16_t default_port, char *why, size_t cap);

enum net_stream_state net_stream_state(struct net_stream *s);
/* Why the stream FAILED ("connection refused", "connection reset by peer", "timed out"...), or "". */
const char *net_stream_error(const struct net_stream *s);
/* Fails the stream ("timed out") when nothing moves for ms: no byte received or acknowledged and no
 * connection made. 0 disables it. Default NET_STREAM_DEFAULT_TIMEOUT_MS. */
void net_stream_set_timeout(struct net_stream *s, uint32_t ms);

/* Queues up to len bytes (copied); returns how many were taken (0: the send buffer is full, poll
 * and retry), or NET_STREAM_ERR. */
long net_stream_send(struct net_stream *s, const void *buf, size_t len);
/* Bytes queued by send and not yet acknowledged by the peer: 0 means everything arrived. */
size_t net_stream_unacked(const struct net_stream *s);
/* Copies up to len received bytes into buf and opens the window by as much; returns the count,
 * NET_STREAM_AGAIN, NET_STREAM_EOF or NET_STREAM_ERR. */
long net_stream_recv(struct net_stream *s, void *buf, size_t len);

/* Graceful close: queued bytes are still delivered, then FIN. Frees s (and, for a listener, the
 * connections nobody accepted). */
void net_stream_close(struct net_stream *s);
/* Reset (RST) and free at once. */
void net_stream_abort(struct net_stream *s);

/* "a.b.c.d:port" of the peer into buf (at least 22 bytes); returns buf. */
char *net_stream_peer(const struct net_stream *s, char *buf, size_t size);

#endif
