/* main.c: the platform test guest: PIC and PIT with timer interrupts between HLTs, the RTC, the
 * 16550A with interrupts (loopback receive, interrupt-driven send), REP OUTSB, PCI and open bus;
 * "mode=reset" asks for a reset through the i8042 instead. Exact checks, exit through port 0xf4. */
#include "guest.h"

/* Intel 8259A datasheet; Linux's and the BIOS's usual programming. */
#define PIC1 0x20
#define PIC2 0xa0
#define VECTOR_BASE 0x20
#define EOI 0x20
/* Intel 8254 datasheet: 1.193182 MHz; channel 0 mode 2 at 100 Hz. */
#define PIT_HZ 1193182u
#define PIT_COUNT 11932u
#define TICKS 20
#define CALIBRATE_COUNT 0xffffu
/* PC16550D datasheet. */
#define COM1 0x3f8
#define IER_RDI 0x01
#define IER_THRI 0x02
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define IIR_ID(v) ((v) & 0x0f)
#define IIR_RDI 0x04
#define IIR_THRI 0x02

static volatile uint32_t ticks, com1_irqs;
static volatile char rx[16];
static volatile uint32_t rx_len;
static const char *volatile tx_next;

void timer_handler(void)
{
	ticks++;
	outb(PIC1, EOI);
}

/* One event per interrupt (the UART sends at once, so a loop on IIR would send everything in one):
 * THRE: the next byte, or THRI off at the end; RDI: drain the receiver. */
void com1_handler(void)
{
	com1_irqs++;
	uint8_t iir = inb(COM1 + 2);
	if (IIR_ID(iir) == IIR_RDI) {
		while (inb(COM1 + 5) & 1) {
			char c = (char)inb(COM1);
			if (rx_len < sizeof(rx))
				rx[rx_len++] = c;
		}
	} else if (IIR_ID(iir) == IIR_THRI) {
		if (*tx_next)
			outb(COM1, (uint8_t)*tx_next++);
		else
			outb(COM1 + 1, inb(COM1 + 1) & ~IER_THRI);
	}
	outb(PIC1, 0x60 | 4); /* specific EOI, IRQ4 */
}

#define IRQ_STUB(name, handler)                                                                   \
	__asm__(".globl " #name "\n" #name ":\n\tpushal\n\tcld\n\tcall " #handler "\n\tpopal\n\tiret\n");
IRQ_STUB(irq0_stub, timer_handler)
IRQ_STUB(irq4_stub, com1_handler)
void irq0_stub(void);
void irq4_stub(void);

static uint32_t exits(uint32_t reason)
{
	return (uint32_t)stat_reason_exits(TALLY_ABI_4LEAF, reason);
}

static void pic_setup(void)
{
	outb(PIC1, 0x11); outb(PIC1 + 1, VECTOR_BASE); outb(PIC1 + 1, 0x04); outb(PIC1 + 1, 0x01);
	outb(PIC2, 0x11); outb(PIC2 + 1, VECTOR_BASE + 8); outb(PIC2 + 1, 0x02); outb(PIC2 + 1, 0x01);
	outb(PIC2 + 1, 0xff);
	outb(PIC1 + 1, 0xfa); /* IRQ0 and the cascade */
	check(inb(PIC1 + 1) == 0xfa && inb(PIC2 + 1) == 0xff, "PIC initialized (ICW1-4), IMRs read back");
	idt_set_gate(VECTOR_BASE + 0, irq0_stub);
	idt_set_gate(VECTOR_BASE + 4, irq4_stub);
}

static uint16_t latch2(void)
{
	outb(0x43, 0x80);
	uint16_t c = inb(0x42);
	return (uint16_t)(c | inb(0x42) << 8);
}

/* Linux's way: channel 2 in mode 0, gate through port 0x61; the rate from two latched counts
 * (a host stall between them changes nothing), and OUT2 in bit 5 rises at terminal count. */
static uint64_t tsc_hz_by_pit(bool *out2_rose)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, CALIBRATE_COUNT & 0xff);
	outb(0x42, CALIBRATE_COUNT >> 8);
	uint64_t t0 = rdtsc();
	uint16_t c0 = latch2();
	bool low = !(inb(0x61) & 0x20);
	uint16_t c1;
	while ((c1 = latch2()) > c0 - CALIBRATE_COUNT / 2 && c1 <= c0)
		;
	uint64_t t1 = rdtsc();
	bool wrapped = inb(0x61) & 0x20; /* the host held this guest past terminal count: try again */
	while (!(inb(0x61) & 0x20))
		;
	*out2_rose = low;
	outb(0x61, inb(0x61) & ~0x01);
	return wrapped || c1 > c0 ? 0 : (t1 - t0) * PIT_HZ / (uint16_t)(c0 - c1);
}

