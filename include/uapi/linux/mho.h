/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mho - lossless, in-order and secure IPv6 handoff.
 *
 * Generic netlink interface shared by the kernel module and mhoctl.
 * Every command and attribute is described in Documentation/uapi.rst.
 */
#ifndef _UAPI_LINUX_MHO_H
#define _UAPI_LINUX_MHO_H

#include <linux/types.h>
#include <linux/xfrm.h>

#define MHO_GENL_NAME		"mho"
#define MHO_GENL_VERSION	1
#define MHO_MCGRP_EVENTS	"events"

/* Longest peer name, including the terminating NUL. */
#define MHO_NAME_LEN		32

/*
 * Commands. Every command requires CAP_NET_ADMIN in the user namespace that
 * owns the caller's network namespace; so does joining the events group.
 *
 * The _NEW, _SET and _DEL commands are also the notifications sent on the
 * events group after a successful change: the message carries the object as
 * _GET would report it (for _DEL, as it was just before it was removed).
 */
enum mho_cmd {
	MHO_CMD_UNSPEC,

	MHO_CMD_PEER_NEW,	/* MHO_A_PEER: ADDR, [NAME], [LOCAL] */
	MHO_CMD_PEER_SET,	/* MHO_A_PEER: ADDR, [NAME], [LOCAL] */
	MHO_CMD_PEER_DEL,	/* MHO_A_PEER: ADDR */
	MHO_CMD_PEER_GET,	/* MHO_A_PEER: ADDR; or dump */

	MHO_CMD_BINDING_NEW,	/* MHO_A_BINDING; replies with the binding */
	MHO_CMD_BINDING_SET,	/* MHO_A_BINDING: ID or MATCH, then changes */
	MHO_CMD_BINDING_DEL,	/* MHO_A_BINDING: ID or MATCH */
	MHO_CMD_BINDING_GET,	/* MHO_A_BINDING: ID or MATCH; or dump */

	MHO_CMD_LIMITS_GET,	/* replies with MHO_A_LIMITS */
	MHO_CMD_LIMITS_SET,	/* MHO_A_LIMITS: any subset */

	MHO_CMD_STATS_GET,	/* replies with MHO_A_STATS */

	MHO_CMD_EVENT,		/* notification only: MHO_A_EVENT */

	MHO_CMD_CTX_EXPORT,	/* MHO_A_BINDING: ID or MATCH (a pAR
				 * binding); [MHO_A_CTX: AR, DISPOSE].
				 * Replies with MHO_A_CTX, keys included.
				 */
	MHO_CMD_CTX_IMPORT,	/* MHO_A_BINDING: ID or MATCH (an nAR
				 * binding); MHO_A_CTX: the context, NEW_AR,
				 * [NEW_COA], [MODE], [SEQ_MARGIN]. Replies
				 * with MHO_A_CTX: N_SA, N_POLICY, SPI.
				 */
	MHO_CMD_CTX_ACTIVATE,	/* MHO_A_BINDING: ID or MATCH; installs the
				 * binding's pending context
				 */
	MHO_CMD_CTX_DROP,	/* MHO_A_BINDING: ID or MATCH; frees it */
	MHO_CMD_CTX_MOVE,	/* MHO_A_CTX: COA, NEW_COA, AR, NEW_AR,
				 * [SPI], [SEQ_MARGIN]; moves the SAs and
				 * policies of this netns (the MN's own)
				 * from COA and AR to NEW_COA and NEW_AR.
				 * Replies with MHO_A_CTX: N_SA, N_POLICY.
				 */

	__MHO_CMD_MAX,
};

#define MHO_CMD_MAX (__MHO_CMD_MAX - 1)

/* Top-level attributes: each carries one nested object. */
enum mho_a {
	MHO_A_UNSPEC,
	MHO_A_PEER,		/* nest, enum mho_peer_a */
	MHO_A_BINDING,		/* nest, enum mho_binding_a */
	MHO_A_LIMITS,		/* nest, enum mho_limits_a */
	MHO_A_STATS,		/* nest, enum mho_stats_a */
	MHO_A_EVENT,		/* nest, enum mho_event_a */
	MHO_A_CTX,		/* nest, enum mho_ctx_a */

	__MHO_A_MAX,
};

#define MHO_A_MAX (__MHO_A_MAX - 1)

/*
 * A peer is another access router or home agent: a tunnel endpoint that
 * mho trusts. It is identified by its IPv6 address.
 */
