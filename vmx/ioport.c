/* ioport.c: THE port table of the guest's platform (port range -> device), COM1's output, the isa-debug-exit port. */
#include <string.h>

#include "kernel/arch/panic.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/uart.h"
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/abi.h"
#include "vmx/acpi_tables.h"
#include "vmx/dev_board.h"
#include "vmx/exit.h"
#include "vmx/platform.h"

/* PC/AT I/O map (IBM PC/AT Technical Reference, 1-22; Intel PIIX4/ICH datasheets for 0x4d0 and 0x92). */
#define PIC_MASTER 0x20
#define PIC_SLAVE 0xa0
#define PIT_BASE 0x40
#define PORT61 0x61
#define CMOS_INDEX 0x70
#define ELCR_BASE 0x4d0

typedef uint32_t port_in_fn(struct vcpu *v, unsigned port, unsigned size);
typedef void port_out_fn(struct vcpu *v, unsigned port, unsigned size, uint32_t val);

struct io_range {
	uint16_t first, last;
	bool bytewise;   /* 8-bit device: wider accesses are split into consecutive byte accesses */
	port_in_fn *in;
	port_out_fn *out;
};

static uint32_t pic_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	return pic_read(&v->plat.pic, port >= PIC_SLAVE, port & 1);
}
static void pic_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	pic_write(&v->plat.pic, port >= PIC_SLAVE, port & 1, (uint8_t)val);
}
static uint32_t elcr_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	return pic_read_elcr(&v->plat.pic, port - ELCR_BASE);
}
static void elcr_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	pic_write_elcr(&v->plat.pic, port - ELCR_BASE, (uint8_t)val);
}
static uint32_t pit_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	return pit_read(&v->plat.pit, port - PIT_BASE, platform_pit_ticks(rdtsc()));
}
static void pit_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	pit_write(&v->plat.pit, port - PIT_BASE, (uint8_t)val, platform_pit_ticks(rdtsc()));
}
static uint32_t port61_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)port;
	(void)size;
	return pit_read_port61(&v->plat.pit, platform_pit_ticks(rdtsc()));
}
static void port61_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)port;
	(void)size;
	pit_write_port61(&v->plat.pit, (uint8_t)val, platform_pit_ticks(rdtsc()));
}
static uint32_t cmos_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	if (port == CMOS_INDEX)
		return 0xff; /* the index register is write-only */
	return cmos_read(&v->plat.cmos, platform_unix_seconds(rdtsc()));
}
static void cmos_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	if (port == CMOS_INDEX)
		cmos_select(&v->plat.cmos, (uint8_t)val);
	else
		cmos_write(&v->plat.cmos, (uint8_t)val, platform_unix_seconds(rdtsc()));
}

/* Shows what the guest printed so far (the loop calls this between runs). */
void com1_drain(struct vcpu *v)
{
	if (v->com1.out_len && !v->plat.console)
		console_begin_line(); /* whole lines: they start on a line of their own */
	if (v->com1.out_len)
		console_write(v->com1.out, v->com1.out_len);
	v->com1.out_len = 0;
}

/* Queues n bytes for the loop to show; only when a guest prints more than the queue holds within
 * one run is it shown at once (inside the exit). */
static void com1_queue(struct vcpu *v, const char *s, size_t n)
{
	if (v->com1.out_len + n > COM1_OUT_MAX)
		com1_drain(v);
	memcpy(v->com1.out + v->com1.out_len, s, n);
	v->com1.out_len += n;
}

/* Linux's panic() prints this at KERN_EMERG, so even `quiet loglevel=3` shows it (kernel/panic.c);
 * with CONFIG_PRINTK_TIME the line starts with "[ seconds.micros] ". A panicked kernel only
 * spins or reboots (panic=): Tally stops it and says why, once per finished line, one compare. */
#define LINUX_PANIC_PREFIX "Kernel panic - not syncing"

static void linux_panic_check(struct vcpu *v, const char *line, size_t len)
{
	const size_t plen = sizeof(LINUX_PANIC_PREFIX) - 1;
	if (len && line[0] == '[') {
		const char *end = memchr(line, ']', len);
		if (end && end + 1 < line + len && end[1] == ' ') {
			len -= (size_t)(end + 2 - line);
			line = end + 2;
		}
	}
	if (len < plen || memcmp(line, LINUX_PANIC_PREFIX, plen))
		return;
	line += plen, len -= plen;
	if (len >= 2 && line[0] == ':' && line[1] == ' ')
		line += 2, len -= 2;
	vcpu_report(v, "kernel panic: %.*s; stopped", (int)len, line);
	v->stopped = true;
}

static void com1_end_line(struct vcpu *v)
{
	com1_queue(v, v->name, strlen(v->name));
	com1_queue(v, ": ", 2);
	com1_queue(v, v->com1.line, v->com1.len);
	com1_queue(v, "\n", 1);
	size_t len = v->com1.len;
	v->com1.len = 0;
	if (v->is_linux && !v->stopped)
		linux_panic_check(v, v->com1.line, len);
}

void com1_report(struct vcpu *v, const char *text)
{
	if (v->com1.len)
		com1_end_line(v);
	com1_queue(v, text, strlen(text));
}

/* Everything the guest printed, its unfinished line ended: before a report about the guest. */
void com1_flush(struct vcpu *v)
{
	if (v->com1.len)
		com1_end_line(v);
	com1_drain(v);
}

