/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules shared by the ND and MH carriers of mhod's pre-authentication
 * payloads: fragments of one payload are contiguous, each kind appears
 * once, and the reassembled length fits the kind.
 */
#ifndef MHOD_PREAUTH_H
#define MHOD_PREAUTH_H

#include "wire.h"

struct pa_state {
	uint8_t seen;		/* bit per kind */
	uint8_t pending;	/* kind of a fragment with M set, or 0 */
	uint16_t total[MHOD_PA_KIND_MAX + 1];
};

/* A pre-auth fragment was parsed. */
enum mhod_err pa_frag(struct pa_state *s, const struct mhod_pa_frag *f);
/* Any other option was parsed. */
enum mhod_err pa_other(struct pa_state *s);
/* The options ended. */
enum mhod_err pa_end(const struct pa_state *s);

/*
 * Split a payload into fragments of at most max octets; returns how many
 * were written to out, 0 when they would be more than room.
 */
size_t pa_fragment(uint8_t kind, const uint8_t *data, size_t len, size_t max,
		   struct mhod_pa_frag *out, size_t room);

enum mhod_err pa_gather(const struct mhod_pa_frag *const *frags, size_t n,
			uint8_t kind, uint8_t *out, size_t cap, size_t *len);

#endif /* MHOD_PREAUTH_H */
