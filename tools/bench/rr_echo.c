// SPDX-License-Identifier: GPL-2.0
/*
 * e2e-rr-echo: the guest's side of the bench's TCP request/response test
 * (tools/bench/rr.py).  Built statically on the host into the L2 image
 * (tools/testbed/l2/build-image.sh):
 *
 *   e2e-rr-echo PORT
 *
 * Listens on PORT and echoes whatever a client sends, at once: Nagle off,
 * one process per connection.  Detaches from its caller's session, so the
 * shell that started it may exit.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void echo(int fd)
{
	char buf[4096];
	ssize_t n;
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(fd, p, n);

			if (w <= 0)
				return;
			p += w;
			n -= w;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, s, c;

	if (argc != 2) {
		fprintf(stderr, "usage: e2e-rr-echo PORT\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[1]));
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 8)) {
		perror("e2e-rr-echo");
		return 1;
	}
	/* Children are not waited for. */
	signal(SIGCHLD, SIG_IGN);
	if (daemon(0, 0))
		return 1;
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			close(s);
			echo(c);
			_exit(0);
		}
		close(c);
	}
}
