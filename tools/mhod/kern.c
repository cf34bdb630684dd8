// SPDX-License-Identifier: GPL-2.0
/*
 * The module's generic netlink API, as the signaling drives it: the
 * peers (the neighbouring access routers), and one binding per mobile
 * node, made and moved from state to state as the messages arrive, and
 * the module's events. All of it goes through the project's one netlink
 * library (tools/lib/mhonl.h): requests on its implicit handle, events on
 * a handle of their own that the event loop reads. A refused request is
 * logged with the module's own message and returned as a negative errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/mho.h>

#include "ctxwire.h"
#include "mhonl.h"
#include "loop.h"
#include "mhod.h"

static int last_err;

/* mho_request()'s errors: logged, and kept for request(). */
static void on_error(const struct mho_error *e)
{
	last_err = e->errnum;
	/* kern_binding_state() says which request failed. */
	mhod_log(MHOD_LOG_DEBUG, "kernel: %s%s%s", e->text,
		 e->attr ? " at " : "", e->attr ? e->attr : "");
}

static int request(struct nl_msg *msg, mho_reply_fn fn, void *arg)
{
	mho_set_error_fn(on_error);
	last_err = 0;
	if (mho_request(msg, fn, arg) == 0)
		return 0;
	return last_err ? -last_err : -EIO;
}

static int peer_add(const char *name, const struct in6_addr *addr,
		    const struct in6_addr *local)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_PEER_NEW, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_PEER);
	int err;

	mho_put_addr(msg, MHO_PEER_A_ADDR, addr);
	mho_put_str(msg, MHO_PEER_A_NAME, name);
	if (local)
		mho_put_addr(msg, MHO_PEER_A_LOCAL, local);
	mho_nest_end(msg, nest);
	err = request(msg, NULL, NULL);
	if (err && err != -EEXIST) {
		mhod_log(MHOD_LOG_ERR, "peer %s (%s): %s", name,
			 mhod_ntop(addr), strerror(-err));
		return err;
	}
	mhod_log(MHOD_LOG_DEBUG, "peer %s %s", name,
		 err ? "already there" : "added");
	return 0;
}

/*
 * The neighbours (an AR's other ARs, a home agent's ARs), and an AR's
 * home agents: the module takes end-markers from its peers only.
 */
int kern_peers(void)
{
	const struct mhod_conf *c = mhod_conf;
	const struct in6_addr *local = mhod_core_addr();
	int i, err;

	for (i = 0; i < c->nneighbors; i++) {
		err = peer_add(c->neighbors[i].name, &c->neighbors[i].router,
			       local);
		if (err)
			return err;
	}
	for (i = 0; i < c->npeers && c->role == MHOD_ROLE_AR; i++) {
		if (c->peers[i].kind != MHOD_PEER_HA)
			continue;
		/* No local end: its end-markers come to whichever address
		 * of ours it knows this router by (its [Neighbor] Router).
		 */
		err = peer_add(c->peers[i].name, &c->peers[i].addr, NULL);
		if (err)
			return err;
	}
	return 0;
}

struct got {
	int role, state;
	struct in6_addr peer;		/* :: when the binding has none */
};

static int got_binding(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *b[MHO_BINDING_A_MAX + 1];
	struct got *g = arg;

	(void)cmd;
	if (!tb[MHO_A_BINDING] ||
	    mho_parse_nested(b, MHO_BINDING_A_MAX, tb[MHO_A_BINDING]) < 0)
		return 0;
	if (b[MHO_BINDING_A_ROLE])
		g->role = (int)mho_get_uint(b[MHO_BINDING_A_ROLE]);
	if (b[MHO_BINDING_A_STATE])
		g->state = (int)mho_get_uint(b[MHO_BINDING_A_STATE]);
	if (mho_get_addr(b[MHO_BINDING_A_PEER]))
		g->peer = *mho_get_addr(b[MHO_BINDING_A_PEER]);
	return 0;
}

static int get(const struct in6_addr *addr, struct got *g)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_BINDING_GET, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);

	mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*addr), addr);
	mho_nest_end(msg, nest);
	memset(g, 0, sizeof(*g));
	g->role = g->state = -1;
	return request(msg, got_binding, g);
}

int kern_binding_get(const struct in6_addr *addr, int *role,
		     struct in6_addr *peer)
{
	struct got g;
	int err = get(addr, &g);

	if (err)
		return err;
	*role = g.role;
	*peer = g.peer;
	return g.state;
}

