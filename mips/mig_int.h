/* mig_int.h: what the migration sender, receiver and reports share: the stream format and the link. */
#ifndef MIPS_MIG_INT_H
#define MIPS_MIG_INT_H

#include "internal.h"
#include "sha256.h"

/*
 * The stream, every integer little-endian:
 *
 *   receiver first, the greeting (GREET_SIZE bytes):
 *     magic "TALLYMIG" 8, version u32, flags u32 (bit 0: a key is required), memory limit u32,
 *     nonce 16 bytes, CRC-32 of the bytes before it u32
 *   then the sender, wire.h records: tag u32, payload length u32, payload, CRC-32 of tag+length+payload u32
 *     "MHDR" once: version u32, flags u32 (bit 0: keyed), text hash u64, text end u32, user text end
 *            u32, resident pages u32, name length u32, name, auth 32 bytes =
 *            HMAC(key, "TALLYMIG-HDR" | nonce | the payload before auth)
 *     "ROND" per round: round number u32, pages u32, flags u32 (bit 0: final, the VM is paused),
 *            ns the VM has been paused u64 (final only)
 *     "PAGE" the round's pages: guest address u32, 4096 bytes (a later copy replaces an earlier)
 *     "CPU " after the final round's pages: the snapshot format's CPU record
 *     "END " last: records before it u32, stream bytes before it u64,
 *            digest 32 bytes = HMAC(key, nonce | every sender byte before this record)
 *   then the receiver again, one record:
 *     "ACK " proof 32 bytes = HMAC(key, "TALLYMIG-ACK" | digest), or "NAK " reason text
 *
 * Without a key both ends use the empty key: the digest still checks the whole stream, it just
 * proves nothing about who sent it.
 */
#define MIG_MAGIC	"TALLYMIG"
#define MIG_VERSION	3u	/* 2: the CPU record carries the FPU; 3: and the stack's bottom */
#define GREET_SIZE	(8u + 4 * 3 + MIPS_MIG_NONCE_SIZE + 4)
#define MIG_F_KEYED	1u
#define ROUND_F_FINAL	1u
#define TAG_MHDR	MIPS_WIRE_TAG('M', 'H', 'D', 'R')
#define TAG_ROND	MIPS_WIRE_TAG('R', 'O', 'N', 'D')
#define TAG_PAGE	MIPS_WIRE_TAG('P', 'A', 'G', 'E')
#define TAG_CPU		MIPS_WIRE_TAG('C', 'P', 'U', ' ')
#define TAG_END		MIPS_WIRE_TAG('E', 'N', 'D', ' ')
#define TAG_ACK		MIPS_WIRE_TAG('A', 'C', 'K', ' ')
#define TAG_NAK		MIPS_WIRE_TAG('N', 'A', 'K', ' ')
#define HDR_FIXED	(4u * 2 + 8 + 4 * 4)
#define ROND_SIZE	(4u * 3 + 8)
#define END_SIZE	(4u + 8 + MIPS_SHA256_SIZE)
#define REC_MAX		(4u + MIPS_PAGE_SIZE)	/* the largest payload: a page */
#define REC_BUF		(MIPS_WIRE_MIN + REC_MAX)
#define NAK_MAX		200u
#define MIG_CTX_HDR	"TALLYMIG-HDR"		/* HMAC context strings */
#define MIG_CTX_ACK	"TALLYMIG-ACK"

/* What both directions share: the transport, the buffered record each way, the timeout. */
struct mips_mig_link {
	const struct mips_port *port;
	struct mips_mig_io io;
	uint8_t key[MIPS_MIG_KEY_MAX];
	size_t keylen;
	uint8_t nonce[MIPS_MIG_NONCE_SIZE];
	uint64_t timeout_ns, last_move_ns, start_ns;
	uint8_t out[REC_BUF];
	size_t out_len, out_off;
	uint8_t in[REC_BUF];
	size_t in_len;
	uint64_t sent, received;
	size_t pending;		/* the transport's unacknowledged bytes when last asked */
	enum mips_mig_status status;
	char err[MIPS_MSG_MAX];
};

/* mig_link.c */
uint64_t mips_link_now(const struct mips_mig_link *l);
void mips_link_init(struct mips_mig_link *l, const struct mips_port *port, const struct mips_mig_config *cfg,
		    const struct mips_mig_io *io);
/* Records the first failure (later ones are dropped); returns false. */
bool mips_link_fail(struct mips_mig_link *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts an HMAC keyed with the link's key. */
void mips_link_hmac(const struct mips_mig_link *l, struct mips_hmac *h);
/* Frames a record into the out buffer (which must be empty). */
void mips_link_record(struct mips_mig_link *l, uint32_t tag, const void *head, size_t hn, const void *body,
		      size_t bn);
void mips_link_raw(struct mips_mig_link *l, const void *buf, size_t n);
/* Sends what is buffered; true once it has all gone. */
bool mips_link_flush(struct mips_mig_link *l);
/* Reads towards a whole record of at most max payload bytes (or want raw bytes); true when it is in l->in. */
bool mips_link_read(struct mips_mig_link *l, size_t want, uint32_t max, const char *peer);
/* True when everything sent has been acknowledged. */
bool mips_link_drained(struct mips_mig_link *l);
/* Fails the link when nothing moved for its timeout; true then. */
bool mips_link_timed_out(struct mips_mig_link *l);

/* mig_out.c: the sender */
enum out_state { OUT_GREETING, OUT_ROUND, OUT_PAGES, OUT_CPU, OUT_END, OUT_ACK, OUT_OVER };

struct mips_mig_out {
	struct mips_mig_link l;
	struct mips_vm *vm;
	enum out_state st;
	enum mips_vm_state paused_from;	/* MIPS_VM_PAUSED when not paused */
	struct mips_hmac digest;	/* over every byte sent */
	uint8_t digest_out[MIPS_SHA256_SIZE];
	uint32_t max_rounds, records;
	uint64_t max_downtime_ns, pause_ns, end_ns;
	uint32_t *list;			/* this round's page addresses */
	size_t list_len, list_cap, list_next;
	uint64_t round_start_ns, round_bytes_start, bytes_per_s;
	size_t prev_dirty;
	uint32_t shrink_misses;
	bool final;
	struct mips_mig_stats stats;
};

/* mig_in.c: the receiver */
enum in_state { IN_HEADER, IN_ROUND, IN_PAGES, IN_CPU, IN_END, IN_REPLY, IN_OVER };

struct mips_mig_in {
	struct mips_mig_link l;
	enum in_state st;
	uint32_t mem_limit;
	const char *limit_name, *host_name;	/* the config's, defaults filled in */
	struct mips_vm *vm;
	struct mips_hmac digest;	/* over every byte received */
	uint32_t records, round, pages_left, text_end;
	bool final, nak_sent;
	uint64_t first_ns, final_ns, paused_before_ns, ready_ns;
	struct mips_mig_stats stats;
	bool (*admit)(void *ctx, struct mips_vm *vm, char *why, size_t cap);
	void *admit_ctx;
};

#endif
