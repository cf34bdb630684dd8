// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file parser (format: Documentation/mhod.conf.5).
 * Line-oriented: "[Section]", "Key = Value", "#" comments; keys and
 * words are case-insensitive. Everything goes into fixed-size tables; the
 * first error stops the parse with its file, line and column.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bytes.h"
#include "conf.h"

enum sect {
	S_NONE, S_GENERAL, S_IFACE, S_NEIGHBOR, S_PEER, S_KEY, S_IPSEC,
	S_TIMERS, S_LIMITS, S__MAX
};

static const char *const sect_names[S__MAX] = {
	[S_GENERAL] = "General", [S_IFACE] = "Interface",
	[S_NEIGHBOR] = "Neighbor", [S_PEER] = "Peer", [S_KEY] = "Key",
	[S_IPSEC] = "IPsec", [S_TIMERS] = "Timers", [S_LIMITS] = "Limits",
};

struct parser {
	struct mhod_conf *c;
	const char *fname;
	char *err;
	uint32_t line;
	enum sect sect;
	uint32_t sect_line;
	uint64_t seen;		/* keys given in the current section */
	uint32_t once;		/* sections given (those allowed once) */
};

static int vfail(struct parser *p, uint32_t line, uint32_t col,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static int vfail(struct parser *p, uint32_t line, uint32_t col,
		 const char *fmt, va_list ap)
{
	int n;

	n = snprintf(p->err, MHOD_CONF_ERR_MAX, "%s:%u:%u: ", p->fname, line,
		     col);
	if (n >= 0 && n < MHOD_CONF_ERR_MAX)
		vsnprintf(p->err + n, MHOD_CONF_ERR_MAX - (size_t)n, fmt, ap);
	return -1;
}

static int fail(struct parser *p, uint32_t line, uint32_t col,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, uint32_t line, uint32_t col,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error at a recorded position (1:1 when there is none). */
static int at(struct parser *p, const struct mhod_conf_pos *pos,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int at(struct parser *p, const struct mhod_conf_pos *pos,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, pos->line ? pos->line : 1, pos->col ? pos->col : 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------ values */

struct val {
	const char *s;		/* NUL-terminated, trimmed */
	uint32_t col;		/* of s[0] */
};

static int v_name(struct parser *p, const struct val *v, char *out,
		  size_t cap)
{
	size_t i, n = strlen(v->s);

	if (!n || n >= cap)
		return fail(p, p->line, v->col,
			    "a name is 1 to %zu characters", cap - 1);
	for (i = 0; i < n; i++) {
		char ch = v->s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return fail(p, p->line, v->col + (uint32_t)i,
				    "'%c' in a name (letters, digits, '-', '_', '.')",
				    ch);
	}
	memcpy(out, v->s, n + 1);
	return 0;
}

static int v_addr(struct parser *p, const struct val *v, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, v->s, a) != 1)
		return fail(p, p->line, v->col, "'%s' is not an IPv6 address",
			    v->s);
	return 0;
}

/* "ADDR/LEN"; net: the bits after LEN must be zero. */
static int v_prefix(struct parser *p, const struct val *v,
		    struct in6_addr *a, uint8_t *plen, bool net)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(v->s, '/');
	unsigned long n;
	char *end;
	int i;

	if (!slash || (size_t)(slash - v->s) >= INET6_ADDRSTRLEN)
		return fail(p, p->line, v->col,
			    "'%s' is not ADDRESS/LENGTH", v->s);
	memcpy(buf, v->s, (size_t)(slash - v->s));
	buf[slash - v->s] = 0;
	if (inet_pton(AF_INET6, buf, a) != 1)
		return fail(p, p->line, v->col, "'%s' is not an IPv6 address",
			    buf);
	errno = 0;
	n = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || n > 128)
		return fail(p, p->line, v->col + (uint32_t)(slash - v->s) + 1,
			    "prefix length is 0 to 128");
	*plen = (uint8_t)n;
	for (i = 0; net && i < 128; i++)
		if (i >= (int)n && (a->s6_addr[i / 8] >> (7 - i % 8) & 1))
			return fail(p, p->line, v->col,
				    "'%s' has bits set after its length",
				    v->s);
	return 0;
}

/* Link-layer address: 1 to 16 octets "02:00:5e:00:00:01" (or with '-'). */
static int v_lla(struct parser *p, const struct val *v,
		 struct mhod_conf_lla *l)
{
	const char *s = v->s;
	unsigned int x;
	int k = 0;

	l->len = 0;
	for (;;) {
		if (l->len == sizeof(l->addr))
			return fail(p, p->line, v->col + (uint32_t)(s - v->s),
				    "link-layer address longer than 16 octets");
		if (sscanf(s, "%2x%n", &x, &k) != 1 || k != 2)
			return fail(p, p->line, v->col + (uint32_t)(s - v->s),
				    "link-layer address octets are two hex digits");
		l->addr[l->len++] = (uint8_t)x;
		s += 2;
		if (!*s)
			return 0;
		if (*s != ':' && *s != '-')
			return fail(p, p->line, v->col + (uint32_t)(s - v->s),
				    "'%c' in a link-layer address", *s);
		s++;
	}
}

static int v_u32(struct parser *p, const struct val *v, uint32_t *out,
		 uint32_t min, uint32_t max)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v->s, &end, 0);
	if (v->s[0] == '-' || !v->s[0] || *end || errno || n < min || n > max)
		return fail(p, p->line, v->col, "'%s' is not a number from "
			    "%u to %u", v->s, min, max);
	*out = (uint32_t)n;
	return 0;
}