int kern_binding_del(const struct in6_addr *addr)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_BINDING_DEL, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);

	mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*addr), addr);
	mho_nest_end(msg, nest);
	return request(msg, NULL, NULL);
}

int kern_ha_bind(const struct in6_addr *hoa, const struct in6_addr *coa,
		 const struct in6_addr *peer)
{
	static const struct in6_addr none;
	struct nl_msg *msg;
	struct nlattr *nest;
	struct got g;
	int err;

	err = get(hoa, &g);
	if (!err && g.role != MHO_ROLE_HA) {
		/* Not a home agent's binding: the address is someone
		 * else's here (an AR's MN). Not ours to replace.
		 */
		err = -EEXIST;
		goto out;
	}
	if (err && err != -ENOENT)
		goto out;
	msg = mho_msg(err ? MHO_CMD_BINDING_NEW : MHO_CMD_BINDING_SET, 0);
	nest = mho_nest_start(msg, MHO_A_BINDING);
	if (err) {
		mho_put_u8(msg, MHO_BINDING_A_ROLE, MHO_ROLE_HA);
		mho_put_addr(msg, MHO_BINDING_A_HOA, hoa);
	} else {
		mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*hoa), hoa);
	}
	mho_put_addr(msg, MHO_BINDING_A_COA, coa);
	mho_put_addr(msg, MHO_BINDING_A_PEER, peer ? peer : &none);
	mho_nest_end(msg, nest);
	err = request(msg, NULL, NULL);
out:
	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: HA binding %s -> coa %s peer %s%s%s", mhod_ntop(hoa),
		 mhod_ntop(coa), peer ? mhod_ntop(peer) : "none",
		 err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

int kern_ha_unbind(const struct in6_addr *hoa)
{
	struct got g;
	int err = get(hoa, &g);

	if (!err && g.role != MHO_ROLE_HA)
		return -ENOENT;
	if (!err)
		err = kern_binding_del(hoa);
	if (err && err != -ENOENT) {
		mhod_ctr.kernel_errors++;
		mhod_log(MHOD_LOG_WARN, "kernel: HA binding %s: delete: %s",
			 mhod_ntop(hoa), strerror(-err));
	}
	return err;
}

static int put(const struct kern_binding *b, uint8_t state, bool create)
{
	struct nl_msg *msg = mho_msg(create ? MHO_CMD_BINDING_NEW :
				     MHO_CMD_BINDING_SET, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);

	if (create) {
		mho_put_u8(msg, MHO_BINDING_A_ROLE, b->role);
	} else {
		mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(b->hoa), &b->hoa);
	}
	/* With a home address: the binding is that, b->hoa its CoA. */
	if (mhod_addr_any(&b->home)) {
		if (create)
			mho_put_addr(msg, MHO_BINDING_A_HOA, &b->hoa);
	} else {
		mho_put_addr(msg, MHO_BINDING_A_HOA, &b->home);
		mho_put_addr(msg, MHO_BINDING_A_COA, &b->hoa);
	}
	if (!mhod_addr_any(&b->ncoa))
		mho_put_addr(msg, MHO_BINDING_A_NCOA, &b->ncoa);
	if (!mhod_addr_any(&b->peer))
		mho_put_addr(msg, MHO_BINDING_A_PEER, &b->peer);
	if (b->max_pkts || b->max_bytes) {
		struct nlattr *lim = mho_nest_start(msg, MHO_BINDING_A_LIMITS);

		if (b->max_pkts)
			mho_put_u32(msg, MHO_LIMITS_A_MAX_PKTS, b->max_pkts);
		if (b->max_bytes)
			mho_put_u32(msg, MHO_LIMITS_A_MAX_BYTES, b->max_bytes);
		mho_nest_end(msg, lim);
	}
	mho_put_u8(msg, MHO_BINDING_A_STATE, state);
	mho_nest_end(msg, nest);
	return request(msg, NULL, NULL);
}

