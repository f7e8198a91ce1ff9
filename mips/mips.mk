# mips/mips.mk: the portable MIPS engine (kernel objects via KERNEL_MIPS_SRCS), mipsvm, its tests and bench.
MIPS_SRCS := $(wildcard mips/*.c)
KERNEL_MIPS_SRCS := $(MIPS_SRCS)
MIPSVM_SRCS := $(wildcard tools/mipsvm*.c)

MIPS_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(MIPS_SRCS))
MIPS_TOOL_OBJS := $(patsubst %.c,$(BUILD)/tool/%.o,$(MIPS_SRCS))
MIPSVM_PORT_HOST_OBJS := $(BUILD)/host/tools/mipsvm_port.o $(BUILD)/host/tools/mipsvm_migrate.o

MIPS_C_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_mips_*.c))
MIPS_SCRIPT_TESTS := $(wildcard tests/mips/test_*.sh)
MIPS_FUZZERS := $(BUILD)/fuzz/fuzz_asm $(BUILD)/fuzz/fuzz_snapshot $(BUILD)/fuzz/fuzz_mig_in
UNIT_TESTS += $(MIPS_C_TESTS) $(MIPS_SCRIPT_TESTS)
BOOT_TEST_DEPS += $(BUILD)/mipsvm
BENCHES += bench-mips bench-mips-tally

# The optimised tool and a sanitized twin (the script tests use the latter when present).
$(BUILD)/mipsvm: $(MIPS_TOOL_OBJS) $(patsubst %.c,$(BUILD)/tool/%.o,$(MIPSVM_SRCS))
	$(CC) -o $@ $^

$(BUILD)/mipsvm-asan: $(MIPS_HOST_OBJS) $(patsubst %.c,$(BUILD)/host/%.o,$(MIPSVM_SRCS))
	$(CC) $(HOST_LDFLAGS) -o $@ $^

# Hosted unit tests link the sanitized library and the Linux port; script tests need both tools
# (and test_migrate.sh faultproxy, from tests/tools.mk).
$(MIPS_C_TESTS): $(BUILD)/host/test_mips_%: $(BUILD)/host/tests/unit/test_mips_%.o $(MIPS_HOST_OBJS) \
		$(MIPSVM_PORT_HOST_OBJS) | $(BUILD)/mipsvm $(BUILD)/mipsvm-asan
	$(CC) $(HOST_LDFLAGS) -o $@ $^ -lm

$(MIPS_SCRIPT_TESTS): $(BUILD)/mipsvm $(BUILD)/mipsvm-asan $(MIPS_FUZZERS) $(BUILD)/tool/faultproxy $(MIPS_C_TESTS) \
	$(BUILD)/host/test_mips_migrate

# libFuzzer targets (clang), built from the same sources with ASan/UBSan; run by test_libfuzzer.sh.
MIPS_FUZZ_CFLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN) -I.
$(BUILD)/fuzz/fuzz_%: tests/mips/fuzz_%.c tests/mips/fuzz_port.h tests/mips/mig_stream.h $(MIPS_SRCS) $(wildcard mips/*.h)
	@mkdir -p $(dir $@)
	clang $(MIPS_FUZZ_CFLAGS) -Imips -o $@ $< $(MIPS_SRCS)

.PHONY: bench-mips bench-mips-tally
bench-mips: $(BUILD)/mipsvm
	tests/mips/bench.sh $(BUILD)/mipsvm
bench-mips-tally: all
	tools/bench-mips-tally.sh