/* "250ms", "2s", "1.5s" -> milliseconds, within [min, max]. */
static int v_ms(struct parser *p, const struct val *v, uint32_t *out,
		uint32_t min, uint32_t max)
{
	unsigned long long whole = 0, frac = 0, scale = 1, ms;
	const char *s = v->s;
	int digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 10) {
		whole = whole * 10 + (unsigned long long)(*s++ - '0');
		digits++;
	}
	if (!digits)
		return fail(p, p->line, v->col, "'%s' is not a duration", v->s);
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && scale < 1000) {
			frac = frac * 10 + (unsigned long long)(*s++ - '0');
			scale *= 10;
		}
		if (scale == 1)
			return fail(p, p->line, v->col + (uint32_t)(s - v->s),
				    "digits expected after '.'");
	}
	if (!strcasecmp(s, "ms") && scale == 1) {
		ms = whole;
	} else if (!strcasecmp(s, "s")) {
		ms = whole * 1000 + frac * 1000 / scale;
	} else {
		return fail(p, p->line, v->col + (uint32_t)(s - v->s),
			    "a duration ends in 'ms' or 's' (whole ms)");
	}
	if (ms < min || ms > max)
		return fail(p, p->line, v->col, "'%s' is outside %ums..%ums",
			    v->s, min, max);
	*out = (uint32_t)ms;
	return 0;
}

static int v_word(struct parser *p, const struct val *v,
		  const char *const *words, int *out)
{
	char list[256] = "";
	int i;

	for (i = 1; words[i]; i++) {
		if (!strcasecmp(v->s, words[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i > 1 ? ", " : "", words[i]);
	}
	return fail(p, p->line, v->col, "'%s' is not one of: %s", v->s, list);
}

static int v_path(struct parser *p, const struct val *v, char *out,
		  size_t cap)
{
	if (v->s[0] != '/' || strlen(v->s) >= cap)
		return fail(p, p->line, v->col,
			    "an absolute path shorter than %zu characters",
			    cap);
	memcpy(out, v->s, strlen(v->s) + 1);
	return 0;
}

/* ------------------------------------------------------------ keys */

static const char *const role_words[] = {
	NULL, "access-router", "mobile-node", "home-agent", NULL
};

static const char *const ifkind_words[] = {
	NULL, "access", "core", "mobile", NULL
};

static const char *const peer_words[] = {
	NULL, "mobile-node", "access-router", "home-agent", NULL
};

static const char *const keykind_words[] = { NULL, "badf", "cxtp", NULL };

static const char *const mode_words[] = { NULL, "static", "ikev2", NULL };

static const char *const log_words[] = {
	NULL, "error", "warning", "info", "debug", NULL
};

static const char *const preauth_words[] = {
	NULL, "none", "fmipv6", "ikev2", NULL
};

#define DUR(lo, hi) .kind = K_MS, .min = (lo), .max = (hi)
#define NUM(lo, hi) .kind = K_U32, .min = (lo), .max = (hi)

enum kkind { K_FN, K_MS, K_U32 };

struct key {
	enum sect sect;
	const char *name;
	enum kkind kind;
	bool multi;		/* may be given more than once */
	uint32_t min, max;
	size_t off;		/* K_MS, K_U32: into struct mhod_conf */
	int (*fn)(struct parser *p, const struct val *v);
};

/* The section being read (keys only come after its header). */
static struct mhod_conf_iface *cur_if(struct parser *p)
{
	return &p->c->ifaces[p->c->nifaces - 1];
}

static struct mhod_conf_neighbor *cur_nb(struct parser *p)
{
	return &p->c->neighbors[p->c->nneighbors - 1];
}

static struct mhod_conf_peer *cur_peer(struct parser *p)
{
	return &p->c->peers[p->c->npeers - 1];
}

static struct mhod_conf_key *cur_key(struct parser *p)
{
	return &p->c->keys[p->c->nkeys - 1];
}

static struct mhod_conf_ipsec *cur_ipsec(struct parser *p)
{
	return &p->c->ipsec[p->c->nipsec - 1];
}

static int k_role(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, role_words, &w))
		return -1;
	p->c->role = (enum mhod_role)w;
	p->c->role_pos = (struct mhod_conf_pos){ p->line, v->col };
	return 0;
}

static int k_log(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, log_words, &w))
		return -1;
	p->c->log_level = (enum mhod_log)w;
	return 0;
}

static int k_preauth(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, preauth_words, &w))
		return -1;
	p->c->preauth = (enum mhod_preauth)w;
	return 0;
}

static const char *const bool_words[] = { NULL, "no", "yes", NULL };

static int k_ctx_transfer(struct parser *p, const struct val *v)
{
	int w;

	p->c->ctx_transfer_pos = (struct mhod_conf_pos){ p->line, v->col };
	if (v_word(p, v, bool_words, &w))
		return -1;
	p->c->ctx_transfer = w == 2;
	return 0;
}

static int k_control(struct parser *p, const struct val *v)
{
	return v_path(p, v, p->c->control, sizeof(p->c->control));
}

static int k_if_name(struct parser *p, const struct val *v)
{
	struct mhod_conf_iface *i = cur_if(p);
	size_t n = strlen(v->s);

	if (!n || n >= sizeof(i->name) || strchr(v->s, '/'))
		return fail(p, p->line, v->col,
			    "an interface name is 1 to 15 characters, no '/'");
	memcpy(i->name, v->s, n + 1);
	return 0;
}

static int k_if_kind(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, ifkind_words, &w))
		return -1;
	cur_if(p)->kind = (enum mhod_if_kind)w;
	return 0;
}

static int k_if_lla(struct parser *p, const struct val *v)
{
	struct mhod_conf_iface *i = cur_if(p);

	i->has_lla = true;
	return v_lla(p, v, &i->lla);
}

static int k_if_addr(struct parser *p, const struct val *v)
{
	struct mhod_conf_iface *i = cur_if(p);

	if (i->naddrs == ARRAY_SIZE(i->addr))
		return fail(p, p->line, v->col, "more than 4 addresses");
	if (v_prefix(p, v, &i->addr[i->naddrs], &i->plen[i->naddrs], false))
		return -1;
	i->naddrs++;
	return 0;
}

static int k_nb_name(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	return v_name(p, v, n->name, sizeof(n->name));
}

static int k_nb_router(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	n->router_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_addr(p, v, &n->router);
}

static int k_nb_prefix(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	n->prefix_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_prefix(p, v, &n->prefix, &n->plen, true);
}

static int k_nb_lla(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	n->has_lla = true;
	return v_lla(p, v, &n->lla);
}

static int k_nb_ap(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	if (n->naps == MHOD_CONF_APS)
		return fail(p, p->line, v->col, "more than %d access points",
			    MHOD_CONF_APS);
	n->ap_pos[n->naps] = (struct mhod_conf_pos){ p->line, v->col };
	return v_lla(p, v, &n->ap[n->naps++]);
}

static int k_nb_ipsec(struct parser *p, const struct val *v)
{
	struct mhod_conf_neighbor *n = cur_nb(p);

	n->ipsec_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_name(p, v, n->ipsec, sizeof(n->ipsec));
}

static int k_peer_name(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	return v_name(p, v, pr->name, sizeof(pr->name));
}

static int k_peer_kind(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, peer_words, &w))
		return -1;
	cur_peer(p)->kind = (enum mhod_peer_kind)w;
	return 0;
}

static int k_peer_addr(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->addr_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_addr(p, v, &pr->addr);
}

static int k_peer_lla(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->has_lla = true;
	return v_lla(p, v, &pr->lla);
}

static int k_peer_key(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->key_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_name(p, v, pr->key, sizeof(pr->key));
}

static int k_peer_ctx_key(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->ctx_key_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_name(p, v, pr->ctx_key, sizeof(pr->ctx_key));
}

static int k_peer_home(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->has_home = true;
	return v_addr(p, v, &pr->home);
}

static int k_peer_ipsec(struct parser *p, const struct val *v)
{
	struct mhod_conf_peer *pr = cur_peer(p);

	pr->ipsec_pos = (struct mhod_conf_pos){ p->line, v->col };
	return v_name(p, v, pr->ipsec, sizeof(pr->ipsec));
}

static int k_key_name(struct parser *p, const struct val *v)
{
	struct mhod_conf_key *k = cur_key(p);

	return v_name(p, v, k->name, sizeof(k->name));
}

static int k_key_kind(struct parser *p, const struct val *v)
{
	int w;

	if (v_word(p, v, keykind_words, &w))
		return -1;
	cur_key(p)->kind = (enum mhod_key_kind)w;
	return 0;
}

static int k_key_file(struct parser *p, const struct val *v)
{
	struct mhod_conf_key *k = cur_key(p);

	return v_path(p, v, k->file, sizeof(k->file));
}

static int k_key_spi(struct parser *p, const struct val *v)
{
	struct mhod_conf_key *k = cur_key(p);

	k->has_spi = true;
	return v_u32(p, v, &k->spi, 0, UINT32_MAX);
}

static int k_ipsec_name(struct parser *p, const struct val *v)
{
	struct mhod_conf_ipsec *s = cur_ipsec(p);

	return v_name(p, v, s->name, sizeof(s->name));
}

static int k_ipsec_mode(struct parser *p, const struct val *v)
{
	struct mhod_conf_ipsec *s = cur_ipsec(p);
	int w;

	s->mode_pos = (struct mhod_conf_pos){ p->line, v->col };
	if (v_word(p, v, mode_words, &w))
		return -1;
	s->mode = (enum mhod_ipsec_mode)w;
	return 0;
}

static int k_ipsec_conn(struct parser *p, const struct val *v)
{
	struct mhod_conf_ipsec *s = cur_ipsec(p);

	return v_name(p, v, s->connection, sizeof(s->connection));
}

/* SPIs 1-255 are reserved (RFC 4303 2.1). */
static int k_ipsec_spi_in(struct parser *p, const struct val *v)
{
	return v_u32(p, v, &cur_ipsec(p)->spi_in, 256, UINT32_MAX);
}

static int k_ipsec_spi_out(struct parser *p, const struct val *v)
{
	return v_u32(p, v, &cur_ipsec(p)->spi_out, 256, UINT32_MAX);
}

#define T(f) offsetof(struct mhod_conf, timers.f)
#define L(f) offsetof(struct mhod_conf, limits.f)
static const struct key keys[] = {
	{ S_GENERAL, "Role", .fn = k_role },
	{ S_GENERAL, "LogLevel", .fn = k_log },
	{ S_GENERAL, "PreAuthentication", .fn = k_preauth },
	{ S_GENERAL, "ContextTransfer", .fn = k_ctx_transfer },
	{ S_GENERAL, "ControlSocket", .fn = k_control },
	{ S_IFACE, "Name", .fn = k_if_name },
	{ S_IFACE, "Kind", .fn = k_if_kind },
	{ S_IFACE, "LinkLayerAddress", .fn = k_if_lla },
	{ S_IFACE, "Address", .fn = k_if_addr, .multi = true },
	{ S_NEIGHBOR, "Name", .fn = k_nb_name },
	{ S_NEIGHBOR, "Router", .fn = k_nb_router },
	{ S_NEIGHBOR, "Prefix", .fn = k_nb_prefix },
	{ S_NEIGHBOR, "LinkLayerAddress", .fn = k_nb_lla },
	{ S_NEIGHBOR, "AccessPoint", .fn = k_nb_ap, .multi = true },
	{ S_NEIGHBOR, "IPsec", .fn = k_nb_ipsec },
	{ S_PEER, "Name", .fn = k_peer_name },
	{ S_PEER, "Kind", .fn = k_peer_kind },
	{ S_PEER, "Address", .fn = k_peer_addr },
	{ S_PEER, "LinkLayerAddress", .fn = k_peer_lla },
	{ S_PEER, "Key", .fn = k_peer_key },
	{ S_PEER, "IPsec", .fn = k_peer_ipsec },
	{ S_PEER, "ContextKey", .fn = k_peer_ctx_key },
	{ S_PEER, "HomeAddress", .fn = k_peer_home },
	{ S_KEY, "Name", .fn = k_key_name },
	{ S_KEY, "Kind", .fn = k_key_kind },
	{ S_KEY, "File", .fn = k_key_file },
	{ S_KEY, "SPI", .fn = k_key_spi },
	{ S_IPSEC, "Name", .fn = k_ipsec_name },
	{ S_IPSEC, "Mode", .fn = k_ipsec_mode },
	{ S_IPSEC, "Connection", .fn = k_ipsec_conn },
	{ S_IPSEC, "SPIIn", .fn = k_ipsec_spi_in },
	{ S_IPSEC, "SPIOut", .fn = k_ipsec_spi_out },
	{ S_TIMERS, "RtSolPrTimeout", DUR(1, 60000), .off = T(rtsolpr_timeout_ms) },
	{ S_TIMERS, "RtSolPrRetries", NUM(0, 10), .off = T(rtsolpr_retries) },
	{ S_TIMERS, "RtSolPrRate", NUM(1, 100), .off = T(rtsolpr_rate) },
	{ S_TIMERS, "HITimeout", DUR(1, 60000), .off = T(hi_timeout_ms) },
	{ S_TIMERS, "HIRetries", NUM(0, 10), .off = T(hi_retries) },
	{ S_TIMERS, "FBUTimeout", DUR(1, 60000), .off = T(fbu_timeout_ms) },
	{ S_TIMERS, "FBURetries", NUM(0, 10), .off = T(fbu_retries) },
	{ S_TIMERS, "FBULifetime", DUR(1000, 65535000), .off = T(fbu_lifetime_ms) },
	{ S_TIMERS, "PreAuthLifetime", DUR(10000, 86400000), .off = T(preauth_lifetime_ms) },
	{ S_TIMERS, "ProxyNDLifetime", DUR(1, 60000), .off = T(proxy_nd_ms) },
	{ S_TIMERS, "BindingLifetime", DUR(4000, 262140000), .off = T(binding_lifetime_ms) },
	{ S_TIMERS, "BindingRefresh", DUR(4000, 262136000), .off = T(binding_refresh_ms) },
	{ S_TIMERS, "BindAckTimeoutFirst", DUR(1, 60000), .off = T(bindack_first_ms) },
	{ S_TIMERS, "BindAckTimeout", DUR(1, 60000), .off = T(bindack_ms) },
	{ S_TIMERS, "BindAckTimeoutMax", DUR(1, 600000), .off = T(bindack_max_ms) },
	{ S_TIMERS, "CTRequestRetry", DUR(1, 60000), .off = T(ct_request_retry_ms) },
	{ S_TIMERS, "CTRetryMax", DUR(1, 600000), .off = T(ct_retry_max_ms) },
	{ S_TIMERS, "CTMaxTransferTime", DUR(1, 60000), .off = T(ct_max_transfer_ms) },
	{ S_TIMERS, "ContextBridge", DUR(0, 600000), .off = T(ctx_bridge_ms) },
	{ S_LIMITS, "MobileNodes", NUM(1, 1000000), .off = L(mobile_nodes) },
	{ S_LIMITS, "BufferPackets", NUM(0, 65536), .off = L(buffer_packets) },
	{ S_LIMITS, "BufferBytes", NUM(0, 1 << 30), .off = L(buffer_bytes) },
	{ S_LIMITS, "PendingHandovers", NUM(1, 1000000), .off = L(pending_hi) },
	{ S_LIMITS, "SignalingRate", NUM(1, 10000), .off = L(signal_rate) },
	{ S_LIMITS, "LogRate", NUM(1, 10000), .off = L(log_rate) },
};

#undef T
#undef L

static void defaults(struct mhod_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->log_level = MHOD_LOG_INFO;
	c->preauth = MHOD_PREAUTH_NONE;
	snprintf(c->control, sizeof(c->control), "/run/mhod.sock");
	c->timers = (struct mhod_conf_timers){
		.rtsolpr_timeout_ms = 100, .rtsolpr_retries = 3,
		.rtsolpr_rate = 3, .hi_timeout_ms = 100, .hi_retries = 3,
		.fbu_timeout_ms = 100, .fbu_retries = 3,
		.fbu_lifetime_ms = 30000, .preauth_lifetime_ms = 3600000,
		.proxy_nd_ms = 1500, .binding_lifetime_ms = 420000,
		.bindack_first_ms = 1500, .bindack_ms = 1000,
		.bindack_max_ms = 32000, .ct_request_retry_ms = 2000,
		.ct_retry_max_ms = 15000, .ct_max_transfer_ms = 200,
		.ctx_bridge_ms = 30000,
	};
	c->limits = (struct mhod_conf_limits){
		.mobile_nodes = 4096, .buffer_packets = 256,
		.buffer_bytes = 256 * 1500, .pending_hi = 1024,
		.signal_rate = 10, .log_rate = 10,
	};
}

/* ------------------------------------------------------------ lines */

/*
 * Room for entry n (zeroed) in *arr, which has *cap entries of size
 * octets: doubled when full, up to max.
 */
static int grow(void **arr, uint16_t *cap, size_t n, size_t size, size_t max)
{
	size_t want;
	void *a;

	if (n < *cap)
		return 0;
	want = *cap ? 2u * *cap : 8;
	if (want > max)
		want = max;
	a = realloc(*arr, want * size);
	if (!a)
		return -1;
	memset((char *)a + n * size, 0, (want - n) * size);
	*arr = a;
	*cap = (uint16_t)want;
	return 0;
}

void mhod_conf_free(struct mhod_conf *c)
{
	free(c->peers);
	free(c->keys);
	c->peers = NULL;
	c->keys = NULL;
	c->npeers = c->nkeys = c->peers_cap = c->keys_cap = 0;
}

static int section(struct parser *p, const char *name, uint32_t col)
{
	struct mhod_conf *c = p->c;
	enum sect s;

	for (s = S_GENERAL; s < S__MAX; s++)
		if (!strcasecmp(name, sect_names[s]))
			break;
	if (s == S__MAX)
		return fail(p, p->line, col, "unknown section [%s]", name);
	if (s == S_GENERAL || s == S_TIMERS || s == S_LIMITS) {
		if (p->once & (1u << s))
			return fail(p, p->line, col, "a second [%s] section",
				    sect_names[s]);
		p->once |= 1u << s;
	}
	if (s != S_GENERAL && s != S_TIMERS && s != S_LIMITS) {
		static const unsigned int max[S__MAX] = {
			[S_IFACE] = MHOD_CONF_IFACES,
			[S_NEIGHBOR] = MHOD_CONF_NEIGHBORS,
			[S_PEER] = MHOD_CONF_PEERS, [S_KEY] = MHOD_CONF_KEYS,
			[S_IPSEC] = MHOD_CONF_IPSEC,
		};
		struct mhod_conf_pos here = { p->line, col };
		unsigned int n = s == S_IFACE ? c->nifaces :
			s == S_NEIGHBOR ? c->nneighbors : s == S_PEER ?
			c->npeers : s == S_KEY ? c->nkeys : c->nipsec;

		if (n == max[s])
			return fail(p, p->line, col,
				    "more than %u [%s] sections", max[s],
				    sect_names[s]);
		if ((s == S_PEER &&
		     grow((void **)&c->peers, &c->peers_cap, c->npeers,
			  sizeof(*c->peers), MHOD_CONF_PEERS) < 0) ||
		    (s == S_KEY &&
		     grow((void **)&c->keys, &c->keys_cap, c->nkeys,
			  sizeof(*c->keys), MHOD_CONF_KEYS) < 0))
			return fail(p, p->line, col, "out of memory");
		if (s == S_IFACE)
			c->ifaces[c->nifaces++].pos = here;
		else if (s == S_NEIGHBOR)
			c->neighbors[c->nneighbors++].pos = here;
		else if (s == S_PEER)
			c->peers[c->npeers++].pos = here;
		else if (s == S_KEY)
			c->keys[c->nkeys++].pos = here;
		else
			c->ipsec[c->nipsec++].pos = here;
	}
	p->sect = s;
	p->sect_line = p->line;
	p->seen = 0;
	return 0;
}

static int assign(struct parser *p, const char *name, uint32_t col,
		  const struct val *v)
{
	size_t i;

	if (p->sect == S_NONE)
		return fail(p, p->line, col, "'%s' before any [Section]",
			    name);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];

		if (k->sect != p->sect || strcasecmp(k->name, name))
			continue;
		if (!k->multi && (p->seen & (1ull << (i % 64))))
			return fail(p, p->line, col, "%s given twice in [%s]",
				    k->name, sect_names[p->sect]);
		p->seen |= 1ull << (i % 64);
		if (!v->s[0])
			return fail(p, p->line, v->col, "%s needs a value",
				    k->name);
		switch (k->kind) {
		case K_MS:
			return v_ms(p, v, (uint32_t *)((char *)p->c + k->off),
				    k->min, k->max);
		case K_U32:
			return v_u32(p, v, (uint32_t *)((char *)p->c + k->off),
				     k->min, k->max);
		case K_FN:
			return k->fn(p, v);
		}
	}
	return fail(p, p->line, col, "unknown key '%s' in [%s]", name,
		    sect_names[p->sect]);
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One line (NUL-terminated, no newline; may be modified). */
static int one_line(struct parser *p, char *s)
{
	char *hash = strchr(s, '#'), *key, *eq, *end, *name;
	uint32_t col;
	struct val v;
	size_t i;

	if (hash)
		*hash = 0;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return fail(p, p->line, (uint32_t)i + 1,
				    "control character 0x%02x",
				    (unsigned char)s[i]);
	key = s;
	while (blank(*key))
		key++;
	end = key + strlen(key);
	while (end > key && blank(end[-1]))
		*--end = 0;
	if (!*key)
		return 0;
	col = (uint32_t)(key - s) + 1;
	if (*key == '[') {
		name = key + 1;
		if (end[-1] != ']')
			return fail(p, p->line, (uint32_t)(end - s) + 1,
				    "']' expected");
		end[-1] = 0;
		return section(p, name, col + 1);
	}
	eq = strchr(key, '=');
	if (!eq)
		return fail(p, p->line, (uint32_t)(end - s) + 1,
			    "'=' expected after '%s'", key);
	v.s = eq + 1;
	while (blank(*v.s))
		v.s++;
	v.col = (uint32_t)(v.s - s) + 1;
	end = eq;
	while (end > key && blank(end[-1]))
		end--;
	*end = 0;
	if (!*key)
		return fail(p, p->line, col, "a key is expected before '='");
	return assign(p, key, col, &v);
}

/* ------------------------------------------------------------ checks */

static const struct mhod_conf_ipsec *ipsec_by_name(const struct mhod_conf *c,
						   const char *name)
{
	int i;

	for (i = 0; i < c->nipsec; i++)
		if (!strcmp(c->ipsec[i].name, name))
			return &c->ipsec[i];
	return NULL;
}

static const struct mhod_conf_key *key_by_name(const struct mhod_conf *c,
					       const char *name)
{
	int i;

	for (i = 0; i < c->nkeys; i++)
		if (!strcmp(c->keys[i].name, name))
			return &c->keys[i];
	return NULL;
}

static int check_names(struct parser *p)
{
	const struct mhod_conf *c = p->c;
	int i, j;

	for (i = 0; i < c->nkeys; i++) {
		const struct mhod_conf_key *k = &c->keys[i];

		if (!k->name[0] || !k->kind || !k->file[0])
			return at(p, &k->pos, "%s: Name, Kind and File are "
				  "required", "[Key]");
		for (j = 0; j < i; j++)
			if (!strcmp(c->keys[j].name, k->name))
				return at(p, &k->pos, "a second key named %s",
					  k->name);
	}
	for (i = 0; i < c->nipsec; i++) {
		const struct mhod_conf_ipsec *s = &c->ipsec[i];

		if (!s->name[0] || !s->mode)
			return at(p, &s->pos, "%s: Name and Mode are required",
				  "[IPsec]");
		if (s->mode == MHOD_IPSEC_STATIC && (!s->spi_in || !s->spi_out))
			return at(p, &s->mode_pos, "%s needs SPIIn and SPIOut",
				  "Mode = static");
		if (s->mode == MHOD_IPSEC_IKEV2 && !s->connection[0])
			return at(p, &s->mode_pos, "%s needs a Connection",
				  "Mode = ikev2");
		for (j = 0; j < i; j++)
			if (!strcmp(c->ipsec[j].name, s->name))
				return at(p, &s->pos,
					  "a second [IPsec] named %s", s->name);
	}
	return 0;
}

static int check_neighbors(struct parser *p)
{
	const struct mhod_conf *c = p->c;
	int i, j, a, b;

	for (i = 0; i < c->nneighbors; i++) {
		const struct mhod_conf_neighbor *n = &c->neighbors[i];

		if (!n->router_pos.line)
			return at(p, &n->pos, "%s: Router is required",
				  "[Neighbor]");
		if (!n->prefix_pos.line)
			return at(p, &n->pos, "%s: Prefix is required",
				  "[Neighbor]");
		/* A home agent's: the ARs whose end-markers it sends (the
		 * Router) for the care-of addresses in their Prefix.
		 */
		if (c->role == MHOD_ROLE_HA) {
			if (n->ipsec[0] && !ipsec_by_name(c, n->ipsec))
				return at(p, &n->ipsec_pos,
					  "no [IPsec] named %s", n->ipsec);
			goto dup;
		}
		if (!n->naps)
			return at(p, &n->pos, "%s: at least one AccessPoint",
				  "[Neighbor]");
		if (!n->ipsec[0])
			return at(p, &n->pos, "%s: IPsec is required (RFC 5568 "
				  "10: HI/HAck are protected)", "[Neighbor]");
		if (!ipsec_by_name(c, n->ipsec))
			return at(p, &n->ipsec_pos, "no [IPsec] named %s",
				  n->ipsec);
dup:
		for (j = 0; j < i; j++) {
			const struct mhod_conf_neighbor *m = &c->neighbors[j];

			if (!memcmp(&m->router, &n->router, 16))
				return at(p, &n->router_pos, "%s",
					  "the same Router in two [Neighbor]s");
		}
		for (a = 0; a < n->naps; a++)
			for (j = 0; j <= i; j++)
				for (b = 0; b < c->neighbors[j].naps; b++) {
					const struct mhod_conf_lla *x, *y;

					if (j == i && b >= a)
						break;
					x = &n->ap[a];
					y = &c->neighbors[j].ap[b];
					if (x->len == y->len &&
					    !memcmp(x->addr, y->addr, x->len))
						return at(p, &n->ap_pos[a], "%s",
							  "this AccessPoint is listed twice");
				}
	}
	return 0;
}

