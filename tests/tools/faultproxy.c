/* faultproxy.c: a TCP proxy for the live-migration tests that corrupts or cuts the client->server
 * stream at a chosen byte offset, so a test can check that the receiver notices. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define EXIT_FAULT	1	/* could not listen or accept; with --once, the target refused */
#define EXIT_USAGE	2
#define FLOW_BUF	(64 * 1024)
#define LISTEN_BACKLOG	8
/* Before a cut, wait this long for the server to acknowledge what it was sent: a reset throws
 * away unacknowledged data, and the test must see exactly N bytes arrive. */
#define CUT_DRAIN_MS	2000
#define ADDR_TEXT	(INET_ADDRSTRLEN + sizeof(":65535"))

struct options {
	bool corrupt, cut, once;
	uint64_t corrupt_at, cut_at;
	struct sockaddr_in listen, target;
};

/* One direction of a connection: bytes read from `from`, held in buf, written to `to`. */
struct flow {
	int from, to;
	uint8_t buf[FLOW_BUF];
	size_t off, len;	/* buf[off, len) is read but not yet written */
	uint64_t in, out;	/* bytes read and written on this connection */
	bool eof;		/* `from` sent FIN */
	bool shut;		/* the FIN was passed on to `to` */
};

enum { C2S, S2C };

static void usage(void)
{
	fprintf(stderr,
		"usage: faultproxy [options] LISTEN_PORT TARGET_HOST:TARGET_PORT\n"
		"  --corrupt-at N   flip the lowest bit of byte N (0-based) of the client->server direction\n"
		"  --cut-at N       after forwarding N bytes client->server, reset both connections\n"
		"  --once           exit after the first connection ends (default: serve connections\n"
		"                   one after another forever)\n"
		"Listens on 127.0.0.1:LISTEN_PORT (0 picks a free port; the listening line names it).\n"
		"TARGET_HOST is a dotted IPv4 address or localhost. Exit status: 0 after --once served a\n"
		"connection, 1 when listening failed or the --once target refused, 2 on a bad command line.\n");
}

/* One event line on stdout; the tests read it through a pipe, hence the flush. */
static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("faultproxy: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static const char *addr_text(const struct sockaddr_in *a, char out[ADDR_TEXT])
{
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(out, ADDR_TEXT, "%s:%u", ip, ntohs(a->sin_port));
	return out;
}

/* Decimal digits only: strtoull alone would take "-1", " 5" and "0x10". */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	if (*s < '0' || *s > '9')
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	unsigned long long x = strtoull(s, NULL, 10);
	if (errno || x > max)
		return false;
	*v = x;
	return true;
}

static bool parse_port(const char *what, const char *s, uint16_t min, struct sockaddr_in *a)
{
	uint64_t port;
	if (!parse_u64(s, UINT16_MAX, &port) || port < min) {
		fprintf(stderr, "faultproxy: %s: '%s' is not a port number (%u-65535)\n", what, s, min);
		return false;
	}
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	return true;
}

static bool parse_target(const char *s, struct sockaddr_in *a)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host)) {
		fprintf(stderr, "faultproxy: target '%s' is not HOST:PORT\n", s);
		return false;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (!strcmp(host, "localhost"))
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
		fprintf(stderr, "faultproxy: target host '%s' is neither a dotted IPv4 address nor localhost\n",
			host);
		return false;
	}
	return parse_port("target port", colon + 1, 1, a);
}

static bool parse_offset(const char *opt, const char *s, uint64_t *v)
{
	if (parse_u64(s, UINT64_MAX, v))
		return true;
	fprintf(stderr, "faultproxy: %s: '%s' is not a byte offset\n", opt, s);
	return false;
}

