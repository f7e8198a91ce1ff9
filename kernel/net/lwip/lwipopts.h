/* lwipopts.h: lwIP configuration for Tally: NO_SYS raw API polled from the main loop, IPv4 only. */
#ifndef KERNEL_LWIP_LWIPOPTS_H
#define KERNEL_LWIP_LWIPOPTS_H

/* One thread, no interrupts: lwIP runs only from net_poll() (MACHINES.md, lwIP). */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* Memory comes from the kernel heap (malloc/free in kernel/lib/string.c). */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8

/* Protocols. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 1 /* MIGRATE host names: the DHCP-given server, and hosts= as the local list */
#define DNS_LOCAL_HOSTLIST 1
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC 1
#define DNS_TABLE_SIZE 4
#define LWIP_DHCP_MAX_DNS_SERVERS 2
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_LOOPBACK 1 /* packets to our own address (a VM migrating to this Tally) */

/* TCP sized for bulk transfers (migration), 1460-byte segments. The window stays below 64 KiB:
 * kernel/net/net_stream.c keeps unread data as one pbuf chain, whose tot_len is 16 bits. */
#define TCP_MSS 1460
#define TCP_WND (44 * TCP_MSS)
#define TCP_SND_BUF (40 * TCP_MSS) /* snd_buf low-water mark must fit a u16 (init.c) */
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_OVERSIZE TCP_MSS
#define MEMP_NUM_TCP_SEG TCP_SND_QUEUELEN
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define PBUF_POOL_SIZE 256
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1 /* listeners rebind a port whose old connections linger in TIME_WAIT */

/* Checksums are computed and checked in software: no virtio-net offloads are negotiated. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_ICMP 1

/* Counters for the shell's `net` command. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 1
#define IP_STATS 1
#define TCP_STATS 1
#define LWIP_STATS_LARGE 1 /* 32-bit counters */

#endif
