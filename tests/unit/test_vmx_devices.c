/* test_vmx_devices.c: the guest platform's pure device models: 8254 counter arithmetic, 8259 priorities and EOIs, 16550A identification, RTC dates, the local APIC, the MMIO MOV decoder. */
#include <string.h>

#include "tests/check.h"
#include "vmx/dev_cmos.h"
#include "vmx/dev_lapic.h"
#include "vmx/dev_pic.h"
#include "vmx/dev_pit.h"
#include "vmx/dev_uart.h"
#include "vmx/mmio_decode.h"

static void program(struct pit *p, unsigned ch, uint8_t mode, uint16_t count, uint64_t now)
{
	pit_write(p, 3, (uint8_t)(ch << 6 | 3 << 4 | mode << 1), now);
	pit_write(p, ch, (uint8_t)count, now);
	pit_write(p, ch, (uint8_t)(count >> 8), now);
}

static uint16_t read16(struct pit *p, unsigned ch, uint64_t now)
{
	uint8_t lo = pit_read(p, ch, now);
	return (uint16_t)(lo | pit_read(p, ch, now) << 8);
}

static void test_pit(void)
{
	struct pit p;
	pit_init(&p);
	program(&p, 0, 2, 1000, 100);
	CHECK(read16(&p, 0, 100) == 1000, "mode 2: the count right after loading is the initial count");
	CHECK(read16(&p, 0, 350) == 750, "mode 2: 250 ticks later it reads 750");
	CHECK(read16(&p, 0, 1100) == 1000, "mode 2: reloads after one period");
	CHECK(pit_irq0_next(&p) == 1100, "mode 2: the first IRQ0 edge is due one period after loading");
	CHECK(pit_irq0_edges(&p, 3150) == 3, "mode 2: three edges by 3.05 periods");
	CHECK(pit_irq0_edges(&p, 3150) == 0 && pit_irq0_next(&p) == 4100, "edges are reported once; the next is due at 4100");
	pit_write(&p, 3, 0x00, 4000); /* latch channel 0 */
	CHECK(read16(&p, 0, 4090) == 100, "counter latch: the value at the latch, whatever the time of the read");
	pit_write(&p, 3, 0xe2, 4000); /* read-back: status of channel 0 */
	CHECK(pit_read(&p, 0, 4000) == 0xb4, "read-back status: output high, access 3, mode 2 (0xb4)");

	program(&p, 0, 0, 500, 0);
	CHECK(pit_irq0_next(&p) == 500 && !pit_output(&p.ch[0], 499) && pit_output(&p.ch[0], 500),
	      "mode 0: OUT rises at terminal count, once");
	CHECK(pit_irq0_edges(&p, 600) == 1 && pit_irq0_next(&p) == PIT_NEVER, "mode 0: one IRQ0, then none");
	CHECK(read16(&p, 0, 501) == 0xffff, "mode 0: counting goes on through 0xffff");

	program(&p, 0, 4, 300, 1000); /* Linux's clockevent in one-shot mode: 0x38, then LSB, MSB */
	CHECK(pit_output(&p.ch[0], 1299) && !pit_output(&p.ch[0], 1300) && pit_output(&p.ch[0], 1301),
	      "mode 4: OUT strobes low for the one tick at terminal count");
	CHECK(pit_irq0_next(&p) == 1301 && pit_irq0_edges(&p, 1300) == 0, "mode 4: IRQ0 is due as the strobe ends");
	CHECK(pit_irq0_edges(&p, 1301) == 1 && pit_irq0_next(&p) == PIT_NEVER && !pit_irq0_edges(&p, 9000),
	      "mode 4: one IRQ0, then none until the next count");
	program(&p, 0, 4, 50, 9000);
	CHECK(pit_irq0_next(&p) == 9051 && pit_irq0_edges(&p, 9100) == 1, "mode 4: a new count arms the next IRQ0");

	program(&p, 0, 3, 100, 0);
	CHECK(pit_output(&p.ch[0], 49) && !pit_output(&p.ch[0], 50), "mode 3: square wave, high for the first half");
	CHECK(read16(&p, 0, 10) == 80, "mode 3: counts down by two");

	/* Channel 2 through port 0x61, as Linux's quick PIT calibration uses it. */
	pit_write_port61(&p, 0x00, 0);
	pit_write(&p, 3, 0xb0, 0); /* channel 2, LSB/MSB, mode 0 */
	pit_write(&p, 2, 0xff, 0);
	pit_write(&p, 2, 0xff, 0);
	CHECK(read16(&p, 2, 1000) == 0xffff, "channel 2 does not count while its gate is low");
	pit_write_port61(&p, 0x01, 1000);
	CHECK(read16(&p, 2, 1256) == 0xffff - 256, "gate high: it counts (256 ticks)");
	CHECK(!(pit_read_port61(&p, 2000) & 0x20) && (pit_read_port61(&p, 1000 + 0x10000) & 0x20),
	      "port 0x61 bit 5 is OUT2: low until terminal count");
	pit_write(&p, 3, 0x90, 0); /* channel 2, LSB only, mode 0 */
	pit_write(&p, 2, 10, 5000);
	CHECK(pit_read(&p, 2, 5004) == 6, "LSB-only access");
}

