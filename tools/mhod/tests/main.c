// SPDX-License-Identifier: GPL-2.0
/*
 * mhod-test: the wire layer's and configuration parser's tests, in KTAP.
 *
 *   mhod-test [--seeds DIR] VECTORS.hex EXAMPLE.conf [OUT.pcap]
 *
 * --seeds DIR writes fuzzing seeds (every message parsed or built, every
 * configuration) under DIR/wire and DIR/conf.
 * OUT.pcap receives every message the builders make (the interop test
 * runs tshark on it).
 */
#include <stdio.h>
#include <string.h>

#include "ktap.h"

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--seeds")) {
		t_seed_dir = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s VECTORS.hex EXAMPLE.conf [OUT.pcap]\n",
			argv[0]);
		return 2;
	}
	t_init();
	test_crypto();
	test_vectors(argv[1]);
	test_messages(argc > 3 ? argv[3] : NULL);
	test_malformed(argv[1]);
	test_conf(argv[2]);
	return t_finish();
}