int kern_binding_state(const struct kern_binding *b, uint8_t state)
{
	struct got g;
	int err;

	err = get(&b->hoa, &g);
	if (!err && g.role != b->role) {
		/* What is left of the MN's last move, in the other role
		 * (a pAR binding lingering after the MN came back): this
		 * move replaces it.
		 */
		err = kern_binding_del(&b->hoa);
		if (err && err != -ENOENT)
			goto out;
		err = -ENOENT;
	}
	if (err == -ENOENT)
		err = put(b, state, true);
	else if (!err)
		err = put(b, state, false);
out:
	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: %s binding %s -> state %u%s%s",
		 b->role == MHO_ROLE_PAR ? "pAR" : "nAR", mhod_ntop(&b->hoa),
		 state, err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

/* ------------------------------------------------------------ contexts */

/* The export's reply: the MHO_A_CTX nest's payload, copied. */
static int got_ctx(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct mho_ctxw_buf *b = arg;
	size_t len;

	(void)cmd;
	if (!tb[MHO_A_CTX] || b->data)
		return -1;
	len = (size_t)nla_len(tb[MHO_A_CTX]);
	b->data = malloc(len ? len : 1);
	if (!b->data)
		return -1;
	memcpy(b->data, nla_data(tb[MHO_A_CTX]), len);
	b->len = b->cap = len;
	return 0;
}

int kern_ctx_export(const struct in6_addr *addr, const struct in6_addr *ar,
		    uint8_t dispose, struct mho_ctxw_buf *native)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_CTX_EXPORT, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);
	int err;

	mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*addr), addr);
	mho_nest_end(msg, nest);
	nest = mho_nest_start(msg, MHO_A_CTX);
	mho_put_addr(msg, MHO_CTX_A_AR, ar);
	mho_put_u8(msg, MHO_CTX_A_DISPOSE, dispose);
	mho_nest_end(msg, nest);
	memset(native, 0, sizeof(*native));
	err = request(msg, got_ctx, native);
	if (!err && !native->data)
		err = -EIO;
	if (err) {
		mho_ctxw_free(native);
		mhod_ctr.kernel_errors++;
	}
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_DEBUG,
		 "kernel: context export of %s%s%s", mhod_ntop(addr),
		 err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

struct spi_map {
	struct mhod_spi_change *c;
	size_t n;
	unsigned long long bridges;
};

/*
 * ContextBridge, as import and move take it (whole seconds): bridging
 * policies for the packets still addressed to the MN's old CoA.
 */
static void put_bridge(struct nl_msg *msg)
{
	uint32_t ms = mhod_conf->timers.ctx_bridge_ms;

	if (ms)
		mho_put_u32(msg, MHO_CTX_A_BRIDGE, (ms + 999) / 1000);
}

/* How many bridging policies an import or move installed. */
static unsigned long long ctx_bridges(struct nlattr **tb)
{
	struct nlattr *ct[MHO_CTX_A_MAX + 1];

	if (!tb[MHO_A_CTX] ||
	    mho_parse_nested(ct, MHO_CTX_A_MAX, tb[MHO_A_CTX]) < 0 ||
	    !ct[MHO_CTX_A_N_BRIDGE])
		return 0;
	return mho_get_uint(ct[MHO_CTX_A_N_BRIDGE]);
}

/* The import's or move's reply: the SPIs it changed, the bridges. */
static int got_import(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *st[MHO_SPI_A_MAX + 1];
	struct spi_map *m = arg;
	const struct nlattr *a;
	int rem;

	(void)cmd;
	if (!tb[MHO_A_CTX])
		return 0;
	m->bridges = ctx_bridges(tb);
	if (!m->c)
		return 0;
	nla_for_each_nested(a, tb[MHO_A_CTX], rem) {
		if (nla_type(a) != MHO_CTX_A_SPI)
			continue;
		if (m->n == MHOD_SPI_MAP_MAX ||
		    mho_parse_nested(st, MHO_SPI_A_MAX, a) < 0 ||
		    !st[MHO_SPI_A_OLD] || !st[MHO_SPI_A_NEW])
			return -1;
		m->c[m->n].old_spi = (uint32_t)mho_get_uint(st[MHO_SPI_A_OLD]);
		m->c[m->n].new_spi = (uint32_t)mho_get_uint(st[MHO_SPI_A_NEW]);
		m->n++;
	}
	return 0;
}

