/* exit_timeline.c: moving a timeline to the bucket of an exit, halving its resolution when full. */
#include <string.h>

#include "vmx/exit_timeline.h"

void exit_timeline_start(struct exit_timeline *t, uint64_t start_tsc, uint64_t width)
{
	memset(t, 0, sizeof(*t));
	t->start_tsc = start_tsc;
	t->width = width;
	t->end_tsc = start_tsc + width;
}

static void merge_pairs(struct exit_timeline *t)
{
	for (unsigned i = 0; i < EXIT_TIMELINE_BUCKETS / 2; i++)
		for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			t->n[i][r] = t->n[2 * i][r] + t->n[2 * i + 1][r];
	memset(t->n[EXIT_TIMELINE_BUCKETS / 2], 0, sizeof(t->n) / 2);
	t->width *= 2;
	t->merges++;
}

void exit_timeline_advance(struct exit_timeline *t, uint64_t tsc)
{
	uint64_t i = (tsc - t->start_tsc) / t->width;
	while (i >= EXIT_TIMELINE_BUCKETS) {
		merge_pairs(t);
		i = (tsc - t->start_tsc) / t->width;
	}
	t->cur = (uint32_t)i;
	t->end_tsc = t->start_tsc + (i + 1) * t->width;
}
