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
#include <stdarg.h>
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "kernel/options.h"
#include "vmx/stats_export.h"

static const unsigned percentiles[] = { 50, 90, 99 };

/* Where the export goes: the console, or a growing heap buffer (`stats save`). */
struct export_out {
	char *buf;
	size_t len, cap;
	bool to_buffer, failed; /* failed: the buffer could not grow */
};

static void __attribute__((format(printf, 2, 3))) emit(struct export_out *o, const char *fmt, ...)
{
	char piece[512]; /* every call writes one short piece: a field group, a bucket, a name */
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(piece) ? (size_t)n : sizeof(piece) - 1;
	if (!o->to_buffer) {
		kprintf("%s", piece);
		return;
	}
	if (o->failed)
		return;
	if (o->len + len + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		while (cap < o->len + len + 1)
			cap *= 2;
		char *grown = krealloc(o->buf, cap);
		if (!grown) {
			o->failed = true;
			return;
		}
		o->buf = grown, o->cap = cap;
	}
	memcpy(o->buf + o->len, piece, len + 1);
	o->len += len;
}

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
static void print_json_string(struct export_out *o, const char *s)
{
	emit(o, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			emit(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			emit(o, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			emit(o, "%c", *s);
	}
	emit(o, "\"");
}

static unsigned export_guest(struct export_out *o, const struct vcpu *v)
{
	const struct exit_stats *s = &v->stats;
	emit(o, "{\"kind\":\"guest\",\"name\":");
	print_json_string(o, v->name);
	emit(o, ",\"state\":\"%s\",\"tsc_hz\":%llu,\"exits\":%llu,\"cycles\":%llu,\"host_cycles\":%llu,"
		"\"book_cycles\":%llu,\"trace_size\":%u}\n",
		vcpu_state(v), (unsigned long long)tsc_hz(), (unsigned long long)s->count, (unsigned long long)s->cycles,
		(unsigned long long)s->host.cycles, (unsigned long long)s->book_cycles, v->trace.size);
	return 1;
}

static unsigned export_reason(struct export_out *o, const struct vcpu *v, unsigned r)
{
	const struct exit_stat *e = &v->stats.reason[r];
	emit(o, "{\"kind\":\"reason\",\"reason\":%u,\"name\":\"%s\",\"exits\":%llu,\"timed\":%llu,\"cycles\":%llu,"
		"\"min\":%llu,\"max\":%llu", r, exit_reason_name(r), (unsigned long long)e->count,
		(unsigned long long)exit_hist_total(&v->hist, r), (unsigned long long)e->cycles,
		(unsigned long long)(e->min == UINT64_MAX ? 0 : e->min), (unsigned long long)e->max);
	for (unsigned i = 0; i < sizeof(percentiles) / sizeof(percentiles[0]); i++)
		emit(o, ",\"p%u\":%llu", percentiles[i],
			(unsigned long long)exit_hist_percentile(&v->hist, r, percentiles[i], e->min, e->max));
	emit(o, "}\n{\"kind\":\"hist\",\"reason\":%u,\"buckets\":[", r);
	const char *sep = "";
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++) {
		uint32_t n = v->hist.n[r][b];
		if (!n)
			continue;
		emit(o, "%s[%llu,", sep, (unsigned long long)exit_hist_low(b));
		if (exit_hist_high(b) == UINT64_MAX)
			emit(o, "null,%u]", n);
		else
			emit(o, "%llu,%u]", (unsigned long long)exit_hist_high(b), n);
		sep = ",";
	}
	emit(o, "]}\n");
	return 2;
}

static unsigned export_timeline(struct export_out *o, const struct vcpu *v)
{
	const struct exit_timeline *t = &v->timeline;
	unsigned used = exit_timeline_used(t);
	emit(o, "{\"kind\":\"timeline\",\"bucket_cycles\":%llu,\"bucket_ns\":%llu,\"buckets\":%u,\"merges\":%u}\n",
		(unsigned long long)t->width, (unsigned long long)tsc_cycles_to_ns(t->width), used, t->merges);
	for (unsigned i = 0; i < used; i++) {
		emit(o, "{\"kind\":\"bucket\",\"index\":%u,\"start_ns\":%llu,\"exits\":{", i,
			(unsigned long long)tsc_cycles_to_ns(i * t->width));
		const char *sep = "";
		for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			if (t->n[i][r]) {
				emit(o, "%s\"%u\":%u", sep, r, t->n[i][r]);
				sep = ",";
			}
		emit(o, "}}\n");
	}
	return 1 + used;
}

static void print_trace_cycles(struct export_out *o, const struct exit_trace_entry *e, const char *untimed)
{
	if (e->cycles == EXIT_TRACE_UNTIMED)
		emit(o, "%s", untimed);
	else
		emit(o, "%llu", (unsigned long long)e->cycles);
}

static unsigned export_trace(struct export_out *o, const struct vcpu *v)
{
	uint32_t held = exit_trace_held(&v->trace);
	uint64_t first = v->trace.recorded - held;
	for (uint32_t i = 0; i < held; i++) {
		const struct exit_trace_entry *e = exit_trace_get(&v->trace, i);
		emit(o, "{\"kind\":\"trace\",\"seq\":%llu,\"tsc\":%llu,\"reason\":%u,\"name\":\"%s\",\"rip\":\"0x%llx\","
			"\"qual\":\"0x%llx\",\"cycles\":", (unsigned long long)(first + i), (unsigned long long)e->tsc,
			e->reason, exit_reason_name(e->reason), (unsigned long long)e->rip, (unsigned long long)e->qual);
		print_trace_cycles(o, e, "null");
		emit(o, "}\n");
	}
	return held;
}

static void export_block(struct export_out *o, const struct vcpu *v)
{
	emit(o, "tally-export-begin v%u guest=%s\n", EXIT_EXPORT_VERSION, v->name);
	unsigned lines = export_guest(o, v);
	for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		if (v->stats.reason[r].count)
			lines += export_reason(o, v, r);
	lines += export_timeline(o, v);
	lines += export_trace(o, v);
	emit(o, "tally-export-end guest=%s lines=%u\n", v->name, lines);
}

static bool analytics_kept(const struct vcpu *v)
{
	if (!exit_analytics_on())
		kprintf("stats: %s: nothing to export: exit_analytics=off keeps no histograms, timeline or trace\n",
			v->name);
	return exit_analytics_on();
}

void exit_stats_export(const struct vcpu *v)
{
	struct export_out console = { 0 };
	if (analytics_kept(v))
		export_block(&console, v);
}

int exit_stats_export_buffer(const struct vcpu *v, char **data, size_t *len)
{
	struct export_out o = { .to_buffer = true };
	if (!analytics_kept(v))
		return -1;
	export_block(&o, v);
	if (o.failed) {
		kprintf("stats: %s: no memory for the export (%zu bytes so far)\n", v->name, o.len);
		kfree(o.buf);
		return -1;
	}
	*data = o.buf, *len = o.len;
	return 0;
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
		print_trace_cycles(&(struct export_out){ 0 }, e, "-");
		kprintf("\n");
	}
}