int kern_ctx_import(const struct in6_addr *addr, const uint8_t *native,
		    size_t len, const struct in6_addr *new_ar,
		    const struct in6_addr *new_coa,
		    struct mhod_spi_change *spis, size_t *nspi)
{
	struct spi_map map = { .c = spis };
	struct nl_msg *msg = mho_msg_size(MHO_CMD_CTX_IMPORT, 0, len + 4096);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);
	int err;

	mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*addr), addr);
	mho_nest_end(msg, nest);
	nest = mho_nest_start(msg, MHO_A_CTX);
	if (nlmsg_append(msg, (void *)native, len, NLA_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mho_put_addr(msg, MHO_CTX_A_NEW_AR, new_ar);
	if (new_coa)
		mho_put_addr(msg, MHO_CTX_A_NEW_COA, new_coa);
	mho_put_u8(msg, MHO_CTX_A_MODE, MHO_CTX_PREDICTIVE);
	put_bridge(msg);
	mho_nest_end(msg, nest);
	/* mhonl_send() wipes the message, keys and all. */
	err = request(msg, got_import, &map);
	*nspi = err ? 0 : map.n;
	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: context of %s imported, pending, %llu bridging%s%s",
		 mhod_ntop(addr), map.bridges, err ? ": " : "",
		 err ? strerror(-err) : "");
	return err;
}

static int ctx_cmd(uint8_t cmd, int attr, const void *key, size_t len)
{
	struct nl_msg *msg = mho_msg(cmd, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);

	if (attr == MHO_BINDING_A_ID)
		mho_put_u32(msg, attr, *(const uint32_t *)key);
	else
		mho_put_bin(msg, attr, len, key);
	mho_nest_end(msg, nest);
	return request(msg, NULL, NULL);
}

int kern_ctx_activate(uint32_t id)
{
	int err = ctx_cmd(MHO_CMD_CTX_ACTIVATE, MHO_BINDING_A_ID, &id,
			  sizeof(id));

	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: context of binding %u activated%s%s", id,
		 err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

int kern_ctx_activate_addr(const struct in6_addr *addr)
{
	int err = ctx_cmd(MHO_CMD_CTX_ACTIVATE, MHO_BINDING_A_MATCH, addr,
			  sizeof(*addr));

	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: context of %s installed%s%s", mhod_ntop(addr),
		 err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

int kern_binding_home(const struct in6_addr *addr, const struct in6_addr *home)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_BINDING_SET, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_BINDING);
	int err;

	mho_put_bin(msg, MHO_BINDING_A_MATCH, sizeof(*addr), addr);
	mho_put_addr(msg, MHO_BINDING_A_HOA, home);
	mho_put_addr(msg, MHO_BINDING_A_COA, addr);
	mho_nest_end(msg, nest);
	err = request(msg, NULL, NULL);
	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: binding %s gets home address %s%s%s", mhod_ntop(addr),
		 mhod_ntop(home), err ? ": " : "", err ? strerror(-err) : "");
	return err;
}

int kern_ctx_drop(const struct in6_addr *addr)
{
	return ctx_cmd(MHO_CMD_CTX_DROP, MHO_BINDING_A_MATCH, addr,
		       sizeof(*addr));
}

int kern_ctx_move(const struct in6_addr *coa, const struct in6_addr *new_coa,
		  const struct in6_addr *ar, const struct in6_addr *new_ar,
		  const struct mhod_spi_change *spis, size_t nspi)
{
	struct nl_msg *msg = mho_msg(MHO_CMD_CTX_MOVE, 0);
	struct nlattr *nest = mho_nest_start(msg, MHO_A_CTX), *sn;
	struct spi_map map = { 0 };
	size_t i;
	int err;

	mho_put_addr(msg, MHO_CTX_A_COA, coa);
	mho_put_addr(msg, MHO_CTX_A_NEW_COA, new_coa);
	mho_put_addr(msg, MHO_CTX_A_AR, ar);
	mho_put_addr(msg, MHO_CTX_A_NEW_AR, new_ar);
	/* The SPIs the nAR changed (the FBack said so). */
	for (i = 0; i < nspi; i++) {
		sn = mho_nest_start(msg, MHO_CTX_A_SPI);
		mho_put_u32(msg, MHO_SPI_A_OLD, spis[i].old_spi);
		mho_put_u32(msg, MHO_SPI_A_NEW, spis[i].new_spi);
		mho_nest_end(msg, sn);
	}
	put_bridge(msg);
	mho_nest_end(msg, nest);
	err = request(msg, got_import, &map);
	if (err)
		mhod_ctr.kernel_errors++;
	mhod_log(err ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "kernel: own SAs moved from %s (%s) to %s (%s), %zu SPIs changed, %llu bridging%s%s",
		 mhod_ntop(coa), mhod_ntop(ar), mhod_ntop(new_coa),
		 mhod_ntop(new_ar), nspi, map.bridges, err ? ": " : "",
		 err ? strerror(-err) : "");
	return err;
}

