// SPDX-License-Identifier: GPL-2.0
/*
 * mhod-test: the wire layer's and configuration parser's tests, in KTAP.
 *
 *   mhod-test VECTORS.hex EXAMPLE.conf [OUT.pcap]
 *
 * OUT.pcap receives every message the builders make (the interop test
 * runs tshark on it).
 */
#include <stdio.h>

#include "ktap.h"

int main(int argc, char **argv)
{
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

	return t_finish();
}