static bool parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_CORRUPT = 256, OPT_CUT, OPT_ONCE };
	static const struct option longopts[] = {
		{ "corrupt-at", required_argument, NULL, OPT_CORRUPT },
		{ "cut-at", required_argument, NULL, OPT_CUT },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CORRUPT:
			o->corrupt = true;
			if (!parse_offset("--corrupt-at", optarg, &o->corrupt_at))
				return false;
			break;
		case OPT_CUT:
			o->cut = true;
			if (!parse_offset("--cut-at", optarg, &o->cut_at))
				return false;
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		default:	/* getopt_long has said what was wrong */
			return false;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "faultproxy: expected LISTEN_PORT and TARGET_HOST:TARGET_PORT\n");
		return false;
	}
	o->listen.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return parse_port("listen port", argv[optind], 0, &o->listen) && parse_target(argv[optind + 1], &o->target);
}

/* Binds and listens on *a, then fills in the port the kernel chose when *a asked for port 0. */
static int listen_on(struct sockaddr_in *a)
{
	int one = 1;
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0 || listen(fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)a, &len) < 0) {
		char at[ADDR_TEXT];
		fprintf(stderr, "faultproxy: listen on %s: %s\n", addr_text(a, at), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Blocking connect (the target is local and answers at once), then non-blocking for poll(). */
static int connect_target(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static bool set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) >= 0;
}

static bool flow_empty(const struct flow *f)
{
	return f->off == f->len;
}

static bool flow_done(const struct flow *f)
{
	return f->eof && flow_empty(f) && f->shut;
}

/* Reads only into an empty buffer, and never past the cut: bytes after it must not be sent. */
static size_t flow_read_limit(const struct flow *f, int dir, const struct options *o)
{
	if (f->eof || !flow_empty(f))
		return 0;
	if (dir == C2S && o->cut && o->cut_at - f->in < FLOW_BUF)
		return (size_t)(o->cut_at - f->in);
	return FLOW_BUF;
}

static void flow_corrupt(struct flow *f, size_t n, const struct options *o)
{
	if (!o->corrupt || o->corrupt_at < f->in || o->corrupt_at - f->in >= n)
		return;
	uint8_t *b = &f->buf[o->corrupt_at - f->in];
	uint8_t was = *b;
	*b ^= 1;
	note("corrupted byte %llu (0x%02x -> 0x%02x)", (unsigned long long)o->corrupt_at, was, *b);
}

/* Returns false when the connection has failed. */
static bool flow_read(struct flow *f, int dir, const struct options *o)
{
	ssize_t n = read(f->from, f->buf, flow_read_limit(f, dir, o));
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		fprintf(stderr, "faultproxy: read from %s: %s\n", dir == C2S ? "client" : "target",
			strerror(errno));
		return false;
	}
	if (n == 0) {
		f->eof = true;
		return true;
	}
	if (dir == C2S)
		flow_corrupt(f, (size_t)n, o);
	f->off = 0;
	f->len = (size_t)n;
	f->in += (uint64_t)n;
	return true;
}

static bool flow_write(struct flow *f, int dir)
{
	ssize_t n = write(f->to, f->buf + f->off, f->len - f->off);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		fprintf(stderr, "faultproxy: write to %s: %s\n", dir == C2S ? "target" : "client",
			strerror(errno));
		return false;
	}
	f->off += (size_t)n;
	f->out += (uint64_t)n;
	return true;
}

/* Half-close: once `from` has finished and everything it sent is written, finish `to` too. */
static void flow_pass_fin(struct flow *f)
{
	if (f->eof && flow_empty(f) && !f->shut) {
		shutdown(f->to, SHUT_WR);	/* a failure shows up as the other flow's error */
		f->shut = true;
	}
}

static void wait_acked(int fd)
{
	for (int ms = 0; ms < CUT_DRAIN_MS; ms++) {
		int queued;
		if (ioctl(fd, SIOCOUTQ, &queued) < 0 || queued == 0)
			return;
		poll(NULL, 0, 1);
	}
}

