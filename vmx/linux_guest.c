/* linux_guest.c: a Linux guest's modules: the kernel's words, its initrd found by name, the load report. */
#include <string.h>

#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/options.h"
#include "vmx/acpi_tables.h"
#include "vmx/ept.h"
#include "vmx/linux_boot.h"
#include "vmx/linux_guest.h"

/* The kernel's command line: what follows the first " -- ", or "" (a line may also end in " --"). */
static const char *kernel_cmdline(const char *cmdline)
{
	const char *sep = strstr(cmdline, LINUX_SEPARATOR);
	if (sep)
		return sep + strlen(LINUX_SEPARATOR);
	return "";
}

static size_t options_len(const char *cmdline)
{
	const char *sep = strstr(cmdline, LINUX_SEPARATOR);
	size_t n = sep ? (size_t)(sep - cmdline) : strlen(cmdline);
	if (!sep && n >= 3 && !strcmp(cmdline + n - 3, " --"))
		n -= 3;
	return n;
}

const char *linux_module_options(const char *cmdline, char *buf, size_t size)
{
	size_t n = options_len(cmdline);
	if (n >= size)
		return NULL;
	memcpy(buf, cmdline, n);
	buf[n] = 0;
	return buf;
}

bool linux_module_is_kernel(const char *cmdline)
{
	char words[LINUX_OPTIONS_MAX];
	return linux_module_options(cmdline, words, sizeof(words)) && kv_has_word(words, "linux");
}

static bool is_initrd_named(const struct boot_module *m, const char *name)
{
	char n[32];
	return kv_has_word(m->cmdline, "initrd") && !linux_module_is_kernel(m->cmdline) &&
	       kv_find(m->cmdline, "name", n, sizeof(n)) && !strcmp(n, name);
}

static const struct boot_module *find_initrd(const char *name)
{
	for (size_t i = 0; i < boot_info.module_count; i++)
		if (is_initrd_named(&boot_info.modules[i], name))
			return &boot_info.modules[i];
	return NULL;
}

static bool has_kernel_named(const char *name)
{
	char words[LINUX_OPTIONS_MAX], n[32];
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const char *w = linux_module_options(boot_info.modules[i].cmdline, words, sizeof(words));
		if (w && kv_has_word(w, "linux") && kv_find(w, "name", n, sizeof(n)) && !strcmp(n, name))
			return true;
	}
	return false;
}

void linux_report_orphan_initrds(void)
{
	char name[32];
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const char *c = boot_info.modules[i].cmdline;
		if (!kv_has_word(c, "initrd") || linux_module_is_kernel(c))
			continue;
		if (!kv_find(c, "name", name, sizeof(name)))
			kprintf("initrd module %zu: not used: it has no name= to pair it with a linux module\n", i);
		else if (!has_kernel_named(name))
			kprintf("guest %s: not started: initrd module %zu has no linux module with name=%s\n", name, i, name);
	}
}

static void report_layout(const struct vcpu *v, const struct linux_layout *l, const struct guest_boot *b,
			  const char *cmdline)
{
	kprintf("guest %s: Linux boot protocol %u.%02u: kernel at 0x%llx (up to 0x%llx), initrd at 0x%llx (%llu KiB), zero page 0x%x, 64-bit entry 0x%x\n",
		v->name, l->version >> 8, l->version & 0xff, (unsigned long long)l->load,
		(unsigned long long)l->kernel_end, (unsigned long long)l->initrd,
		(unsigned long long)(l->initrd_len >> 10), b->info_gpa, b->entry);
	kprintf("guest %s: kernel command line: %s\n", v->name, cmdline);
}

int linux_guest_load(struct vcpu *v, size_t index, uint64_t mem, struct guest_boot *boot)
{
	const struct boot_module *k = &boot_info.modules[index];
	char words[LINUX_OPTIONS_MAX], buf[32], err[200];
	if (!linux_module_options(k->cmdline, words, sizeof(words)) || !kv_find(words, "mem", buf, sizeof(buf))) {
		kprintf("guest %s: not started: a linux module needs mem=SIZE (e.g. mem=256M)\n", v->name);
		return -1;
	}
	const struct boot_module *rd = find_initrd(v->name);
	if (!rd) {
		kprintf("guest %s: not started: no initrd module with name=%s\n", v->name, v->name);
		return -1;
	}
	if (ept_create(&v->mem, mem) < 0) {
		kprintf("guest %s: not started: no %llu KiB of memory for it\n", v->name, (unsigned long long)(mem >> 10));
		return -1;
	}
	acpi_tables_give(v); /* before the kernel, as firmware would */
	struct linux_image img = {
		.kernel = (const uint8_t *)(uintptr_t)k->start,
		.kernel_len = k->end - k->start,
		.initrd = (const uint8_t *)(uintptr_t)rd->start,
		.initrd_len = rd->end - rd->start,
		.cmdline = kernel_cmdline(k->cmdline),
	};
	struct linux_layout l;
	if (linux_boot_load(&v->mem, &img, boot, &l, err, sizeof(err)) < 0) {
		kprintf("guest %s: not started: %s\n", v->name, err);
		return -1;
	}
	report_layout(v, &l, boot, img.cmdline);
	return 0;
}