enum mho_peer_a {
	MHO_PEER_A_UNSPEC,
	MHO_PEER_A_ADDR,	/* binary, struct in6_addr; key */
	MHO_PEER_A_NAME,	/* string, < MHO_NAME_LEN; "" clears */
	MHO_PEER_A_LOCAL,	/* binary, struct in6_addr: our tunnel
				 * endpoint towards this peer; :: means
				 * "chosen by routing"
				 */
	MHO_PEER_A_BINDINGS,	/* u32, read-only: bindings using this peer */

	__MHO_PEER_A_MAX,
};

#define MHO_PEER_A_MAX (__MHO_PEER_A_MAX - 1)

/* What this router is for a binding's mobile node. */
enum mho_role {
	MHO_ROLE_PAR = 1,	/* previous access router: the MN leaves */
	MHO_ROLE_NAR,		/* new access router: the MN arrives */
	MHO_ROLE_HA,		/* home agent: tunnels packets for the home
				 * address to the care-of address, sends an
				 * end-marker down the old path when that
				 * changes, and keeps copies of Mobility
				 * Header signalling for the home address
				 */

	__MHO_ROLE_MAX,
};

#define MHO_ROLE_MAX (__MHO_ROLE_MAX - 1)

/*
 * Handoff state of a binding. The operator sets the states marked "set";
 * the others are entered by the module and only reported. Which states a
 * role accepts is listed in Documentation/uapi.rst.
 */
enum mho_state {
	MHO_STATE_IDLE,		/* set, any role: packets pass; at the pAR
				 * held packets are delivered locally
				 * (switch-back), at the nAR they are dropped
				 */
	MHO_STATE_BUFFER,	/* set, pAR: hold the MN's packets */
	MHO_STATE_FORWARD,	/* set, pAR: tunnel held, then live packets
				 * to the binding's peer, in arrival order
				 */
	MHO_STATE_BICAST,	/* set, pAR: deliver locally and tunnel a copy
				 * to every peer in MHO_BINDING_A_BICAST.
				 * Leaving it (the MN left, or stays) sends
				 * each of them a cut-point marker: the
				 * copies they hold are of packets the MN
				 * got here, and are dropped
				 */
	MHO_STATE_END,		/* set, pAR in FORWARD or BICAST: send the
				 * end-marker after the last forwarded packet,
				 * then enter LINGER
				 */
	MHO_STATE_LINGER,	/* pAR: forwarding continues for LINGER_MS in
				 * case the MN switches back (set IDLE), then
				 * the binding is deleted
				 */
	MHO_STATE_HOLD,		/* set, nAR: hold the old stream (tunnelled by
				 * the peer) and the new stream (sent to the
				 * MN directly) in separate queues
				 */
	MHO_STATE_RELEASE,	/* set, nAR in HOLD: deliver the old stream,
				 * keep holding the new one until the
				 * end-marker or MARKER_WAIT_MS, then IDLE.
				 * Also entered when the MN announces itself
				 * with an unsolicited Neighbor Advertisement.
				 */

	__MHO_STATE_MAX,
};

#define MHO_STATE_MAX (__MHO_STATE_MAX - 1)

/* Most peers a binding can bicast to. */
#define MHO_BICAST_MAX		4

/*
 * A binding is one mobile node. Each of its addresses (HOA, COA, NCOA)
 * belongs to at most one binding in a network namespace, and packets are
 * matched to the binding by any of them. The unspecified address (::)
 * means "none": sent with _SET it removes that address.
 */
