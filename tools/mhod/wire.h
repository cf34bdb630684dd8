/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhod's wire layer: parsers (bytes -> struct) and builders (struct ->
 * bytes) for every signaling message mhod sends or receives:
 *
 *   ICMPv6 154  RtSolPr, PrRtAdv (RFC 5568), legacy HI/HAck (RFC 4068)
 *   ICMPv6 136  Neighbor Advertisement, of which the UNA (RFC 5568 6.3)
 *   ICMPv6 134  Router Advertisement, with the NAACK option (RFC 5568 6.4.6)
 *   ICMPv6 150  CXTP over ICMPv6 (RFC 4065 8, RFC 4067)
 *   MH 5-9,14,15 BU, BA, BE (RFC 6275), FBU, FBack, HI, HAck (RFC 5568)
 *   SCTP 5091   CXTP messages between access routers (RFC 4067)
 *
 * and mhod's private pre-authentication options (seed 001), in the
 * experimental option ranges. Documentation/mhod-wire.rst describes every
 * field, option, rule and error code.
 *
 * Parsers never read outside the buffer they are given and never allocate:
 * variable-length fields (authenticators, certificate fragments, context
 * blocks, unknown options) point into that buffer, which must outlive the
 * parsed struct. A parser returns MHOD_OK or the error code of the first
 * rule the message breaks, and sets *err_off (when not NULL) to the offset
 * of the offending octet. Builders check the struct with the same rules (by
 * parsing what they wrote) and never write past the capacity they are
 * given.
 */
#ifndef MHOD_WIRE_H
#define MHOD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Limits (each rejection has an error code below). */
#define MHOD_MSG_MAX		4096	/* largest ICMPv6 or CXTP message */
#define MHOD_MH_MAX		2048	/* (255 + 1) * 8: Header Len is one octet */
#define MHOD_OPTS_MAX		32	/* options per message, padding excluded */
#define MHOD_LLA_MAX		16	/* link-layer address octets */
#define MHOD_AUTH_MIN		12	/* BAD/BADF authenticator: >= 96 bits */
#define MHOD_AUTH_MAX		64
#define MHOD_CDBS_MAX		16	/* context data blocks per CXTP message */
#define MHOD_CXTP_STATUS_MAX	16	/* FPT/status pairs in CTAA/CTDR */
#define MHOD_CXTP_KEY_MAX	64	/* CXTP token key in PCTD/CTD */

/*
 * Error codes. X(NAME, "description"): the daemon counts rejections per
 * code (mhod_err_name() gives a stable counter name).
 */
#define MHOD_ERRORS(X)							\
	X(OK, "no error")						\
	X(TRUNCATED, "message shorter than its fixed part or its length field") \
	X(TOO_LONG, "message longer than the largest accepted")	\
	X(CHECKSUM, "ICMPv6 or Mobility Header checksum is wrong")	\
	X(HOP_LIMIT, "Hop Limit is not 255")				\
	X(ICMP_TYPE, "ICMPv6 type not handled by mhod")			\
	X(ICMP_SUBTYPE, "unknown ICMPv6 154/150 subtype")		\
	X(ICMP_CODE, "ICMPv6 code not valid for this message")		\
	X(IDENT, "Identifier must be 0 in an unsolicited PrRtAdv")	\
	X(ND_TARGET, "NA target address is multicast")			\
	X(ND_FLAGS, "NA with S set sent to a multicast address")	\
	X(RA_SOURCE, "Router Advertisement not from a link-local address") \
	X(ND_OPT_LEN, "ND option length is zero or wrong for its type") \
	X(ND_OPT_OVERRUN, "ND option runs past the end of the message") \
	X(MH_PROTO, "Mobility Header Payload Proto is not 59 (none)")	\
	X(MH_LEN, "octets after the end given by Header Len")		\
	X(MH_SHORT, "Header Len below the minimum for the MH type")	\
	X(MH_TYPE, "unknown Mobility Header type")			\
	X(MH_OPT_LEN, "mobility option length wrong for its type")	\
	X(MH_OPT_OVERRUN, "mobility option runs past the end of the header") \
	X(MH_OPT_ALIGN, "mobility option not at its alignment")	\
	X(PAD, "padding too long or not zero")				\
	X(OPT_CODE, "option code not valid here")			\
	X(OPT_UNEXPECTED, "option not allowed in this message")	\
	X(OPT_DUP, "option appears more often than allowed")		\
	X(OPT_MISSING, "a required option is missing")			\
	X(OPT_ORDER, "options out of the required order")		\
	X(TOO_MANY_OPTS, "more options than mhod accepts")		\
	X(PLEN, "prefix length above 128")				\
	X(FLAGS, "flag combination the RFC forbids")			\
	X(CODE, "code or status value the RFC does not define")	\
	X(PA_KIND, "unknown mhod pre-authentication payload kind")	\
	X(PA_FLAGS, "reserved bits set in a pre-authentication option") \
	X(PA_FRAG, "pre-authentication fragments not contiguous or empty") \
	X(PA_LEN, "pre-authentication payload length out of range")	\
	X(CXTP_VERSION, "CXTP version is not 1")			\
	X(CXTP_TYPE, "unknown CXTP message type")			\
	X(CXTP_LEN, "CXTP Length field does not match the message")	\
	X(CXTP_IPV4, "CXTP message with IPv4 addresses (V=1)")		\
	X(CXTP_ALG, "CXTP key algorithm is not HMAC_SHA1 (1)")		\
	X(CXTP_KEY_LEN, "CXTP key length out of range")		\
	X(CDB_LEN, "context data block length zero or past the end")	\
	X(CDB_MISSING, "context data message without a data block")	\
	X(CDB_TOO_MANY, "more context data blocks or statuses than accepted") \
	X(CDB_REQUEST, "context request block carries data")		\
	X(SA_VERSION, "IPsec SA context block version is not 1")	\
	X(SA_FIELD, "IPsec SA context block field out of range")	\
	X(SA_LEN, "IPsec SA context block length wrong")		\
	X(CTX_BLOCK, "mho context block: length, flags or padding wrong") \
	X(CTX_ORDER, "mho context blocks: not contiguous, or none last") \
	X(SPI_MAP, "SPI changes in a CTDR: count, status or SPI wrong")	\
	X(NOSPACE, "builder: output buffer too small")			\
	X(INVAL, "builder: message struct is not valid")		\
	X(CRYPTO, "libcrypto could not compute a MAC")

#define MHOD_ERR_ENUM(name, desc) MHOD_E_##name,
enum mhod_err {
	MHOD_ERRORS(MHOD_ERR_ENUM)
	MHOD_E__MAX
};

#undef MHOD_ERR_ENUM

#define MHOD_OK MHOD_E_OK

/* "CHECKSUM", "MH_OPT_ALIGN", ...: stable names for counters. */
const char *mhod_err_name(enum mhod_err err);
/* One-line description for logs. */
const char *mhod_strerror(enum mhod_err err);

/*
 * What the parser needs from the packet around the message. The daemon
 * fills it from the socket's ancillary data (IPV6_PKTINFO,
 * IPV6_HOPLIMIT, IPV6_DSTOPTS, IPV6_RTHDR).
 */
struct mhod_pkt_info {
	/* Checksum pseudo-header: the IPv6 source, or the Home Address of a
	 * Home Address option (RFC 6275 6.1.1) ...
	 */
	struct in6_addr src;
	/* ... and the final destination (a type 2 routing header's address). */
	struct in6_addr dst;
	/* Received Hop Limit; -1: unknown, not checked. */
	int hop_limit;
	/* Link-layer address length on the link (ND options 1, 2, 19 have
	 * no inner length); 0 means 6 (Ethernet).
	 */
	uint8_t lla_len;
	/* CXTP CTD: key material follows the previous IP address (the CTD
	 * answers a CT-Req whose Token was 0; RFC 4067 2.5.3). Nothing in
	 * the CTD itself says so.
	 */
	bool ctd_has_key;
};

