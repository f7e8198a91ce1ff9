/* exit_timeline.h: exits per reason per time bucket since a guest started, in bounded memory. */
#ifndef VMX_EXIT_TIMELINE_H
#define VMX_EXIT_TIMELINE_H

#include <stdint.h>

#include "vmx/exit_reasons.h"

/* Buckets start EXIT_TIMELINE_START_NS wide; when an exit falls past the last one, neighbours are
 * added pairwise (0+1, 2+3, ...) and the width doubles, so any run fits and keeps whole counts. */
#define EXIT_TIMELINE_BUCKETS 64
#define EXIT_TIMELINE_START_NS 10000000ull /* 10 ms */

struct exit_timeline {
	uint64_t start_tsc;  /* the guest's first entry */
	uint64_t width;      /* TSC cycles per bucket */
	uint64_t end_tsc;    /* where the current bucket ends */
	uint32_t cur;        /* the bucket exits go to now */
	uint32_t merges;     /* how often the width doubled */
	uint32_t n[EXIT_TIMELINE_BUCKETS][VMX_EXIT_REASON_COUNT];
};

/* Empties t and starts it at start_tsc with buckets width cycles wide (width > 0). */
void exit_timeline_start(struct exit_timeline *t, uint64_t start_tsc, uint64_t width);
/* Makes the bucket of tsc current (merging as needed): the exit path calls it once per bucket. */
void exit_timeline_advance(struct exit_timeline *t, uint64_t tsc);

/* An exit of reason at tsc (never before start_tsc). */
static inline void exit_timeline_add(struct exit_timeline *t, unsigned reason, uint64_t tsc)
{
	if (tsc >= t->end_tsc)
		exit_timeline_advance(t, tsc);
	t->n[t->cur][reason]++;
}

/* Buckets in use (the current one and all before it). */
static inline unsigned exit_timeline_used(const struct exit_timeline *t)
{
	return t->width ? t->cur + 1 : 0;
}

#endif
