// SPDX-License-Identifier: GPL-2.0
/*
 * mhod-test: the wire layer's and configuration parser's tests, in KTAP.
 *
 *   mhod-test [--seeds DIR] VECTORS.hex EXAMPLE.conf [OUT.pcap]
 *
 * --seeds DIR writes fuzzing seeds (every message parsed or built, every
 * configuration) under DIR/wire and DIR/conf.
 * MHOD_WIRE_DOC names Documentation/mhod-wire.rst when the test does not
 * run from tools/mhod. OUT.pcap receives every message the builders make (the interop test
 * runs tshark on it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"

/* Documentation/mhod-wire.rst names every error code. */
static void test_doc(const char *path)
{
	static char text[1 << 17];
	char name[64];
	size_t n = 0;
	FILE *f = fopen(path, "r");
	int e;

	t_begin("doc: %s names every error code", path);
	if (t_check(f != NULL, "cannot read it")) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = 0;
	for (e = 0; f && e < MHOD_E__MAX; e++) {
		snprintf(name, sizeof(name), "``%s``", mhod_err_name(e));
		t_check(strstr(text, name) != NULL, "%s is missing", name);
	}
	t_end();
}

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
	test_pakeys();
	test_vectors(argv[1]);
	test_messages(argc > 3 ? argv[3] : NULL);
	test_malformed(argv[1]);
	test_conf(argv[2]);
	test_loop();
	test_ipsec();
	test_ctx_cdbs();
	test_doc(getenv("MHOD_WIRE_DOC") ? getenv("MHOD_WIRE_DOC") :
		 "../../Documentation/mhod-wire.rst");
	return t_finish();
}