static void test_timer(void)
{
	bool out2 = false;
	uint64_t hz = 0;
	for (int i = 0; i < 3 && !hz; i++)
		hz = tsc_hz_by_pit(&out2);
	check(hz > 1000000 && out2, "TSC calibrated against PIT channel 2 (gate and OUT2 in port 0x61)");
	outb(PIC1 + 1, 0xfa); /* IRQ0 and the cascade */
	outb(0x43, 0x34); /* channel 0, LSB/MSB, mode 2 */
	outb(0x40, PIT_COUNT & 0xff);
	outb(0x40, PIT_COUNT >> 8);
	outb(0x43, 0x00);
	uint32_t c = inb(0x40);
	c |= (uint32_t)inb(0x40) << 8;
	check(c > 0 && c <= PIT_COUNT, "channel 0 latch reads a count within its period");
	uint32_t h0 = exits(EXIT_REASON_HLT);
	uint64_t t0 = rdtsc();
	for (;;) {
		__asm__ volatile("cli");
		if (ticks >= TICKS)
			break;
		__asm__ volatile("sti; hlt");
	}
	uint64_t ms = (rdtsc() - t0) * 1000 / hz;
	uint32_t hlts = exits(EXIT_REASON_HLT) - h0;
	check(ticks == TICKS && hlts == TICKS, "%u timer interrupts with a HLT before each (%u HLT exits)", ticks, hlts);
	uint64_t want = (uint64_t)TICKS * PIT_COUNT * 1000 / PIT_HZ;
	check(ms + want / 10 >= want && ms <= want + want / 10, "%d ticks of 10 ms took %u ms by the PIT-calibrated TSC", TICKS,
	      (uint32_t)ms);
	outb(PIC1 + 1, 0xff);
	outb(0x43, 0x30); /* channel 0 back to mode 0, unarmed */
	check(exits(EXIT_REASON_IO_INSTRUCTION) > 0, "PIT and PIC programmed through I/O exits");
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, 0x80 | reg);
	return inb(0x71);
}

static bool bcd_ok(uint8_t v, unsigned max)
{
	return (v & 0xf) <= 9 && (v >> 4) <= 9 && (v >> 4) * 10u + (v & 0xf) <= max;
}

static void test_rtc(void)
{
	check(cmos(0x0a) == 0x26 && cmos(0x0b) == 0x02 && cmos(0x0c) == 0x00 && cmos(0x0d) == 0x80,
	      "RTC status A 0x26 (no update in progress), B 0x02 (24 h, BCD), C 0, D 0x80 (valid)");
	uint8_t s = cmos(0), m = cmos(2), h = cmos(4), d = cmos(7), mo = cmos(8);
	check(bcd_ok(s, 59) && bcd_ok(m, 59) && bcd_ok(h, 23) && bcd_ok(d, 31) && d && bcd_ok(mo, 12) && mo &&
		      bcd_ok(cmos(9), 99) && cmos(0x32) >= 0x19,
	      "RTC time registers are valid BCD");
	outb(0x70, 0x40);
	outb(0x71, 0x5a);
	outb(0x70, 0x40);
	check(inb(0x71) == 0x5a, "CMOS RAM keeps a byte");
}

