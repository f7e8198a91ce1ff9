/* stats_export.h: a guest's exit analytics as text: the trace view and the export format. */
#ifndef VMX_STATS_EXPORT_H
#define VMX_STATS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmx/vcpu.h"

#define EXIT_EXPORT_VERSION 1

/* Checks stats_export= at boot (a wrong word is reported); true when guests export at their end. */
bool exit_export_at_end(void);
/* Checks exit_analytics= at boot; false under exit_analytics=off: exits are counted and timed but
 * not recorded in histograms, the timeline or the trace. */
bool exit_analytics_on(void);
/* `stats NAME --export`: the export block of v (format at the top of stats_export.c, README). */
void exit_stats_export(const struct vcpu *v);
/* `stats save NAME FILE`: the same block in a heap buffer (*data, *len; kfree it); -1 when there
 * is nothing to export or no memory, said on the console. */
int exit_stats_export_buffer(const struct vcpu *v, char **data, size_t *len);
/* `trace NAME [N]`: v's last n exits, oldest first, one line each as kvm_exit reads. */
void exit_trace_print(const struct vcpu *v, uint32_t n);

#endif