enum mho_binding_a {
	MHO_BINDING_A_UNSPEC,
	MHO_BINDING_A_PAD,
	MHO_BINDING_A_ID,	/* u32 >= 1; key. Optional with _NEW: the
				 * kernel picks a free one and replies
				 */
	MHO_BINDING_A_MATCH,	/* binary, struct in6_addr: find the binding
				 * by any of its addresses (_GET, _SET, _DEL)
				 */
	MHO_BINDING_A_ROLE,	/* u8, enum mho_role; required with _NEW,
				 * cannot be changed
				 */
	MHO_BINDING_A_HOA,	/* binary, struct in6_addr: home address;
				 * required for MHO_ROLE_HA
				 */
	MHO_BINDING_A_COA,	/* binary, struct in6_addr: current care-of */
	MHO_BINDING_A_NCOA,	/* binary, struct in6_addr: next care-of */
	MHO_BINDING_A_PEER,	/* binary, struct in6_addr: address of a
				 * configured peer (the other AR, or for a
				 * home agent the AR serving the MN)
				 */
	MHO_BINDING_A_LIMITS,	/* nest, enum mho_limits_a: MAX_PKTS,
				 * MAX_BYTES and MAX_HOLD_MS only; 0 means
				 * "the netns-wide value"
				 */
	MHO_BINDING_A_STATS,	/* nest, enum mho_ctr_a; read-only */
	MHO_BINDING_A_STATE,	/* u8, enum mho_state */
	MHO_BINDING_A_BICAST,	/* binary, 0 to MHO_BICAST_MAX struct
				 * in6_addr of configured peers; empty clears
				 */
	MHO_BINDING_A_RATE,	/* u32: forwarding pace in packets/s for
				 * held packets; 0 means as fast as possible
				 */
	MHO_BINDING_A_LINGER_MS,	/* u32: time in LINGER; 0 means
					 * the effective MAX_HOLD_MS
					 */
	MHO_BINDING_A_MARKER_WAIT_MS,	/* u32: nAR, longest wait for the
					 * end-marker in RELEASE; 0 means
					 * the effective MAX_HOLD_MS
					 */
	MHO_BINDING_A_QUEUED_PKTS,	/* u32, read-only: packets held now */
	MHO_BINDING_A_QUEUED_BYTES,	/* u32, read-only: their bytes */
	MHO_BINDING_A_CACHE_MS,		/* u32: home agent, T_b: how long a
					 * copy of a control message is kept;
					 * 0 means the netns-wide CACHE_MS
					 */
	MHO_BINDING_A_CACHED_PKTS,	/* u32, read-only: copies kept now */
	MHO_BINDING_A_CTX_SAS,		/* u32, read-only: SAs in the
					 * binding's pending IPsec context
					 */
	MHO_BINDING_A_CTX_POLICIES,	/* u32, read-only: its policies */
	MHO_BINDING_A_EFFECTIVE_LIMITS,	/* nest, enum mho_limits_a,
					 * read-only: MAX_PKTS, MAX_BYTES and
					 * MAX_HOLD_MS in force (never 0)
					 */

	__MHO_BINDING_A_MAX,
};

#define MHO_BINDING_A_MAX (__MHO_BINDING_A_MAX - 1)

/*
 * Limits. In MHO_A_LIMITS (netns-wide) every attribute may appear; the
 * first three are then the default and the ceiling for every binding:
 * a binding's effective limit is the smaller of its own and these.
 */
enum mho_limits_a {
	MHO_LIMITS_A_UNSPEC,
	MHO_LIMITS_A_MAX_PKTS,		/* u32: packets held per binding */
	MHO_LIMITS_A_MAX_BYTES,		/* u32: bytes held per binding */
	MHO_LIMITS_A_MAX_HOLD_MS,	/* u32: longest a packet is held */
	MHO_LIMITS_A_MAX_BINDINGS,	/* u32: bindings in the netns */
	MHO_LIMITS_A_MAX_PEERS,		/* u32: peers in the netns */
	MHO_LIMITS_A_TOTAL_PKTS,	/* u32: packets held, all bindings */
	MHO_LIMITS_A_TOTAL_BYTES,	/* u32: bytes held, all bindings */
	MHO_LIMITS_A_CACHE_MS,		/* u32: T_b of home agent bindings
					 * that have none of their own; 0
					 * turns their cache off
					 */
	MHO_LIMITS_A_CACHE_PKTS,	/* u32: control message copies kept
					 * per binding
					 */
	MHO_LIMITS_A_CACHE_TOTAL,	/* u32: copies kept, all bindings */

	__MHO_LIMITS_A_MAX,
};

#define MHO_LIMITS_A_MAX (__MHO_LIMITS_A_MAX - 1)

