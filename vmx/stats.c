/* stats.c: counting and timing exits per basic reason, and the console statistics table. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "vmx/backend.h"
#include "vmx/stats.h"
#include "vmx/svm/svm_exits.h"

#define REASON_NAME_ENTRY(name, num, handler) [num] = #name,
static const char *const reason_names[VMX_EXIT_REASON_COUNT] = { VMX_EXIT_REASONS(REASON_NAME_ENTRY) };
#undef REASON_NAME_ENTRY

#define REASON_COUNT_ENTRY(name, num, handler) +1
_Static_assert(0 VMX_EXIT_REASONS(REASON_COUNT_ENTRY) == VMX_EXIT_REASON_COUNT,
	       "the exit reason table lists every number 0..VMX_EXIT_REASON_COUNT-1 exactly once");
#undef REASON_COUNT_ENTRY

struct exit_stats exit_stats_all;

const char *exit_reason_name(uint32_t reason)
{
	return reason < VMX_EXIT_REASON_COUNT ? reason_names[reason] : "UNDEFINED";
}

void exit_stats_init(struct exit_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		s->reason[r].min = UINT64_MAX;
	s->host.min = UINT64_MAX;
}

void exit_stats_host(struct exit_stats *s, uint64_t cycles)
{
	s->host.count++;
	exit_stat_add(&s->host, cycles);
}

/* The p50, p90 and p99 columns of a reason ("-" without a histogram). */
static void print_percentiles(const struct exit_hist *hist, unsigned reason, const struct exit_stat *e)
{
	static const unsigned pct[] = { 50, 90, 99 };
	for (unsigned i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		if (hist)
			kprintf(" %10llu", (unsigned long long)exit_hist_percentile(hist, reason, pct[i], e->min, e->max));
		else
			kprintf(" %10s", "-");
	}
	kprintf("\n");
}

static void print_row(const struct exit_stat *e, uint64_t total, unsigned reason, const struct exit_hist *hist)
{
	uint64_t avg = e->count ? e->cycles / e->count : 0;
	uint64_t share = total ? e->count * 10000 / total : 0; /* hundredths of a percent */
	kprintf("%6u  %-24s %12llu %3llu.%02llu%% %16llu %10llu %10llu %10llu %10llu", reason, reason_names[reason],
		(unsigned long long)e->count, (unsigned long long)(share / 100), (unsigned long long)(share % 100),
		(unsigned long long)e->cycles, (unsigned long long)avg, (unsigned long long)tsc_cycles_to_ns(avg),
		(unsigned long long)(e->min == UINT64_MAX ? 0 : e->min), (unsigned long long)e->max);
	print_percentiles(hist, reason, e);
	if (backend == BACKEND_SVM) { /* the SVM exits this reason counts (vmx/svm/svm_exits.h) */
		char names[160];
		if (svm_exit_names_of_reason(reason, names, sizeof(names)))
			kprintf("%6s  = SVM %s\n", "", names);
	}
}

/* Not an exit reason: the times Tally took the CPU back (count) and the cycles it kept it. */
static void print_host_row(const struct exit_stat *e)
{
	uint64_t avg = e->cycles / e->count;
	kprintf("%6s  %-24s %12llu %8s %16llu %10llu %10llu %10llu %10llu\n", "host", "work between entries",
		(unsigned long long)e->count, "-", (unsigned long long)e->cycles, (unsigned long long)avg,
		(unsigned long long)tsc_cycles_to_ns(avg), (unsigned long long)e->min, (unsigned long long)e->max);
}

/* Not an exit reason either: recording each exit, taken out of the exit's cycles. */
static void print_book_row(const struct exit_stats *s)
{
	uint64_t avg = s->book_cycles / s->count;
	kprintf("%6s  %-24s %12llu %8s %16llu %10llu %10llu\n", "book", "recording the exits", (unsigned long long)s->count,
		"-", (unsigned long long)s->book_cycles, (unsigned long long)avg, (unsigned long long)tsc_cycles_to_ns(avg));
}

void exit_stats_print(const struct exit_stats *s, const struct exit_hist *hist, const char *title)
{
	kprintf("Exit statistics: %s\n", title);
	kprintf("%6s  %-24s %12s %8s %16s %10s %10s %10s %10s %10s %10s %10s\n", "reason", "name", "exits", "share",
		"cycles", "avg cyc", "avg ns", "min", "max", "p50", "p90", "p99");
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		if (s->reason[r].count)
			print_row(&s->reason[r], s->count, r, hist);
	uint64_t avg = s->count ? s->cycles / s->count : 0;
	kprintf("%6s  %-24s %12llu %7s%% %16llu %10llu %10llu\n", "total", "", (unsigned long long)s->count, "100.00",
		(unsigned long long)s->cycles, (unsigned long long)avg, (unsigned long long)tsc_cycles_to_ns(avg));
	if (s->host.count)
		print_host_row(&s->host);
	if (s->count)
		print_book_row(s);
}
