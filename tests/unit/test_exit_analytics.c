/* test_exit_analytics.c: the exit latency histogram's buckets and percentiles, the timeline's
 * merging of full buckets, and the trace ring's order, against figures computed here by hand. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "vmx/exit_hist.h"
#include "vmx/exit_timeline.h"
#include "vmx/exit_trace.h"

static void test_buckets(void)
{
	bool exact = true, cover = true, width = true;
	for (uint64_t v = 0; v < 8; v++)
		exact &= exit_hist_bucket(v) == v && exit_hist_low((unsigned)v) == v && exit_hist_high((unsigned)v) == v;
	CHECK(exact, "values 0..7 have a bucket each");
	for (unsigned b = 0; b + 1 < EXIT_HIST_BUCKETS; b++) {
		cover &= exit_hist_high(b) + 1 == exit_hist_low(b + 1) && exit_hist_bucket(exit_hist_low(b)) == b &&
			 exit_hist_bucket(exit_hist_high(b)) == b;
		width &= b < 8 || (exit_hist_high(b) - exit_hist_low(b) + 1) * 4 <= exit_hist_low(b);
	}
	CHECK(cover, "the %d buckets tile the numbers without gaps, each value in the bucket of its bounds",
	      EXIT_HIST_BUCKETS);
	CHECK(width, "a bucket above 8 is at most a quarter of its lower bound wide");
	CHECK(exit_hist_bucket(8) == 8 && exit_hist_bucket(9) == 8 && exit_hist_bucket(10) == 9 &&
		      exit_hist_bucket(350) == exit_hist_bucket(383) && exit_hist_bucket(384) != exit_hist_bucket(383),
	      "8,9 share a bucket; 350 and 383 share [320,383]; 384 starts the next");
	CHECK(exit_hist_bucket(UINT64_MAX) == EXIT_HIST_BUCKETS - 1 && exit_hist_high(EXIT_HIST_BUCKETS - 1) == UINT64_MAX &&
		      exit_hist_bucket(1ull << 40) == EXIT_HIST_BUCKETS - 1,
	      "2^40 cycles and more go to the last, open bucket");
}

static void test_percentiles(void)
{
	static struct exit_hist h;
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 90; i++)
		exit_hist_add(&h, 10, 300);
	for (int i = 0; i < 9; i++)
		exit_hist_add(&h, 10, 1000);
	exit_hist_add(&h, 10, 50000);
	CHECK(exit_hist_total(&h, 10) == 100 && exit_hist_total(&h, 30) == 0, "100 exits of reason 10 counted, none of 30");
	uint64_t p50 = exit_hist_percentile(&h, 10, 50, 300, 50000), p90 = exit_hist_percentile(&h, 10, 90, 300, 50000);
	uint64_t p99 = exit_hist_percentile(&h, 10, 99, 300, 50000), p100 = exit_hist_percentile(&h, 10, 100, 300, 50000);
	CHECK(p50 == exit_hist_high(exit_hist_bucket(300)) && p90 == p50, "p50 = p90 = the top of 300's bucket (%llu)",
	      (unsigned long long)p50);
	CHECK(p99 == exit_hist_high(exit_hist_bucket(1000)), "p99 = the top of 1000's bucket (%llu)", (unsigned long long)p99);
	CHECK(p100 == 50000, "p100 is clipped to the max seen (%llu)", (unsigned long long)p100);
	CHECK(exit_hist_percentile(&h, 30, 50, 0, 0) == 0, "a reason without exits has percentiles 0");
	static struct exit_hist sum;
	memset(&sum, 0, sizeof(sum));
	exit_hist_merge(&sum, &h);
	exit_hist_merge(&sum, &h);
	CHECK(exit_hist_total(&sum, 10) == 200 && sum.n[10][exit_hist_bucket(300)] == 180, "two merged histograms add up");
}

static void test_timeline(void)
{
	static struct exit_timeline t;
	const uint64_t start = 1000, width = 100;
	exit_timeline_start(&t, start, width);
	uint64_t added = 0;
	for (uint64_t i = 0; i < EXIT_TIMELINE_BUCKETS; i++) { /* one exit of reason 10 per bucket, two of 30 in odd ones */
		exit_timeline_add(&t, 10, start + i * width + 5);
		if (i % 2)
			exit_timeline_add(&t, 30, start + i * width + 99), exit_timeline_add(&t, 30, start + i * width + 99);
		added += 1 + (i % 2) * 2;
	}
	CHECK(t.cur == EXIT_TIMELINE_BUCKETS - 1 && t.merges == 0 && t.width == width, "%d buckets filled, none merged",
	      EXIT_TIMELINE_BUCKETS);
	exit_timeline_add(&t, 10, start + EXIT_TIMELINE_BUCKETS * width); /* the first exit past the end */
	added++;
	CHECK(t.merges == 1 && t.width == 2 * width && t.cur == EXIT_TIMELINE_BUCKETS / 2,
	      "an exit past the last bucket merges pairs: width %llu, current bucket %u",
	      (unsigned long long)t.width, t.cur);
	CHECK(t.n[0][10] == 2 && t.n[0][30] == 2 && t.n[31][10] == 2 && t.n[32][10] == 1 && t.n[33][10] == 0,
	      "merged buckets hold both halves' exits; the new one its own");
	exit_timeline_add(&t, 12, start + 1000 * width); /* far beyond: 1000/16 < 64, three more merges */
	added++;
	uint64_t sum = 0;
	for (unsigned i = 0; i < exit_timeline_used(&t); i++)
		for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			sum += t.n[i][r];
	CHECK(t.merges == 4 && t.width == 16 * width && t.cur == 1000 / 16 && sum == added,
	      "a long gap merges until it fits (%u merges, bucket %u) and no exit is lost (%llu of %llu)", t.merges, t.cur,
	      (unsigned long long)sum, (unsigned long long)added);
}

static void test_trace(void)
{
	struct exit_trace t = { .ring = calloc(4, sizeof(struct exit_trace_entry)), .size = 4 };
	CHECK(exit_trace_held(&t) == 0 && !exit_trace_last(&t) && !exit_trace_get(&t, 0), "an empty trace holds nothing");
	for (uint32_t i = 0; i < 3; i++)
		exit_trace_push(&t)->reason = i;
	CHECK(exit_trace_held(&t) == 3 && exit_trace_get(&t, 0)->reason == 0 && exit_trace_last(&t)->reason == 2,
	      "three exits, oldest first");
	for (uint32_t i = 3; i < 10; i++)
		exit_trace_push(&t)->reason = i;
	bool order = exit_trace_held(&t) == 4;
	for (uint32_t i = 0; i < 4; i++)
		order &= exit_trace_get(&t, i)->reason == 6 + i;
	CHECK(order && exit_trace_last(&t)->reason == 9 && t.recorded == 10 && !exit_trace_get(&t, 4),
	      "after 10 exits a ring of 4 holds the last 4 (6..9), oldest first");
	free(t.ring);
}

int main(void)
{
	test_buckets();
	test_percentiles();
	test_timeline();
	test_trace();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