/* Per-binding counters, all u64 and monotonic. */
enum mho_ctr_a {
	MHO_CTR_A_UNSPEC,
	MHO_CTR_A_PAD,
	MHO_CTR_A_RX_PKTS,	/* packets matched to the binding */
	MHO_CTR_A_RX_BYTES,	/* their bytes (IPv6 header included) */
	MHO_CTR_A_HELD,		/* packets put in a hold queue */
	MHO_CTR_A_FORWARDED,	/* packets tunnelled to the peer (FORWARD) */
	MHO_CTR_A_COPIED,	/* copies tunnelled to bicast peers */
	MHO_CTR_A_RELEASED,	/* held packets delivered by this router */
	MHO_CTR_A_TUNNEL_RX,	/* packets received from a peer's tunnel */
	MHO_CTR_A_DUPLICATES,	/* duplicates dropped before delivery */
	MHO_CTR_A_MARKERS_TX,	/* end-markers sent */
	MHO_CTR_A_MARKERS_RX,	/* end-markers received from the peer */
	MHO_CTR_A_DROP_LIMIT,	/* dropped: the binding's hold limits */
	MHO_CTR_A_DROP_TOTAL,	/* dropped: the netns-wide hold limits */
	MHO_CTR_A_DROP_EXPIRED,	/* dropped: held longer than MAX_HOLD_MS,
				 * or dropped when a hold was abandoned
				 */
	MHO_CTR_A_DROP_ERROR,	/* dropped: no route, device gone, no
				 * memory, or refused by the output path
				 */
	MHO_CTR_A_HOME_TUNNELLED,	/* home agent: packets for the home
					 * address tunnelled to the care-of
					 * address
					 */
	MHO_CTR_A_CACHED,	/* home agent: control messages (HoTI, CoTI,
				 * BU) copied into the cache
				 */
	MHO_CTR_A_REFORWARDED,	/* copies re-forwarded to a new care-of
				 * address
				 */
	MHO_CTR_A_CACHE_EXPIRED,	/* copies dropped after T_b */
	MHO_CTR_A_CACHE_FULL,	/* control messages not copied: the cache
				 * limits, or larger than 1280 bytes
				 */
	MHO_CTR_A_MH_MALFORMED,	/* Mobility Header packets that could not be
				 * parsed (passed on untouched, not copied)
				 */
	MHO_CTR_A_DROP_TOO_BIG,	/* dropped: larger than any tunnel packet
				 * can carry (an inner packet above 65,519
				 * bytes, 65,535 for the home agent); a
				 * Packet Too Big was sent for each
				 */
	MHO_CTR_A_FRAG_FOLLOWED,	/* pAR buffering: fragments sent to the
					 * MN's link after their datagram's
					 * first fragment, which went before
					 * the buffering began, not held
					 */

	__MHO_CTR_A_MAX,
};

#define MHO_CTR_A_MAX (__MHO_CTR_A_MAX - 1)

/* Netns-wide state and counters, read-only. */
enum mho_stats_a {
	MHO_STATS_A_UNSPEC,
	MHO_STATS_A_PAD,
	MHO_STATS_A_BINDINGS,	/* u32: bindings now */
	MHO_STATS_A_PEERS,	/* u32: peers now */
	MHO_STATS_A_RX_PKTS,	/* u64: packets matched to any binding */
	MHO_STATS_A_RX_BYTES,	/* u64 */
	MHO_STATS_A_GENERATION,	/* u32: bumped by every change; a dump that
				 * saw it move is flagged NLM_F_DUMP_INTR
				 */
	MHO_STATS_A_HELD_PKTS,	/* u32: packets held now, all bindings */
	MHO_STATS_A_HELD_BYTES,	/* u32: their bytes */
	MHO_STATS_A_UNTRUSTED,	/* u64: mho tunnel packets and end-markers
				 * dropped because they came from no
				 * configured peer, or failed the IPsec
				 * inbound policy check
				 */
	MHO_STATS_A_CACHED_PKTS,	/* u32: control message copies kept
					 * now, all bindings
					 */
	MHO_STATS_A_CTX_INDEX_ENTRIES,	/* u32: entries in the index of the
					 * namespace's SAs and policies by
					 * address (context export and move)
					 */
	MHO_STATS_A_CTX_INDEX_BUILDS,	/* u32: times it was built from a
					 * walk of XFRM
					 */
	MHO_STATS_A_CTX_INDEX_WALKS,	/* u32: snapshots that walked XFRM
					 * because the index could not serve
					 */

	__MHO_STATS_A_MAX,
};

#define MHO_STATS_A_MAX (__MHO_STATS_A_MAX - 1)

