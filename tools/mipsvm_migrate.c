/* mipsvm_migrate.c: mipsvm's transport for live migration: non-blocking TCP sockets as the portable
 * host's streams (mips/host_mig.c drives the transfers), the --listen socket, and poll() while only
 * transfers are in flight. */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/mipsvm.h"

#define WAIT_MS		10		/* longest poll() while no VM can run: the engines time out by pumps */
#define RBUF_SIZE	(64u << 10)	/* the engine reads record by record: one recv() serves many */
#define PEER_MAX	(INET_ADDRSTRLEN + sizeof ":65535")
#define TARGET_MAX	128

struct mipsvm_stream {
	struct mipsvm_host *h;
	struct mipsvm_stream *next;
	int fd;
	int err;			/* errno of the call that failed (or of connect), 0 if none */
	char err_text[64];
	bool send_full;			/* a send found the socket full since the last poll */
	uint8_t rbuf[RBUF_SIZE];
	size_t roff, rlen;
};

static bool transient(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

static long io_send(void *ctx, const void *buf, size_t len)
{
	struct mipsvm_stream *t = ctx;

	if (t->err)
		return MIPS_IO_ERR;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0)
		return (long)n;
	if (transient(errno)) {
		t->send_full = true;
		return MIPS_IO_AGAIN;
	}
	t->err = errno;
	return MIPS_IO_ERR;
}

static long io_recv(void *ctx, void *buf, size_t len)
{
	struct mipsvm_stream *t = ctx;

	if (t->err)
		return MIPS_IO_ERR;
	if (t->roff == t->rlen) {
		ssize_t n = recv(t->fd, t->rbuf, sizeof t->rbuf, 0);
		if (n == 0)
			return MIPS_IO_EOF;
		if (n < 0 && transient(errno))
			return MIPS_IO_AGAIN;
		if (n < 0) {
			t->err = errno;
			return MIPS_IO_ERR;
		}
		t->roff = 0, t->rlen = (size_t)n;
	}
	size_t n = len < t->rlen - t->roff ? len : t->rlen - t->roff;
	memcpy(buf, t->rbuf + t->roff, n);
	t->roff += n;
	return (long)n;
}

/* strerror in the kernel's lower case: "connection refused", "connection reset by peer". */
static const char *io_error(void *ctx)
{
	struct mipsvm_stream *t = ctx;

	if (!t->err)
		return "the connection closed";
	snprintf(t->err_text, sizeof t->err_text, "%s", strerror(t->err));
	t->err_text[0] = (char)tolower((unsigned char)t->err_text[0]);
	return t->err_text;
}

/* The send queue not yet acknowledged by the peer (SIOCOUTQ, tcp(7)). */
static size_t io_pending(void *ctx)
{
	struct mipsvm_stream *t = ctx;
	int n = 0;

	if (t->err || ioctl(t->fd, SIOCOUTQ, &n) < 0 || n < 0)
		return 0;
	return (size_t)n;
}

/* The engine writes record by record and the last ones are small: Nagle would hold them back
 * behind the peer's delayed acknowledgement, tens of ms of downtime (tcp(7) TCP_NODELAY). */
static struct mipsvm_stream *new_stream(struct mipsvm_host *h, int fd, int err)
{
	int one = 1;
	struct mipsvm_stream *t = calloc(1, sizeof *t);

	if (!t) {
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	t->h = h, t->fd = fd, t->err = err;
	t->next = h->streams;
	h->streams = t;
	return t;
}

static void io_close(void *ctx)
{
	struct mipsvm_stream *t = ctx;

	for (struct mipsvm_stream **p = &t->h->streams; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	close(t->fd);
	free(t);
}

static void io_shutdown(void *ctx)
{
	struct mipsvm_stream *t = ctx;
	shutdown(t->fd, SHUT_WR);
}

static const char *addr_text(const struct sockaddr_in *a, char out[PEER_MAX])
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
	snprintf(out, PEER_MAX, "%s:%u", ip, ntohs(a->sin_port));
	return out;
}

/* host (dotted IPv4 or a name getaddrinfo knows) and a port number text, NULL for default_port. */
static bool resolve(const char *host, const char *port, unsigned default_port, unsigned min_port,
		    struct sockaddr_in *sa, char *why, size_t cap)
{
	unsigned long p = default_port;
	char *end;

