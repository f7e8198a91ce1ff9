/* fuzz_mig_in.c: libFuzzer target: any bytes as the sender's side of a migration stream, fed to
 * mips_mig_in_start/pump over an in-memory io. The first byte picks how: 0 mod 2 the bytes as they
 * are; 1 mod 2 the bytes resealed (CRCs, header auth, END digest made right) so that edits reach
 * the checks behind the checksums. A received VM must run safely. */
#include <string.h>

#include "tests/mips/fuzz_port.h"
#include "tests/mips/mig_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t nonce[MIPS_MIG_NONCE_SIZE] = "0123456789abcdef";

/* A clock that moves, so the receiver's timeout and statistics see time pass. */
static uint64_t fz_now;
static uint64_t fz_moving_clock(void *ud)
{
	(void)ud;
	return fz_now += 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mips_port port = fz_port;
	struct mips_mig_config cfg = { 0 };
	uint8_t *s;

	if (!size)
		return 0;
	port.clock_ns = fz_moving_clock;
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	if (data[0] & 1)
		ms_reseal(s, size - 1, nonce);
	struct ms_feed f = { s, size - 1, 0 };
	struct mips_mig_io io = { &f, ms_feed_send, ms_feed_recv, ms_feed_error, NULL };
	memcpy(cfg.nonce, nonce, sizeof nonce);
	cfg.mem_limit = FZ_MEM_LIMIT;
	struct mips_mig_in *mi = mips_mig_in_start(&port, &cfg, &io);
	if (!mi) {
		free(s);
		return 0;
	}
	enum mips_mig_status st = MIPS_MIG_ACTIVE;
	for (int i = 0; i < 1000000 && st == MIPS_MIG_ACTIVE; i++)
		st = mips_mig_in_pump(mi);
	if (st == MIPS_MIG_ACTIVE)
		__builtin_trap();	/* the feed ends in EOF: the receiver must finish */
	char line[MIPS_MSG_MAX * 2];
	struct mips_mig_stats stats;
	mips_mig_in_outcome(mi, "fuzz", line, sizeof line);
	mips_mig_in_stats(mi, &stats);
	if (stats.downtime_ns > stats.total_ns)
		__builtin_trap();
	if (st == MIPS_MIG_FAILED && strncmp(mips_mig_in_error(mi), "refused: ", 9) &&
	    strncmp(mips_mig_in_error(mi), "the source ", 11) && strncmp(mips_mig_in_error(mi), "timed out", 9))
		__builtin_trap();	/* every refusal says what failed */
	struct mips_vm *vm = mips_mig_in_take(mi);
	if (vm) {
		mips_vm_run(vm, FZ_BUDGET);
		mips_vm_free(vm);
	}
	mips_mig_in_free(mi);
	free(s);
	return 0;
}
