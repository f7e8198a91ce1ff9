/* net_peer.c: the Linux end of Tally's selftest=tcp-recv: connects to 127.0.0.1:PORT (a QEMU hostfwd),
 * sends the 1 MiB pattern of kernel/net/net_selftest.c and prints the receiver's verdict. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BYTES (1u << 20)
#define VERDICT_LEN 5

static uint8_t pattern(uint32_t i)
{
	uint32_t x = i * 2654435761u;
	x ^= x >> 15;
	return (uint8_t)(x >> 8);
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "net_peer: connect 127.0.0.1:%d: %s\n", port, strerror(errno));
		exit(2);
	}
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "send")) {
		fprintf(stderr, "usage: net_peer send PORT\n");
		return 2;
	}
	int fd = connect_to(atoi(argv[2]));
	static uint8_t buf[BYTES];
	for (uint32_t i = 0; i < BYTES; i++)
		buf[i] = pattern(i);
	for (size_t off = 0; off < BYTES;) {
		ssize_t n = write(fd, buf + off, BYTES - off);
		if (n <= 0) {
			fprintf(stderr, "net_peer: write after %zu bytes: %s\n", off, n ? strerror(errno) : "closed");
			return 1;
		}
		off += (size_t)n;
	}
	char v[VERDICT_LEN + 1] = "";
	for (size_t got = 0; got < VERDICT_LEN;) {
		ssize_t n = read(fd, v + got, VERDICT_LEN - got);
		if (n <= 0) {
			fprintf(stderr, "net_peer: no verdict: %s\n", n ? strerror(errno) : "closed");
			return 1;
		}
		got += (size_t)n;
	}
	v[VERDICT_LEN - 1] = 0;
	printf("net_peer: %u bytes sent, receiver says %s\n", BYTES, v);
	close(fd);
	return strcmp(v, "GOOD") != 0;
}