static void wait_irq(volatile uint32_t *counter, uint32_t until)
{
	for (;;) {
		__asm__ volatile("cli");
		if (*counter >= until)
			break;
		__asm__ volatile("sti; hlt");
	}
	__asm__ volatile("sti");
}

static void test_uart(void)
{
	outb(COM1 + 7, 0x3c);
	check(inb(COM1 + 7) == 0x3c, "UART scratch register");
	outb(COM1 + 2, 0x07);
	check((inb(COM1 + 2) & 0xc0) == 0xc0, "FIFO enabled: IIR identifies a 16550A");
	outb(PIC1 + 1, 0xef); /* IRQ4 only */
	/* In loopback nothing goes out: the verdicts are printed once it is off. */
	outb(COM1 + 4, MCR_LOOP | MCR_OUT2 | 0x02);
	uint8_t msr = inb(COM1 + 6);
	outb(COM1 + 1, IER_RDI);
	const char *ping = "ping";
	for (const char *p = ping; *p; p++)
		outb(COM1, (uint8_t)*p);
	wait_irq(&rx_len, 4);
	uint32_t irqs = com1_irqs;
	outb(COM1 + 1, 0);
	outb(COM1 + 4, MCR_OUT2);
	check((msr & 0xf0) == 0x90, "loopback: MSR mirrors RTS and OUT2");
	check(rx_len == 4 && rx[0] == 'p' && rx[3] == 'g', "loopback: 4 bytes received through IRQ4 (%u interrupt)", irqs);
	uint32_t before = com1_irqs;
	static const char line[] = "irq-tx: sent by THRE interrupts\n";
	tx_next = line;
	outb(COM1 + 1, IER_THRI); /* THR is empty: the first interrupt comes at once */
	wait_irq(&com1_irqs, before + sizeof(line)); /* one per byte, one more to turn THRI off */
	check(com1_irqs - before == sizeof(line) && !*tx_next, "%u THRE interrupts sent a %u-byte line",
	      com1_irqs - before, (uint32_t)sizeof(line) - 1);
	__asm__ volatile("cli");
	outb(PIC1 + 1, 0xff);
	outb(COM1 + 1, 0);
}

static void test_string_io(void)
{
	static const char text[] = "rep-outsb: 0123456789\n";
	uint32_t e0 = exits(EXIT_REASON_IO_INSTRUCTION);
	const char *p = text;
	uint32_t n = sizeof(text) - 1;
	__asm__ volatile("cld; rep outsb" : "+S"(p), "+c"(n) : "d"(COM1) : "memory");
	uint32_t e = exits(EXIT_REASON_IO_INSTRUCTION) - e0;
	check(n == 0 && p == text + sizeof(text) - 1 && e == 1, "REP OUTSB: ECX 0, ESI advanced, one I/O exit (%u)", e);
	static char buf[4];
	char *d = buf;
	n = 4;
	__asm__ volatile("cld; rep insb" : "+D"(d), "+c"(n) : "d"(0x2f8) : "memory");
	check(d == buf + 4 && (uint8_t)buf[0] == 0xff && (uint8_t)buf[3] == 0xff, "REP INSB from an empty port reads all ones");
}

static void test_buses(void)
{
	outl(0xcf8, 0x80000000u);
	check(inl(0xcf8) == 0x80000000u && inl(0xcfc) == 0xffffffffu, "PCI mechanism #1: address latch, no device");
	check(inb(0x64) == 0x00 && inb(0x2ff) == 0xff, "i8042 status empty; COM2's ports are open bus");
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	char mode[16];
	if (cmdline_value(mbi, "mode", mode, sizeof(mode)) && mode[0] == 'r') {
		gprintf("asking for a reset through the i8042\n");
		outb(0x64, 0xfe);
		gprintf("FAIL: still running after the reset request\n");
		return 1;
	}
	pic_setup();
	test_rtc();
	test_uart();
	test_string_io();
	test_buses();
	test_timer();
	return check_summary();
}
