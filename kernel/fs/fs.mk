# kernel/fs/fs.mk: the FAT filesystem is portable (built for the kernel and hosted for its tests):
# its files see only their own headers and the C library, so a stray kernel include fails here.
FS_KERNEL_CFLAGS := $(KERNEL_CFLAGS_BASE) -Ikernel/fs -Ikernel/lib/libc

$(BUILD)/k/kernel/fs/%.o: kernel/fs/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(FS_KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/host/kernel/fs/%.o: kernel/fs/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(HOST_CFLAGS) -Ikernel/fs -c $< -o $@
