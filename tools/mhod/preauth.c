// SPDX-License-Identifier: GPL-2.0
/*
 * mhod pre-authentication payloads (seed 001): fragment rules, payload
 * length rules, reassembly and the carrier-independent signed octets.
 */
#include <string.h>

#include "bytes.h"
#include "preauth.h"

/* Smallest and largest reassembled payload of each kind. */
static const struct {
	uint16_t min, max;
} pa_len[MHOD_PA_KIND_MAX + 1] = {
	[MHOD_PA_SA] = { 8, 4 + 4 * 16 },	/* SPI + 1..16 transforms */
	[MHOD_PA_KE] = { 5, 4 + 1024 },		/* up to MODP-8192 */
	[MHOD_PA_NONCE] = { 16, 256 },		/* as IKEv2 (RFC 7296 3.9) */
	[MHOD_PA_CERT] = { 2, MHOD_PA_MAX },
	[MHOD_PA_AUTH] = { 2, 4 + 1024 },
	[MHOD_PA_SPI_MAP] = { 8, 8 * MHOD_SPI_MAP_MAX },
};

enum mhod_err pa_frag(struct pa_state *s, const struct mhod_pa_frag *f)
{
	if (!f->kind || f->kind > MHOD_PA_KIND_MAX)
		return MHOD_E_PA_KIND;
	if (!f->len)
		return MHOD_E_PA_FRAG;
	if (s->pending) {
		if (s->pending != f->kind)
			return MHOD_E_PA_FRAG;
	} else if (s->seen & (1u << f->kind)) {
		return MHOD_E_OPT_DUP;
	}
	s->seen |= 1u << f->kind;
	if (s->total[f->kind] + f->len > pa_len[f->kind].max)
		return MHOD_E_PA_LEN;
	s->total[f->kind] += f->len;
	s->pending = f->more ? f->kind : 0;
	if (!f->more && s->total[f->kind] < pa_len[f->kind].min)
		return MHOD_E_PA_LEN;
	if (!f->more && f->kind == MHOD_PA_SA && (s->total[f->kind] - 4) % 4)
		return MHOD_E_PA_LEN;
	if (!f->more && f->kind == MHOD_PA_SPI_MAP && s->total[f->kind] % 8)
		return MHOD_E_PA_LEN;
	return MHOD_OK;
}

enum mhod_err pa_other(struct pa_state *s)
{
	return s->pending ? MHOD_E_PA_FRAG : MHOD_OK;
}

enum mhod_err pa_end(const struct pa_state *s)
{
	return s->pending ? MHOD_E_PA_FRAG : MHOD_OK;
}

static struct mhod_pa_frag *opt_pa(const struct pa_opts *o, size_t i)
{
	return (struct mhod_pa_frag *)((uint8_t *)o->opts + i * o->stride +
				       o->pa_off);
}

enum mhod_err pa_opts_get(const struct pa_opts *o, uint8_t kind,
			  uint8_t *out, size_t cap, size_t *len)
{
	size_t i, got = 0;

	for (i = 0; i < *o->nopts; i++) {
		const struct mhod_pa_frag *f = opt_pa(o, i);

		if (!f->kind || f->kind != kind)
			continue;
		if (f->len > cap - got)
			return MHOD_E_NOSPACE;
		memcpy(out + got, f->data, f->len);
		got += f->len;
		if (!f->more)
			break;
	}
	*len = got;
	return MHOD_OK;
}

enum mhod_err pa_opts_add(const struct pa_opts *o, uint8_t kind,
			  const uint8_t *data, size_t len)
{
	size_t n = (len + o->frag_max - 1) / o->frag_max, i;

	if (!len || *o->nopts >= MHOD_OPTS_MAX ||
	    n > (size_t)(MHOD_OPTS_MAX - *o->nopts))
		return MHOD_E_INVAL;
	for (i = 0; i < n; i++) {
		uint8_t *opt = (uint8_t *)o->opts + *o->nopts * o->stride;
		size_t chunk = len > o->frag_max ? o->frag_max : len;

		memset(opt, 0, o->stride);
		opt[o->type_off] = o->type;
		*opt_pa(o, (*o->nopts)++) = (struct mhod_pa_frag){
			.kind = kind, .data = data, .len = (uint16_t)chunk,
			.more = chunk < len };
		data += chunk;
		len -= chunk;
	}
	return MHOD_OK;
}

size_t mhod_pa_signed_octets(const struct mhod_pa_set *set, uint8_t *out,
			     size_t cap)
{
	static const char tag[] = "mhod-pa-1";
	size_t off = sizeof(tag) - 1;
	uint8_t kind;

	if (cap < off)
		return 0;
	memcpy(out, tag, off);
	for (kind = MHOD_PA_SA; kind < MHOD_PA_AUTH; kind++) {
		if (!set->p[kind])
			continue;
		if (set->len[kind] > 0xffff || cap - off < 3 + set->len[kind])
			return 0;
		out[off] = kind;
		put16(out + off + 1, (uint16_t)set->len[kind]);
		memcpy(out + off + 3, set->p[kind], set->len[kind]);
		off += 3 + set->len[kind];
	}
	return off;
}