/* SO_LINGER with a zero timeout makes close() send RST instead of FIN. */
static void close_with_reset(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* One poll() round over both sockets; returns false when the connection has failed. */
static bool relay_step(struct flow f[2], int fds[2], const struct options *o)
{
	struct pollfd p[2] = { { .fd = fds[C2S] }, { .fd = fds[S2C] } };
	const short readable = POLLIN | POLLHUP | POLLERR, writable = POLLOUT | POLLHUP | POLLERR;

	/* Flow d reads from p[d] (C2S from the client, S2C from the target) and writes to p[!d]. */
	for (int d = C2S; d <= S2C; d++) {
		if (flow_read_limit(&f[d], d, o))
			p[d].events |= POLLIN;
		if (!flow_empty(&f[d]))
			p[!d].events |= POLLOUT;
	}
	for (int i = 0; i < 2; i++)
		if (!p[i].events)
			p[i].fd = -1;	/* else POLLHUP on an idle socket would spin the loop */
	if (poll(p, 2, -1) < 0) {
		if (errno == EINTR)
			return true;
		fprintf(stderr, "faultproxy: poll: %s\n", strerror(errno));
		return false;
	}
	for (int d = C2S; d <= S2C; d++) {
		if ((p[d].events & POLLIN) && (p[d].revents & readable) && !flow_read(&f[d], d, o))
			return false;
		if ((p[!d].events & POLLOUT) && (p[!d].revents & writable) && !flow_write(&f[d], d))
			return false;
	}
	return true;
}

/* Forwards both ways until both sides have finished, one fails, or the cut offset is reached. */
static void relay(int client, int server, const struct options *o)
{
	int fds[2] = { client, server };
	struct flow f[2];
	bool cut = false;

	memset(f, 0, sizeof(f));
	f[C2S].from = f[S2C].to = client;
	f[C2S].to = f[S2C].from = server;
	for (;;) {
		if (o->cut && f[C2S].out == o->cut_at) {
			cut = true;
			break;
		}
		flow_pass_fin(&f[C2S]);
		flow_pass_fin(&f[S2C]);
		if ((flow_done(&f[C2S]) && flow_done(&f[S2C])) || !relay_step(f, fds, o))
			break;
	}
	if (cut) {
		wait_acked(server);
		close_with_reset(client);
		close_with_reset(server);
		note("cut after %llu bytes", (unsigned long long)o->cut_at);
	} else {
		close(client);
		close(server);
	}
	note("connection closed (%llu bytes up, %llu bytes down)", (unsigned long long)f[C2S].out,
	     (unsigned long long)f[S2C].out);
}

/* Serves one accepted client; returns false when the target could not be reached. */
static bool serve_one(int client, const struct sockaddr_in *peer, const struct options *o)
{
	char at[ADDR_TEXT];
	note("connection from %s", addr_text(peer, at));
	int server = connect_target(&o->target);
	if (server < 0) {
		note("target %s: %s", addr_text(&o->target, at), strerror(errno));
		close(client);
		return false;
	}
	if (!set_nonblocking(client) || !set_nonblocking(server)) {
		fprintf(stderr, "faultproxy: O_NONBLOCK: %s\n", strerror(errno));
		close(client);
		close(server);
		return false;
	}
	relay(client, server, o);
	return true;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	if (!parse_args(argc, argv, &o)) {
		usage();
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);	/* a vanished peer is a write error, not the end of the proxy */
	int lfd = listen_on(&o.listen);
	if (lfd < 0)
		return EXIT_FAULT;
	note("listening on 127.0.0.1:%u", ntohs(o.listen.sin_port));
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int client = accept(lfd, (struct sockaddr *)&peer, &len);
		if (client < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;	/* the client gave up before we got to it */
			fprintf(stderr, "faultproxy: accept: %s\n", strerror(errno));
			return EXIT_FAULT;
		}
		bool reached = serve_one(client, &peer, &o);
		if (o.once)
			return reached ? 0 : EXIT_FAULT;
	}
}
