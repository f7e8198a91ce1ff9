/* stats_export.c: the trace view and the export of a guest's exit analytics (JSON lines).
 *
 * The export block, on the console (README "Exit analytics" documents each field):
 *   tally-export-begin v1 guest=NAME
 *   {"kind":"guest", ...}                    one: state, TSC rate, totals
 *   {"kind":"reason", ...}                   one per reason with exits: counts, cycles, percentiles
 *   {"kind":"hist","reason":R,"buckets":[[low,high,count],...]}   its non-empty latency buckets
 *   {"kind":"timeline", ...}                 bucket width and how many buckets follow
 *   {"kind":"bucket","index":I,"start_ns":T,"exits":{"R":N,...}}  every bucket, empty ones too
 *   {"kind":"trace", ...}                    the last exits, oldest first
 *   tally-export-end guest=NAME lines=N      N: the JSON lines between the markers
 * Numbers are decimal integers; RIP and qualification are "0x..." strings; null where a value is
 * unknown (an open bucket's top, an exit not yet timed). */
#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/options.h"
#include "vmx/stats_export.h"

static const unsigned percentiles[] = { 50, 90, 99 };

bool exit_export_at_end(void)
{
	static int choice = -3; /* not read yet */
	if (choice == -3) {
		choice = option_choice("stats_export");
		if (choice == -2) {
			char words[32];
			log_err("command line: stats_export=%s is not %s: using off\n", option_get("stats_export"),
				option_values("stats_export", ", ", " or ", words, sizeof(words)));
		}
	}
	return choice == STATS_EXPORT_ON;
}

bool exit_analytics_on(void)
{
	static int choice = -3; /* not read yet */
	if (choice == -3) {
		choice = option_choice("exit_analytics");
		if (choice == -2) {
			char words[32];
			log_err("command line: exit_analytics=%s is not %s: using on\n", option_get("exit_analytics"),
				option_values("exit_analytics", ", ", " or ", words, sizeof(words)));
		}
	}
	return choice != EXIT_ANALYTICS_OFF;
}

static const char *vcpu_state(const struct vcpu *v)
{
	return v->ended || v->stopped ? "ended" : v->halted ? "halted" : "running";
}

/* Guest names come from module command lines: quote what JSON must not see raw. */
static void print_json_string(const char *s)
{
	kprintf("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			kprintf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			kprintf("\\u%04x", (unsigned)(unsigned char)*s);
		else
			kprintf("%c", *s);
	}
	kprintf("\"");
}

static unsigned export_guest(const struct vcpu *v)
{
	const struct exit_stats *s = &v->stats;
	kprintf("{\"kind\":\"guest\",\"name\":");
	print_json_string(v->name);
	kprintf(",\"state\":\"%s\",\"tsc_hz\":%llu,\"exits\":%llu,\"cycles\":%llu,\"host_cycles\":%llu,"
		"\"book_cycles\":%llu,\"trace_size\":%u}\n",
		vcpu_state(v), (unsigned long long)tsc_hz(), (unsigned long long)s->count, (unsigned long long)s->cycles,
		(unsigned long long)s->host.cycles, (unsigned long long)s->book_cycles, v->trace.size);
	return 1;
}

static unsigned export_reason(const struct vcpu *v, unsigned r)
{
	const struct exit_stat *e = &v->stats.reason[r];
	kprintf("{\"kind\":\"reason\",\"reason\":%u,\"name\":\"%s\",\"exits\":%llu,\"timed\":%llu,\"cycles\":%llu,"
		"\"min\":%llu,\"max\":%llu", r, exit_reason_name(r), (unsigned long long)e->count,
		(unsigned long long)exit_hist_total(&v->hist, r), (unsigned long long)e->cycles,
		(unsigned long long)(e->min == UINT64_MAX ? 0 : e->min), (unsigned long long)e->max);
	for (unsigned i = 0; i < sizeof(percentiles) / sizeof(percentiles[0]); i++)
		kprintf(",\"p%u\":%llu", percentiles[i],
			(unsigned long long)exit_hist_percentile(&v->hist, r, percentiles[i], e->min, e->max));
	kprintf("}\n{\"kind\":\"hist\",\"reason\":%u,\"buckets\":[", r);
	const char *sep = "";
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++) {
		uint32_t n = v->hist.n[r][b];
		if (!n)
			continue;
		kprintf("%s[%llu,", sep, (unsigned long long)exit_hist_low(b));
		if (exit_hist_high(b) == UINT64_MAX)
			kprintf("null,%u]", n);
		else
			kprintf("%llu,%u]", (unsigned long long)exit_hist_high(b), n);
		sep = ",";
	}
	kprintf("]}\n");
	return 2;
}

