/* exit_hist.h: exit latencies per reason in quarter-octave buckets, and percentiles read from them. */
#ifndef VMX_EXIT_HIST_H
#define VMX_EXIT_HIST_H

#include <stdint.h>

#include "vmx/exit_reasons.h"

/* HdrHistogram's layout with two bits of mantissa: values below 8 have a bucket each, every
 * octave above is cut in four, so a bucket is at most 25% of its lower bound wide (a percentile
 * read from it is within that of the true value). 2^40 cycles and more share the last bucket. */
#define EXIT_HIST_SUB_BITS 2
#define EXIT_HIST_SUB (1u << EXIT_HIST_SUB_BITS)
#define EXIT_HIST_TOP_BIT 39
#define EXIT_HIST_BUCKETS ((EXIT_HIST_TOP_BIT - EXIT_HIST_SUB_BITS + 2) * EXIT_HIST_SUB)

struct exit_hist {
	uint32_t n[VMX_EXIT_REASON_COUNT][EXIT_HIST_BUCKETS];
};

/* The bucket of an exit that took cycles: on the exit path, so a handful of instructions. */
static inline unsigned exit_hist_bucket(uint64_t cycles)
{
	if (cycles < 2 * EXIT_HIST_SUB)
		return (unsigned)cycles;
	if (cycles >> (EXIT_HIST_TOP_BIT + 1))
		return EXIT_HIST_BUCKETS - 1;
	unsigned msb = 63u - (unsigned)__builtin_clzll(cycles);
	return EXIT_HIST_SUB * (msb - EXIT_HIST_SUB_BITS + 1) +
	       (unsigned)((cycles >> (msb - EXIT_HIST_SUB_BITS)) & (EXIT_HIST_SUB - 1));
}

static inline void exit_hist_add(struct exit_hist *h, unsigned reason, uint64_t cycles)
{
	h->n[reason][exit_hist_bucket(cycles)]++;
}

/* The fewest and the most cycles bucket b holds (the last one is open: UINT64_MAX). */
uint64_t exit_hist_low(unsigned b);
uint64_t exit_hist_high(unsigned b);
/* Exits of reason counted in h (the timed ones: an exit is added once its cycles are known). */
uint64_t exit_hist_total(const struct exit_hist *h, unsigned reason);
/* The pct-th percentile (1..100) of reason's cycles as the upper bound of the bucket that holds
 * it, clipped to [min, max] of the exits seen; 0 when there are none. */
uint64_t exit_hist_percentile(const struct exit_hist *h, unsigned reason, unsigned pct, uint64_t min, uint64_t max);
/* The same from one reason's bucket counts (e.g. summed over guests). */
uint64_t exit_hist_row_percentile(const uint64_t row[EXIT_HIST_BUCKETS], unsigned pct, uint64_t min, uint64_t max);
/* to += from, bucket by bucket (the table over all guests is the sum of theirs). */
void exit_hist_merge(struct exit_hist *to, const struct exit_hist *from);

#endif
