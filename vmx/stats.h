/* stats.h: per-reason exit counts and TSC cycles, per guest and over all guests. */
#ifndef VMX_STATS_H
#define VMX_STATS_H

#include <stdint.h>

#include "vmx/exit_hist.h"
#include "vmx/exit_reasons.h"

struct exit_stat {
	uint64_t count, cycles, min, max; /* min is UINT64_MAX until the first timed exit */
};

struct exit_stats {
	struct exit_stat reason[VMX_EXIT_REASON_COUNT];
	uint64_t count, cycles;
	struct exit_stat host; /* Tally's own work between two entries: not an exit, never in the totals */
	uint64_t book_cycles;  /* recording each exit (counts, histogram, timeline, trace): never in an exit */
};

void exit_stats_init(struct exit_stats *s);

/* On every exit, so inline: an exit of this reason happened (counted before it is handled, so a
 * CPUID that asks sees itself); it took cycles from its first to its last instruction in Tally. */
static inline void exit_stats_count(struct exit_stats *s, unsigned reason)
{
	s->reason[reason].count++;
	s->count++;
}

static inline void exit_stat_add(struct exit_stat *e, uint64_t cycles)
{
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
}

static inline void exit_stats_time(struct exit_stats *s, unsigned reason, uint64_t cycles)
{
	exit_stat_add(&s->reason[reason], cycles);
	s->cycles += cycles;
}

/* Tally worked cycles between a yield and the next entry (scheduling, MIPS slices, devices). */
void exit_stats_host(struct exit_stats *s, uint64_t cycles);
/* The table of the issue: reason, SDM name, exits, share, cycles, average cycles and ns, min, max,
 * then p50, p90, p99 from hist (the exits' latency histogram; "-" without one). */
void exit_stats_print(const struct exit_stats *s, const struct exit_hist *hist, const char *title);

/* Over all guests since boot; what the CPUID statistics leaves report under cpuid_scope=global.
 * Ready before the first guest starts (vmx_start_guests). */
extern struct exit_stats exit_stats_all;
static inline struct exit_stats *exit_stats_global(void) { return &exit_stats_all; }

/* The SDM name of a basic exit reason, or "UNDEFINED" past the table. */
const char *exit_reason_name(uint32_t reason);

#endif