/* A guest's bytes go to the operator's terminal behind its name: everything but printable ASCII
 * is shown as \xNN, so no guest can move the cursor, clear the screen or forge a Tally line.
 * Under `console NAME` they go out raw: the operator asked for this guest's terminal. */
static void com1_put(struct vcpu *v, char c)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b = (uint8_t)c;
	if (v->plat.console) {
		com1_queue(v, &c, 1);
		return;
	}
	if (c == '\r')
		return;
	if (c == '\n') {
		com1_end_line(v);
		return;
	}
	if (b >= 0x20 && b < 0x7f) {
		v->com1.line[v->com1.len++] = c;
	} else {
		char *p = &v->com1.line[v->com1.len];
		p[0] = '\\', p[1] = 'x', p[2] = hex[b >> 4], p[3] = hex[b & 0xf];
		v->com1.len += 4;
	}
	if (v->com1.len >= COM1_LINE_MAX - 5)
		com1_end_line(v);
}

static uint32_t com1_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)size;
	uint8_t val = uart_read(&v->plat.uart, port - COM1_BASE);
	intr_uart_changed(v);
	return val;
}
static void com1_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)size;
	int tx = uart_write(&v->plat.uart, port - COM1_BASE, (uint8_t)val);
	if (tx >= 0)
		com1_put(v, (char)tx);
	intr_uart_changed(v);
}

static uint32_t exit_port_in(struct vcpu *v, unsigned port, unsigned size)
{
	(void)v;
	(void)port;
	(void)size;
	return 0xffffffffu;
}
static void exit_port_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	(void)port;
	v->exited = true;
	v->exit_code = size == 4 ? val : val & ((1u << (8 * size)) - 1);
	v->stopped = true;
	vcpu_report(v, "exited through port 0x%x with code %u", TALLY_EXIT_PORT, v->exit_code);
}

/* THE table: every port a device answers; the rest is an empty ISA bus. */
static const struct io_range io_ranges[] = {
	{ PIC_MASTER, PIC_MASTER + 1, true, pic_in, pic_out },
	{ PIT_BASE, PIT_BASE + 3, true, pit_in, pit_out },
	{ I8042_DATA, I8042_DATA, true, i8042_in, i8042_out },
	{ PORT61, PORT61, true, port61_in, port61_out },
	{ I8042_STATUS, I8042_STATUS, true, i8042_in, i8042_out },
	{ CMOS_INDEX, CMOS_INDEX + 1, true, cmos_in, cmos_out },
	{ 0x92, 0x92, true, port92_in, port92_out },
	{ PIC_SLAVE, PIC_SLAVE + 1, true, pic_in, pic_out },
	{ TALLY_EXIT_PORT, TALLY_EXIT_PORT, false, exit_port_in, exit_port_out },
	{ COM1_BASE, COM1_BASE + 7, true, com1_in, com1_out },
	{ ELCR_BASE, ELCR_BASE + 1, true, elcr_in, elcr_out },
	{ 0xcf8, 0xcff, false, pci_in, pci_out },
	{ ACPI_PM1A_EVT_PORT, ACPI_PM1A_CNT_PORT + 1, true, acpi_pm_in, acpi_pm_out },
	{ ACPI_PM_TMR_PORT, ACPI_PM_TMR_PORT + 3, false, acpi_pm_timer_in, acpi_pm_timer_out },
};

/* Every port an I/O exit names is looked up here: an index of the table by port (1 + the range's
 * position, 0 for the empty bus), made from it on first use, instead of a walk of the table. All
 * devices sit below PORT_INDEX_END. */
#define NRANGES (sizeof(io_ranges) / sizeof(io_ranges[0]))
#define PORT_INDEX_END 0x1000
_Static_assert(NRANGES < 256, "the port index holds a byte per port");
static uint8_t port_index[PORT_INDEX_END];

static void build_port_index(void)
{
	for (unsigned i = 0; i < NRANGES; i++) {
		if (io_ranges[i].last >= PORT_INDEX_END)
			panic("build_port_index: range 0x%x-0x%x beyond the index", io_ranges[i].first, io_ranges[i].last);
		for (unsigned port = io_ranges[i].first; port <= io_ranges[i].last; port++)
			port_index[port] = (uint8_t)(i + 1);
	}
}

static const struct io_range *find_range(unsigned port)
{
	static bool indexed;
	if (!indexed) {
		build_port_index();
		indexed = true;
	}
	unsigned i = port < PORT_INDEX_END ? port_index[port] : 0;
	return i ? &io_ranges[i - 1] : NULL;
}

uint32_t ioport_in(struct vcpu *v, unsigned port, unsigned size)
{
	const struct io_range *r = find_range(port);
	if (!r)
		return 0xffffffffu; /* open bus reads all ones */
	if (!r->bytewise || size == 1)
		return r->in(v, port, size);
	uint32_t val = 0;
	for (unsigned i = 0; i < size; i++)
		val |= (ioport_in(v, (port + i) & 0xffff, 1) & 0xff) << (8 * i);
	return val;
}

void ioport_out(struct vcpu *v, unsigned port, unsigned size, uint32_t val)
{
	const struct io_range *r = find_range(port);
	if (!r)
		return; /* writes go nowhere, as on an empty ISA bus */
	if (!r->bytewise || size == 1) {
		r->out(v, port, size, val);
		return;
	}
	for (unsigned i = 0; i < size && !v->stopped; i++)
		ioport_out(v, (port + i) & 0xffff, 1, (val >> (8 * i)) & 0xff);
}
