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
 * The pre-auth options of either carrier (struct mhod_nd_opt for ND,
 * struct mhod_mh_opt for MH): *nopts option structs of stride octets at
 * opts, each with its Type octet at type_off and its fragment at pa_off.
 */
struct pa_opts {
	void *opts;
	size_t stride;
	size_t type_off;
	size_t pa_off;
	uint8_t *nopts;
	uint8_t type;		/* the carrier's option type */
	size_t frag_max;	/* data octets one option carries */
};

/* The pa_opts of message m (struct mhod_icmp or mhod_mh; _get casts its
 * const away, and only reads through it).
 */
#define PA_OPTS_OF(m, opt_type, max) ((struct pa_opts){			\
	.opts = (m)->opts, .stride = sizeof((m)->opts[0]),		\
	.type_off = offsetof(__typeof__((m)->opts[0]), type),		\
	.pa_off = offsetof(__typeof__((m)->opts[0]), pa),		\
	.nopts = &(m)->nopts, .type = (opt_type), .frag_max = (max) })

/*
 * name_pa_get() and name_pa_add() for the message struct name, whose
 * pre-auth options are of type opt_type and carry max data octets each.
 */
#define PA_ACCESSORS(name, opt_type, max)				\
enum mhod_err name##_pa_get(const struct name *m, uint8_t kind,	\
			    uint8_t *out, size_t cap, size_t *len)	\
{									\
	struct pa_opts o = PA_OPTS_OF((struct name *)m, opt_type, max);	\
									\
	return pa_opts_get(&o, kind, out, cap, len);			\
}									\
enum mhod_err name##_pa_add(struct name *m, uint8_t kind,		\
			    const uint8_t *data, size_t len)		\
{									\
	struct pa_opts o = PA_OPTS_OF(m, opt_type, max);		\
									\
	return pa_opts_add(&o, kind, data, len);			\
}

/* Reassemble the payload of that kind into out (cap octets). */
enum mhod_err pa_opts_get(const struct pa_opts *o, uint8_t kind,
			  uint8_t *out, size_t cap, size_t *len);
/* Append the payload as options of the carrier's type, fragmented. */
enum mhod_err pa_opts_add(const struct pa_opts *o, uint8_t kind,
			  const uint8_t *data, size_t len);

#endif /* MHOD_PREAUTH_H */