	if (port) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (!isdigit((unsigned char)port[0]) || *end || errno || p < min_port || p > 65535) {
			snprintf(why, cap, "port '%s' is not a number from %u to 65535", port, min_port);
			return false;
		}
	}
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)p);
	if (!host[0]) {
		snprintf(why, cap, "no host name or address");
		return false;
	}
	if (inet_pton(AF_INET, host, &sa->sin_addr) == 1)
		return true;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	int e = getaddrinfo(host, NULL, &hints, &res);
	if (e) {
		snprintf(why, cap, "cannot resolve '%s': %s", host, gai_strerror(e));
		return false;
	}
	sa->sin_addr = ((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return true;
}

/* Splits "a:b" at the last colon into buf; *host and *port point into it (port NULL without one). */
static bool split_host_port(const char *s, char *buf, size_t cap, char **host, char **port)
{
	if (strlen(s) >= cap)
		return false;
	strcpy(buf, s);
	char *colon = strrchr(buf, ':');
	*host = buf, *port = NULL;
	if (colon)
		*colon = 0, *port = colon + 1;
	return true;
}

bool mipsvm_mig_listen(struct mipsvm_host *h, const char *spec)
{
	char buf[TARGET_MAX], why[160], at[PEER_MAX], *host, *port;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int one = 1;

	if (!split_host_port(spec, buf, sizeof buf, &host, &port)) {
		fprintf(h->diag, "mipsvm: --listen: '%s' is too long\n", spec);
		return false;
	}
	if (!port)
		port = host, host = "0.0.0.0";
	if (!resolve(host, port, 0, 0, &sa, why, sizeof why)) {
		fprintf(h->diag, "mipsvm: --listen %s: %s\n", spec, why);
		return false;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(h->diag, "mipsvm: cannot listen on %s: %s\n", addr_text(&sa, at), strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	h->listen_fd = fd;
	mips_host_set_listening(h->host, true);
	fprintf(h->diag, "mipsvm: listening on %s\n", addr_text(&sa, at));
	fflush(h->diag);
	return true;
}

static void stop_listening(struct mipsvm_host *h)
{
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	h->listen_fd = -1;
}

/* A connected (or connecting) socket to target; -1 with why. A connect that fails at once is
 * kept as the transfer's error, so it is reported by the engine like any later failure. */
static int connect_to(const char *target, int *err, char *why, size_t cap)
{
	char buf[TARGET_MAX], *host, *port;
	struct sockaddr_in sa;

	if (!split_host_port(target, buf, sizeof buf, &host, &port)) {
		snprintf(why, cap, "the target is too long");
		return -1;
	}
	if (!resolve(host, port, MIPS_MIG_DEFAULT_PORT, 1, &sa, why, cap))
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, cap, "socket: %s", strerror(errno));
		return -1;
	}
	*err = connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS ? errno : 0;
	return fd;
}


static void *io_connect(void *ud, const char *target, char *why, size_t cap)
{
	int err = 0;
	int fd = connect_to(target, &err, why, cap);

	if (fd < 0)
		return NULL;
	struct mipsvm_stream *t = new_stream(ud, fd, err);
	if (!t)
		snprintf(why, cap, "out of memory");
	return t;
}

static void *io_accept(void *ud, char *peer, size_t cap)
{
	struct mipsvm_host *h = ud;
	char at[PEER_MAX];

	while (h->listen_fd >= 0) {
		struct sockaddr_in sa;
		socklen_t len = sizeof sa;
		int fd = accept4(h->listen_fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (!transient(errno) && errno != ECONNABORTED)
				fprintf(h->diag, "mipsvm: accept: %s\n", strerror(errno));
			return NULL;
		}
		snprintf(peer, cap, "%s", addr_text(&sa, at));
		struct mipsvm_stream *t = new_stream(h, fd, 0);
		if (t)
			return t;
		fprintf(h->diag, "migrate: from %s: refused: out of memory\n", peer);
	}
	return NULL;
}

static bool io_nonce(void *ud, uint8_t out[MIPS_MIG_NONCE_SIZE], char *why, size_t cap)
{
	(void)ud;
	if (getrandom(out, MIPS_MIG_NONCE_SIZE, 0) == MIPS_MIG_NONCE_SIZE)
		return true;
	snprintf(why, cap, "no random nonce (getrandom failed)");
	return false;
}

static void io_unlisten(void *ud)
{
	mipsvm_mig_close(ud);
}

static const struct mips_host_net net = {
	.connect = io_connect,
	.accept = io_accept,
	.nonce = io_nonce,
	.unlisten = io_unlisten,
	.send = io_send,
	.recv = io_recv,
	.error = io_error,
	.pending = io_pending,
	.shutdown = io_shutdown,
	.close = io_close,
	.abort = io_close,
};

const struct mips_host_net *mipsvm_net(void)
{
	return &net;
}

/* Sleeps until a socket has something for us (or WAIT_MS pass). A server's VMs have all ended or
 * are paused here: what they printed goes out now rather than whenever stdio's buffer fills. */
static void wait_for_io(struct mipsvm_host *h)
{
	struct pollfd p[256];
	nfds_t n = 0;

	fflush(h->out);
	if (h->listen_fd >= 0)
		p[n++] = (struct pollfd){ .fd = h->listen_fd, .events = POLLIN };
	for (const struct mipsvm_stream *t = h->streams; t && n < sizeof p / sizeof p[0]; t = t->next)
		p[n++] = (struct pollfd){ .fd = t->fd, .events = POLLIN | (t->send_full ? POLLOUT : 0) };
	if (poll(p, n, WAIT_MS) < 0 && errno != EINTR)
		fprintf(h->diag, "mipsvm: poll: %s\n", strerror(errno));
}

void mipsvm_mig_poll(struct mipsvm_host *h, bool vms_runnable)
{
	for (struct mipsvm_stream *t = h->streams; t; t = t->next)
		t->send_full = false;
	bool moved = mips_host_mig_poll(h->host, vms_runnable);
	if (!vms_runnable && !moved && mips_host_busy(h->host))
		wait_for_io(h);
}

void mipsvm_mig_close(struct mipsvm_host *h)
{
	stop_listening(h);
	mips_host_set_listening(h->host, false);
}
