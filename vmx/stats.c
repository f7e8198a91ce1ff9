/* stats.c: counting and timing exits per basic reason, and the console statistics table. */
#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "vmx/stats.h"
#include "vmx/vmx.h"

#define REASON_NAME_ENTRY(name, num, handler) [num] = #name,
static const char *const reason_names[VMX_EXIT_REASON_COUNT] = { VMX_EXIT_REASONS(REASON_NAME_ENTRY) };
#undef REASON_NAME_ENTRY

#define REASON_COUNT_ENTRY(name, num, handler) +1
_Static_assert(0 VMX_EXIT_REASONS(REASON_COUNT_ENTRY) == VMX_EXIT_REASON_COUNT,
	       "the exit reason table lists every number 0..85 exactly once");
#undef REASON_COUNT_ENTRY

static struct exit_stats global_stats;
static int global_ready;

const char *exit_reason_name(uint32_t reason)
{
	return reason < VMX_EXIT_REASON_COUNT ? reason_names[reason] : "UNDEFINED";
}

void exit_stats_init(struct exit_stats *s)
{
	*s = (struct exit_stats){ 0 };
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		s->reason[r].min = UINT64_MAX;
	s->host.min = UINT64_MAX;
}

struct exit_stats *exit_stats_global(void)
{
	if (!global_ready) {
		exit_stats_init(&global_stats);
		global_ready = 1;
	}
	return &global_stats;
}

void exit_stats_count(struct exit_stats *s, unsigned reason)
{
	s->reason[reason].count++;
	s->count++;
}

static void stat_add(struct exit_stat *e, uint64_t cycles)
{
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
}

void exit_stats_time(struct exit_stats *s, unsigned reason, uint64_t cycles)
{
	stat_add(&s->reason[reason], cycles);
	s->cycles += cycles;
}

void exit_stats_host(struct exit_stats *s, uint64_t cycles)
{
	s->host.count++;
	stat_add(&s->host, cycles);
}

static void print_row(const struct exit_stat *e, uint64_t total, const char *num, const char *name)
{
	uint64_t avg = e->count ? e->cycles / e->count : 0;
	uint64_t share = total ? e->count * 10000 / total : 0; /* hundredths of a percent */
	kprintf("%6s  %-24s %12llu %3llu.%02llu%% %16llu %10llu %10llu %10llu %10llu\n", num, name,
		(unsigned long long)e->count, (unsigned long long)(share / 100), (unsigned long long)(share % 100),
		(unsigned long long)e->cycles, (unsigned long long)avg, (unsigned long long)tsc_cycles_to_ns(avg),
		(unsigned long long)(e->min == UINT64_MAX ? 0 : e->min), (unsigned long long)e->max);
}

/* Not an exit reason: the times Tally took the CPU back (count) and the cycles it kept it. */
static void print_host_row(const struct exit_stat *e)
{
	uint64_t avg = e->cycles / e->count;
	kprintf("%6s  %-24s %12llu %8s %16llu %10llu %10llu %10llu %10llu\n", "host", "work between entries",
		(unsigned long long)e->count, "-", (unsigned long long)e->cycles, (unsigned long long)avg,
		(unsigned long long)tsc_cycles_to_ns(avg), (unsigned long long)e->min, (unsigned long long)e->max);
}

void exit_stats_print(const struct exit_stats *s, const char *title)
{
	kprintf("Exit statistics: %s\n", title);
	kprintf("%6s  %-24s %12s %8s %16s %10s %10s %10s %10s\n", "reason", "name", "exits", "share", "cycles",
		"avg cyc", "avg ns", "min", "max");
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
		char num[8];
		ksnprintf(num, sizeof(num), "%u", r);
		if (s->reason[r].count)
			print_row(&s->reason[r], s->count, num, reason_names[r]);
	}
	uint64_t avg = s->count ? s->cycles / s->count : 0;
	kprintf("%6s  %-24s %12llu %7s%% %16llu %10llu %10llu\n", "total", "", (unsigned long long)s->count, "100.00",
		(unsigned long long)s->cycles, (unsigned long long)avg, (unsigned long long)tsc_cycles_to_ns(avg));
	if (s->host.count)
		print_host_row(&s->host);
}

void vmx_print_statistics(void)
{
	exit_stats_print(exit_stats_global(), "all guests");
}