/* What an MHO_CMD_EVENT notification reports. */
enum mho_event {
	MHO_EVENT_STATE = 1,	/* the module changed a binding's state */
	MHO_EVENT_OVERFLOW,	/* a hold queue dropped its first packet
				 * (once per hold; the counters have the rest)
				 */
	MHO_EVENT_ATTACH,	/* the MN's unsolicited NA released a hold */
	MHO_EVENT_MARKER,	/* the end-marker arrived from the peer */
	MHO_EVENT_EXPIRED,	/* a hold the MN never claimed was dropped */
	MHO_EVENT_REFORWARD,	/* home agent: cached control messages were
				 * re-forwarded to the new care-of address
				 */
	MHO_EVENT_CACHE_FULL,	/* home agent: a control message was not
				 * copied (once until the cache empties)
				 */
	MHO_EVENT_CONTEXT,	/* an IPsec context was installed for the
				 * binding (COUNT: its SAs)
				 */
	MHO_EVENT_CUT,		/* the cut-point marker arrived from the
				 * peer: the bicast copies held before it
				 * were dropped (DROPPED: how many)
				 */
	MHO_EVENT_MARKER_LOST,	/* an end-marker or cut-point marker could
				 * not be sent (no route to the peer, no
				 * memory): the peer waits out its
				 * marker-wait instead
				 */

	__MHO_EVENT_MAX,
};

#define MHO_EVENT_MAX (__MHO_EVENT_MAX - 1)

enum mho_event_a {
	MHO_EVENT_A_UNSPEC,
	MHO_EVENT_A_TYPE,	/* u8, enum mho_event */
	MHO_EVENT_A_BINDING,	/* u32: binding id */
	MHO_EVENT_A_STATE,	/* u8, enum mho_state: the state now */
	MHO_EVENT_A_DROPPED,	/* u32: EXPIRED, CUT: packets dropped */
	MHO_EVENT_A_COUNT,	/* u32: REFORWARD: copies re-forwarded */

	__MHO_EVENT_A_MAX,
};

#define MHO_EVENT_A_MAX (__MHO_EVENT_A_MAX - 1)

/*
 * An MN's IPsec context (seed 003): its SAs and policies, as XFRM holds
 * them. SA and policy contents use the XFRM UAPI structures of
 * <linux/xfrm.h>, so every field has the meaning "ip xfrm" gives it.
 * Documentation/context.rst describes the file format mhoctl keeps a
 * context in.
 */
#define MHO_CTX_VERSION		2
#define MHO_CTX_MAGIC		"MHOCTX\n"	/* 8 bytes with the NUL */
#define MHO_CTX_MAX_SA		32	/* SAs in one context */
#define MHO_CTX_MAX_POLICY	32	/* policies in one context */
#define MHO_CTX_SEQ_MARGIN	4096	/* default for SEQ_MARGIN */
#define MHO_CTX_MAX_BRIDGE	600	/* seconds, the most BRIDGE takes */

/* What export does with the SAs and policies it exported. */
enum mho_ctx_dispose {
	MHO_CTX_KEEP,		/* leave them installed (the default) */
	MHO_CTX_DELETE,		/* delete them from this router */
	MHO_CTX_INACTIVE,	/* delete them, and keep a copy as the
				 * binding's pending context, which
				 * MHO_CMD_CTX_ACTIVATE re-installs
				 * (switch-back)
				 */
	MHO_CTX_LEAVING,	/* as INACTIVE, but the SAs towards this
				 * router stay installed, and the policies
				 * that are not outbound stay with every
				 * template optional, until the binding's
				 * handoff ends (state end or idle, drop,
				 * delete; activate keeps the SAs): what
				 * the MN sends before it leaves is taken
				 */

	__MHO_CTX_DISPOSE_MAX,
};

#define MHO_CTX_DISPOSE_MAX (__MHO_CTX_DISPOSE_MAX - 1)

/* How import installs a context. */
enum mho_ctx_mode {
	MHO_CTX_REACTIVE,	/* at once, then release held packets
				 * (the default)
				 */
	MHO_CTX_PREDICTIVE,	/* built and kept pending on the binding;
				 * MHO_CMD_CTX_ACTIVATE installs it
				 */

	__MHO_CTX_MODE_MAX,
};

#define MHO_CTX_MODE_MAX (__MHO_CTX_MODE_MAX - 1)