/* ---------------------------------------------------------------------
 * mhod pre-authentication payloads (private, experimental range; seed 001:
 * RtSolPr/HI carry {SAi, KEi, Ni, CERT_MN, Sig_MN}, HAck/PrRtAdv carry
 * {SAr, KEr, Nr, CERT_nAR, Sig_nAR}; the daemon sends SA, KE and NONCE
 * in FBU/HI and HAck/FBack, see pakeys.h). Carried in ND option 253 (RFC 4727)
 * and mobility option 18 (RFC 5096), both with Experiment ID 0x6d68 "mh";
 * a payload too long for one option is split across consecutive options
 * of the same kind, all but the last with the M flag.
 */
#define MHOD_PA_EXPID		0x6d68
#define MHOD_PA_F_MORE		0x80
#define MHOD_PA_MAX		2048	/* reassembled payload */
#define MHOD_PA_MH_FRAG_MAX	251	/* 255 - ExpID(2) - Kind(1) - Flags(1) */
#define MHOD_PA_ND_FRAG_MAX	2032	/* 255 * 8 - 8 */

enum mhod_pa_kind {
	MHOD_PA_SA = 1,		/* SPI(4), transforms: Type(1) Rsvd(1) ID(2) */
	MHOD_PA_KE = 2,		/* DH group(2) Rsvd(2) key exchange data */
	MHOD_PA_NONCE = 3,	/* 16..256 octets */
	MHOD_PA_CERT = 4,	/* encoding(1, IKEv2) certificate data */
	MHOD_PA_AUTH = 5,	/* auth method(1, IKEv2) signature */
	/* Not pre-authentication: the SPIs the nAR changed in the MN's
	 * context (FBack): pairs Old(4) New(4) (mhod-wire.rst).
	 */
	MHOD_PA_SPI_MAP = 6,
	MHOD_PA_KIND_MAX = MHOD_PA_SPI_MAP
};

#define MHOD_SPI_MAP_MAX	32	/* SPI changes: MHO_CTX_MAX_SA */

struct mhod_spi_change {
	uint32_t old_spi, new_spi;	/* host order */
};

struct mhod_pa_frag {
	uint8_t kind;		/* enum mhod_pa_kind */
	bool more;		/* M: the payload continues in the next option */
	uint16_t len;
	const uint8_t *data;
};

/* ---------------------------------------------------------------------
 * ICMPv6 messages and ND options.
 */
enum {
	MHOD_ICMP_RA = 134,
	MHOD_ICMP_NA = 136,
	MHOD_ICMP_EXP_MOBILITY = 150,	/* RFC 4065: CARD 0, CXTP 1 */
	MHOD_ICMP_FMIP = 154,
};

enum {
	MHOD_FMIP_RTSOLPR = 2,
	MHOD_FMIP_PRRTADV = 3,
	MHOD_FMIP_HI_4068 = 4,		/* deprecated by RFC 5568 */
	MHOD_FMIP_HACK_4068 = 5,
	MHOD_EXP_CXTP = 1,		/* ICMPv6 150 subtype */
};

enum {
	MHOD_ND_SLLA = 1,
	MHOD_ND_TLLA = 2,
	MHOD_ND_IPA = 17,	/* IP Address/Prefix */
	MHOD_ND_NRPI = 18,	/* New Router Prefix Information */
	MHOD_ND_LLA = 19,	/* FMIPv6 Link-Layer Address */
	MHOD_ND_NAACK = 20,
	MHOD_ND_PA = 253,	/* RFC 4727 experiment 1: mhod pre-auth */
};

/* ND option 17 / MH option 34 codes */
enum {
	MHOD_IPA_PCOA = 1, MHOD_IPA_NCOA = 2, MHOD_IPA_NAR = 3,
	MHOD_IPA_NAR_PREFIX = 4,
};

/* ND option 19 codes */
enum {
	MHOD_LLA_WILDCARD = 0, MHOD_LLA_NEW_AP = 1, MHOD_LLA_MN = 2,
	MHOD_LLA_NAR = 3, MHOD_LLA_SENDER = 4, MHOD_LLA_AP_SAME_IF = 5,
	MHOD_LLA_AP_NO_PREFIX = 6, MHOD_LLA_AP_NO_FMIP = 7,
};

#define MHOD_NA_R	0x80	/* flags octet of an NA */
#define MHOD_NA_S	0x40
#define MHOD_NA_O	0x20
#define MHOD_HI_S	0x80	/* HI octet 8 (and RFC 4068 ICMPv6 HI octet 5) */
#define MHOD_HI_U	0x40