static unsigned export_timeline(const struct vcpu *v)
{
	const struct exit_timeline *t = &v->timeline;
	unsigned used = exit_timeline_used(t);
	kprintf("{\"kind\":\"timeline\",\"bucket_cycles\":%llu,\"bucket_ns\":%llu,\"buckets\":%u,\"merges\":%u}\n",
		(unsigned long long)t->width, (unsigned long long)tsc_cycles_to_ns(t->width), used, t->merges);
	for (unsigned i = 0; i < used; i++) {
		kprintf("{\"kind\":\"bucket\",\"index\":%u,\"start_ns\":%llu,\"exits\":{", i,
			(unsigned long long)tsc_cycles_to_ns(i * t->width));
		const char *sep = "";
		for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			if (t->n[i][r]) {
				kprintf("%s\"%u\":%u", sep, r, t->n[i][r]);
				sep = ",";
			}
		kprintf("}}\n");
	}
	return 1 + used;
}

static void print_trace_cycles(const struct exit_trace_entry *e, const char *untimed)
{
	if (e->cycles == EXIT_TRACE_UNTIMED)
		kprintf("%s", untimed);
	else
		kprintf("%llu", (unsigned long long)e->cycles);
}

static unsigned export_trace(const struct vcpu *v)
{
	uint32_t held = exit_trace_held(&v->trace);
	uint64_t first = v->trace.recorded - held;
	for (uint32_t i = 0; i < held; i++) {
		const struct exit_trace_entry *e = exit_trace_get(&v->trace, i);
		kprintf("{\"kind\":\"trace\",\"seq\":%llu,\"tsc\":%llu,\"reason\":%u,\"name\":\"%s\",\"rip\":\"0x%llx\","
			"\"qual\":\"0x%llx\",\"cycles\":", (unsigned long long)(first + i), (unsigned long long)e->tsc,
			e->reason, exit_reason_name(e->reason), (unsigned long long)e->rip, (unsigned long long)e->qual);
		print_trace_cycles(e, "null");
		kprintf("}\n");
	}
	return held;
}

void exit_stats_export(const struct vcpu *v)
{
	if (!exit_analytics_on()) {
		kprintf("stats: %s: nothing to export: exit_analytics=off keeps no histograms, timeline or trace\n",
			v->name);
		return;
	}
	kprintf("tally-export-begin v%u guest=%s\n", EXIT_EXPORT_VERSION, v->name);
	unsigned lines = export_guest(v);
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		if (v->stats.reason[r].count)
			lines += export_reason(v, r);
	lines += export_timeline(v);
	lines += export_trace(v);
	kprintf("tally-export-end guest=%s lines=%u\n", v->name, lines);
}

void exit_trace_print(const struct vcpu *v, uint32_t n)
{
	if (!exit_analytics_on()) {
		kprintf("trace: %s: no exits are traced under exit_analytics=off\n", v->name);
		return;
	}
	uint32_t held = exit_trace_held(&v->trace);
	if (n > held)
		n = held;
	kprintf("Exit trace: %s, last %u of %llu exits (trace=%u), oldest first\n", v->name, n,
		(unsigned long long)v->stats.count, v->trace.size);
	uint64_t first = v->trace.recorded - held;
	for (uint32_t i = held - n; i < held; i++) {
		const struct exit_trace_entry *e = exit_trace_get(&v->trace, i);
		kprintf("  #%llu tsc %llu reason %u %s rip 0x%llx qual 0x%llx cycles ", (unsigned long long)(first + i),
			(unsigned long long)e->tsc, e->reason, exit_reason_name(e->reason), (unsigned long long)e->rip,
			(unsigned long long)e->qual);
		print_trace_cycles(e, "-");
		kprintf("\n");
	}
}
