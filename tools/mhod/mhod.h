/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's shared declarations: logging, counters, keys, the raw
 * signaling sockets, and the entry points of each role (ar.c, mn.c) and
 * of the kernel interface (kern.c).
 */
#ifndef MHOD_MHOD_H
#define MHOD_MHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "conf.h"
#include "wire.h"

/* ---- logging (mhod.c): stderr, "mhod: LEVEL: text" ---- */
void mhod_log(enum mhod_log level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line about a rejected message: at most [Limits] LogRate a second. */
void mhod_log_reject(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
const char *mhod_ntop(const struct in6_addr *a);	/* rotating buffers */

/* ---- counters (mhod.c), shown by the control socket's "stats" ---- */
#define MHOD_COUNTERS(X)						\
	X(rx_msgs) X(tx_msgs) X(rx_malformed) X(rx_unexpected)		\
	X(rx_unknown_peer) X(rx_bad_auth) X(rx_wrong_addr)		\
	X(rx_hi_unknown_ar) X(rx_rate_limited) X(rx_replayed)		\
	X(rtsolpr) X(prrtadv)						\
	X(fbu) X(fback) X(hi) X(hack) X(una) X(retransmits)		\
	X(handoffs_ok) X(handoffs_failed) X(kernel_errors) X(tx_errors)	\
	X(kernel_events) X(resynced) X(rx_overflow)			\
	X(preauth_ok) X(preauth_failed) X(preauth_expired)		\
	X(ctx_sent) X(ctx_received) X(ctx_installed) X(ctx_activated)	\
	X(ctx_refused) X(ctx_failed) X(ctx_unknown_ar) X(ctx_moved)	\
	X(ctx_ctar) X(ctx_requested) X(ctx_bad_token)			\
	X(bu) X(ba) X(ha_registered) X(ha_deregistered) X(ha_expired)	\
	X(ha_refused) X(be_sent)

#define MHOD_CTR_FIELD(n) uint64_t n;
struct mhod_counters {
	MHOD_COUNTERS(MHOD_CTR_FIELD)
};
#undef MHOD_CTR_FIELD

extern struct mhod_counters mhod_ctr;
extern struct mhod_conf *mhod_conf;

/* [Limits] SignalingRate, per sender (mhod.c): a bucket of thousandths
 * of a message, refilled since ms. What it refuses is counted
 * (rx_rate_limited) and logged, naming what and src.
 */
struct mhod_rate {
	uint64_t ms, tokens;
};
bool mhod_rate_ok(struct mhod_rate *r, const char *what,
		  const struct in6_addr *src);

/* ---- keys (mhod.c): [Key] files, hex, read at start ---- */
#define MHOD_KEY_MAX	64
struct mhod_key {
	uint8_t len;
	uint8_t k[MHOD_KEY_MAX];
};
/* The key of a [Peer] (NULL if it has none or it could not be read). */
const struct mhod_key *mhod_peer_key(const struct mhod_conf_peer *p);
uint32_t mhod_peer_spi(const struct mhod_conf_peer *p);
/* Its CXTP key ([Peer] ContextKey), or NULL. */
const struct mhod_key *mhod_peer_ctx_key(const struct mhod_conf_peer *p);

/* xfrm.c: the signaling with every configured peer and neighbour is
 * protected by ESP (the kernel's XFRM policies say so); 0 or -1, logged.
 */
int mhod_ipsec_check(void);

/*
 * xfrm.c: the ESP SAs (AES-GCM-16) and policies (the Mobility Header,
 * local <-> remote, both /128) of a pre-authentication; the key of each
 * direction's SA, MHOD_PA_ESP_KEY_LEN octets. They last seconds at most.
 * mhod_xfrm_pa_add() leaves nothing when it fails (a negative libnl
 * error, for nl_geterror()).
 */
struct mhod_xfrm_pa {
	struct in6_addr local, remote;
	uint32_t spi_in, spi_out;	/* host order */
};

int mhod_xfrm_pa_add(const struct mhod_xfrm_pa *x, const uint8_t *key_out,
		     const uint8_t *key_in, uint32_t seconds);
void mhod_xfrm_pa_del(const struct mhod_xfrm_pa *x);

/* Our end of the tunnels to the neighbours: the first address of the
 * first core interface (NULL if none).
 */
const struct in6_addr *mhod_core_addr(void);
/* The first address of the first interface of that kind (NULL if none). */
const struct in6_addr *mhod_first_addr(enum mhod_if_kind kind);
bool mhod_in_prefix(const struct in6_addr *a, const struct in6_addr *p,
		    unsigned int plen);

/* Append a link-layer address option (type, code) to m. */
void mhod_nd_lla(struct mhod_icmp *m, uint8_t type, uint8_t code,
		 const struct mhod_conf_lla *l);

/* ---- raw sockets (net.c) ---- */
struct mhod_rx {
	const uint8_t *buf;
	size_t len;
	struct mhod_pkt_info pi;	/* src, dst (pktinfo), hop limit */
	int ifindex;
	/* A Home Address option (the kernel swapped it with the source:
	 * hao is the address the packet came from); bad_xhdr: some other
	 * Destination Options header, which no message of mhod's has.
	 */
	bool has_hao, bad_xhdr;
	struct in6_addr hao;
};

typedef void (*mhod_rx_fn)(const struct mhod_rx *rx);
/* A message that does not parse: counted (rx_malformed) and logged. */
void mhod_rx_malformed(const char *what, const struct mhod_rx *rx,
		       enum mhod_err err);
/* A Mobility Header that does not parse: mhod_rx_malformed, and a Binding
 * Error (Status 2) for one of a type mhod does not know (RFC 6275 9.2).
 */
void mhod_mh_rx_failed(const struct mhod_rx *rx, enum mhod_err err);
/* Open the ICMPv6 (type 154, 136 and 150) and Mobility Header sockets. */
int net_open(mhod_rx_fn icmp_fn, mhod_rx_fn mh_fn);
void net_close(void);
/*
 * Build an ICMPv6 message or a Mobility Header from src (NULL: the kernel
 * picks) to dst and send it out of ifindex (0: the routing table's
 * choice; else the routes through that interface); 0 or -1 (logged when
 * it cannot be built). ICMPv6 goes out with Hop Limit 255. The kernel
 * computes both checksums (raw sockets of these protocols).
 */
int net_tx_icmp(const struct mhod_icmp *m, const struct in6_addr *src,
		const struct in6_addr *dst, int ifindex);

/* An FBU's or FBack's BADF: signed with key over the CoA and the pAR. */
struct net_badf {
	const struct mhod_key *key;
	const struct in6_addr *coa, *par;
	/* Sign over src but leave the source to the kernel (the BADF does
	 * not cover it).
	 */
	bool kernel_src;
	/* If set: the message as sent (MHOD_MH_MAX octets at most). */
	uint8_t *copy;
	size_t *copy_len;
};

int net_tx_mh(const struct mhod_mh *m, const struct in6_addr *src,
	      const struct in6_addr *dst, int ifindex,
	      const struct net_badf *sign);
/* A message as it is (the MN agent's "replay"). */
int net_send_mh(const uint8_t *buf, size_t len, const struct in6_addr *src,
		const struct in6_addr *dst, int ifindex);
int net_ifindex(const char *name);
/*
 * Mobile IPv6 (RFC 6275 6.3, 6.4, 11.7.1): the MN's BU to its home
 * agent ha from its care-of address with a Home Address option (none
 * when coa is hoa), its checksum over hoa; the home agent's BA to hoa
 * through coa, in a type 2 Routing Header (none when coa is NULL or
 * hoa). 0 or -1 (logged). net_open_bu() opens the MN's socket for them.
 */
int net_open_bu(void);
int net_tx_bu(const struct mhod_mh *m, const struct in6_addr *coa,
	      const struct in6_addr *hoa, const struct in6_addr *ha);
int net_tx_ba(const struct mhod_mh *m, const struct in6_addr *ha,
	      const struct in6_addr *hoa, const struct in6_addr *coa);

/* ---- the kernel module (kern.c), through tools/lib/mhonl.h ---- */
struct kern_binding {
	uint8_t role;			/* MHO_ROLE_PAR, MHO_ROLE_NAR */
	struct in6_addr hoa, ncoa, peer;	/* :: = absent */
	/* The MN's home address ([Peer] HomeAddress): the binding's HOA,
	 * and hoa (the address it is found by) its COA. :: = none.
	 */
	struct in6_addr home;
	uint32_t max_pkts, max_bytes;	/* 0: the netns-wide limits */
};

/* Peers for every [Neighbor], and an AR's home agents (EEXIST is fine). */
int kern_peers(void);
/*
 * Home agent: the binding of home address hoa tunnels to coa; peer, the
 * AR serving coa (NULL: none), gets the end-marker when coa changes
 * again. Unbind deletes it (-ENOENT if there is none, or it is not a
 * home agent's). 0 or a negative errno (logged).
 */
int kern_ha_bind(const struct in6_addr *hoa, const struct in6_addr *coa,
		 const struct in6_addr *peer);
int kern_ha_unbind(const struct in6_addr *hoa);
/*
 * Make (or update) the binding of b->hoa and put it in state; returns 0
 * or a negative errno (the module's message is logged).
 */
int kern_binding_state(const struct kern_binding *b, uint8_t state);
/* The binding of addr: its state (or -ENOENT), its role and peer (::
 * if none).
 */
int kern_binding_get(const struct in6_addr *addr, int *role,
		     struct in6_addr *peer);
int kern_binding_del(const struct in6_addr *addr);

/* The module's events, read by the loop (logged and counted). */
int kern_events_open(void);
void kern_events_close(void);

/* RFC status codes for a module error (limits: insufficient resources). */
uint8_t kern_status(int err);

/*
 * IPsec contexts (Documentation/context.rst). Export: the binding of
 * addr, the SAs that end at this router's ar (dispose: enum
 * mho_ctx_dispose), into native, the MHO_A_CTX attributes as the module
 * gave them (free with mho_ctxw_free(), which wipes them). Import: native
 * into the nAR binding of addr, pending, this router's end new_ar, the
 * MN's new_coa (NULL: the binding's NCoA);
 * spis (room for MHOD_SPI_MAP_MAX), *nspi: the SPIs the import changed.
 * Activate: install binding id's pending context, then release its
 * hold. Move: this namespace's own SAs (the MN's) from coa/ar to
 * new_coa/new_ar, with the SPIs the nAR changed. Each returns 0 or a
 * negative errno (logged).
 */
struct mho_ctxw_buf;
int kern_ctx_export(const struct in6_addr *addr, const struct in6_addr *ar,
		    uint8_t dispose, struct mho_ctxw_buf *native);
int kern_ctx_import(const struct in6_addr *addr, const uint8_t *native,
		    size_t len, const struct in6_addr *new_ar,
		    const struct in6_addr *new_coa,
		    struct mhod_spi_change *spis, size_t *nspi);
int kern_ctx_activate(uint32_t id);
int kern_ctx_activate_addr(const struct in6_addr *addr);
/* The binding of addr (its hoa) is an MN's with that home address. */
int kern_binding_home(const struct in6_addr *addr, const struct in6_addr *home);
int kern_ctx_drop(const struct in6_addr *addr);
int kern_ctx_move(const struct in6_addr *coa, const struct in6_addr *new_coa,
		  const struct in6_addr *ar, const struct in6_addr *new_ar,
		  const struct mhod_spi_change *spis, size_t nspi);

/* ---- context transfer between access routers (ctx.c) ---- */
/* The SCTP socket (with [General] ContextTransfer); 0 or -1, logged. */
int ctx_start(void);
void ctx_stop(void);
/*
 * pAR: send the context of the MN at pcoa (its [Peer] p), the SAs that
 * end at par (the address its FBU went to), to nb, after its HAck;
 * done() is called once with the CTDR's verdict (0: installed at the
 * nAR, with the nspi SPIs it changed) or a local failure (128+), after
 * at most CTMaxTransferTime. Returns -1 if nothing was sent (done() is
 * not called).
 */
typedef void (*ctx_done_fn)(void *arg, uint8_t status,
			    const struct mhod_spi_change *spis, size_t nspi);
int ctx_send(const struct mhod_conf_peer *p, const struct in6_addr *pcoa,
	     const struct in6_addr *par, const struct mhod_conf_neighbor *nb,
	     ctx_done_fn done, void *arg);
/*
 * pAR, reactive: the same in a CTD (no key), answering nb's CT-Req,
 * which ar_ctx_request() has checked.
 */
int ctx_send_ctd(const struct mhod_conf_peer *p, const struct in6_addr *pcoa,
		 const struct in6_addr *par,
		 const struct mhod_conf_neighbor *nb, ctx_done_fn done,
		 void *arg);
/*
 * pAR: a CT-Req from the neighbour nb (ctx.c): for a configured MN in a
 * reactive handoff to nb, waiting for it, with a token of the MN's
 * ContextKey; then its context goes in a CTD. Anything else is refused,
 * counted, and nothing is sent.
 */
void ar_ctx_request(const struct mhod_conf_neighbor *nb,
		    const struct mhod_cxtp *m);
/*
 * nAR: a CTAR from the MN (ICMPv6, rx), a CTD from a neighbour; and
 * ar.c's answers for the checks: the neighbour whose [Neighbor] Prefix
 * (or Router) holds addr, and the NCoA of the handoff of the MN at pcoa
 * that par prepared here (an HI, Code 1), false if none.
 */
void ctx_on_ctar(const struct mhod_rx *rx, const struct mhod_cxtp *m);
const struct mhod_conf_neighbor *ar_neighbor_of(const struct in6_addr *addr);
bool ar_hi_ncoa(const struct in6_addr *par, const struct in6_addr *pcoa,
		struct in6_addr *ncoa);
/* pAR: the handoff of the MN at pcoa was called off; no done() call. */
void ctx_cancel(const struct in6_addr *pcoa);
/* nAR: the module reports the MN of binding id attached, context pending. */
void ctx_on_attach(uint32_t id);

/* ---- roles ---- */
int ar_start(void);
void ar_stop(void);
void ar_on_marker(void);
int mn_start(void);
void mn_stop(void);
/* mnha.c: the MN's home registration (none without a home agent). */
int mnha_start(const struct in6_addr *coa);
void mnha_stop(void);
void mnha_moved(const struct in6_addr *coa);
void mnha_on_ba(const struct mhod_rx *rx, const struct mhod_mh *m);
int mnha_command(const char *arg, char *out, size_t cap);
void mnha_dump(char *out, size_t cap);
int ha_start(void);
void ha_stop(void);
void ha_dump(char *out, size_t cap);
/* Control socket commands (mhod.c dispatches; out is one line). */
void ar_dump(char *out, size_t cap);
/* 0: out is the answer; 1: the answer comes later (mn_defer_reply). */
int mn_command(const char *cmd, char *out, size_t cap);
/* Keep the client fd of the command just taken, for mhod_ctl_reply(). */
void mn_defer_reply(int fd);
/* Answer one line to a control client and close it. */
void mhod_ctl_reply(int fd, const char *line);

/* (linux/in6.h, which linux/mho.h includes, breaks libc's IN6_ macros.) */
static inline bool mhod_addr_eq(const struct in6_addr *a,
				const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline bool mhod_addr_any(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return mhod_addr_eq(a, &any);
}

/* Neither unspecified, nor loopback, nor multicast. */
static inline bool mhod_addr_unicast(const struct in6_addr *a)
{
	static const struct in6_addr loopback = { .s6_addr[15] = 1 };

	return !mhod_addr_any(a) && a->s6_addr[0] != 0xff &&
	       !mhod_addr_eq(a, &loopback);
}

/* Sequence numbers: a after b, modulo 2^16 (RFC 6275 9.5.1). */
static inline bool mhod_seq_after(uint16_t a, uint16_t b)
{
	return (uint16_t)(a - b) != 0 && (uint16_t)(a - b) < 32768;
}

#endif /* MHOD_MHOD_H */