/*
 * Which peers a role knows: an AR its MNs and the home agents that send
 * it end-markers; an MN its ARs and its home agent (one, with the MN's
 * HomeAddress); a home agent its MNs, each by its home address.
 */
static int check_peer_role(struct parser *p, const struct mhod_conf_peer *pr)
{
	const struct mhod_conf *c = p->c;
	int i, n = 0;

	switch (c->role) {
	case MHOD_ROLE_MN:
		if (pr->kind != MHOD_PEER_HA)
			break;
		if (!pr->has_home)
			return at(p, &pr->pos, "%s",
				  "a home agent's [Peer] needs the MN's HomeAddress");
		for (i = 0; i < c->npeers; i++)
			n += c->peers[i].kind == MHOD_PEER_HA;
		if (n > 1)
			return at(p, &pr->pos, "%s",
				  "one home agent [Peer] at most");
		break;
	case MHOD_ROLE_HA:
		if (pr->kind != MHOD_PEER_MN)
			return at(p, &pr->pos, "%s",
				  "a home agent's [Peer]s are mobile nodes");
		if (pr->key[0] || pr->ctx_key[0] || pr->has_home)
			return at(p, &pr->pos, "%s",
				  "on a home agent, a mobile node's Address is its home address; Key, ContextKey and HomeAddress are not used");
		for (i = 0; i < c->npeers && &c->peers[i] != pr; i++)
			if (!memcmp(&c->peers[i].addr, &pr->addr, 16))
				return at(p, &pr->addr_pos, "%s",
					  "this home address is listed twice");
		break;
	default:
		break;
	}
	return 0;
}

static int check_peers(struct parser *p)
{
	const struct mhod_conf *c = p->c;
	const struct mhod_conf_key *k;
	int i;

	for (i = 0; i < c->npeers; i++) {
		const struct mhod_conf_peer *pr = &c->peers[i];

		if (!pr->kind || !pr->addr_pos.line)
			return at(p, &pr->pos, "%s: Kind and Address are "
				  "required", "[Peer]");
		if (check_peer_role(p, pr))
			return -1;
		/* An AR's home agent sends it end-markers, no signaling. */
		if (pr->kind == MHOD_PEER_HA && c->role == MHOD_ROLE_AR &&
		    !pr->ipsec[0])
			continue;
		if (!pr->ipsec[0])
			return at(p, &pr->pos, "%s: IPsec is required",
				  "[Peer]");
		if (!ipsec_by_name(c, pr->ipsec))
			return at(p, &pr->ipsec_pos, "no [IPsec] named %s",
				  pr->ipsec);
		if (pr->key[0]) {
			k = key_by_name(c, pr->key);
			if (!k)
				return at(p, &pr->key_pos, "no [Key] named %s",
					  pr->key);
		}
		if (!pr->ctx_key[0])
			continue;
		/* The AR's: an MN's; the MN's: its ARs' (the same key). */
		if (!(pr->kind == MHOD_PEER_MN && c->role == MHOD_ROLE_AR) &&
		    !(pr->kind == MHOD_PEER_AR && c->role == MHOD_ROLE_MN))
			return at(p, &pr->ctx_key_pos, "%s",
				  "ContextKey is for a mobile node's [Peer] on an access router, or an access router's on a mobile node");
		if (!c->ctx_transfer)
			return at(p, &pr->ctx_key_pos, "%s",
				  "ContextKey needs [General] ContextTransfer = yes");
		k = key_by_name(c, pr->ctx_key);
		if (!k || k->kind != MHOD_KEY_CXTP)
			return at(p, &pr->ctx_key_pos,
				  "no [Key] named %s of Kind = cxtp", pr->ctx_key);
	}
	return 0;
}