enum mho_ctx_a {
	MHO_CTX_A_UNSPEC,
	MHO_CTX_A_VERSION,	/* u32, MHO_CTX_VERSION; required in a
				 * context given to import
				 */
	MHO_CTX_A_AR,		/* binary, struct in6_addr: the exporting
				 * router's end of the MN's SAs. Export finds
				 * it when not given.
				 */
	MHO_CTX_A_COA,		/* binary, struct in6_addr: the MN's
				 * care-of address the SAs use
				 */
	MHO_CTX_A_HOA,		/* binary, struct in6_addr: the MN's home
				 * address, if its binding has one
				 */
	MHO_CTX_A_SA,		/* nest, enum mho_sa_a; one per SA */
	MHO_CTX_A_POLICY,	/* nest, enum mho_pol_a; one per policy */
	MHO_CTX_A_DISPOSE,	/* u8, enum mho_ctx_dispose */
	MHO_CTX_A_MODE,		/* u8, enum mho_ctx_mode */
	MHO_CTX_A_NEW_AR,	/* binary, struct in6_addr: replaces AR */
	MHO_CTX_A_NEW_COA,	/* binary, struct in6_addr: replaces COA;
				 * import defaults to the binding's COA
				 */
	MHO_CTX_A_SEQ_MARGIN,	/* u32: added to every SA's outbound
				 * sequence number, for the packets the old
				 * router may have sent after the snapshot
				 */
	MHO_CTX_A_SPI,		/* nest, enum mho_spi_a; one per SPI that
				 * changed (import's reply) or must change
				 * (move's request)
				 */
	MHO_CTX_A_N_SA,		/* u32, read-only: SAs installed or kept */
	MHO_CTX_A_N_POLICY,	/* u32, read-only: policies */
	MHO_CTX_A_GENERATION,	/* u64: the export's generation, above
				 * every earlier one of the exporting
				 * namespace; an import must carry one above
				 * every generation the binding imported
				 */
	MHO_CTX_A_PAD,		/* alignment of GENERATION, if needed */
	MHO_CTX_A_BRIDGE,	/* u32, seconds, 1 to MHO_CTX_MAX_BRIDGE
				 * (import, move): with the care-of address
				 * changing, also install, for that long, a
				 * copy of each policy whose selector names
				 * the old one (a /128), with that address
				 * kept and its templates rewritten, for the
				 * packets forwarded to it during the handoff
				 */
	MHO_CTX_A_N_BRIDGE,	/* u32, read-only: those copies, if any */

	__MHO_CTX_A_MAX,
};

#define MHO_CTX_A_MAX (__MHO_CTX_A_MAX - 1)

/* One SA. INFO and exactly one of AEAD, CRYPT (with AUTH) are required. */
enum mho_sa_a {
	MHO_SA_A_UNSPEC,
	MHO_SA_A_INFO,		/* struct xfrm_usersa_info: selector, id,
				 * outer source, lifetimes and their current
				 * counters, reqid, mode, window, flags
				 */
	MHO_SA_A_AEAD,		/* struct xfrm_algo_aead, then the key */
	MHO_SA_A_CRYPT,		/* struct xfrm_algo, then the key */
	MHO_SA_A_AUTH,		/* struct xfrm_algo_auth, then the key */
	MHO_SA_A_REPLAY,	/* struct xfrm_replay_state: sequence
				 * numbers and window, without ESN
				 */
	MHO_SA_A_REPLAY_ESN,	/* struct xfrm_replay_state_esn, then its
				 * bitmap: with ESN (or a large window)
				 */
	MHO_SA_A_MARK,		/* struct xfrm_mark */
	MHO_SA_A_IF_ID,		/* u32: xfrm interface id */
	MHO_SA_A_EXTRA_FLAGS,	/* u32: XFRM_SA_XFLAG_* */
	MHO_SA_A_TFCPAD,	/* u32: TFC padding */

	__MHO_SA_A_MAX,
};

#define MHO_SA_A_MAX (__MHO_SA_A_MAX - 1)

/* One policy of the main type. */
enum mho_pol_a {
	MHO_POL_A_UNSPEC,
	MHO_POL_A_INFO,		/* struct xfrm_userpolicy_info */
	MHO_POL_A_TMPL,		/* 1 to XFRM_MAX_DEPTH struct
				 * xfrm_user_tmpl
				 */
	MHO_POL_A_MARK,		/* struct xfrm_mark */
	MHO_POL_A_IF_ID,	/* u32 */

	__MHO_POL_A_MAX,
};

#define MHO_POL_A_MAX (__MHO_POL_A_MAX - 1)

/* An SPI that changed because the old one was taken on the new router. */
enum mho_spi_a {
	MHO_SPI_A_UNSPEC,
	MHO_SPI_A_OLD,		/* u32, host order */
	MHO_SPI_A_NEW,		/* u32, host order */

	__MHO_SPI_A_MAX,
};

#define MHO_SPI_A_MAX (__MHO_SPI_A_MAX - 1)

#endif /* _UAPI_LINUX_MHO_H */
