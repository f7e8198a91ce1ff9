/* host_mig.c: the portable host's migration transfers: each a mips/mig_out.c sender or mips/mig_in.c receiver over
 * one of the platform's non-blocking streams, pumped from the host's loop, with the outcome lines,
 * the drain after a refusal, and the adoption of what arrived. */
#include "host_int.h"
#include "mig_int.h"	/* the greeting and NAK record a busy receiver answers with */

#define DEFAULT_DRAIN_NS	2000000000ull
#define DEFAULT_IN_MAX		8
#define DEFAULT_HEADER_NS	5000000000ull
#define DEFAULT_TOTAL_NS	600000000000ull

struct host_transfer {
	struct mips_host *h;
	void *s;			/* the platform's stream */
	struct mips_mig_out *out;	/* one of out and in; neither while a refused stream drains */
	struct mips_mig_in *in;
	struct mips_mig_io io;
	char peer[HOST_PEER_MAX];	/* the target as given, or the connecting address */
	uint64_t drain_until;
	bool moved;			/* bytes went either way in this pump */
	size_t recv_left;		/* of cfg.recv_budget in this pump */
	struct host_vm *promised;	/* the record admitted before the ACK */
	uint64_t start_ns;		/* accepted */
	uint64_t sent;			/* bytes sent: the greeting has gone once GREET_SIZE have */
	uint32_t mem;			/* incoming: its VM's memory limit, counted in cfg.in_mem_total */
	bool authenticated;		/* incoming: said so once */
};

/* The engine's transport: the platform's stream, counting what moves. */
static long io_send(void *ctx, const void *buf, size_t len)
{
	struct host_transfer *t = ctx;
	long n = t->h->net.send(t->s, buf, len);

	t->moved |= n > 0;
	t->sent += n > 0 ? (uint64_t)n : 0;
	return n;
}

static long io_recv(void *ctx, void *buf, size_t len)
{
	struct host_transfer *t = ctx;
	bool bounded = t->h->cfg.recv_budget != 0;

	if (bounded && !t->recv_left)
		return MIPS_IO_AGAIN;	/* pumped enough for now: the VMs here get their turns */
	long n = t->h->net.recv(t->s, buf, bounded && len > t->recv_left ? t->recv_left : len);
	if (n > 0) {
		t->moved = true;
		if (bounded)
			t->recv_left -= (size_t)n;
	}
	return n;
}

static const char *io_error(void *ctx)
{
	struct host_transfer *t = ctx;
	return t->h->net.error(t->s);
}

static size_t io_pending(void *ctx)
{
	struct host_transfer *t = ctx;
	return t->h->net.pending ? t->h->net.pending(t->s) : 0;
}

static struct host_transfer *new_transfer(struct mips_host *h, void *s)
{
	if (!mips_host_grow(h, (void ***)&h->xfers, &h->xcap, h->nxfers + 1))
		return NULL;
	struct host_transfer *t = mips_alloc(&h->base, sizeof *t);
	if (!t)
		return NULL;
	t->h = h;
	t->s = s;
	t->io = (struct mips_mig_io){ t, io_send, io_recv, io_error, io_pending };
	t->start_ns = mips_host_now(h);
	h->xfers[h->nxfers++] = t;
	return t;
}

static void end_transfer(struct host_transfer *t, bool graceful)
{
	struct mips_host *h = t->h;

	for (size_t i = 0; i < h->nxfers; i++)
		if (h->xfers[i] == t) {
			memmove(&h->xfers[i], &h->xfers[i + 1], (h->nxfers - i - 1) * sizeof *h->xfers);
			h->nxfers--;
			break;
		}
	mips_mig_out_free(t->out);
	mips_mig_in_free(t->in);
	mips_host_unadmit(h, t->promised);
	(graceful ? h->net.close : h->net.abort)(t->s);
	mips_free(&h->base, t, sizeof *t);
}

bool mips_host_sending(const struct mips_host *h, const struct mips_vm *vm)
{
	for (size_t i = 0; i < h->nxfers; i++)
		if (h->xfers[i]->out && mips_mig_out_vm(h->xfers[i]->out) == vm)
			return true;
	return false;
}

