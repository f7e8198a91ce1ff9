/* exit_trace.h: the last N exits of a guest, as KVM's kvm_exit tracepoint shows them. */
#ifndef VMX_EXIT_TRACE_H
#define VMX_EXIT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_TRACE_DEFAULT 256  /* entries a guest keeps without trace=N */
#define EXIT_TRACE_MAX 65536
#define EXIT_TRACE_UNTIMED UINT64_MAX /* cycles of an exit not yet timed (the guest's pending one) */

struct exit_trace_entry {
	uint64_t tsc;    /* the exit's first instruction in Tally */
	uint64_t rip;    /* guest RIP of the instruction that exited (or was interrupted) */
	uint64_t qual;   /* exit qualification (SDM Vol. 3C, 28.2.1) */
	uint64_t cycles; /* as charged to the reason; EXIT_TRACE_UNTIMED until known */
	uint32_t reason;
};

struct exit_trace {
	struct exit_trace_entry *ring; /* size entries; NULL when the guest keeps none */
	uint32_t size, head;           /* head: where the next exit goes */
	uint64_t recorded;             /* exits ever recorded: the sequence number of the next */
};

static inline struct exit_trace_entry *exit_trace_push(struct exit_trace *t)
{
	struct exit_trace_entry *e = &t->ring[t->head];
	if (++t->head == t->size)
		t->head = 0;
	t->recorded++;
	return e;
}

/* The newest entry (the last exit), or NULL when nothing was recorded. */
static inline struct exit_trace_entry *exit_trace_last(struct exit_trace *t)
{
	if (!t->recorded || !t->size)
		return NULL;
	return &t->ring[t->head ? t->head - 1 : t->size - 1];
}

/* Entries held now: min(recorded, size). The i-th oldest of them, 0 <= i < held. */
uint32_t exit_trace_held(const struct exit_trace *t);
const struct exit_trace_entry *exit_trace_get(const struct exit_trace *t, uint32_t i);

#endif
