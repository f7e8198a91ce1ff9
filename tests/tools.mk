# tests/tools.mk: Linux programs the boot tests drive (tests/tools/*.c), one binary each in build/tool.
TEST_TOOLS := $(BUILD)/tool/faultproxy
BOOT_TEST_DEPS += $(TEST_TOOLS)

$(BUILD)/tool/faultproxy: $(BUILD)/tool/tests/tools/faultproxy.o
	@echo "  LINK    $@"
	@$(CC) -o $@ $^