void mips_host_mig_start(struct mips_host *h, struct mips_vm *vm, const char *target)
{
	const char *name = mips_host_name(h, vm);
	char why[160] = "migration is off here";

	if (mips_host_sending(h, vm)) {
		mips_host_msg(h, "migrate: '%s' to %s: already migrating; this request is ignored", name, target);
		return;
	}
	void *s = h->net.connect ? h->net.connect(h->base.ud, target, why, sizeof why) : NULL;
	if (!s) {
		mips_host_msg(h, "migrate: '%s' to %s: %s; '%s' continues here", name, target, why, name);
		return;
	}
	struct host_transfer *t = new_transfer(h, s);
	if (t)
		t->out = mips_mig_out_start(vm, &h->cfg.mig, &t->io);
	if (!t || !t->out) {
		mips_host_msg(h, "migrate: '%s' to %s: out of memory; '%s' continues here", name, target, name);
		if (t)
			end_transfer(t, false);
		else
			h->net.abort(s);
		return;
	}
	mips_snprintf(t->peer, sizeof t->peer, "%s", target);
	mips_host_msg(h, "migrate: '%s' to %s: started, %zu pages; it runs on while they go", name, target,
		      mips_vm_page_count(vm));
}

/* The engine asks before its ACK: a record and a table slot are promised now, so what the sender
 * is told has arrived is never dropped here afterwards. */
static bool admit(void *ctx, struct mips_vm *vm, char *why, size_t cap)
{
	struct host_transfer *t = ctx;

	(void)vm;
	if (!t->promised)
		t->promised = mips_host_admit(t->h);
	if (!t->promised)
		mips_snprintf(why, cap, "%s's free memory ran out (no room for one more VM's record)",
			      t->h->cfg.mig.host_name ? t->h->cfg.mig.host_name : "this host");
	return t->promised != NULL;
}

static size_t in_max(const struct mips_host *h) { return h->cfg.in_max ? h->cfg.in_max : DEFAULT_IN_MAX; }

/* Incoming transfers receiving (draining false) or refused and draining (true). */
static size_t count_in(const struct mips_host *h, bool draining)
{
	size_t n = 0;
	for (size_t i = 0; i < h->nxfers; i++)
		n += draining ? h->xfers[i]->drain_until != 0 : h->xfers[i]->in != NULL;
	return n;
}

/* Memory left under cfg.in_mem_total for one more incoming VM (UINT64_MAX without a cap). */
static uint64_t in_mem_left(const struct mips_host *h)
{
	uint64_t used = mips_host_received_mem(h);

	if (!h->cfg.in_mem_total)
		return UINT64_MAX;
	for (size_t i = 0; i < h->nxfers; i++)
		used += h->xfers[i]->in ? h->xfers[i]->mem : 0;
	return used < h->cfg.in_mem_total ? h->cfg.in_mem_total - used : 0;
}

/* A refused stream is read and dropped for a while so its NAK is not reset away; past in_max
 * such streams it is closed at once. True if t ended. */
static bool start_drain(struct host_transfer *t)
{
	struct mips_host *h = t->h;

	if (count_in(h, true) >= in_max(h)) {
		end_transfer(t, true);
		return true;
	}
	if (h->net.shutdown)
		h->net.shutdown(t->s);
	t->drain_until = mips_host_now(h) + (h->cfg.drain_ns ? h->cfg.drain_ns : DEFAULT_DRAIN_NS);
	return false;
}

/* Best effort, as the engine's own: "NAK " with why, once the greeting has gone. */
static void send_nak(struct host_transfer *t, const char *why)
{
	uint8_t rec[MIPS_WIRE_MIN + NAK_MAX];
	size_t n = strlen(why);

	if (t->sent < GREET_SIZE)
		return;
	n = mips_wire_record(rec, TAG_NAK, why, n < NAK_MAX ? n : NAK_MAX, NULL, 0);
	long r = t->h->net.send(t->s, rec, n);
	(void)r;
}

