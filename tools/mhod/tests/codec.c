// SPDX-License-Identifier: GPL-2.0
/*
 * Decode a whole packet down to its message and encode it back: what
 * the round-trip tests and the capture writer share.
 */
#include <string.h>

#include "ktap.h"

enum mhod_err t_decode(const uint8_t *buf, size_t len, struct t_decoded *d)
{
	enum mhod_err err;

	memset(d, 0, sizeof(*d));
	err = mhod_pkt_parse(&d->pkt, buf, len, t_k_esp, sizeof(t_k_esp));
	if (err)
		return err;
	mhod_pkt_info_of(&d->pkt, &d->pi);
	switch (d->pkt.proto) {
	case MHOD_IPPROTO_ICMPV6:
		return mhod_icmp_parse(&d->icmp, d->pkt.payload, d->pkt.len,
				       &d->pi, &d->err_off);
	case MHOD_IPPROTO_MH:
		return mhod_mh_parse(&d->mh, d->pkt.payload, d->pkt.len,
				     &d->pi, &d->err_off);
	case MHOD_IPPROTO_SCTP:
		return mhod_cxtp_parse(&d->cxtp, d->pkt.payload, d->pkt.len,
				       &d->pi, &d->err_off);
	}
	return MHOD_E_INVAL;
}

enum mhod_msg t_msg(const struct t_decoded *d)
{
	switch (d->pkt.proto) {
	case MHOD_IPPROTO_ICMPV6:
		return d->icmp.msg;
	case MHOD_IPPROTO_MH:
		return d->mh.msg;
	}
	return MHOD_MSG_CXTP;
}

enum mhod_err t_encode(const struct t_decoded *d, uint8_t *out, size_t cap,
		       size_t *len)
{
	uint8_t msg[MHOD_MSG_MAX];
	struct mhod_pkt pkt = d->pkt;
	enum mhod_err err = MHOD_E_INVAL;
	size_t n = 0;

	switch (d->pkt.proto) {
	case MHOD_IPPROTO_ICMPV6:
		err = mhod_icmp_build(&d->icmp, &d->pi, msg, sizeof(msg), &n);
		break;
	case MHOD_IPPROTO_MH:
		err = mhod_mh_build(&d->mh, &d->pi, msg, sizeof(msg), &n);
		break;
	case MHOD_IPPROTO_SCTP:
		err = mhod_cxtp_build(&d->cxtp, msg, sizeof(msg), &n);
		break;
	}
	if (err)
		return err;
	pkt.payload = msg;
	pkt.len = n;
	return mhod_pkt_build(&pkt, out, cap, len, t_k_esp, sizeof(t_k_esp));
}