struct mhod_nd_opt {
	uint8_t type;
	uint8_t code;		/* IPA, NRPI, LLA, NAACK option code */
	uint8_t plen;		/* IPA, NRPI */
	uint8_t status;		/* NAACK */
	uint8_t lla_len;	/* SLLA, TLLA, LLA */
	bool has_addr;		/* NAACK: supplied NCoA present (Length 3) */
	uint8_t lla[MHOD_LLA_MAX];
	struct in6_addr addr;	/* IPA, NRPI, NAACK */
	struct mhod_pa_frag pa;	/* MHOD_ND_PA */
	/* Any other option (or option 253 of another experiment): the whole
	 * option, Type and Length included, kept as it came.
	 */
	const uint8_t *raw;
	uint16_t raw_len;
};

struct mhod_cxtp;

/* ---------------------------------------------------------------------
 * CXTP (RFC 4067).
 */
enum {
	MHOD_CXTP_CTAR = 1, MHOD_CXTP_CTAA = 2, MHOD_CXTP_CTD = 3,
	MHOD_CXTP_PCTD = 4, MHOD_CXTP_CTDR = 5, MHOD_CXTP_CTC = 6,
	MHOD_CXTP_CTREQ = 7,
};

#define MHOD_CXTP_VERSION	1
#define MHOD_CXTP_F_V		0x80	/* IPv4 addresses (unsupported) */
#define MHOD_CXTP_F_A		0x40	/* CTAR, CTD, PCTD: ack wanted */
#define MHOD_CXTP_F_S		0x40	/* CTDR: every context received */
#define MHOD_CXTP_ALG_HMAC_SHA1	1
#define MHOD_CXTP_PORT		5091
#define MHOD_FPT_MLD		0x0001
#define MHOD_FPT_IPSEC_SA	0xff01	/* local, unregistered (SIGNALING 4.8) */
#define MHOD_FPT_MHO_CTX	0xff02	/* local: mho's portable context */
#define MHOD_FPT_SPI_MAP	0xff03	/* local: SPIs the nAR changed */

/* CTDR status of a context the nAR did not install (mhod-wire.rst). */
enum {
	MHOD_CTDR_OK = 0,
	MHOD_CTDR_FAILED = 128,		/* refused by the module */
	MHOD_CTDR_NOT_AUTHORIZED = 129,	/* no handoff of that MN from you */
	MHOD_CTDR_NO_RESOURCES = 130,
	MHOD_CTDR_SPI_COLLISION = 131,	/* SPI changes a CTDR cannot carry */
	MHOD_CTDR_MALFORMED = 132,	/* the blocks or the context are bad */
};

struct mhod_cdb {
	uint16_t fpt;		/* feature profile type */
	bool has_pv;		/* P: presence vector present */
	uint32_t pv;
	uint16_t len;		/* data octets, padding included */
	const uint8_t *data;
};

struct mhod_cxtp_status {
	uint16_t fpt;
	uint8_t status;
};

struct mhod_cxtp {
	uint8_t type;
	bool flag;		/* A (CTAR, CTD, PCTD) or S (CTDR) */
	struct in6_addr prev_ip;	/* the MN's previous IP address */
	struct in6_addr ar;	/* CTAR: pAR or nAR address */
	uint32_t seq;		/* CTAR, CT-Req */
	uint8_t token[4];	/* CTAR, CT-Req */
	uint32_t elapsed_ms;	/* CTD, PCTD */
	bool has_key;		/* PCTD; CTD when pkt_info.ctd_has_key */
	uint16_t alg;
	uint16_t key_len;
	const uint8_t *key;
	uint8_t ncdbs;		/* CTAR, CT-Req: requests; CTD, PCTD: data */
	struct mhod_cdb cdbs[MHOD_CDBS_MAX];
	uint8_t nstatus;	/* CTAA, CTDR */
	struct mhod_cxtp_status status[MHOD_CXTP_STATUS_MAX];
	/* CTDR: the SPIs the nAR changed (mhod's entry FPT 0xff03). */
	uint8_t nspi;
	struct mhod_spi_change spi[MHOD_SPI_MAP_MAX];
};

/* ---------------------------------------------------------------------
 * ICMPv6 message.
 */
enum mhod_msg {
	MHOD_MSG_NONE,
	MHOD_MSG_RTSOLPR, MHOD_MSG_PRRTADV, MHOD_MSG_HI_4068,
	MHOD_MSG_HACK_4068, MHOD_MSG_NA, MHOD_MSG_RA, MHOD_MSG_CXTP,
	MHOD_MSG_BU, MHOD_MSG_BA, MHOD_MSG_BE, MHOD_MSG_FBU, MHOD_MSG_FBACK,
	MHOD_MSG_HI, MHOD_MSG_HACK,
};

const char *mhod_msg_name(enum mhod_msg msg);

struct mhod_icmp {
	enum mhod_msg msg;	/* set by the parser; the builder uses it too */
	uint8_t code;		/* PrRtAdv code, legacy HAck code */
	uint16_t ident;		/* ICMPv6 154 Identifier */
	uint8_t flags;		/* NA: R|S|O; legacy HI: S|U; RA: M|O|... */
	struct in6_addr target;	/* NA */
	uint8_t cur_hop_limit;	/* RA */
	uint16_t router_lifetime;
	uint32_t reachable_time;
	uint32_t retrans_timer;
	uint8_t nopts;
	struct mhod_nd_opt opts[MHOD_OPTS_MAX];
	struct mhod_cxtp cxtp;	/* MHOD_MSG_CXTP */
};

/* An UNA (RFC 5568 6.3): an NA with R, S and O clear. */
bool mhod_na_is_una(const struct mhod_icmp *m);

/*
 * The codec of a message struct: name_parse() fills *m from buf (len
 * octets) that came between pi's addresses (*err_off: where it failed);
 * name_build() writes m, its checksum over pi->src/pi->dst included.
 */
#define MHOD_CODEC(name)						\
	enum mhod_err name##_parse(struct name *m, const uint8_t *buf,	\
				   size_t len,				\
				   const struct mhod_pkt_info *pi,	\
				   size_t *err_off);			\
	enum mhod_err name##_build(const struct name *m,		\
				   const struct mhod_pkt_info *pi,	\
				   uint8_t *buf, size_t cap, size_t *len)

/* mhod_icmp_parse(), mhod_icmp_build() */
MHOD_CODEC(mhod_icmp);

/* ---------------------------------------------------------------------
 * Mobility Header messages and options.
 */
enum {
	MHOD_MH_BU = 5, MHOD_MH_BA = 6, MHOD_MH_BE = 7, MHOD_MH_FBU = 8,
	MHOD_MH_FBACK = 9, MHOD_MH_HI = 14, MHOD_MH_HACK = 15,
};

enum {
	MHOD_MHO_PAD1 = 0, MHOD_MHO_PADN = 1, MHOD_MHO_BRA = 2,
	MHOD_MHO_ALTCOA = 3, MHOD_MHO_NONCE = 4, MHOD_MHO_BAD = 5,
	MHOD_MHO_LLA = 7, MHOD_MHO_EXP = 18, MHOD_MHO_BADF = 21,
	MHOD_MHO_IPAP = 34,
};

#define MHOD_BU_A	0x8000	/* BU/FBU flags (octets 8-9) */
#define MHOD_BU_H	0x4000
#define MHOD_BU_L	0x2000
#define MHOD_BU_K	0x1000
#define MHOD_BU_FLAGS	0xf000	/* the flags RFC 6275 defines */
#define MHOD_BA_K	0x80	/* BA/FBack octet 7 */

struct mhod_mh_opt {
	uint8_t type;
	uint8_t code;		/* LLA (2 = MN), IPAP (1 PCoA, 2 NCoA, ...) */
	uint8_t plen;		/* IPAP */
	uint8_t lla_len;	/* LLA */
	uint8_t lla[MHOD_LLA_MAX];
	uint16_t refresh;	/* BRA, units of 4 s */
	uint16_t home_nonce;	/* NONCE */
	uint16_t careof_nonce;
	uint32_t spi;		/* BADF */
	struct in6_addr addr;	/* ALTCOA, IPAP */
	/* BAD, BADF: the authenticator; other options: the data octets. */
	uint8_t len;
	const uint8_t *data;
	struct mhod_pa_frag pa;	/* MHOD_MHO_EXP with the mhod Experiment ID */
	uint16_t off;		/* parser: offset of the option's Type octet */
};