/* Ends t's receiving for a reason of the host's (both ends are told "refused: why"); true if t ended. */
static bool refuse(struct host_transfer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool refuse(struct host_transfer *t, const char *fmt, ...)
{
	struct mips_host *h = t->h;
	char why[NAK_MAX];
	struct mips_strbuf sb = { why, sizeof why, 0 };
	va_list ap;

	mips_sb_printf(&sb, "refused: ");
	va_start(ap, fmt);
	mips_sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	mips_host_msg(h, "migrate: from %s: %s; what arrived is discarded", t->peer, why);
	send_nak(t, why);
	mips_mig_in_free(t->in);
	t->in = NULL;
	mips_host_unadmit(h, t->promised);
	t->promised = NULL;
	return start_drain(t);
}

/* Makes room by refusing the oldest incoming stream not yet authenticated; false if none. */
static bool evict(struct mips_host *h)
{
	struct host_transfer *old = NULL;

	for (size_t i = 0; i < h->nxfers; i++) {
		struct host_transfer *t = h->xfers[i];
		if (t->in && !mips_mig_in_authenticated(t->in) && (!old || t->start_ns < old->start_ns))
			old = t;
	}
	if (old)
		refuse(old, "evicted for a newer sender: not authenticated after %llu ms while every slot is taken",
		       (unsigned long long)((mips_host_now(h) - old->start_ns) / 1000000));
	return old != NULL;
}

/* The receiver is full: a greeting (so the sender reads on) and a NAK saying so, then the drain. */
static void busy(struct mips_host *h, void *s, const char *peer, const char *why)
{
	struct host_transfer *t = new_transfer(h, s);
	uint8_t g[GREET_SIZE] = { 0 };

	mips_host_msg(h, "migrate: from %s: refused: %s", peer, why);
	if (!t) {
		h->net.abort(s);
		return;
	}
	mips_snprintf(t->peer, sizeof t->peer, "%s", peer);
	memcpy(g, MIG_MAGIC, 8);
	mips_put32(g + 8, MIG_VERSION);
	mips_put32(g + 12, h->cfg.mig.keylen ? MIG_F_KEYED : 0);
	mips_put32(g + 16, h->cfg.mig.mem_limit ? h->cfg.mig.mem_limit : MIPS_DEFAULT_MEM_LIMIT);	/* the sender reads on to the NAK */
	mips_put32(g + GREET_SIZE - 4, mips_crc32(0, g, GREET_SIZE - 4));
	if (io_send(t, g, sizeof g) == (long)sizeof g) {
		char nak[NAK_MAX];
		mips_snprintf(nak, sizeof nak, "refused: %s", why);
		send_nak(t, nak);
	}
	start_drain(t);
}

/* Room for one more incoming transfer: a slot and memory, evicting unauthenticated streams first.
 * Returns its memory limit, or 0 with why. */
static uint32_t admit_stream(struct mips_host *h, char *why, size_t cap)
{
	uint64_t limit = h->cfg.mig.mem_limit ? h->cfg.mig.mem_limit : MIPS_DEFAULT_MEM_LIMIT;

	while ((count_in(h, false) >= in_max(h) || in_mem_left(h) < MIPS_PAGE_SIZE) && evict(h))
		;
	if (count_in(h, false) >= in_max(h)) {
		mips_snprintf(why, cap, "busy: %zu transfers in progress, the most at once here; try again later",
			      in_max(h));
		return 0;
	}
	uint64_t left = in_mem_left(h);
	if (left < MIPS_PAGE_SIZE) {
		mips_snprintf(why, cap, "busy: the VMs received here hold all %llu KiB allowed to them; try again later",
			      (unsigned long long)(h->cfg.in_mem_total >> 10));
		return 0;
	}
	return (uint32_t)(left < limit ? left & ~(uint64_t)(MIPS_PAGE_SIZE - 1) : limit);
}

static void accept_incoming(struct mips_host *h)
{
	char peer[HOST_PEER_MAX], nonce_why[96];
	void *s;

	while ((s = h->net.accept(h->base.ud, peer, sizeof peer))) {
		char busy_why[160];
		uint32_t mem = admit_stream(h, busy_why, sizeof busy_why);
		if (!mem) {
			busy(h, s, peer, busy_why);
			continue;
		}
		struct host_transfer *t = new_transfer(h, s);
		struct mips_mig_config c = h->cfg.mig;
		const char *why = t ? NULL : "out of memory here";
		c.admit = admit;
		c.admit_ctx = t;
		if (mem < (c.mem_limit ? c.mem_limit : MIPS_DEFAULT_MEM_LIMIT))	/* in_mem_total bounds it */
			c.limit_name = h->cfg.in_mem_name ? h->cfg.in_mem_name : "share of received-VM memory";
		c.mem_limit = mem;
		if (t)
			t->mem = mem;
		if (t && h->net.nonce && !h->net.nonce(h->base.ud, c.nonce, nonce_why, sizeof nonce_why))
			why = nonce_why;
		if (t && !why && !(t->in = mips_mig_in_start(&h->port, &c, &t->io)))
			why = "out of memory here";
		if (why) {
			mips_host_msg(h, "migrate: from %s: refused: %s", peer, why);
			if (t)
				end_transfer(t, false);
			else
				h->net.abort(s);
			continue;
		}
		mips_snprintf(t->peer, sizeof t->peer, "%s", peer);
		mips_host_msg(h, "migrate: incoming from %s", peer);
	}
}

/* Each pump returns true when the transfer ended (it is gone). */
static bool pump_out(struct host_transfer *t)
{
	struct mips_host *h = t->h;
	enum mips_mig_status st = mips_mig_out_pump(t->out);
	char line[MIPS_MSG_MAX];

	if (st == MIPS_MIG_ACTIVE)
		return false;
	if (st == MIPS_MIG_DONE)
		mips_host_end_line(h, mips_mig_out_vm(t->out));	/* its unfinished line ends here */
	mips_mig_out_outcome(t->out, t->peer, line, sizeof line);
	mips_host_msg(h, "migrate: %s", line);
	end_transfer(t, st == MIPS_MIG_DONE);
	return true;
}

/* A refused stream: the sender's late bytes are read and dropped until it hangs up, or a reset
 * answering them would lose our NAK. */
static bool drain(struct host_transfer *t)
{
	char sink[4096];
	long n;

	while ((n = t->h->net.recv(t->s, sink, sizeof sink)) > 0)
		t->moved = true;
	if (n == MIPS_IO_AGAIN && mips_host_now(t->h) < t->drain_until)
		return false;
	end_transfer(t, true);
	return true;
}

/* The bounds of an incoming transfer still active after its pump (what has arrived counts). */
static bool over_time(struct host_transfer *t)
{
	struct mips_host *h = t->h;
	uint64_t age = mips_host_now(h) - t->start_ns;
	uint64_t header_ns = h->cfg.header_ns ? h->cfg.header_ns : DEFAULT_HEADER_NS;
	uint64_t total_ns = h->cfg.total_ns ? h->cfg.total_ns : DEFAULT_TOTAL_NS;

	if (age > header_ns && !mips_mig_in_authenticated(t->in))
		return refuse(t, "not authenticated within %llu ms", (unsigned long long)(header_ns / 1000000));
	if (age > total_ns)
		return refuse(t, "the transfer took longer than %llu ms", (unsigned long long)(total_ns / 1000000));
	return false;
}

static bool pump_in(struct host_transfer *t)
{
	struct mips_host *h = t->h;
	char line[MIPS_MSG_MAX];

	if (t->drain_until)
		return drain(t);
	enum mips_mig_status st = mips_mig_in_pump(t->in);
	if (!t->authenticated && mips_mig_in_authenticated(t->in)) {	/* from here on it keeps its slot */
		t->authenticated = true;
		mips_host_msg(h, "migrate: from %s: authenticated; receiving", t->peer);
	}
	if (st == MIPS_MIG_ACTIVE)
		return over_time(t);
	mips_mig_in_outcome(t->in, t->peer, line, sizeof line);
	mips_host_msg(h, "migrate: %s", line);
	if (st == MIPS_MIG_FAILED) {
		mips_mig_in_free(t->in);
		t->in = NULL;
		mips_host_unadmit(h, t->promised);
		t->promised = NULL;
		return start_drain(t);
	}
	struct mips_vm *vm = mips_mig_in_take(t->in);
	struct host_vm *rec = t->promised ? t->promised : mips_host_admit(h);
	t->promised = NULL;
	if (rec) {
		mips_host_adopt(h, rec, vm, t->peer);
		rec->in_limit = t->mem;
	}
	else	/* only without the engine's admit hook: it is always set here */
		mips_vm_free(vm);
	end_transfer(t, true);
	if (h->cfg.once && h->listening) {
		if (h->net.unlisten)
			h->net.unlisten(h->base.ud);
		h->listening = false;
	}
	return true;
}

bool mips_host_mig_poll(struct mips_host *h, bool vms_runnable)
{
	uint64_t now = mips_host_now(h);
	bool moved = false;

	if (h->net.accept && (!vms_runnable || now >= h->next_accept_ns)) {
		accept_incoming(h);
		h->next_accept_ns = now + h->cfg.accept_every_ns;
	}
	for (size_t i = 0; i < h->nxfers;) {
		struct host_transfer *t = h->xfers[i];
		t->moved = false;
		t->recv_left = h->cfg.recv_budget;
		bool ended = t->out ? pump_out(t) : pump_in(t);
		moved |= ended || t->moved;
		i += !ended;
	}
	return moved;
}

size_t mips_host_transfers(const struct mips_host *h) { return h->nxfers; }
bool mips_host_busy(const struct mips_host *h) { return h->listening || h->nxfers; }

void mips_host_mig_cancel(struct mips_host *h, const struct mips_vm *vm)
{
	for (size_t i = 0; i < h->nxfers;) {
		struct host_transfer *t = h->xfers[i];
		if (t->out && mips_mig_out_vm(t->out) == vm) {
			mips_host_msg(h, "migrate: '%s' to %s: called off", mips_vm_name(vm), t->peer);
			end_transfer(t, false);
		} else {
			i++;
		}
	}
}

void mips_host_mig_free_all(struct mips_host *h)
{
	while (h->nxfers)
		end_transfer(h->xfers[h->nxfers - 1], false);
	mips_free(&h->base, h->xfers, h->xcap * sizeof *h->xfers);
	h->xfers = NULL;
	h->xcap = 0;
}
