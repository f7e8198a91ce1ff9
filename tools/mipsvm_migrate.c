/* mipsvm_migrate.c: mipsvm's host for live migration: non-blocking TCP sockets under the mips/
 * sender and receiver, the --listen socket, poll() while only transfers are in flight, and the
 * same messages as Tally's kernel/mips/migrate.c. */
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

#define DRAIN_NS	2000000000ull	/* after a refusal: read and drop until the sender hangs up, or
					 * Linux answers its late bytes with a reset that loses our NAK */
#define WAIT_MS		10		/* longest poll() while no VM can run: the engines time out by pumps */
#define ACCEPT_EVERY_NS	1000000ull	/* while VMs run, look for new connections this often */
#define RBUF_SIZE	(64u << 10)	/* the engine reads record by record: one recv() serves many */
#define RECV_BUDGET	(256u << 10)	/* most bytes one receiving pump takes, like the sender's bound,
					 * so the VMs running here get their turns during a transfer */
#define PEER_MAX	(INET_ADDRSTRLEN + sizeof ":65535")
#define TARGET_MAX	128

struct mipsvm_transfer {
	struct mipsvm_host *h;
	int fd;
	struct mips_mig_out *out;	/* one of out and in; neither while a refused stream drains */
	struct mips_mig_in *in;
	struct mips_mig_io io;
	char peer[TARGET_MAX];		/* the target as given, or the connecting address */
	int err;			/* errno of the call that failed (or of connect), 0 if none */
	char err_text[64];
	bool moved;			/* bytes went either way in this pump */
	bool send_full;			/* a send found the socket full in this pump */
	size_t recv_left;		/* of RECV_BUDGET in this pump */
	uint64_t drain_until;
	uint8_t rbuf[RBUF_SIZE];
	size_t roff, rlen;
};

static uint64_t now(const struct mipsvm_host *h) { return h->port->clock_ns(h->port->ud); }

static bool transient(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

static long io_send(void *ctx, const void *buf, size_t len)
{
	struct mipsvm_transfer *t = ctx;

	if (t->err)
		return MIPS_IO_ERR;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
	if (n > 0)
		t->moved = true;
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
	struct mipsvm_transfer *t = ctx;

	if (t->err)
		return MIPS_IO_ERR;
	if (t->roff == t->rlen) {
		if (!t->recv_left)
			return MIPS_IO_AGAIN;	/* pumped enough for now: more on the next turn */
		ssize_t n = recv(t->fd, t->rbuf, t->recv_left < sizeof t->rbuf ? t->recv_left : sizeof t->rbuf, 0);
		if (n == 0)
			return MIPS_IO_EOF;
		if (n < 0 && transient(errno))
			return MIPS_IO_AGAIN;
		if (n < 0) {
			t->err = errno;
			return MIPS_IO_ERR;
		}
		t->roff = 0, t->rlen = (size_t)n;
		t->recv_left -= (size_t)n;
		t->moved = true;
	}
	size_t n = len < t->rlen - t->roff ? len : t->rlen - t->roff;
	memcpy(buf, t->rbuf + t->roff, n);
	t->roff += n;
	return (long)n;
}

/* strerror in the kernel's lower case: "connection refused", "connection reset by peer". */
static const char *io_error(void *ctx)
{
	struct mipsvm_transfer *t = ctx;

	if (!t->err)
		return "the connection closed";
	snprintf(t->err_text, sizeof t->err_text, "%s", strerror(t->err));
	t->err_text[0] = (char)tolower((unsigned char)t->err_text[0]);
	return t->err_text;
}

/* The send queue not yet acknowledged by the peer (SIOCOUTQ, tcp(7)). */
static size_t io_pending(void *ctx)
{
	struct mipsvm_transfer *t = ctx;
	int n = 0;

	if (t->err || ioctl(t->fd, SIOCOUTQ, &n) < 0 || n < 0)
		return 0;
	return (size_t)n;
}

/* The engine writes record by record and the last ones are small: Nagle would hold them back
 * behind the peer's delayed acknowledgement, tens of ms of downtime (tcp(7) TCP_NODELAY). */
static struct mipsvm_transfer *new_transfer(struct mipsvm_host *h, int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++) {
		if (h->transfers[i])
			continue;
		struct mipsvm_transfer *t = calloc(1, sizeof *t);
		if (!t)
			return NULL;
		t->h = h;
		t->fd = fd;
		t->io = (struct mips_mig_io){ t, io_send, io_recv, io_error, io_pending };
		return h->transfers[i] = t;
	}
	return NULL;
}

static void end_transfer(struct mipsvm_transfer *t)
{
	struct mipsvm_host *h = t->h;

	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++)
		if (h->transfers[i] == t)
			h->transfers[i] = NULL;
	mips_mig_out_free(t->out);
	mips_mig_in_free(t->in);
	close(t->fd);
	free(t);
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