static void init_linux_style(struct pic *p)
{
	pic_init(p);
	pic_write(p, 0, 0, 0x11); pic_write(p, 0, 1, 0x30); pic_write(p, 0, 1, 0x04); pic_write(p, 0, 1, 0x01);
	pic_write(p, 1, 0, 0x11); pic_write(p, 1, 1, 0x38); pic_write(p, 1, 1, 0x02); pic_write(p, 1, 1, 0x01);
	pic_write(p, 0, 1, 0x00);
	pic_write(p, 1, 1, 0x00);
}

static void edge(struct pic *p, unsigned irq)
{
	pic_set_irq(p, irq, true);
	pic_set_irq(p, irq, false);
}

static void test_pic(void)
{
	struct pic p;
	init_linux_style(&p);
	CHECK(pic_pending_vector(&p) == -1, "initialized, nothing requested: INT low");
	edge(&p, 4);
	edge(&p, 0);
	CHECK(pic_pending_vector(&p) == 0x30, "IRQ0 outranks IRQ4 (vector base 0x30)");
	CHECK(pic_acknowledge(&p) == 0x30 && p.chip[0].isr == 0x01, "INTA: IRQ0 goes in service");
	CHECK(pic_pending_vector(&p) == -1, "IRQ4 waits while IRQ0 is in service");
	pic_write(&p, 0, 0, 0x60); /* specific EOI, IRQ0 */
	CHECK(pic_pending_vector(&p) == 0x34 && pic_acknowledge(&p) == 0x34, "after the specific EOI, IRQ4 is delivered");
	edge(&p, 1);
	CHECK(pic_pending_vector(&p) == 0x31, "IRQ1 (higher) interrupts IRQ4's handler (nesting)");
	pic_acknowledge(&p);
	pic_write(&p, 0, 0, 0x20); /* non-specific EOI: the highest in service */
	CHECK(p.chip[0].isr == 0x10, "non-specific EOI clears the highest-priority ISR bit (IRQ1)");
	pic_write(&p, 0, 0, 0x20);
	edge(&p, 12);
	CHECK(pic_pending_vector(&p) == 0x3c, "slave IRQ12 cascades through master IRQ2 (vector 0x3c)");
	CHECK(pic_acknowledge(&p) == 0x3c && p.chip[0].isr == 0x04 && p.chip[1].isr == 0x10, "both chips put it in service");
	pic_write(&p, 1, 0, 0x64);
	pic_write(&p, 0, 0, 0x62);
	CHECK(!p.chip[0].isr && !p.chip[1].isr, "specific EOIs to the slave and to the master's IRQ2");
	pic_write(&p, 0, 1, 0x01);
	edge(&p, 0);
	CHECK(pic_pending_vector(&p) == -1 && pic_read(&p, 0, 1) == 0x01, "a masked IRQ0 waits; IMR reads back");
	pic_write(&p, 0, 0, 0x0a);
	CHECK(pic_read(&p, 0, 0) == 0x01, "OCW3 read IRR shows it requested");
	pic_write(&p, 0, 0, 0x0b);
	CHECK(pic_read(&p, 0, 0) == 0x00, "OCW3 read ISR: nothing in service");
	pic_write(&p, 0, 1, 0x00);
	pic_write(&p, 0, 0, 0xc4); /* set priority: IRQ4 lowest, IRQ5 highest */
	edge(&p, 5);
	CHECK(pic_pending_vector(&p) == 0x35, "rotated priorities: IRQ5 now outranks IRQ0");
	pic_write_elcr(&p, 0, 0xff);
	pic_write_elcr(&p, 1, 0xff);
	CHECK(pic_read_elcr(&p, 0) == 0xf8 && pic_read_elcr(&p, 1) == 0xde, "ELCR: IRQ0-2, 8 and 13 stay edge-triggered");
	init_linux_style(&p);
	pic_write(&p, 0, 1, 0xff);
	CHECK(pic_acknowledge(&p) == 0x37, "INTA with nothing pending gives the spurious IRQ7 vector");
}

