; tinybz.asm: a bzImage-shaped 64-bit test kernel: checks the entry state Tally's Linux loader gives, prints what it was handed, exits.
; Setup header fields and offsets: Documentation/arch/x86/boot.rst, "The real-mode kernel header"
; (protocol 2.15); entry state: same file, "64-bit Boot Protocol". Built with nasm -f bin.

SETUP_SECTS	equ 1
PREF_ADDRESS	equ 0x1000000		; the kernel runs (and Tally loads it) at 16 MiB
INIT_SIZE	equ 0x400000		; so it needs memory up to 20 MiB
COM1		equ 0x3f8
EXIT_PORT	equ 0xf4		; vmx/abi.h TALLY_EXIT_PORT (isa-debug-exit convention)
ZP_E820_ENTRIES	equ 0x1e8		; zero-page.rst
ZP_HEADER	equ 0x202
ZP_LOADER	equ 0x210
ZP_RAMDISK	equ 0x218
ZP_RAMDISK_SIZE	equ 0x21c
ZP_CMDLINE	equ 0x228

	org 0
	times 0x1f1 db 0
	db SETUP_SECTS			; 0x1f1 setup_sects
	dw 0				; 0x1f2 root_flags
	dd (payload_end - payload) / 16	; 0x1f4 syssize
	dw 0, 0, 0			; 0x1f8 ram_size, vid_mode, root_dev
	dw 0xaa55			; 0x1fe boot_flag
	db 0xeb, hdr_end - 0x202	; 0x200 jump over the header
	db "HdrS"			; 0x202 header
	dw 0x020f			; 0x206 version 2.15
	dd 0				; 0x208 realmode_swtch
	dw 0, 0				; 0x20c start_sys_seg, kernel_version
	db 0				; 0x210 type_of_loader
	db 0x01				; 0x211 loadflags: LOADED_HIGH
	dw 0				; 0x212 setup_move_size
	dd 0x100000			; 0x214 code32_start
	dd 0, 0, 0			; 0x218 ramdisk_image, ramdisk_size, bootsect_kludge
	dw 0				; 0x224 heap_end_ptr
	db 0, 0				; 0x226 ext_loader_ver, ext_loader_type
	dd 0				; 0x228 cmd_line_ptr
	dd 0x7fffffff			; 0x22c initrd_addr_max
	dd 0x200000			; 0x230 kernel_alignment
	db 1, 21			; 0x234 relocatable_kernel, min_alignment
	dw 0x0001			; 0x236 xloadflags: XLF_KERNEL_64
	dd 255				; 0x238 cmdline_size
	dd 0				; 0x23c hardware_subarch
	dq 0				; 0x240 hardware_subarch_data
	dd 0, 0				; 0x248 payload_offset, payload_length
	dq 0				; 0x250 setup_data
	dq PREF_ADDRESS			; 0x258 pref_address
	dd INIT_SIZE			; 0x260 init_size
	dd 0				; 0x264 handover_offset
	dd 0				; 0x268 kernel_info_offset
hdr_end:
	times (SETUP_SECTS + 1) * 512 - ($ - $$) db 0

payload:				; loaded at PREF_ADDRESS; position-independent
	times 0x200 db 0xf4		; the 32-bit entry: not used
	bits 64
entry64:				; load address + 0x200
	mov r15, rsi			; the zero page
	xor r14d, r14d			; failed checks
	mov ax, cs
	cmp ax, 0x10
	lea rsi, [rel m_cs]
	call check
	mov ax, ds
	cmp ax, 0x18
	lea rsi, [rel m_ds]
	call check
	mov ax, ss
	cmp ax, 0x18
	lea rsi, [rel m_ss]
	call check
	pushfq
	pop rax
	test eax, 0x200
	lea rsi, [rel m_if]
	call check
	cmp dword [r15 + ZP_HEADER], 'HdrS'
	lea rsi, [rel m_hdrs]
	call check
	cmp byte [r15 + ZP_LOADER], 0xff
	lea rsi, [rel m_loader]
	call check
	lea rsi, [rel m_cmdline]		; "cmdline: <what the loader handed over>"
	call puts
	mov esi, [r15 + ZP_CMDLINE]
	call putline
	lea rsi, [rel m_e820]
	call puts
	movzx eax, byte [r15 + ZP_E820_ENTRIES]
	add al, '0'
	call putc
	mov al, 10
	call putc
	lea rsi, [rel m_initrd]		; the initrd's first line, read through the identity map
	call puts
	mov esi, [r15 + ZP_RAMDISK]
	call putline
	mov eax, r14d
	out EXIT_PORT, al
	hlt

; ZF set: the check passed; else prints "FAIL: <rsi>" and counts it.
check:
	je .ok
	push rsi
	lea rsi, [rel m_fail]
	call puts
	pop rsi
	call puts
	mov al, 10
	call putc
	inc r14d
.ok:
	ret

putc:
	mov dx, COM1
	out dx, al
	ret

puts:					; NUL-terminated string at rsi
	lodsb
	test al, al
	jz .end
	call putc
	jmp puts
.end:
	ret

putline:				; up to NUL or newline (at most 80 bytes), then a newline
	mov ecx, 80
.next:
	lodsb
	test al, al
	jz .end
	cmp al, 10
	je .end
	call putc
	loop .next
.end:
	mov al, 10
	jmp putc

m_fail:		db "FAIL: ", 0
m_cs:		db "CS is __BOOT_CS 0x10", 0
m_ds:		db "DS is __BOOT_DS 0x18", 0
m_ss:		db "SS is __BOOT_DS 0x18", 0
m_if:		db "interrupts are off", 0
m_hdrs:		db "RSI points at a zero page with HdrS", 0
m_loader:	db "type_of_loader is 0xff", 0
m_cmdline:	db "cmdline: ", 0
m_e820:		db "e820 entries: ", 0
m_initrd:	db "initrd: ", 0
	align 16
payload_end:
