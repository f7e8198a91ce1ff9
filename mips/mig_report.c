/* mig_report.c: the migration statistics line and the outcome lines both hosts print. */
#include "mig_int.h"

/* "N.N" of a nanosecond count in ms, for the report. */
static void put_ms(struct mips_strbuf *sb, uint64_t ns)
{
	uint64_t tenths = (ns + 50000) / 100000;
	mips_sb_printf(sb, "%llu.%llu ms", (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
}

void mips_mig_stats_format(const struct mips_mig_stats *st, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	uint64_t kb_per_s = st->total_ns ? st->bytes * 1000000u / st->total_ns : 0;	/* bytes/ns*1e6 = KB/s */

	mips_sb_printf(&sb, "%u round%s, %llu pages (%llu in the paused round), %llu bytes, total ", st->rounds,
		       st->rounds == 1 ? "" : "s", (unsigned long long)st->pages, (unsigned long long)st->final_pages,
		       (unsigned long long)st->bytes);
	put_ms(&sb, st->total_ns);
	mips_sb_printf(&sb, ", downtime ");
	put_ms(&sb, st->downtime_ns);
	mips_sb_printf(&sb, ", %llu.%02llu MB/s", (unsigned long long)(kb_per_s / 1000),
		       (unsigned long long)(kb_per_s % 1000 / 10));
}

void mips_mig_out_outcome(const struct mips_mig_out *m, const char *target, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	const char *name = m->vm->name;
	struct mips_mig_stats st;
	char line[MIPS_MSG_MAX];

	if (m->l.status == MIPS_MIG_DONE) {
		mips_mig_out_stats(m, &st);
		mips_mig_stats_format(&st, line, sizeof line);
		mips_sb_printf(&sb, "'%s' moved to %s: %s", name, target, line);
		return;
	}
	mips_sb_printf(&sb, "'%s' to %s failed: %s", name, target, m->l.err);
	if (m->vm->state == MIPS_VM_RUNNING || m->vm->state == MIPS_VM_BLOCKED)	/* not if it ended meanwhile */
		mips_sb_printf(&sb, "; '%s' continues here", name);
}

void mips_mig_in_outcome(const struct mips_mig_in *m, const char *peer, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	struct mips_mig_stats st;
	char line[MIPS_MSG_MAX];

	if (m->l.status != MIPS_MIG_DONE || !m->vm) {
		mips_sb_printf(&sb, "from %s: %s; what arrived is discarded", peer, m->l.err);
		return;
	}
	mips_mig_in_stats(m, &st);
	mips_mig_stats_format(&st, line, sizeof line);
	mips_sb_printf(&sb, "'%s' received from %s: %s", m->vm->name, peer, line);
}