static int check(struct parser *p)
{
	const struct mhod_conf *c = p->c;
	const struct mhod_conf_timers *t = &c->timers;
	struct mhod_conf_pos top = { 1, 1 };
	bool access = false, mn_if = false, ar_peer = false, core = false;
	int i;

	if (!c->role)
		return at(p, &top, "%s", "[General] Role is required");
	for (i = 0; i < c->nifaces; i++) {
		const struct mhod_conf_iface *f = &c->ifaces[i];
		bool mobile = f->kind == MHOD_IF_MOBILE;
		bool mn = c->role == MHOD_ROLE_MN;

		if (!f->name[0] || !f->kind)
			return at(p, &f->pos, "%s: Name and Kind are required",
				  "[Interface]");
		if (c->role == MHOD_ROLE_HA && f->kind != MHOD_IF_CORE)
			return at(p, &f->pos, "%s",
				  "Kind = core on a home agent (its address, the first, is the one BUs come to)");
		if (mobile != mn)
			return at(p, &f->pos, "%s",
				  "Kind = mobile on a mobile node, access or "
				  "core on an access router");
		access |= f->kind == MHOD_IF_ACCESS;
		core |= f->kind == MHOD_IF_CORE;
		mn_if |= f->kind == MHOD_IF_MOBILE;
	}
	for (i = 0; i < c->npeers; i++)
		ar_peer |= c->peers[i].kind == MHOD_PEER_AR;
	if (c->role == MHOD_ROLE_AR && !access)
		return at(p, &c->role_pos, "%s",
			  "an access router needs an [Interface] with "
			  "Kind = access");
	if (c->role == MHOD_ROLE_AR && !c->nneighbors)
		return at(p, &c->role_pos, "%s",
			  "an access router needs a [Neighbor] table");
	if (c->role == MHOD_ROLE_MN && (!mn_if || !ar_peer))
		return at(p, &c->role_pos, "%s",
			  "a mobile node needs an [Interface] and a [Peer] "
			  "with Kind = access-router");
	if (c->role == MHOD_ROLE_AR && c->ctx_transfer && !core)
		return at(p, &c->ctx_transfer_pos, "%s",
			  "ContextTransfer needs an [Interface] with Kind = core "
			  "(the end of the transfers)");
	if (c->role == MHOD_ROLE_HA && !core)
		return at(p, &c->role_pos, "%s",
			  "a home agent needs an [Interface] with Kind = core");
	if (c->role == MHOD_ROLE_HA && (c->ctx_transfer ||
					c->preauth != MHOD_PREAUTH_NONE))
		return at(p, &c->role_pos, "%s",
			  "ContextTransfer and PreAuthentication are for access routers and mobile nodes");
	if (c->role == MHOD_ROLE_MN && c->nneighbors)
		return at(p, &c->neighbors[0].pos, "%s",
			  "[Neighbor] is for access routers");
	if (t->bindack_max_ms < t->bindack_ms)
		return at(p, &top, "%s",
			  "BindAckTimeoutMax is below BindAckTimeout");
	if (t->ct_retry_max_ms < t->ct_request_retry_ms)
		return at(p, &top, "%s",
			  "CTRetryMax is below CTRequestRetry");
	if (t->fbu_lifetime_ms % 1000)
		return at(p, &top, "%s", "FBULifetime is whole seconds");
	if (t->preauth_lifetime_ms % 1000)
		return at(p, &top, "%s", "PreAuthLifetime is whole seconds");
	if (t->binding_lifetime_ms % 4000)
		return at(p, &top, "%s",
			  "BindingLifetime is a multiple of 4 s (RFC 6275 6.1.7)");
	if (t->binding_refresh_ms % 4000)
		return at(p, &top, "%s",
			  "BindingRefresh is a multiple of 4 s (RFC 6275 6.2.4)");
	if (t->binding_refresh_ms &&
	    t->binding_refresh_ms >= t->binding_lifetime_ms)
		return at(p, &top, "%s",
			  "BindingRefresh is below BindingLifetime (RFC 6275 10.3.1)");
	if (check_names(p) || check_neighbors(p))
		return -1;
	return check_peers(p);
}

static int parse(struct mhod_conf *c, const char *text, size_t len,
		 const char *fname, char err[MHOD_CONF_ERR_MAX])
{
	struct parser p = { .c = c, .fname = fname, .err = err };
	char line[MHOD_CONF_LINE_MAX + 1];
	size_t off = 0;

	defaults(c);
	err[0] = 0;
	if (len > MHOD_CONF_MAX_BYTES)
		return fail(&p, 1, 1, "larger than %d octets",
			    MHOD_CONF_MAX_BYTES);
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - text) - off : len - off;

		p.line++;
		if (n && text[off + n - 1] == '\r')
			n--;	/* CRLF */
		if (n > MHOD_CONF_LINE_MAX)
			return fail(&p, p.line, MHOD_CONF_LINE_MAX + 1,
				    "line longer than %d characters",
				    MHOD_CONF_LINE_MAX);
		if (memchr(text + off, 0, n))
			return fail(&p, p.line, (uint32_t)
				    ((const char *)memchr(text + off, 0, n) -
				     (text + off)) + 1, "NUL character");
		memcpy(line, text + off, n);
		line[n] = 0;
		if (one_line(&p, line))
			return -1;
		off = nl ? (size_t)(nl - text) + 1 : len;
	}
	p.line++;
	return check(&p);
}

int mhod_conf_parse(struct mhod_conf *c, const char *text, size_t len,
		    const char *fname, char err[MHOD_CONF_ERR_MAX])
{
	int ret = parse(c, text, len, fname, err);

	if (ret)
		mhod_conf_free(c);
	return ret;
}

int mhod_conf_load(struct mhod_conf *c, const char *path,
		   char err[MHOD_CONF_ERR_MAX])
{
	size_t len = 0, cap = MHOD_CONF_MAX_BYTES + 1;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0) {
		snprintf(err, MHOD_CONF_ERR_MAX, "%s: %s", path,
			 strerror(errno));
		return -1;
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		snprintf(err, MHOD_CONF_ERR_MAX, "%s: out of memory", path);
		return -1;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap)
			break;
	}
	close(fd);
	if (n < 0) {
		snprintf(err, MHOD_CONF_ERR_MAX, "%s: %s", path,
			 strerror(errno));
		ret = -1;
	} else {
		ret = mhod_conf_parse(c, buf, len, path, err);
	}
	free(buf);
	return ret;
}

const struct mhod_conf_neighbor *
mhod_conf_neighbor_by_ap(const struct mhod_conf *c, const uint8_t *ap,
			 size_t len)
{
	int i, j;

	for (i = 0; i < c->nneighbors; i++)
		for (j = 0; j < c->neighbors[i].naps; j++)
			if (c->neighbors[i].ap[j].len == len &&
			    !memcmp(c->neighbors[i].ap[j].addr, ap, len))
				return &c->neighbors[i];
	return NULL;
}

const struct mhod_conf_neighbor *
mhod_conf_neighbor_by_addr(const struct mhod_conf *c,
			   const struct in6_addr *a)
{
	int i;

	for (i = 0; i < c->nneighbors; i++)
		if (!memcmp(&c->neighbors[i].router, a, sizeof(*a)))
			return &c->neighbors[i];
	return NULL;
}