static void test_uart(void)
{
	struct uart u;
	uart_init(&u);
	uart_write(&u, 7, 0xa5);
	CHECK(uart_read(&u, 7) == 0xa5, "scratch register");
	uart_write(&u, 4, 0x1a); /* loopback, RTS, OUT2 */
	CHECK((uart_read(&u, 6) & 0xf0) == 0x90, "loopback: MSR mirrors MCR (CTS, DCD)");
	CHECK(uart_write(&u, 0, 'x') < 0 && (uart_read(&u, 5) & 1) && uart_read(&u, 0) == 'x', "loopback: a sent byte is received");
	uart_write(&u, 4, 0x08);
	uart_write(&u, 2, 0x01);
	CHECK((uart_read(&u, 2) & 0xc0) == 0xc0, "FIFO enabled: IIR bits 7:6 set (16550A)");
	uart_write(&u, 3, 0x80);
	CHECK(uart_read(&u, 2) == 0xc1, "IIR reads IIR with DLAB set (no EFR: not a 16650)");
	uart_write(&u, 3, 0x03);
	uart_write(&u, 1, 0x02);
	CHECK(uart_irq_line(&u) && uart_read(&u, 2) == 0xc2, "enabling THRI with THR empty raises it");
	CHECK(!uart_irq_line(&u) && uart_read(&u, 2) == 0xc1, "reading IIR cleared the THRE interrupt");
	uart_write(&u, 1, 0x03);
	uart_receive(&u, 'a');
	CHECK(uart_read(&u, 2) == 0xc4 && uart_irq_line(&u), "received data outranks THRE");
	CHECK(uart_read(&u, 0) == 'a' && !(uart_read(&u, 5) & 1), "RBR gives the byte; LSR data-ready drops");
}

static void test_cmos(void)
{
	struct cmos c;
	cmos_init(&c);
	int64_t t = cmos_days_from_civil(2026, 12, 2) * 86400 + 13 * 3600 + 45 * 60 + 7;
	uint8_t want[][2] = { { 0x00, 0x07 }, { 0x02, 0x45 }, { 0x04, 0x13 }, { 0x07, 0x02 }, { 0x08, 0x12 },
			      { 0x09, 0x26 }, { 0x32, 0x20 }, { 0x06, 0x04 }, { 0x0a, 0x26 }, { 0x0b, 0x02 }, { 0x0d, 0x80 } };
	bool ok = true;
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cmos_select(&c, want[i][0] | 0x80);
		ok &= cmos_read(&c, t) == want[i][1];
	}
	CHECK(ok, "RTC: 2026-12-02 13:45:07 (a Wednesday) in BCD, status A 0x26, B 0x02, D 0x80");
	cmos_select(&c, 0x04);
	cmos_write(&c, 0x01, t);
	cmos_select(&c, 0x04);
	CHECK(cmos_read(&c, t + 60) == 0x01, "a guest setting the hour moves only its own clock");
	int64_t y;
	unsigned m, d;
	cmos_civil_from_days(cmos_days_from_civil(2000, 2, 29), &y, &m, &d);
	CHECK(y == 2000 && m == 2 && d == 29, "civil dates round-trip (leap day)");
}

static uint64_t rd(struct lapic *l, unsigned reg, uint64_t now)
{
	uint64_t v;
	lapic_read(l, reg, now, &v);
	return v;
}

