/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho's portable context encoding (Documentation/context.rst, "Portable
 * encoding"): the attributes of an MHO_A_CTX nest as the kernel exports
 * and imports them, with every integer in network byte order and every
 * XFRM structure written field by field, without padding. A context in
 * this form reads the same on any host, whatever its byte order or the
 * build of its module; mhoctl keeps it in context files.
 *
 * Both directions check the whole input (lengths exact, attribute types
 * known) and never read or write outside it. The output holds keys:
 * the caller frees it with mho_ctxw_free(), which wipes it.
 */
#ifndef MHO_CTXWIRE_H
#define MHO_CTXWIRE_H

#include <stddef.h>

/* The largest context either direction accepts or produces. */
#define MHO_CTXW_MAX	(1 << 20)

struct mho_ctxw_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

/*
 * Native attributes (the kernel's, this host's byte order) to the portable
 * encoding, and back. 0 on success, with @out filled; -1 on error, with
 * @out empty and a message in @err (@errlen bytes, NUL-terminated).
 */
int mho_ctxw_encode(const unsigned char *native, size_t len,
		    struct mho_ctxw_buf *out, char *err, size_t errlen);
int mho_ctxw_decode(const unsigned char *wire, size_t len,
		    struct mho_ctxw_buf *out, char *err, size_t errlen);

/* Wipe and free @b's data; @b is empty afterwards. */
void mho_ctxw_free(struct mho_ctxw_buf *b);

#endif /* MHO_CTXWIRE_H */