struct mhod_mh {
	enum mhod_msg msg;	/* set by the parser */
	uint8_t type;		/* MH type */
	uint16_t seq;
	/* BU/FBU: MHOD_BU_*; BA/FBack: MHOD_BA_K; HI: MHOD_HI_* */
	uint16_t flags;
	uint16_t lifetime;	/* BU/BA: 4 s units; FBU/FBack: seconds */
	uint8_t status;		/* BA, FBack, BE */
	uint8_t code;		/* HI, HAck */
	struct in6_addr home_addr;	/* BE */
	uint8_t nopts;
	struct mhod_mh_opt opts[MHOD_OPTS_MAX];
};

/* mhod_mh_parse(), mhod_mh_build(): the build writes the header with its
 * options and padding. A BAD/BADF option whose data is NULL gets a zero
 * authenticator of len octets, for mhod_mh_badf_sign().
 */
MHOD_CODEC(mhod_mh);

/* The option of that type (and, for code >= 0, that code), or NULL. */
const struct mhod_mh_opt *mhod_mh_opt_find(const struct mhod_mh *m,
					   uint8_t type, int code);
const struct mhod_nd_opt *mhod_nd_opt_find(const struct mhod_icmp *m,
					   uint8_t type, int code);

/*
 * BADF (RFC 5568 6.4.5, RFC 6275 6.2.7): Authenticator =
 * First(96, HMAC_SHA1(key, CoA | PAR | MH data)), MH data being the header
 * with a zero checksum up to the authenticator. sign() writes it into a
 * built FBU/FBack (12-octet authenticator) and recomputes the checksum;
 * verify() checks the 12-octet authenticator of m, parsed from mh, in
 * constant time (false for any other authenticator length).
 */
enum mhod_err mhod_mh_badf_sign(uint8_t *mh, size_t len,
				const struct mhod_pkt_info *pi,
				const uint8_t *key, size_t key_len,
				const struct in6_addr *coa,
				const struct in6_addr *par);
bool mhod_mh_badf_verify(const struct mhod_mh *m, const uint8_t *mh,
			 size_t len, const uint8_t *key, size_t key_len,
			 const struct in6_addr *coa,
			 const struct in6_addr *par);

/* ---------------------------------------------------------------------
 * CXTP messages without a carrier (SCTP payload); over ICMPv6 150 they
 * are part of struct mhod_icmp.
 */
enum mhod_err mhod_cxtp_parse(struct mhod_cxtp *m, const uint8_t *buf,
			      size_t len, const struct mhod_pkt_info *pi,
			      size_t *err_off);
enum mhod_err mhod_cxtp_build(const struct mhod_cxtp *m, uint8_t *buf,
			      size_t cap, size_t *len);
/* Token = First(32, HMAC_SHA1(key, prev IP | Seq | request CDBs)) over
 * the CDB octets as they are on the wire (RFC 4067 2.5.1).
 */
/* False, with the token zeroed, if libcrypto failed: never send that. */
bool mhod_cxtp_token(const uint8_t *key, size_t key_len,
		     const struct in6_addr *prev_ip, uint32_t seq,
		     const uint8_t *cdbs, size_t cdbs_len, uint8_t token[4]);
/*
 * SCTP's ancillary data for one CXTP message (RFC 4065 4: one stream,
 * unordered; payload protocol identifier 0, none was assigned), written
 * in cbuf (MHOD_CXTP_CMSG_SPACE octets, aligned) and attached to mh.
 */
#define MHOD_CXTP_CMSG_SPACE	64
struct msghdr;
void mhod_cxtp_sctp_cmsg(struct msghdr *mh, void *cbuf);
/* The request CDBs of a parsed CTAR/CT-Req as they were on the wire. */
void mhod_cxtp_req_span(const struct mhod_cxtp *m, const uint8_t **p,
			size_t *len);

