/* exit_trace.c: reading the ring of a guest's last exits, oldest first. */
#include "vmx/exit_trace.h"

uint32_t exit_trace_held(const struct exit_trace *t)
{
	return t->recorded < t->size ? (uint32_t)t->recorded : t->size;
}

const struct exit_trace_entry *exit_trace_get(const struct exit_trace *t, uint32_t i)
{
	uint32_t held = exit_trace_held(t);
	if (i >= held)
		return NULL;
	uint32_t first = held < t->size ? 0 : t->head; /* a full ring's oldest is where head points */
	uint32_t slot = first + i;
	return &t->ring[slot >= t->size ? slot - t->size : slot];
}
