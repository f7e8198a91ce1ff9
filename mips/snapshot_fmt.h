/* snapshot_fmt.h: the snapshot format's constants, shared by its writer and its reader. */
#ifndef MIPS_SNAPSHOT_FMT_H
#define MIPS_SNAPSHOT_FMT_H

/*
 * Layout, every integer little-endian:
 *
 *   header   0  magic "TALLYMVM"             8 bytes
 *            8  version (3; 1 and 2 are still read) u32
 *           12  header size (24)             u32
 *           16  flags (none defined: 0; bit 0 once marked an incremental snapshot)  u32
 *           20  CRC-32 of bytes 0..19        u32
 *   sections, each a wire.h record: tag u32, payload length u32, payload, CRC-32 of tag+length+payload u32
 *     "PROG" first, once: text hash u64 (FNV-1a 64 of the loaded text), text end u32,
 *            user text end u32, name length u32, name bytes
 *     "PAGE" any number: guest address u32 (page aligned), 4096 bytes (a later copy replaces an earlier)
 *     "CPU " once: pc, hi, lo, r0..r31 (u32 each), instruction count u64, state u32, exit code u32,
 *            break u32; version 2 goes on with $f0..$f31 (u32 each) and the FCSR condition flags u32,
 *            version 3 with the stack segment's bottom u32
 *     "END " last: number of sections before it u32, CRC-32 of every byte before it u32
 *
 * Pages come before the CPU state, so a live migration can stream pages while the VM runs and
 * send the CPU last.
 */
#define SNAP_MAGIC	"TALLYMVM"
#define SNAP_VERSION	3u
#define SNAP_HDR_SIZE	24u
#define TAG_PROG	MIPS_WIRE_TAG('P', 'R', 'O', 'G')
#define TAG_PAGE	MIPS_WIRE_TAG('P', 'A', 'G', 'E')
#define TAG_CPU		MIPS_WIRE_TAG('C', 'P', 'U', ' ')
#define TAG_END		MIPS_WIRE_TAG('E', 'N', 'D', ' ')
#define CPU_SIZE	MIPS_CPU_RECORD_SIZE
#define PROG_FIXED	(8u + 3 * 4)
#define TEXT_MAX	(16u << 20)
#define KDATA_MAX	(16u << 20)

#endif
