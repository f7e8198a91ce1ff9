/* exit_hist.c: bucket bounds, sums and percentiles of the exit latency histograms. */
#include "vmx/exit_hist.h"

uint64_t exit_hist_low(unsigned b)
{
	if (b < 2 * EXIT_HIST_SUB)
		return b;
	unsigned msb = b / EXIT_HIST_SUB + EXIT_HIST_SUB_BITS - 1;
	return (uint64_t)(EXIT_HIST_SUB + b % EXIT_HIST_SUB) << (msb - EXIT_HIST_SUB_BITS);
}

uint64_t exit_hist_high(unsigned b)
{
	return b + 1 >= EXIT_HIST_BUCKETS ? UINT64_MAX : exit_hist_low(b + 1) - 1;
}

uint64_t exit_hist_total(const struct exit_hist *h, unsigned reason)
{
	uint64_t sum = 0;
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		sum += h->n[reason][b];
	return sum;
}

uint64_t exit_hist_row_percentile(const uint64_t row[EXIT_HIST_BUCKETS], unsigned pct, uint64_t min, uint64_t max)
{
	uint64_t total = 0;
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		total += row[b];
	if (!total)
		return 0;
	uint64_t rank = (total * pct + 99) / 100, seen = 0; /* the smallest value with pct% at or below it */
	if (!rank)
		rank = 1;
	unsigned b = 0;
	for (; b < EXIT_HIST_BUCKETS - 1; b++) {
		seen += row[b];
		if (seen >= rank)
			break;
	}
	uint64_t v = exit_hist_high(b);
	if (v > max)
		v = max;
	return v < min ? min : v;
}

uint64_t exit_hist_percentile(const struct exit_hist *h, unsigned reason, unsigned pct, uint64_t min, uint64_t max)
{
	uint64_t row[EXIT_HIST_BUCKETS];
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		row[b] = h->n[reason][b];
	return exit_hist_row_percentile(row, pct, min, max);
}

void exit_hist_merge(struct exit_hist *to, const struct exit_hist *from)
{
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
			to->n[r][b] += from->n[r][b];
}
