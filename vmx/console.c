/* console.c: `console NAME`: the operator's serial console joined to one guest's COM1, and the loop's view of halted vCPUs. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/exit.h"
#include "vmx/platform.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"

/* The guest whose COM1 the console is attached to (a view of the operator's one terminal). */
static struct vcpu *attached;

static struct vcpu *find_live(const char *name)
{
	for (size_t i = 0; i < vmx_vcpu_count(); i++) {
		struct vcpu *v = vmx_vcpu(i);
		if (vmx_vcpu_live(v) && !strcmp(v->name, name))
			return v;
	}
	return NULL;
}

int vmx_console_attach(const char *name)
{
	struct vcpu *v = find_live(name);
	if (!v)
		return -1;
	vmx_console_detach();
	com1_flush(v);
	v->plat.console = true;
	attached = v;
	return 0;
}

void vmx_console_detach(void)
{
	if (attached)
		attached->plat.console = false;
	attached = NULL;
}

bool vmx_console_attached(void)
{
	if (attached && !vmx_vcpu_live(attached))
		attached = NULL;
	return attached != NULL;
}

int vmx_console_input(char c)
{
	if (!vmx_console_attached())
		return -1;
	uart_receive(&attached->plat.uart, (uint8_t)c); /* a full buffer drops it, like an overrun */
	intr_uart_changed(attached);
	return 0;
}

uint64_t vmx_next_wake_ns(void)
{
	uint64_t now = rdtsc(), soonest = UINT64_MAX;
	for (size_t i = 0; i < vmx_vcpu_count(); i++) {
		struct vcpu *v = vmx_vcpu(i);
		if (!vmx_vcpu_live(v) || !v->halted)
			continue;
		uint64_t wake = intr_pending(v) ? 0 : v->wake_tsc;
		if (wake < soonest)
			soonest = wake;
	}
	if (soonest == UINT64_MAX)
		return UINT64_MAX;
	return soonest <= now ? 0 : tsc_cycles_to_ns(soonest - now);
}

void vmx_flush_consoles(void)
{
	for (size_t i = 0; i < vmx_vcpu_count(); i++)
		com1_drain(vmx_vcpu(i));
}