void mipsvm_mig_init(struct mipsvm_host *h)
{
	h->listen_fd = -1;
	memset(h->transfers, 0, sizeof h->transfers);
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
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, MIPSVM_MAX_TRANSFERS) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(h->diag, "mipsvm: cannot listen on %s: %s\n", addr_text(&sa, at), strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	h->listen_fd = fd;
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

static bool sending(const struct mipsvm_host *h, const struct mips_vm *vm)
{
	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++)
		if (h->transfers[i] && h->transfers[i]->out && mips_mig_out_vm(h->transfers[i]->out) == vm)
			return true;
	return false;
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

void mipsvm_mig_start(struct mipsvm_host *h, struct mips_vm *vm, const char *target)
{
	const char *name = mipsvm_host_name(h, vm);
	char why[160];
	int err = 0;

	mipsvm_host_end_line(h, vm);
	if (sending(h, vm)) {
		fprintf(h->diag, "migrate: '%s' to %s: already migrating; this request is ignored\n", name, target);
		return;
	}
	int fd = connect_to(target, &err, why, sizeof why);
	if (fd < 0) {
		fprintf(h->diag, "migrate: '%s' to %s: %s; '%s' continues here\n", name, target, why, name);
		return;
	}
	struct mipsvm_transfer *t = new_transfer(h, fd);
	if (t)
		t->out = mips_mig_out_start(vm, &h->mig, &t->io);
	if (!t || !t->out) {
		fprintf(h->diag, "migrate: '%s' to %s: %s; '%s' continues here\n", name, target,
			t ? "out of memory" : "too many transfers in flight", name);
		if (t)
			end_transfer(t);
		else
			close(fd);
		return;
	}
	t->err = err;
	snprintf(t->peer, sizeof t->peer, "%s", target);
	fprintf(h->diag, "migrate: '%s' to %s: started, %zu pages; it runs on while they go\n", name, target,
		mips_vm_page_count(vm));
}

/* A slot for one more VM: a new one, else that of an ended VM no transfer holds, so a server runs
 * on past MIPSVM_MAX_VMS arrivals (the ended VM is freed); -1 when all are live or held. */
static int free_slot(struct mipsvm_host *h)
{
	if (h->nvms < MIPSVM_MAX_VMS)
		return h->nvms;
	for (int i = 0; i < h->nvms; i++)
		if (!mipsvm_vm_live(h->vms[i]) && !sending(h, h->vms[i])) {
			mips_vm_free(h->vms[i]);
			return i;
		}
	return -1;
}

/* Takes a received VM under a name no live VM has ("fib-2", "fib-3"...), prefixed like the rest. */
static void adopt(struct mipsvm_host *h, struct mips_vm *vm, const char *from)
{
	char name[MIPS_NAME_MAX + 12];	/* room for any int; the name stays under MIPS_NAME_MAX */

	snprintf(name, sizeof name, "%s", mips_vm_name(vm));
	for (int n = 2; n < 100; n++) {
		int i = 0;
		while (i < h->nvms && (strcmp(h->names[i], name) || !mipsvm_vm_live(h->vms[i])))
			i++;
		if (i == h->nvms)
			break;
		snprintf(name, sizeof name, "%.*s-%d", MIPS_NAME_MAX - 5, mips_vm_name(vm), n);
	}
	int slot = free_slot(h);
	if (slot < 0) {
		fprintf(h->diag, "mips: '%s' from %s not resumed: %d VMs are live\n", name, from, MIPSVM_MAX_VMS);
		mips_vm_free(vm);
		return;
	}
	mipsvm_host_put(h, slot, vm, name);
	fprintf(h->diag, "mips: resumed '%s' (from %s) at pc 0x%08x after %llu instructions\n", name, from,
		mips_vm_pc(vm), (unsigned long long)mips_vm_icount(vm));
}

static void accept_incoming(struct mipsvm_host *h)
{
	while (h->listen_fd >= 0) {
		struct sockaddr_in sa;
		socklen_t len = sizeof sa;
		char peer[PEER_MAX];
		int fd = accept4(h->listen_fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (!transient(errno) && errno != ECONNABORTED)
				fprintf(h->diag, "mipsvm: accept: %s\n", strerror(errno));
			return;
		}
		addr_text(&sa, peer);
		struct mipsvm_transfer *t = new_transfer(h, fd);
		const char *why = t ? NULL : "too many transfers in flight";
		if (t && getrandom(h->mig.nonce, sizeof h->mig.nonce, 0) != (ssize_t)sizeof h->mig.nonce)
			why = "no random nonce (getrandom failed)";
		if (t && !why && !(t->in = mips_mig_in_start(h->port, &h->mig, &t->io)))
			why = "out of memory";
		if (why) {
			fprintf(h->diag, "migrate: from %s: refused: %s\n", peer, why);
			if (t)
				end_transfer(t);
			else
				close(fd);
			continue;
		}
		snprintf(t->peer, sizeof t->peer, "%s", peer);
		fprintf(h->diag, "migrate: incoming from %s\n", peer);
	}
}

/* Each pump returns true when bytes moved or the transfer ended: there may be more to do at once. */
static bool pump_out(struct mipsvm_transfer *t)
{
	struct mipsvm_host *h = t->h;
	enum mips_mig_status st = mips_mig_out_pump(t->out);
	char line[MIPS_MSG_MAX];

	if (st == MIPS_MIG_ACTIVE)
		return t->moved;
	if (st == MIPS_MIG_DONE)
		mipsvm_host_end_line(h, mips_mig_out_vm(t->out));	/* its unfinished line ends here */
	else
		fflush(h->out);
	mips_mig_out_outcome(t->out, t->peer, line, sizeof line);
	fprintf(h->diag, "migrate: %s\n", line);
	end_transfer(t);
	return true;
}

/* A refused stream: our side is shut, the sender's late bytes are read and dropped. */
static bool drain(struct mipsvm_transfer *t)
{
	char sink[4096];
	ssize_t n;

	while ((n = recv(t->fd, sink, sizeof sink, 0)) > 0)
		t->moved = true;
	if (n < 0 && transient(errno) && now(t->h) < t->drain_until)
		return t->moved;
	end_transfer(t);
	return true;
}

static bool pump_in(struct mipsvm_transfer *t)
{
	struct mipsvm_host *h = t->h;
	enum mips_mig_status st = mips_mig_in_pump(t->in);
	char line[MIPS_MSG_MAX];

	if (st == MIPS_MIG_ACTIVE)
		return t->moved;
	fflush(h->out);
	mips_mig_in_outcome(t->in, t->peer, line, sizeof line);
	fprintf(h->diag, "migrate: %s\n", line);
	if (st == MIPS_MIG_FAILED) {
		mips_mig_in_free(t->in);
		t->in = NULL;
		shutdown(t->fd, SHUT_WR);
		t->drain_until = now(h) + DRAIN_NS;
		return true;
	}
	adopt(h, mips_mig_in_take(t->in), t->peer);
	end_transfer(t);
	if (h->once)
		stop_listening(h);
	return true;
}

/* Pumps every transfer once; true if any moved bytes or ended. */
static bool pump_all(struct mipsvm_host *h)
{
	bool moved = false;

	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++) {
		struct mipsvm_transfer *t = h->transfers[i];
		if (!t)
			continue;
		t->moved = t->send_full = false;
		t->recv_left = RECV_BUDGET;
		if (t->out)
			moved |= pump_out(t);
		else if (t->in)
			moved |= pump_in(t);
		else
			moved |= drain(t);
	}
	return moved;
}

