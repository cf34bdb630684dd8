/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhod's configuration: an INI-style file (Documentation/mhod.conf.5) read
 * into fixed-size tables. Errors name the file, line and column.
 */
#ifndef MHOD_CONF_H
#define MHOD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MHOD_CONF_MAX_BYTES	(4 << 20)
#define MHOD_CONF_LINE_MAX	1024
#define MHOD_CONF_NAME_MAX	32	/* section names, with the NUL */
#define MHOD_CONF_PATH_MAX	256
#define MHOD_CONF_IFACES	16
#define MHOD_CONF_NEIGHBORS	64
#define MHOD_CONF_APS		16	/* access points per neighbour */
/* [Peer] and [Key]: one of each per mobile node, allocated as they come */
#define MHOD_CONF_PEERS		4096
#define MHOD_CONF_KEYS		4096
#define MHOD_CONF_IPSEC		64
#define MHOD_CONF_ERR_MAX	512

enum mhod_role { MHOD_ROLE_NONE, MHOD_ROLE_AR, MHOD_ROLE_MN, MHOD_ROLE_HA };

enum mhod_if_kind { MHOD_IF_ACCESS = 1, MHOD_IF_CORE, MHOD_IF_MOBILE };
enum mhod_peer_kind {
	MHOD_PEER_MN = 1, MHOD_PEER_AR, MHOD_PEER_HA,
};

enum mhod_key_kind { MHOD_KEY_BADF = 1, MHOD_KEY_CXTP };

enum mhod_ipsec_mode { MHOD_IPSEC_STATIC = 1, MHOD_IPSEC_IKEV2 };
enum mhod_log { MHOD_LOG_ERR = 1, MHOD_LOG_WARN, MHOD_LOG_INFO,
		MHOD_LOG_DEBUG };
enum mhod_preauth { MHOD_PREAUTH_NONE = 1, MHOD_PREAUTH_FMIP,
		    MHOD_PREAUTH_IKEV2 };

/* Where a reference was written, for errors found after parsing. */
struct mhod_conf_pos {
	uint32_t line, col;
};

struct mhod_conf_lla {
	uint8_t len;
	uint8_t addr[16];
};

struct mhod_conf_iface {
	char name[16];		/* IFNAMSIZ */
	enum mhod_if_kind kind;
	bool has_lla;
	struct mhod_conf_lla lla;
	uint8_t naddrs;
	struct in6_addr addr[4];
	uint8_t plen[4];
	struct mhod_conf_pos pos;
};

struct mhod_conf_neighbor {
	char name[MHOD_CONF_NAME_MAX];
	struct in6_addr router;
	struct in6_addr prefix;
	uint8_t plen;
	bool has_lla;
	struct mhod_conf_lla lla;	/* the nAR's on the new link */
	uint8_t naps;
	struct mhod_conf_lla ap[MHOD_CONF_APS];
	char ipsec[MHOD_CONF_NAME_MAX];
	struct mhod_conf_pos pos, ipsec_pos, router_pos, prefix_pos;
	struct mhod_conf_pos ap_pos[MHOD_CONF_APS];
};

struct mhod_conf_peer {
	char name[MHOD_CONF_NAME_MAX];
	enum mhod_peer_kind kind;
	struct in6_addr addr;
	bool has_lla;
	struct mhod_conf_lla lla;
	char key[MHOD_CONF_NAME_MAX];
	char ipsec[MHOD_CONF_NAME_MAX];
	/* A mobile node's CXTP key: its context moves with its handoffs. */
	char ctx_key[MHOD_CONF_NAME_MAX];
	/* Its home address (the inner address of its IPsec tunnel). */
	bool has_home;
	struct in6_addr home;
	struct mhod_conf_pos pos, addr_pos, key_pos, ipsec_pos, ctx_key_pos;
};

struct mhod_conf_key {
	char name[MHOD_CONF_NAME_MAX];
	enum mhod_key_kind kind;
	char file[MHOD_CONF_PATH_MAX];	/* the key itself is never inline */
	uint32_t spi;
	bool has_spi;
	struct mhod_conf_pos pos;
};

