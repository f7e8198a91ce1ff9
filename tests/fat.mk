# tests/fat.mk: the hosted FAT filesystem test (kernel/fs/fat*.c against mkfs.fat images, checked
# with fsck.fat and mtools).
FAT_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard kernel/fs/fat*.c))

$(BUILD)/host/test_fat: $(BUILD)/host/tests/unit/test_fat.o $(BUILD)/host/tests/unit/test_fat_more.o $(BUILD)/host/tests/unit/test_fat_hostile.o \
		$(BUILD)/host/tests/unit/fat_image.o $(FAT_HOST_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^

UNIT_TESTS += $(BUILD)/host/test_fat