/* Sleeps until a socket has something for us (or WAIT_MS pass). A server's VMs have all ended or
 * are paused here: what they printed goes out now rather than whenever stdio's buffer fills. */
static void wait_for_io(struct mipsvm_host *h)
{
	struct pollfd p[MIPSVM_MAX_TRANSFERS + 1];
	nfds_t n = 0;

	fflush(h->out);
	if (h->listen_fd >= 0)
		p[n++] = (struct pollfd){ .fd = h->listen_fd, .events = POLLIN };
	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++) {
		const struct mipsvm_transfer *t = h->transfers[i];
		if (t)
			p[n++] = (struct pollfd){ .fd = t->fd, .events = POLLIN | (t->send_full ? POLLOUT : 0) };
	}
	if (poll(p, n, WAIT_MS) < 0 && errno != EINTR)
		fprintf(h->diag, "mipsvm: poll: %s\n", strerror(errno));
}

void mipsvm_mig_poll(struct mipsvm_host *h, bool vms_runnable)
{
	uint64_t t = now(h);

	if (h->listen_fd >= 0 && (!vms_runnable || t >= h->next_accept_ns)) {
		accept_incoming(h);
		h->next_accept_ns = t + ACCEPT_EVERY_NS;
	}
	bool moved = pump_all(h);
	if (!vms_runnable && !moved && mipsvm_mig_busy(h))
		wait_for_io(h);
}

bool mipsvm_mig_busy(const struct mipsvm_host *h)
{
	if (h->listen_fd >= 0)
		return true;
	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++)
		if (h->transfers[i])
			return true;
	return false;
}

void mipsvm_mig_close(struct mipsvm_host *h)
{
	for (int i = 0; i < MIPSVM_MAX_TRANSFERS; i++)
		if (h->transfers[i])
			end_transfer(h->transfers[i]);
	stop_listening(h);
}