/* RFC 5568 6.2.1.2 / 6.2.3 status codes. */
uint8_t kern_status(int err)
{
	switch (-err) {
	case ENOSPC:
	case ENOBUFS:
	case ENOMEM:
	case E2BIG:
		return 130;	/* insufficient resources */
	case EPERM:
	case EACCES:
		return 129;	/* administratively prohibited */
	default:
		return 128;	/* unspecified */
	}
}

/* ------------------------------------------------------------ events */

static const char *const event_names[] = {
	[MHO_EVENT_STATE] = "state", [MHO_EVENT_OVERFLOW] = "overflow",
	[MHO_EVENT_ATTACH] = "attach", [MHO_EVENT_MARKER] = "marker",
	[MHO_EVENT_EXPIRED] = "expired", [MHO_EVENT_REFORWARD] = "reforward",
	[MHO_EVENT_CACHE_FULL] = "cache-full",
	[MHO_EVENT_CONTEXT] = "context", [MHO_EVENT_CUT] = "cut",
	[MHO_EVENT_MARKER_LOST] = "marker-lost",
};

static struct mhonl *events;
static struct loop_fd events_lf = { .fd = -1 };

static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MHO_A_MAX + 1], *ev[MHO_EVENT_A_MAX + 1];
	unsigned int type;
	enum mhod_log level = MHOD_LOG_INFO;

	(void)arg;
	if (mhonl_genl_parse(nlh, tb, MHO_A_MAX) < 0 || !tb[MHO_A_EVENT] ||
	    mho_parse_nested(ev, MHO_EVENT_A_MAX, tb[MHO_A_EVENT]) < 0 ||
	    !ev[MHO_EVENT_A_TYPE])
		return 0;
	mhod_ctr.kernel_events++;
	type = (unsigned int)mho_get_uint(ev[MHO_EVENT_A_TYPE]);
	/* The MN is here, but its context is pending: activate it. */
	if (type == MHO_EVENT_ATTACH && ev[MHO_EVENT_A_BINDING] &&
	    mho_get_uint(ev[MHO_EVENT_A_STATE]) == MHO_STATE_HOLD &&
	    mhod_conf->role == MHOD_ROLE_AR)
		ctx_on_attach((uint32_t)mho_get_uint(ev[MHO_EVENT_A_BINDING]));
	/* A home agent's end-marker may have ended a pAR's forwarding. */
	if (type == MHO_EVENT_MARKER && mhod_conf->role == MHOD_ROLE_AR)
		ar_on_marker();
	/* A hold the MN never claimed, a queue that overflowed, a marker
	 * that could not be sent: handoffs that went wrong.
	 */
	if (type == MHO_EVENT_EXPIRED || type == MHO_EVENT_OVERFLOW ||
	    type == MHO_EVENT_MARKER_LOST)
		level = MHOD_LOG_WARN;
	mhod_log(level, "kernel event %s: binding %llu, state %llu, dropped %llu",
		 type <= MHO_EVENT_MAX && event_names[type] ?
		 event_names[type] : "?",
		 (unsigned long long)mho_get_uint(ev[MHO_EVENT_A_BINDING]),
		 (unsigned long long)mho_get_uint(ev[MHO_EVENT_A_STATE]),
		 (unsigned long long)mho_get_uint(ev[MHO_EVENT_A_DROPPED]));
	return 0;
}

static void events_read(struct loop_fd *lf)
{
	int err;

	(void)lf;
	do {
		err = mhonl_dispatch(events, on_event, NULL);
		if (err == -ENOBUFS)
			mhod_log(MHOD_LOG_WARN, "kernel events were lost (receive buffer overflow)");
	} while (err >= 0 || err == -ENOBUFS);
}

int kern_events_open(void)
{
	int err;

	events = mhonl_open(NETLINK_GENERIC);
	if (!events)
		return -errno;
	err = mhonl_join(events, MHO_MCGRP_EVENTS);
	if (!err)
		err = mhonl_set_nonblocking(events);
	if (err) {
		mhod_log(MHOD_LOG_ERR, "kernel events: %s", strerror(-err));
		kern_events_close();
		return err;
	}
	events_lf.fd = mhonl_fd(events);
	events_lf.fn = events_read;
	return loop_add(&events_lf);
}

void kern_events_close(void)
{
	if (events_lf.fd >= 0)
		loop_del(&events_lf);
	events_lf.fd = -1;
	if (events)
		mhonl_close(events);
	events = NULL;
}
