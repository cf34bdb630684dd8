/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the IPv6-in-IPv6 tunnel between peers (RFC 2473), with mho's
 * destination option and the end-marker. The wire format is described in
 * Documentation/design.rst.
 */
#ifndef _MHO_TUNNEL_H
#define _MHO_TUNNEL_H

#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/mho.h>

struct in6_addr;
struct net;
struct sock;

struct mho_binding;
struct mho_net;
struct mho_peer;
struct nf_hook_state;

/* RFC 4727 experimental destination option type: skip if unknown. */
#define MHO_OPT_TYPE		0x1e
#define MHO_OPT_MAGIC		0x6d68	/* "mh" */
#define MHO_OPT_VERSION		1
#define MHO_OPT_F_END		0x01	/* end-marker: no more packets */
#define MHO_OPT_F_CUT		0x02	/* cut-point marker: the copies sent
					 * before it were delivered by the
					 * sender (bicast ended)
					 */

/**
 * struct mho_opt_hdr - the destination options header in front of the
 *	inner packet; 16 bytes
 * @nexthdr: always IPPROTO_IPV6: an inner IPv6 header follows
 * @hdrlen: 1 (in 8-octet units, not counting the first 8)
 * @type: MHO_OPT_TYPE
 * @len: 8, the option data below
 * @magic: MHO_OPT_MAGIC, to tell mho's use of the shared type apart
 * @version: MHO_OPT_VERSION
 * @flags: MHO_OPT_F_*
 * @seq: the packet's number among those forwarded to the peer since the
 *	binding entered forward or bicast (1, 2, ...); 0 in bicast copies.
 *	In an end-marker: how many were forwarded before it
 * @pad_type: PadN (1)
 * @pad_len: 2
 * @pad: zero
 */
struct mho_opt_hdr {
	u8 nexthdr;
	u8 hdrlen;
	u8 type;
	u8 len;
	__be16 magic;
	u8 version;
	u8 flags;
	__be32 seq;
	u8 pad_type;
	u8 pad_len;
	u8 pad[2];
} __packed;

/**
 * struct mho_tunnel_tx - where and how mho_tunnel_send() tunnels a packet
 * @b: the binding the packet is for; its counters are bumped
 * @daddr: the tunnel's far ends (peers, or a care-of address), @n of them
 * @saddr: our end towards each; :: lets routing choose
 * @n: 1 to MHO_BICAST_MAX
 * @opt: with mho's destination option (between peers); without, plain
 *	RFC 2473 (the home agent's tunnel to the MN)
 * @numbered: each packet takes the next sequence number (forwarding to
 *	the binding's peer); else 0 (bicast copies)
 * @ok: enum mho_ctr, counted once per packet sent to one destination
 *
 * The addresses are the callers' (a peer's, under RCU): they only need to
 * live as long as the call.
 */
struct mho_tunnel_tx {
	struct mho_binding *b;
	const struct in6_addr *daddr[MHO_BICAST_MAX];
	const struct in6_addr *saddr[MHO_BICAST_MAX];
	u8 n;
	bool opt;
	bool numbered;
	u8 ok;
};

unsigned int mho_tunnel_send(const struct mho_tunnel_tx *tx,
			     struct sk_buff *skb);
void mho_tunnel_forward(struct mho_binding *b, struct sk_buff *skb);
void mho_tunnel_copy_to_bicast(struct mho_binding *b, struct sk_buff *skb);
void mho_tunnel_send_home_marker(struct mho_binding *b,
				 const struct in6_addr *peer,
				 const struct in6_addr *local,
				 const struct in6_addr *old_coa);
int mho_tunnel_finish(struct net *net, struct sock *sk, struct sk_buff *skb);
void mho_tunnel_send_marker(struct mho_binding *b);
void mho_tunnel_send_cut(struct mho_binding *b);
int mho_tunnel_rcv(struct mho_net *mn, struct sk_buff *skb,
		   const struct nf_hook_state *st);

#endif /* _MHO_TUNNEL_H */
