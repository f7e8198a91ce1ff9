# kernel/net/net.mk: lwIP (fetched from Debian's source package, never committed) built into the kernel.
# kernel/net/*.c and kernel/dev/virtio_net.c are already in KERNEL_C_SRCS (kernel/*/*.c).

# LWIP_DIR=/path/to/lwip-2.1.x uses that tree; otherwise tools/fetch-lwip.sh unpacks Debian's.
ifdef LWIP_DIR
LWIP_FETCH := LWIP_DIR=$(LWIP_DIR) tools/fetch-lwip.sh
else
LWIP_DIR := $(BUILD)/lwip
LWIP_FETCH := tools/fetch-lwip.sh $(LWIP_DIR)
endif
LWIP_STAMP := $(BUILD)/lwip.stamp

# lwIP's core, IPv4 with DHCP, and Ethernet; paths relative to $(LWIP_DIR)/src.
LWIP_SRCS := core/def.c core/inet_chksum.c core/init.c core/ip.c core/mem.c core/memp.c \
	core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/udp.c core/dns.c \
	core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
	core/ipv4/ip4_frag.c netif/ethernet.c
LWIP_OBJS := $(patsubst %.c,$(BUILD)/k/lwip/%.o,$(LWIP_SRCS))

# Third-party code: its own warnings are shown but do not stop the build; our own code (the
# port headers in kernel/net/lwip) is still compiled with -Werror as part of kernel/net/net.c.
LWIP_INC := -I$(LWIP_DIR)/src/include -Ikernel/net/lwip
LWIP_CFLAGS := $(filter-out -Werror -Wextra,$(KERNEL_CFLAGS_BASE)) -I. -Ikernel/lib/libc $(LWIP_INC)

$(LWIP_STAMP): tools/fetch-lwip.sh
	@mkdir -p $(BUILD)
	@$(LWIP_FETCH)
	@echo "$(LWIP_DIR)" >$@

$(BUILD)/k/lwip/%.o: $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/src/$*.c"
	@$(CC) $(LWIP_CFLAGS) -c $(LWIP_DIR)/src/$*.c -o $@

# Our files that include lwIP headers need the tree first.
NET_LWIP_USERS := $(patsubst %.c,$(BUILD)/k/%.o,$(wildcard kernel/net/*.c))
$(NET_LWIP_USERS): $(LWIP_STAMP)
$(NET_LWIP_USERS): KERNEL_CFLAGS += $(LWIP_INC)

# The Makefile turns KERNEL_C_SRCS entry X.c into $(BUILD)/k/X.o: listing lwIP's sources as
# lwip/<path> makes them the objects above, built by the rule above (shorter stem wins).
KERNEL_C_SRCS += $(addprefix lwip/,$(LWIP_SRCS))

# Tests: the boot test and its Linux-side peer.
BOOT_TESTS += tests/boot/net_qemu.sh tests/boot/migrate_qemu.sh tests/boot/migrate_dest_qemu.sh \
	tests/boot/migrate_guard_qemu.sh
BOOT_TEST_DEPS += build/host/net_peer
build/host/net_peer: build/host/tests/net_peer.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

# make run: user-mode network; host 127.0.0.1:$(NET_FWD_PORT) reaches Tally's migration port 7283.
NET_FWD_PORT ?= 7283
NET_RUN_QEMU_ARGS := --net-fwd $(NET_FWD_PORT)

# make run-pair: two Tallys (10.0.3.1 and 10.0.3.2) on one socket link; tools/run-pair.sh.
.PHONY: run-pair
run-pair: deps
	@$(MAKE) --no-print-directory all
	tools/run-pair.sh -c "$(CMDLINE)" -b guest/mips/ticker.s "mips name=ticker" $(foreach m,$(ISO_MODULES),$(m))

BENCHES += bench-migrate
.PHONY: bench-migrate
bench-migrate: all $(BUILD)/mipsvm
	@tools/bench-migrate.sh
