// SPDX-License-Identifier: GPL-2.0
/*
 * mho_dropcap - run a command with fewer privileges, for the permission
 * selftests (busybox has no capsh).
 *
 *   mho_dropcap [-u UID] [-k] [--] COMMAND [ARGS...]
 *
 *   (default)  stay uid 0 but with no capabilities at all: every
 *              capability is dropped from the bounding set (so exec
 *              cannot give root any back), ambient ones are cleared and
 *              no_new_privs is set
 *   -k         keep every capability except CAP_NET_ADMIN
 *   -u UID     also switch to UID (and GID UID), with no groups
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

static void fail(const char *what)
{
	fprintf(stderr, "mho_dropcap: %s: %s\n", what, strerror(errno));
	exit(125);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int keep_most = 0, cap, last = last_cap();
	long uid = -1;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--")) {
			argc--;
			argv++;
			break;
		} else if (!strcmp(argv[1], "-k")) {
			keep_most = 1;
		} else if (!strcmp(argv[1], "-u") && argc > 2) {
			uid = strtol(argv[2], NULL, 10);
			argc--;
			argv++;
		} else {
			break;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: mho_dropcap [-u UID] [-k] [--] COMMAND [ARGS...]\n");
		return 125;
	}

	for (cap = 0; cap <= last; cap++) {
		if (keep_most && cap != CAP_NET_ADMIN)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			fail("PR_CAPBSET_DROP");
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);

	if (uid >= 0) {
		if (setgroups(0, NULL) < 0)
			fail("setgroups");
		if (setresgid(uid, uid, uid) < 0)
			fail("setresgid");
		if (setresuid(uid, uid, uid) < 0)
			fail("setresuid");
	}

	/* Drop them from this process too, not only from what exec gives. */
	if (syscall(SYS_capget, &hdr, data) < 0)
		fail("capget");
	for (cap = 0; cap <= last; cap++) {
		if (keep_most && cap != CAP_NET_ADMIN)
			continue;
		data[cap / 32].effective &= ~(1U << (cap % 32));
		data[cap / 32].permitted &= ~(1U << (cap % 32));
		data[cap / 32].inheritable &= ~(1U << (cap % 32));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		fail("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("PR_SET_NO_NEW_PRIVS");

	execvp(argv[1], argv + 1);
	fprintf(stderr, "mho_dropcap: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
