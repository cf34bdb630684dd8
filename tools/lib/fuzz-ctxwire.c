// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the portable context encoding (ctxwire.c), built
 * with ASan and UBSan by "make -C tools/lib fuzz". Each input is tried
 * both ways:
 *
 *  - as portable records: if decode takes it, encoding the result must
 *    give back exactly the input (the encoding has one form);
 *  - as native attributes: if encode takes it, decode must take the
 *    result, and encode what decode gave to the same octets.
 *
 * Seeds: test-ctxwire --seeds (the test's contexts, portable).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctxwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mho_ctxw_buf a, b, c;
	char err[128];

	if (!mho_ctxw_decode(data, size, &a, err, sizeof(err))) {
		if (mho_ctxw_encode(a.data, a.len, &b, err, sizeof(err)) ||
		    b.len != size || memcmp(b.data, data, size))
			abort();
		mho_ctxw_free(&b);
		mho_ctxw_free(&a);
	}
	if (!mho_ctxw_encode(data, size, &a, err, sizeof(err))) {
		if (mho_ctxw_decode(a.data, a.len, &b, err, sizeof(err)) ||
		    mho_ctxw_encode(b.data, b.len, &c, err, sizeof(err)) ||
		    c.len != a.len || memcmp(c.data, a.data, a.len))
			abort();
		mho_ctxw_free(&c);
		mho_ctxw_free(&b);
		mho_ctxw_free(&a);
	}
	return 0;
}