/* IPsec SA context block (FPT 0xff01, SIGNALING.md 4.8, mhod-wire.rst). */
struct mhod_sa_cdb {
	uint8_t dir;		/* 0 inbound, 1 outbound at the pAR */
	uint8_t mode;		/* 1 transport, 2 tunnel */
	uint8_t proto;		/* 50 ESP, 51 AH */
	uint32_t spi;
	uint16_t encr_id;	/* IKEv2 transform ids */
	uint16_t encr_key_bits;
	uint16_t integ_id;
	uint16_t replay_window;	/* packets, a multiple of 8, <= 4096 */
	uint16_t flags;		/* bit 0: ESN */
	uint64_t oseq;
	uint64_t seq;
	const uint8_t *bitmap;	/* replay_window / 8 octets */
	uint64_t hard_bytes;
	uint64_t hard_seconds;
	struct in6_addr outer_dst, outer_src;
	uint8_t sel_dst_plen, sel_src_plen;
	struct in6_addr sel_dst, sel_src;
	uint16_t key_len;
	const uint8_t *key;	/* enc key || auth key (GCM: key || salt) */
};

#define MHOD_SA_F_ESN		0x0001
#define MHOD_SA_KEY_MAX		256
#define MHOD_SA_WINDOW_MAX	4096

enum mhod_err mhod_sa_cdb_parse(struct mhod_sa_cdb *sa,
				const struct mhod_cdb *cdb);
/* Writes the block's data (after the 4-octet CDB head) padded to 8n-4. */
enum mhod_err mhod_sa_cdb_build(const struct mhod_sa_cdb *sa, uint8_t *buf,
				size_t cap, size_t *len);

/*
 * mho's context in CXTP (FPT 0xff02, mhod-wire.rst): the portable
 * encoding of tools/lib/ctxwire.h, split over consecutive blocks, each
 * Length(2) Flags(1: M, more follow) Reserved(1) fragment, zero-padded.
 * put() fills m's blocks (after any it has) from ctx, their data in
 * work (cap octets; MHOD_CTX_WORK(len) suffice); get() gathers every
 * 0xff02 block of m into out, checking their order, flags and padding.
 */
#define MHOD_CTX_FRAG_MAX	(255 * 8 - 4 - 4)
#define MHOD_CTX_WORK(len)	((len) + 11 * ((len) / MHOD_CTX_FRAG_MAX + 1))

enum mhod_err mhod_ctx_cdbs_put(struct mhod_cxtp *m, const uint8_t *ctx,
				size_t len, uint8_t *work, size_t cap);

enum mhod_err mhod_ctx_cdbs_get(const struct mhod_cxtp *m, uint8_t *out,
				size_t cap, size_t *len);

/* ---------------------------------------------------------------------
 * Pre-authentication payloads: gather (reassemble) a kind from a parsed
 * message into out; add (fragment) a payload as options. *len is 0 when
 * the kind is absent. add returns MHOD_E_INVAL when the options do not fit.
 */
enum mhod_err mhod_icmp_pa_get(const struct mhod_icmp *m, uint8_t kind,
			       uint8_t *out, size_t cap, size_t *len);
enum mhod_err mhod_mh_pa_get(const struct mhod_mh *m, uint8_t kind,
			     uint8_t *out, size_t cap, size_t *len);
enum mhod_err mhod_icmp_pa_add(struct mhod_icmp *m, uint8_t kind,
			       const uint8_t *data, size_t len);
enum mhod_err mhod_mh_pa_add(struct mhod_mh *m, uint8_t kind,
			     const uint8_t *data, size_t len);
/*
 * The octets a pre-authentication signature (kind AUTH) covers, the same
 * whichever message carried them (so the pAR can relay an MN's payloads
 * from a RtSolPr into a HI unchanged): "mhod-pa-1", then for each of SA,
 * KE, NONCE, CERT present: Kind(1) Length(2) payload. Returns the length
 * written, 0 if cap is too small.
 */
struct mhod_pa_set {
	const uint8_t *p[MHOD_PA_KIND_MAX + 1];
	size_t len[MHOD_PA_KIND_MAX + 1];
};

size_t mhod_pa_signed_octets(const struct mhod_pa_set *set, uint8_t *out,
			     size_t cap);

#endif /* MHOD_WIRE_H */