struct mhod_conf_ipsec {
	char name[MHOD_CONF_NAME_MAX];
	enum mhod_ipsec_mode mode;
	char connection[64];		/* IKEv2: swanctl connection name */
	uint32_t spi_in, spi_out;	/* static SAs (ip xfrm) */
	struct mhod_conf_pos pos, mode_pos;
};

/* RFC 5568 9, RFC 6275 12-13, RFC 4067 4 (SIGNALING.md 2.9, 3.3, 4.4) */
struct mhod_conf_timers {
	uint32_t rtsolpr_timeout_ms;
	uint32_t rtsolpr_retries;
	uint32_t rtsolpr_rate;		/* per second */
	uint32_t hi_timeout_ms;
	uint32_t hi_retries;
	uint32_t fbu_timeout_ms;
	uint32_t fbu_retries;
	uint32_t fbu_lifetime_ms;	/* whole seconds on the wire */
	uint32_t preauth_lifetime_ms;	/* whole seconds (XFRM lifetimes) */
	uint32_t proxy_nd_ms;
	/* MN: the lifetime its BUs ask for; HA: the most it grants (4 s
	 * units on the wire, so a multiple of 4 s).
	 */
	uint32_t binding_lifetime_ms;
	uint32_t binding_refresh_ms;	/* BRA in the BA; 0: none */
	uint32_t bindack_first_ms;
	uint32_t bindack_ms;
	uint32_t bindack_max_ms;
	uint32_t ct_request_retry_ms;
	uint32_t ct_retry_max_ms;
	uint32_t ct_max_transfer_ms;
	/* A context's bridging policies for the old CoA (whole seconds on
	 * the wire); 0: none.
	 */
	uint32_t ctx_bridge_ms;
};

struct mhod_conf_limits {
	uint32_t mobile_nodes;		/* bindings/handoffs at once */
	uint32_t buffer_packets;	/* held packets per MN */
	uint32_t buffer_bytes;
	uint32_t pending_hi;		/* HIs awaiting HAck */
	uint32_t signal_rate;		/* messages per second per MN */
	uint32_t log_rate;		/* rate-limited log lines per second */
};

struct mhod_conf {
	enum mhod_role role;
	enum mhod_log log_level;
	enum mhod_preauth preauth;
	bool ctx_transfer;		/* [General] ContextTransfer */
	struct mhod_conf_pos ctx_transfer_pos;
	char control[108];		/* sun_path */
	uint8_t nifaces, nneighbors, nipsec;
	uint16_t npeers, nkeys;
	uint16_t peers_cap, keys_cap;	/* allocated */
	struct mhod_conf_iface ifaces[MHOD_CONF_IFACES];
	struct mhod_conf_neighbor neighbors[MHOD_CONF_NEIGHBORS];
	struct mhod_conf_peer *peers;		/* npeers of them */
	struct mhod_conf_key *keys;		/* nkeys */
	struct mhod_conf_ipsec ipsec[MHOD_CONF_IPSEC];
	struct mhod_conf_timers timers;
	struct mhod_conf_limits limits;
	struct mhod_conf_pos role_pos;
};

/*
 * Parse text (len octets, NULs rejected) named fname in messages. On
 * error returns -1 and writes "fname:line:col: message" to err, and c
 * holds no memory. The struct is filled with defaults first: a parsed one
 * must be given to mhod_conf_free() before it is parsed into again.
 */
int mhod_conf_parse(struct mhod_conf *c, const char *text, size_t len,
		    const char *fname, char err[MHOD_CONF_ERR_MAX]);
/* What a successful parse allocated (the peers and keys); c is emptied. */
void mhod_conf_free(struct mhod_conf *c);
/* Read and parse a file (at most MHOD_CONF_MAX_BYTES). */
int mhod_conf_load(struct mhod_conf *c, const char *path,
		   char err[MHOD_CONF_ERR_MAX]);

const struct mhod_conf_neighbor *
mhod_conf_neighbor_by_ap(const struct mhod_conf *c, const uint8_t *ap,
			 size_t len);
const struct mhod_conf_neighbor *
mhod_conf_neighbor_by_addr(const struct mhod_conf *c,
			   const struct in6_addr *a);

#endif /* MHOD_CONF_H */