static void test_lapic(void)
{
	struct lapic l;
	lapic_firmware_init(&l);
	CHECK(lapic_accepts_extint(&l) && lapic_pending_vector(&l) < 0, "virtual wire: the 8259 reaches the CPU through LINT0");
	lapic_write(&l, LAPIC_ICR_LOW, (1u << 18) | 0x31, 0);
	lapic_write(&l, LAPIC_ICR_LOW, (1u << 18) | 0x92, 0);
	CHECK(lapic_acknowledge(&l) == 0x92 && lapic_ppr(&l) == 0x90, "priority: 0x92 first; PPR 0x90 while in service");
	CHECK(lapic_pending_vector(&l) < 0, "0x31 waits below PPR");
	lapic_write(&l, LAPIC_EOI, 0, 0);
	CHECK(lapic_acknowledge(&l) == 0x31, "after EOI 0x31 is delivered");
	lapic_write(&l, LAPIC_EOI, 0, 0);
	lapic_set_cr8(&l, 3);
	CHECK(rd(&l, LAPIC_TPR, 0) == 0x30 && lapic_cr8(&l) == 3, "CR8 is TPR bits 7:4");
	lapic_set_cr8(&l, 0);

	lapic_write(&l, LAPIC_TIMER_DIVIDE, 0x0, 0); /* divide by 2 */
	lapic_write(&l, LAPIC_LVT_TIMER, (1u << 17) | 0x40, 0);
	lapic_write(&l, LAPIC_TIMER_INITIAL, 100, 1000);
	CHECK(lapic_next_deadline(&l) == 1200, "periodic, 100 ticks of 2 cycles: first at 1200");
	CHECK(rd(&l, LAPIC_TIMER_CURRENT, 1050) == 75, "current count 75 after 50 cycles");
	lapic_update(&l, 1650);
	CHECK(lapic_next_deadline(&l) == 1800 && l.timer_fired == 1, "missed periods coalesce; the next stays on the grid");
	CHECK(lapic_acknowledge(&l) == 0x40, "the timer's vector is requested");
	lapic_write(&l, LAPIC_EOI, 0, 0);
	lapic_write(&l, LAPIC_LVT_TIMER, (2u << 17) | 0x40, 1700);
	CHECK(lapic_next_deadline(&l) == LAPIC_NEVER, "switching to TSC-deadline mode disarms");
	lapic_write_deadline(&l, 5000);
	lapic_update(&l, 4999);
	CHECK(lapic_pending_vector(&l) < 0, "not before the deadline");
	lapic_update(&l, 5000);
	CHECK(lapic_pending_vector(&l) == 0x40 && lapic_read_deadline(&l) == 0, "at the deadline; the MSR reads 0 after");

	CHECK(!lapic_write_base(&l, APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EXTD, 0), "EXTD without EN is refused");
	CHECK(lapic_write_base(&l, APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN | APIC_BASE_EXTD, 0) && lapic_x2apic(&l),
	      "xAPIC -> x2APIC");
	CHECK(lapic_write(&l, LAPIC_EOI, 1, 0) == LAPIC_RESERVED_BITS && lapic_write(&l, LAPIC_ID, 0, 0) == LAPIC_READ_ONLY &&
		      lapic_write(&l, LAPIC_DFR, 0, 0) == LAPIC_ABSENT,
	      "x2APIC: EOI non-zero, ID written, DFR: each refused by its rule");
	CHECK(!lapic_write_base(&l, APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN, 0), "x2APIC -> xAPIC is refused");
}

static void test_mmio_decode(void)
{
	struct mmio_insn in;
	static const uint8_t load_abs[] = { 0x8b, 0x15, 0x30, 0x00, 0xe0, 0xfe };       /* mov 0xfee00030, %edx */
	static const uint8_t store_moffs[] = { 0xa3, 0xb0, 0x00, 0xe0, 0xfe };           /* mov %eax, 0xfee000b0 */
	static const uint8_t store_imm[] = { 0xc7, 0x05, 0x80, 0x03, 0xe0, 0xfe, 0x10, 0x27, 0x00, 0x00 };
	static const uint8_t store64[] = { 0x44, 0x89, 0x04, 0x25, 0xb0, 0xd0, 0x5f, 0xff }; /* mov %r8d, abs */
	static const uint8_t load_sib8[] = { 0x8b, 0x44, 0x24, 0x08 };                   /* mov 8(%esp), %eax */
	static const uint8_t real16[] = { 0x66, 0x89, 0x1e, 0x00, 0x03 };                /* mov %ebx, [0x300] */
	static const uint8_t other[] = { 0x01, 0x05, 0, 0, 0, 0 };                       /* add */
	CHECK(mmio_decode(load_abs, sizeof(load_abs), MMIO_MODE_32, &in) == 0 && in.len == 6 && !in.write && in.reg == 2 &&
		      in.size == 4, "8B /r disp32: a 6-byte load into EDX");
	CHECK(mmio_decode(store_moffs, 15, MMIO_MODE_32, &in) == 0 && in.len == 5 && in.write && in.reg == 0,
	      "A3 moffs32: a 5-byte store of EAX");
	CHECK(mmio_decode(store_imm, sizeof(store_imm), MMIO_MODE_32, &in) == 0 && in.len == 10 && in.has_imm && in.imm == 10000,
	      "C7 /0 imm32: the immediate");
	CHECK(mmio_decode(store64, sizeof(store64), MMIO_MODE_64, &in) == 0 && in.len == 8 && in.reg == 8 && in.size == 4,
	      "64-bit mode: REX.R names R8D, SIB with no base");
	CHECK(mmio_decode(load_sib8, sizeof(load_sib8), MMIO_MODE_32, &in) == 0 && in.len == 4, "SIB with disp8");
	CHECK(mmio_decode(real16, sizeof(real16), MMIO_MODE_16, &in) == 0 && in.len == 5 && in.size == 4 && in.reg == 3,
	      "16-bit code: 66 makes it 32-bit, [disp16]");
	CHECK(mmio_decode(other, sizeof(other), MMIO_MODE_32, &in) < 0, "another opcode is refused");
	CHECK(mmio_decode(load_abs, 3, MMIO_MODE_32, &in) < 0, "bytes cut short are refused");
}

int main(void)
{
	test_pit();
	test_pic();
	test_uart();
	test_cmos();
	test_lapic();
	test_mmio_decode();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
