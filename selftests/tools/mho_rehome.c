// SPDX-License-Identifier: GPL-2.0
/*
 * mho_rehome - issue #4's benchmark: move the IPsec contexts of N mobile
 * nodes from one access router (network namespace FROM) to another (TO),
 * either with mho's MHO_CMD_CTX_EXPORT / MHO_CMD_CTX_IMPORT or with the
 * userspace recipe a key manager uses (strongSwan's update_sa): per SA,
 * XFRM_MSG_GETSA, XFRM_MSG_GETAE, XFRM_MSG_DELSA in FROM, then
 * XFRM_MSG_NEWSA in TO with the replay state and lifetime counters that
 * GETAE returned. Requests are sent one at a time, each answered before
 * the next, as a key manager does.
 *
 *   mho_rehome setup  --from A --to B -n N [--no-bindings] [--cbc]
 *                     [--no-esn] [--any] [--mark M]
 *   mho_rehome module --from A --to B -n N
 *   mho_rehome recipe --from A --to B -n N [--policies] [--mark M] [--any]
 *   mho_rehome verify --from A --to B -n N [--seq-margin S] [--cbc]
 *                     [--no-esn] [--any] [--mark M] [--sas-only]
 *   mho_rehome clean  --from A --to B -n N [--no-bindings]
 *
 * setup (untimed) installs, in A, per MN i (0 <= i < N):
 *   - SA "in"  coa_i -> AR_A, ESP tunnel mode, spi 0x10000000 + i
 *   - SA "out" AR_A -> coa_i, ESP tunnel mode, spi 0x20000000 + i
 *     both reqid i + 1, rfc4106(gcm(aes)) (128-bit key, 4-byte salt,
 *     16-byte ICV; --cbc: cbc(aes) + hmac(sha256) truncated to 128 bits,
 *     for kernels without GCM), ESN with a 128-packet window (--no-esn:
 *     a 32-packet window, no ESN) and a replay state that is not zero, so
 *     that a move that loses it shows
 *   - policy out: CN -> hoa_i, tmpl AR_A -> coa_i; policy in: hoa_i -> CN,
 *     tmpl coa_i -> AR_A (--any: :: /0 instead of CN, which puts the
 *     policies on XFRM's inexact lists, where every insertion walks all
 *     of them)
 *   - a pAR binding with coa coa_i;
 * and in B an nAR binding per MN with coa ncoa_i (not with --no-bindings).
 * Addresses: coa_i 2001:db8:a::/64, ncoa_i 2001:db8:b::/64, hoa_i
 * 2001:db8:c::/64, each with i + 1 in the low 32 bits; AR_A
 * 2001:db8:aa::1, AR_B 2001:db8:bb::1, CN 2001:db8:99::1.
 *
 * module (timed) exports each MN's context from A (MATCH coa_i, AR AR_A,
 * DISPOSE delete) and imports it in B (MATCH ncoa_i, NEW_AR AR_B, NEW_COA
 * ncoa_i, MODE reactive); it also reports ns_import, the time spent in
 * the import requests alone (the part that walks none of XFRM's lists).
 * recipe (timed) moves each SA as above, rewriting AR_A and coa_i to AR_B
 * and ncoa_i; with --policies it also moves the policies
 * (XFRM_MSG_DELPOLICY in A, XFRM_MSG_NEWPOLICY in B, from what the key
 * manager knows, as strongSwan does). Both print one
 * JSON object on stdout:
 *   {"mode":"module","n":N,"sas":..,"policies":..,"messages":..,
 *    "ns":..,"ns_per_context":..}
 *
 * verify (untimed) checks that B holds exactly the N contexts, moved: the
 * new addresses, the keys, the replay state (every SA's outbound sequence
 * number plus --seq-margin, which import adds to inbound SAs too), and
 * that A holds no SA or policy (--sas-only, after the recipe without
 * --policies: the policies stayed in A, all of them, and B has none).
 *
 * clean flushes XFRM's SAs and policies in both namespaces and deletes
 * the bindings setup made.
 *
 * Exit status: 0, 1 if the kernel refused something or verify found a
 * difference, 2 on a usage or local error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ipsec.h>
#include <linux/xfrm.h>

#include "common.h"
#include "mhonl.h"

#define SPI_IN		0x10000000u	/* coa_i -> AR */
#define SPI_OUT		0x20000000u	/* AR -> coa_i */
#define N_MAX		0x0ffffffeu
#define WINDOW_ESN	128
#define WINDOW_LEGACY	32
#define PRIORITY	1000

enum { DIR_IN, DIR_OUT };

static struct {
	const char *from, *to;
	unsigned int n;
	int no_bindings, cbc, no_esn, any, policies, sas_only;
	int has_mark;
	struct xfrm_mark mark;
	uint32_t seq_margin;
} opt;

static struct in6_addr ar_a, ar_b, cn;

const char prog[] = "mho_rehome";

/* 2001:db8:NET::/64 with V in the low 32 bits. */
static void addr(struct in6_addr *a, uint16_t net, uint32_t v)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0x20;
	a->s6_addr[1] = 0x01;
	a->s6_addr[2] = 0x0d;
	a->s6_addr[3] = 0xb8;
	a->s6_addr[4] = net >> 8;
	a->s6_addr[5] = net;
	a->s6_addr[12] = v >> 24;
	a->s6_addr[13] = v >> 16;
	a->s6_addr[14] = v >> 8;
	a->s6_addr[15] = v;
}

static void coa(struct in6_addr *a, unsigned int i)
{
	addr(a, 0xa, i + 1);
}

static void ncoa(struct in6_addr *a, unsigned int i)
{
	addr(a, 0xb, i + 1);
}

static void hoa(struct in6_addr *a, unsigned int i)
{
	addr(a, 0xc, i + 1);
}

static const char *ntop(const void *a)
{
	static char s[4][INET6_ADDRSTRLEN];
	static int k;

	k = (k + 1) % 4;
	return inet_ntop(AF_INET6, a, s[k], sizeof(s[k]));
}

/* ---- netlink ------------------------------------------------------------- */

/* Room for a context (two SAs, two policies) and its answer. */
#define MSG_MAX 16384

struct sock {
	struct mhonl *h;
	const char *ns;
};

static char extack[sizeof(((struct mhonl_ack *)0)->msg) + 4];

/* A request of TYPE with a zeroed fixed header of HDR bytes, in *M. */
static void *msg_new(struct nl_msg **m, int type, int flags, size_t hdr)
{
	*m = nlmsg_alloc_size(MSG_MAX);
	if (!*m || !nlmsg_put(*m, NL_AUTO_PORT, NL_AUTO_SEQ, type, hdr,
			      NLM_F_REQUEST | flags))
		die("out of memory");
	return nlmsg_data(nlmsg_hdr(*m));
}

static int nsfd_self = -1;

static void enter(const char *ns)
{
	char path[256];
	int fd;

	if (nsfd_self < 0) {
		nsfd_self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (nsfd_self < 0)
			die("/proc/self/ns/net: %s", strerror(errno));
	}
	if (!ns) {
		if (setns(nsfd_self, CLONE_NEWNET) < 0)
			die("setns back: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns %s: %s", ns, strerror(errno));
	close(fd);
}

/* A netlink socket of PROTO in namespace NS (opened there, used anywhere). */
static void sock_open(struct sock *s, const char *ns, int proto)
{
	struct timeval tv = { .tv_sec = 60 };
	int sz = 1 << 20;

	enter(ns);
	s->h = mhonl_open(proto);
	if (!s->h)
		die("netlink socket in %s: %s", ns, strerror(errno));
	enter(NULL);
	setsockopt(mhonl_fd(s->h), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	/* A kernel that never answers fails the run instead of hanging it. */
	setsockopt(mhonl_fd(s->h), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->ns = ns;
}

struct first {
	void *buf;
	size_t size, len;
};

static int copy_first(const struct nlmsghdr *h, void *arg)
{
	struct first *f = arg;

	if (f->len)
		return 0;
	if (h->nlmsg_len > f->size)
		die("reply of %u bytes", h->nlmsg_len);
	memcpy(f->buf, h, h->nlmsg_len);
	f->len = h->nlmsg_len;
	return 0;
}

/*
 * Send M and wait for its answer (mhonl_request(): the ACK if M asks for
 * one, the end of a dump, else the first reply); FN sees every reply.
 * Returns 0 or -errno from the kernel, with its extack message in extack.
 */
static int request(struct sock *s, struct nl_msg *m, mhonl_msg_fn fn,
		   void *arg)
{
	struct mhonl_ack ack;
	int r;

	r = mhonl_request(s->h, m, fn, arg, &ack);
	if (!ack.done)
		die("netlink in %s: %s", s->ns, strerror(-r));
	extack[0] = '\0';
	if (ack.msg[0])
		snprintf(extack, sizeof(extack), " (%s)", ack.msg);
	return r;
}

/* request(), the first reply copied to REP: its length (0: none). */
static int talk(struct sock *s, struct nl_msg *m, void *rep, size_t size)
{
	struct first f = { .buf = rep, .size = size };
	int r = request(s, m, rep ? copy_first : NULL, &f);

	return r < 0 ? r : (int)f.len;
}

/* mho's generic netlink family, resolved in S's namespace. */
static void resolve(struct sock *s)
{
	int r = mhonl_family(s->h);

	if (r == -ENOENT) {
		fprintf(stderr, "Error: %s\n", MHONL_NOT_LOADED);
		exit(2);
	}
	if (r < 0)
		die("cannot resolve the family: %s", strerror(-r));
}

static void genl_new(struct nl_msg **m, struct sock *s, int cmd, int flags)
{
	*m = nlmsg_alloc_size(MSG_MAX);
	if (!*m || !genlmsg_put(*m, NL_AUTO_PORT, NL_AUTO_SEQ,
				mhonl_family(s->h), 0, NLM_F_REQUEST | flags,
				cmd, MHO_GENL_VERSION))
		die("out of memory");
}

/* ---- what setup installs -------------------------------------------------- */

struct sa_p {
	struct xfrm_usersa_info info;
	uint8_t key[20], auth_key[32];
	struct {
		struct xfrm_replay_state_esn esn;
		uint32_t bmp[WINDOW_ESN / 32];
	} esn;
	struct xfrm_replay_state legacy;
};

static void sel_host(struct xfrm_selector *sel, const struct in6_addr *src,
		     const struct in6_addr *dst)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = AF_INET6;
	if (src && !(opt.any && !memcmp(src, &cn, sizeof(cn)))) {
		memcpy(&sel->saddr, src, sizeof(*src));
		sel->prefixlen_s = 128;
	}
	if (dst && !(opt.any && !memcmp(dst, &cn, sizeof(cn)))) {
		memcpy(&sel->daddr, dst, sizeof(*dst));
		sel->prefixlen_d = 128;
	}
}

static void lft_inf(struct xfrm_lifetime_cfg *l)
{
	l->soft_byte_limit = XFRM_INF;
	l->hard_byte_limit = XFRM_INF;
	l->soft_packet_limit = XFRM_INF;
	l->hard_packet_limit = XFRM_INF;
}

/*
 * SA DIR of MN I between router AR and care-of address CA, as setup
 * installs it. The replay state is what it was at the move: setup
 * installs it so, and verify expects it (the outbound sequence number
 * plus MARGIN, which import adds to every SA, inbound ones included,
 * whose outbound number is otherwise unused and 0).
 */
static void sa_params(struct sa_p *p, unsigned int i, int dir,
		      const struct in6_addr *ar, const struct in6_addr *ca,
		      uint32_t margin)
{
	struct xfrm_usersa_info *x = &p->info;
	struct in6_addr h;
	unsigned int k;

	memset(p, 0, sizeof(*p));
	hoa(&h, i);
	if (dir == DIR_IN) {
		sel_host(&x->sel, &h, &cn);
		memcpy(&x->saddr, ca, sizeof(*ca));
		memcpy(&x->id.daddr, ar, sizeof(*ar));
		x->id.spi = htonl(SPI_IN + i);
	} else {
		sel_host(&x->sel, &cn, &h);
		memcpy(&x->saddr, ar, sizeof(*ar));
		memcpy(&x->id.daddr, ca, sizeof(*ca));
		x->id.spi = htonl(SPI_OUT + i);
	}
	x->id.proto = IPPROTO_ESP;
	x->family = AF_INET6;
	x->mode = XFRM_MODE_TUNNEL;
	x->reqid = i + 1;
	lft_inf(&x->lft);
	for (k = 0; k < sizeof(p->key); k++)
		p->key[k] = (i * 7 + k * 13 + dir * 101) & 0xff;
	for (k = 0; k < sizeof(p->auth_key); k++)
		p->auth_key[k] = (i * 11 + k * 17 + dir * 89) & 0xff;
	if (opt.no_esn) {
		x->replay_window = WINDOW_LEGACY;
		if (dir == DIR_IN) {
			p->legacy.seq = 0x1000 + (i & 0xffff);
			p->legacy.bitmap = 0xa5000000u | (i & 0xffffff);
			p->legacy.oseq = margin;
		} else {
			p->legacy.oseq = 0x2000 + (i & 0xffff) + margin;
		}
		return;
	}
	x->flags = XFRM_STATE_ESN;
	p->esn.esn.bmp_len = WINDOW_ESN / 32;
	p->esn.esn.replay_window = WINDOW_ESN;
	if (dir == DIR_IN) {
		p->esn.esn.seq = 0x1000 + (i & 0xffff);
		p->esn.esn.seq_hi = 1;
		for (k = 0; k < WINDOW_ESN / 32; k++)
			p->esn.bmp[k] = 0xa5000000u | ((i + k) & 0xffffff);
		p->esn.esn.oseq = margin;
	} else {
		p->esn.esn.oseq = 0x2000 + (i & 0xffff) + margin;
		p->esn.esn.oseq_hi = 1;
	}
}

static void put_mark(struct nl_msg *m)
{
	if (opt.has_mark)
		mho_put_raw(m, XFRMA_MARK, &opt.mark, sizeof(opt.mark));
}

static void put_sa(struct nl_msg **m, const struct sa_p *p)
{
	struct xfrm_usersa_info *x;

	x = msg_new(m, XFRM_MSG_NEWSA, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
		    sizeof(*x));
	*x = p->info;
	if (opt.cbc) {
		struct xfrm_algo *c;
		struct xfrm_algo_auth *a;

		c = mho_put_raw(*m, XFRMA_ALG_CRYPT, NULL, sizeof(*c) + 16);
		strcpy(c->alg_name, "cbc(aes)");
		c->alg_key_len = 128;
		memcpy(c->alg_key, p->key, 16);
		a = mho_put_raw(*m, XFRMA_ALG_AUTH_TRUNC, NULL, sizeof(*a) + 32);
		strcpy(a->alg_name, "hmac(sha256)");
		a->alg_key_len = 256;
		a->alg_trunc_len = 128;
		memcpy(a->alg_key, p->auth_key, 32);
	} else {
		struct xfrm_algo_aead *a;

		a = mho_put_raw(*m, XFRMA_ALG_AEAD, NULL, sizeof(*a) + 20);
		strcpy(a->alg_name, "rfc4106(gcm(aes))");
		a->alg_key_len = 160;	/* 128-bit key, 32-bit salt */
		a->alg_icv_len = 128;
		memcpy(a->alg_key, p->key, 20);
	}
	if (opt.no_esn)
		mho_put_raw(*m, XFRMA_REPLAY_VAL, &p->legacy, sizeof(p->legacy));
	else
		mho_put_raw(*m, XFRMA_REPLAY_ESN_VAL, &p->esn, sizeof(p->esn));
	put_mark(*m);
}

/* Policy DIR of MN I between AR and CA: new (TYPE NEWPOLICY) or DELPOLICY. */
static void put_policy(struct nl_msg **m, int type, unsigned int i, int dir,
		       const struct in6_addr *ar, const struct in6_addr *ca)
{
	struct xfrm_selector sel;
	struct in6_addr h;

	hoa(&h, i);
	if (dir == DIR_IN)
		sel_host(&sel, &h, &cn);
	else
		sel_host(&sel, &cn, &h);
	if (type == XFRM_MSG_DELPOLICY) {
		struct xfrm_userpolicy_id *id;

		id = msg_new(m, type, NLM_F_ACK, sizeof(*id));
		id->sel = sel;
		id->dir = dir == DIR_IN ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	} else {
		struct xfrm_userpolicy_info *p;
		struct xfrm_user_tmpl *t;

		p = msg_new(m, type, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
			    sizeof(*p));
		p->sel = sel;
		lft_inf(&p->lft);
		p->priority = PRIORITY;
		p->dir = dir == DIR_IN ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
		p->action = XFRM_POLICY_ALLOW;
		p->share = XFRM_SHARE_ANY;
		t = mho_put_raw(*m, XFRMA_TMPL, NULL, sizeof(*t));
		t->family = AF_INET6;
		t->id.proto = IPPROTO_ESP;
		memcpy(&t->id.daddr, dir == DIR_IN ? ar : ca, sizeof(*ar));
		memcpy(&t->saddr, dir == DIR_IN ? ca : ar, sizeof(*ar));
		t->reqid = i + 1;
		t->mode = XFRM_MODE_TUNNEL;
		t->aalgos = ~0u;
		t->ealgos = ~0u;
		t->calgos = ~0u;
	}
	put_mark(*m);
}

static void fail(const char *what, unsigned int i, const char *ns, int err)
{
	fprintf(stderr, "mho_rehome: %s of MN %u in %s: %s%s\n", what, i, ns,
		strerror(-err), extack);
	exit(1);
}

/* talk(), no reply kept: an error is fatal, WHAT for MN I in its message. */
static void must(struct sock *s, struct nl_msg *m, const char *what,
		 unsigned int i)
{
	int r = talk(s, m, NULL, 0);

	if (r < 0)
		fail(what, i, s->ns, r);
}

/*
 * A request CMD of mho's family in *M, for the binding whose ATTR is A
 * (MHO_BINDING_A_COA to create it, MHO_BINDING_A_MATCH to find it), with
 * ROLE unless it is 0.
 */
static void binding_msg(struct nl_msg **m, struct sock *s, int cmd, int flags,
			int attr, const struct in6_addr *a, int role)
{
	struct nlattr *nest;

	genl_new(m, s, cmd, flags);
	nest = mho_nest_start(*m, MHO_A_BINDING);
	if (role)
		mho_put_u8(*m, MHO_BINDING_A_ROLE, role);
	mho_put_addr(*m, attr, a);
	mho_nest_end(*m, nest);
}

static void binding_new(struct sock *s, int role, const struct in6_addr *a,
			unsigned int i)
{
	static char rep[4096] __attribute__((aligned(8)));
	struct nl_msg *m;
	int r;

	binding_msg(&m, s, MHO_CMD_BINDING_NEW, NLM_F_ACK, MHO_BINDING_A_COA, a,
		    role);
	r = talk(s, m, rep, sizeof(rep));
	if (r < 0)
		fail("binding new", i, s->ns, r);
}

/* ---- commands ------------------------------------------------------------- */

static struct sock xa, xb, ga, gb;	/* XFRM and mho, in FROM and TO */

static void cmd_setup(void)
{
	struct in6_addr ca;
	struct sa_p p;
	struct nl_msg *m;
	unsigned int i;
	int dir;

	for (i = 0; i < opt.n; i++) {
		coa(&ca, i);
		for (dir = DIR_IN; dir <= DIR_OUT; dir++) {
			sa_params(&p, i, dir, &ar_a, &ca, 0);
			put_sa(&m, &p);
			must(&xa, m, "XFRM_MSG_NEWSA", i);
			put_policy(&m, XFRM_MSG_NEWPOLICY, i, dir, &ar_a, &ca);
			must(&xa, m, "XFRM_MSG_NEWPOLICY", i);
		}
		if (opt.no_bindings)
			continue;
		binding_new(&ga, MHO_ROLE_PAR, &ca, i);
		ncoa(&ca, i);
		binding_new(&gb, MHO_ROLE_NAR, &ca, i);
	}
}

static void flush(struct sock *s)
{
	struct xfrm_usersa_flush *f;
	struct nl_msg *m;

	f = msg_new(&m, XFRM_MSG_FLUSHSA, NLM_F_ACK, sizeof(*f));
	f->proto = IPSEC_PROTO_ANY;
	must(s, m, "XFRM_MSG_FLUSHSA", 0);
	msg_new(&m, XFRM_MSG_FLUSHPOLICY, NLM_F_ACK, 0);
	must(s, m, "XFRM_MSG_FLUSHPOLICY", 0);
}

static void binding_del(struct sock *s, const struct in6_addr *a,
			unsigned int i)
{
	struct nl_msg *m;
	int r;

	binding_msg(&m, s, MHO_CMD_BINDING_DEL, NLM_F_ACK, MHO_BINDING_A_MATCH, a,
		    0);
	r = talk(s, m, NULL, 0);
	if (r < 0 && r != -ENOENT)
		fail("binding del", i, s->ns, r);
}

static void cmd_clean(void)
{
	struct in6_addr a;
	unsigned int i;

	flush(&xa);
	flush(&xb);
	if (opt.no_bindings)
		return;
	for (i = 0; i < opt.n; i++) {
		coa(&a, i);
		binding_del(&ga, &a, i);
		ncoa(&a, i);
		binding_del(&gb, &a, i);
	}
}

static void report(const char *mode, uint64_t ns, unsigned long sas,
		   unsigned long pols, unsigned long msgs, const char *extra)
{
	printf("{\"mode\":\"%s\",\"n\":%u,\"sas\":%lu,\"policies\":%lu,\"messages\":%lu,\"ns\":%llu,\"ns_per_context\":%llu%s}\n",
	       mode, opt.n, sas, pols, msgs, (unsigned long long)ns,
	       (unsigned long long)(ns / opt.n), extra);
}

/* The MHO_A_CTX nest of genl message H, or NULL. */
static struct nlattr *ctx_of(struct nlmsghdr *h)
{
	return nlmsg_find_attr(h, GENL_HDRLEN, MHO_A_CTX);
}

static void cmd_module(void)
{
	static char rep[MSG_MAX] __attribute__((aligned(8)));
	struct nlmsghdr *h = (struct nlmsghdr *)rep;
	unsigned long sas = 0, pols = 0, spis = 0;
	struct in6_addr ca, nca;
	struct nlattr *ctx, *a, *nest;
	uint64_t t0, t1, t, t_imp = 0;
	char extra[96];
	struct nl_msg *m;
	unsigned int i;
	int rem;
	int r;

	t0 = clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < opt.n; i++) {
		unsigned int n_sa = 0, n_pol = 0, got_sa = ~0u, got_pol = ~0u;

		coa(&ca, i);
		ncoa(&nca, i);

		binding_msg(&m, &ga, MHO_CMD_CTX_EXPORT, 0, MHO_BINDING_A_MATCH,
			    &ca, 0);
		nest = mho_nest_start(m, MHO_A_CTX);
		mho_put_addr(m, MHO_CTX_A_AR, &ar_a);
		mho_put_u8(m, MHO_CTX_A_DISPOSE, MHO_CTX_DELETE);
		mho_nest_end(m, nest);
		r = talk(&ga, m, rep, sizeof(rep));
		if (r <= 0)
			fail("MHO_CMD_CTX_EXPORT", i, ga.ns, r ? r : -ENOMSG);
		ctx = ctx_of(h);
		if (!ctx)
			die("MHO_CMD_CTX_EXPORT of MN %u: no MHO_A_CTX", i);

		/* The context as exported, then what changes. */
		binding_msg(&m, &gb, MHO_CMD_CTX_IMPORT, 0, MHO_BINDING_A_MATCH,
			    &nca, 0);
		nest = mho_nest_start(m, MHO_A_CTX);
		nla_for_each_nested(a, ctx, rem) {
			switch (nla_type(a)) {
			case MHO_CTX_A_SA:
				n_sa++;
				break;
			case MHO_CTX_A_POLICY:
				n_pol++;
				break;
			case MHO_CTX_A_VERSION:
			case MHO_CTX_A_AR:
			case MHO_CTX_A_COA:
			case MHO_CTX_A_HOA:
			case MHO_CTX_A_GENERATION:
			case MHO_CTX_A_PAD:
				break;
			default:
				continue;
			}
			mho_put_raw(m, a->nla_type, nla_data(a), nla_len(a));
		}
		mho_put_addr(m, MHO_CTX_A_NEW_AR, &ar_b);
		mho_put_addr(m, MHO_CTX_A_NEW_COA, &nca);
		mho_put_u8(m, MHO_CTX_A_MODE, MHO_CTX_REACTIVE);
		mho_nest_end(m, nest);
		if (n_sa != 2 || n_pol != 2)
			die("MHO_CMD_CTX_EXPORT of MN %u: %u SAs and %u policies, not 2 and 2",
			    i, n_sa, n_pol);
		t = clock_ns(CLOCK_MONOTONIC);
		r = talk(&gb, m, rep, sizeof(rep));
		t_imp += clock_ns(CLOCK_MONOTONIC) - t;
		if (r <= 0)
			fail("MHO_CMD_CTX_IMPORT", i, gb.ns, r ? r : -ENOMSG);
		ctx = ctx_of(h);
		if (!ctx)
			die("MHO_CMD_CTX_IMPORT of MN %u: no MHO_A_CTX", i);
		nla_for_each_nested(a, ctx, rem) {
			if (nla_type(a) == MHO_CTX_A_N_SA && nla_len(a) >= 4)
				got_sa = *(uint32_t *)nla_data(a);
			else if (nla_type(a) == MHO_CTX_A_N_POLICY &&
				 nla_len(a) >= 4)
				got_pol = *(uint32_t *)nla_data(a);
			else if (nla_type(a) == MHO_CTX_A_SPI)
				spis++;
		}
		if (got_sa != n_sa || got_pol != n_pol)
			die("MHO_CMD_CTX_IMPORT of MN %u: N_SA %d, N_POLICY %d; exported %u and %u",
			    i, (int)got_sa, (int)got_pol, n_sa, n_pol);
		sas += n_sa;
		pols += n_pol;
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	snprintf(extra, sizeof(extra), ",\"ns_import\":%llu,\"spi_changed\":%lu",
		 (unsigned long long)t_imp, spis);
	report("module", t1 - t0, sas, pols, mhonl_sent(ga.h) + mhonl_sent(gb.h), extra);
}

/* Replace OLD with NEW in A. */
static void rewrite(xfrm_address_t *a, const struct in6_addr *old,
		    const struct in6_addr *new)
{
	if (!memcmp(a, old, sizeof(*old)))
		memcpy(a, new, sizeof(*new));
}

/*
 * One SA, the recipe: GETSA, GETAE (replay state and lifetime counters),
 * DELSA in FROM; NEWSA in TO, from GETSA's answer with the addresses
 * rewritten and GETAE's replay state and counters.
 */
static void recipe_sa(unsigned int i, const struct in6_addr *daddr,
		      uint32_t spi, const struct in6_addr *ca,
		      const struct in6_addr *nca)
{
	static char sa[MSG_MAX] __attribute__((aligned(8)));
	static char ae[4096] __attribute__((aligned(8)));
	struct nlmsghdr *hs = (struct nlmsghdr *)sa, *ha = (struct nlmsghdr *)ae;
	struct xfrm_usersa_info *info, *x;
	struct xfrm_aevent_id *aid;
	struct xfrm_usersa_id *id;
	struct nlattr *a;
	struct nl_msg *m;
	int rem;
	int r;

	id = msg_new(&m, XFRM_MSG_GETSA, 0, sizeof(*id));
	memcpy(&id->daddr, daddr, sizeof(*daddr));
	id->spi = htonl(spi);
	id->family = AF_INET6;
	id->proto = IPPROTO_ESP;
	put_mark(m);
	r = talk(&xa, m, sa, sizeof(sa));
	if (r <= 0 || hs->nlmsg_type != XFRM_MSG_NEWSA)
		fail("XFRM_MSG_GETSA", i, xa.ns, r < 0 ? r : -ENOMSG);

	aid = msg_new(&m, XFRM_MSG_GETAE, 0, sizeof(*aid));
	memcpy(&aid->sa_id.daddr, daddr, sizeof(*daddr));
	aid->sa_id.spi = htonl(spi);
	aid->sa_id.family = AF_INET6;
	aid->sa_id.proto = IPPROTO_ESP;
	aid->flags = XFRM_AE_RVAL;
	put_mark(m);
	r = talk(&xa, m, ae, sizeof(ae));
	if (r <= 0 || ha->nlmsg_type != XFRM_MSG_NEWAE)
		fail("XFRM_MSG_GETAE", i, xa.ns, r < 0 ? r : -ENOMSG);

	id = msg_new(&m, XFRM_MSG_DELSA, NLM_F_ACK, sizeof(*id));
	memcpy(&id->daddr, daddr, sizeof(*daddr));
	id->spi = htonl(spi);
	id->family = AF_INET6;
	id->proto = IPPROTO_ESP;
	put_mark(m);
	must(&xa, m, "XFRM_MSG_DELSA", i);

	info = NLMSG_DATA(hs);
	x = msg_new(&m, XFRM_MSG_NEWSA, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
		    sizeof(*x));
	*x = *info;
	rewrite(&x->id.daddr, &ar_a, &ar_b);
	rewrite(&x->id.daddr, ca, nca);
	rewrite(&x->saddr, &ar_a, &ar_b);
	rewrite(&x->saddr, ca, nca);
	memset(&x->curlft, 0, sizeof(x->curlft));
	memset(&x->stats, 0, sizeof(x->stats));
	nlmsg_for_each_attr(a, hs, sizeof(*info), rem) {
		switch (nla_type(a)) {
		case XFRMA_REPLAY_VAL:		/* GETAE's instead */
		case XFRMA_REPLAY_ESN_VAL:
		case XFRMA_LTIME_VAL:
		case XFRMA_OFFLOAD_DEV:		/* the old router's device */
		case XFRMA_PAD:
			continue;
		}
		mho_put_raw(m, a->nla_type, nla_data(a), nla_len(a));
	}
	aid = NLMSG_DATA(ha);
	nlmsg_for_each_attr(a, ha, sizeof(*aid), rem) {
		switch (nla_type(a)) {
		case XFRMA_REPLAY_VAL:
		case XFRMA_REPLAY_ESN_VAL:
		case XFRMA_LTIME_VAL:
			mho_put_raw(m, a->nla_type, nla_data(a), nla_len(a));
		}
	}
	must(&xb, m, "XFRM_MSG_NEWSA", i);
}

static void cmd_recipe(void)
{
	struct in6_addr ca, nca;
	uint64_t t0, t1;
	struct nl_msg *m;
	unsigned int i;
	int dir;

	t0 = clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < opt.n; i++) {
		coa(&ca, i);
		ncoa(&nca, i);
		recipe_sa(i, &ar_a, SPI_IN + i, &ca, &nca);
		recipe_sa(i, &ca, SPI_OUT + i, &ca, &nca);
		if (!opt.policies)
			continue;
		for (dir = DIR_IN; dir <= DIR_OUT; dir++) {
			put_policy(&m, XFRM_MSG_DELPOLICY, i, dir, &ar_a, &ca);
			must(&xa, m, "XFRM_MSG_DELPOLICY", i);
			put_policy(&m, XFRM_MSG_NEWPOLICY, i, dir, &ar_b, &nca);
			must(&xb, m, "XFRM_MSG_NEWPOLICY", i);
		}
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	report(opt.policies ? "recipe+policies" : "recipe", t1 - t0,
	       2ul * opt.n, opt.policies ? 2ul * opt.n : 0,
	       mhonl_sent(xa.h) + mhonl_sent(xb.h), "");
}

/* ---- verify ------------------------------------------------------------- */

struct tally {
	unsigned long sas, policies, bad;
	unsigned char *seen;	/* per MN: bit 0/1 SA in/out, 2/3 policy */
};

static void bad(struct tally *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	if (t->bad++ >= 10)
		return;
	fprintf(stderr, "mho_rehome: verify: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int mark_ok(const struct nlattr *a)
{
	return opt.has_mark ? a && (size_t)nla_len(a) >= sizeof(opt.mark) &&
		!memcmp(nla_data(a), &opt.mark, sizeof(opt.mark)) :
		!a || !((struct xfrm_mark *)nla_data(a))->v;
}

static int check_sa(const struct nlmsghdr *h, void *arg)
{
	const struct xfrm_usersa_info *x = NLMSG_DATA(h);
	struct nlattr *a, *key = NULL, *auth = NULL, *rp = NULL, *mark = NULL;
	struct tally *t = arg;
	uint32_t spi = ntohl(x->id.spi);
	struct in6_addr nca;
	unsigned int i, dir;
	struct sa_p p;
	int rem;

	if (h->nlmsg_type != XFRM_MSG_NEWSA)
		return 0;
	t->sas++;
	dir = (spi & 0xf0000000u) == SPI_OUT ? DIR_OUT : DIR_IN;
	i = spi & 0x0fffffffu;
	if (((spi & 0xf0000000u) != SPI_IN && dir == DIR_IN) || i >= opt.n) {
		bad(t, "an SA with spi 0x%x", spi);
		return 0;
	}
	ncoa(&nca, i);
	sa_params(&p, i, dir, &ar_b, &nca, opt.seq_margin);
	nlmsg_for_each_attr(a, h, sizeof(*x), rem) {
		switch (nla_type(a)) {
		case XFRMA_ALG_AEAD:
		case XFRMA_ALG_CRYPT:
			key = a;
			break;
		case XFRMA_ALG_AUTH_TRUNC:
			auth = a;
			break;
		case XFRMA_REPLAY_VAL:
		case XFRMA_REPLAY_ESN_VAL:
			rp = a;
			break;
		case XFRMA_MARK:
			mark = a;
			break;
		}
	}
	if (t->seen[i] & (1 << dir))
		bad(t, "MN %u: SA 0x%x twice", i, spi);
	t->seen[i] |= 1 << dir;
	if (memcmp(&x->id.daddr, &p.info.id.daddr, 16) ||
	    memcmp(&x->saddr, &p.info.saddr, 16))
		bad(t, "MN %u: SA 0x%x is %s -> %s, not %s -> %s", i, spi,
		    ntop(&x->saddr), ntop(&x->id.daddr), ntop(&p.info.saddr),
		    ntop(&p.info.id.daddr));
	if (memcmp(&x->sel, &p.info.sel, sizeof(x->sel)))
		bad(t, "MN %u: SA 0x%x: another selector", i, spi);
	if (x->reqid != p.info.reqid || x->mode != p.info.mode ||
	    x->id.proto != IPPROTO_ESP || x->family != AF_INET6 ||
	    x->replay_window != p.info.replay_window ||
	    (x->flags & XFRM_STATE_ESN) != (p.info.flags & XFRM_STATE_ESN))
		bad(t, "MN %u: SA 0x%x: reqid %u mode %u window %u flags 0x%x",
		    i, spi, x->reqid, x->mode, x->replay_window, x->flags);
	if (!mark_ok(mark))
		bad(t, "MN %u: SA 0x%x: another mark", i, spi);
	if (opt.cbc) {
		const struct xfrm_algo *c = key ? nla_data(key) : NULL;
		const struct xfrm_algo_auth *au = auth ? nla_data(auth) : NULL;

		if (!c || nla_type(key) != XFRMA_ALG_CRYPT ||
		    (size_t)nla_len(key) < sizeof(*c) + 16 || c->alg_key_len != 128 ||
		    memcmp(c->alg_key, p.key, 16) || !au ||
		    (size_t)nla_len(auth) < sizeof(*au) + 32 ||
		    au->alg_trunc_len != 128 ||
		    memcmp(au->alg_key, p.auth_key, 32))
			bad(t, "MN %u: SA 0x%x: other keys", i, spi);
	} else {
		const struct xfrm_algo_aead *ad = key ? nla_data(key) : NULL;

		if (!ad || nla_type(key) != XFRMA_ALG_AEAD ||
		    (size_t)nla_len(key) < sizeof(*ad) + 20 ||
		    strcmp(ad->alg_name, "rfc4106(gcm(aes))") ||
		    ad->alg_key_len != 160 || ad->alg_icv_len != 128 ||
		    memcmp(ad->alg_key, p.key, 20))
			bad(t, "MN %u: SA 0x%x: another key", i, spi);
	}
	if (!rp) {
		bad(t, "MN %u: SA 0x%x: no replay state", i, spi);
	} else if (opt.no_esn) {
		const struct xfrm_replay_state *r = nla_data(rp);

		if (nla_type(rp) != XFRMA_REPLAY_VAL ||
		    memcmp(r, &p.legacy, sizeof(*r)))
			bad(t, "MN %u: SA 0x%x: replay oseq %u seq %u bitmap 0x%x, not %u %u 0x%x",
			    i, spi, r->oseq, r->seq, r->bitmap, p.legacy.oseq,
			    p.legacy.seq, p.legacy.bitmap);
	} else {
		const struct xfrm_replay_state_esn *r = nla_data(rp);

		if (nla_type(rp) != XFRMA_REPLAY_ESN_VAL ||
		    (size_t)nla_len(rp) < sizeof(p.esn) ||
		    memcmp(r, &p.esn, sizeof(p.esn)))
			bad(t, "MN %u: SA 0x%x: replay oseq %u:%u seq %u:%u window %u bmp[0] 0x%x, not %u:%u %u:%u %u 0x%x",
			    i, spi, r->oseq_hi, r->oseq, r->seq_hi, r->seq,
			    r->replay_window, r->bmp_len ? r->bmp[0] : 0,
			    p.esn.esn.oseq_hi, p.esn.esn.oseq,
			    p.esn.esn.seq_hi, p.esn.esn.seq,
			    p.esn.esn.replay_window, p.esn.bmp[0]);
	}
	return 0;
}

static int check_policy(const struct nlmsghdr *h, void *arg)
{
	const struct xfrm_userpolicy_info *p = NLMSG_DATA(h);
	const struct xfrm_user_tmpl *tm = NULL;
	struct tally *t = arg;
	struct in6_addr h6, nca;
	struct nlattr *a, *mark = NULL;
	const xfrm_address_t *mn;
	unsigned int i, dir, bit;
	int rem;

	if (h->nlmsg_type != XFRM_MSG_NEWPOLICY)
		return 0;
	t->policies++;
	if (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT) {
		bad(t, "a policy of dir %u", p->dir);
		return 0;
	}
	dir = p->dir == XFRM_POLICY_IN ? DIR_IN : DIR_OUT;
	mn = dir == DIR_IN ? &p->sel.saddr : &p->sel.daddr;
	i = ntohl(mn->a6[3]) - 1;
	hoa(&h6, i);
	if (i >= opt.n || memcmp(mn, &h6, 16)) {
		bad(t, "a policy for %s", ntop(mn));
		return 0;
	}
	nlmsg_for_each_attr(a, h, sizeof(*p), rem) {
		if (nla_type(a) == XFRMA_TMPL && (size_t)nla_len(a) == sizeof(*tm))
			tm = nla_data(a);
		else if (nla_type(a) == XFRMA_MARK)
			mark = a;
	}
	bit = 4 << dir;
	if (t->seen[i] & bit)
		bad(t, "MN %u: policy dir %u twice", i, p->dir);
	t->seen[i] |= bit;
	ncoa(&nca, i);
	if (!tm || tm->reqid != i + 1 || tm->mode != XFRM_MODE_TUNNEL ||
	    memcmp(&tm->id.daddr, dir == DIR_IN ? &ar_b : &nca, 16) ||
	    memcmp(&tm->saddr, dir == DIR_IN ? &nca : &ar_b, 16))
		bad(t, "MN %u: policy dir %u: not one template %s -> %s, reqid %u",
		    i, p->dir, ntop(dir == DIR_IN ? &nca : &ar_b),
		    ntop(dir == DIR_IN ? &ar_b : &nca), i + 1);
	if (!mark_ok(mark))
		bad(t, "MN %u: policy dir %u: another mark", i, p->dir);
	return 0;
}

static int count(const struct nlmsghdr *h, void *arg)
{
	struct tally *t = arg;

	if (h->nlmsg_type == XFRM_MSG_NEWSA)
		t->sas++;
	else if (h->nlmsg_type == XFRM_MSG_NEWPOLICY)
		t->policies++;
	return 0;
}

/* Every SA in S to SA_FN, every policy to POL_FN. */
static void dump_all(struct sock *s, mhonl_msg_fn sa_fn, mhonl_msg_fn pol_fn,
		     struct tally *t)
{
	struct nl_msg *m;
	int r;

	msg_new(&m, XFRM_MSG_GETSA, NLM_F_DUMP, 0);
	r = request(s, m, sa_fn, t);
	if (r < 0)
		fail("XFRM_MSG_GETSA dump", 0, s->ns, r);
	msg_new(&m, XFRM_MSG_GETPOLICY, NLM_F_DUMP, 0);
	r = request(s, m, pol_fn, t);
	if (r < 0)
		fail("XFRM_MSG_GETPOLICY dump", 0, s->ns, r);
}

static int cmd_verify(void)
{
	struct tally t = { 0 }, left = { 0 };
	unsigned int i, missing = 0, want = opt.sas_only ? 0x3 : 0xf;

	t.seen = calloc(opt.n, 1);
	if (!t.seen)
		die("out of memory");
	dump_all(&xa, count, count, &left);
	if (left.sas || left.policies != (opt.sas_only ? 2ul * opt.n : 0))
		bad(&t, "%s still holds %lu SAs and %lu policies", xa.ns,
		    left.sas, left.policies);
	dump_all(&xb, check_sa, check_policy, &t);
	for (i = 0; i < opt.n; i++) {
		if (t.seen[i] != want) {
			if (!missing)
				bad(&t, "MN %u: SAs/policies missing in %s (have 0x%x of 0x%x)",
				    i, xb.ns, t.seen[i], want);
			missing++;
		}
	}
	if (missing > 1)
		bad(&t, "%u MNs incomplete in %s", missing, xb.ns);
	printf("{\"n\":%u,\"sas\":%lu,\"policies\":%lu,\"left_sas\":%lu,\"left_policies\":%lu,\"incomplete\":%u,\"bad\":%lu}\n",
	       opt.n, t.sas, t.policies, left.sas, left.policies, missing,
	       t.bad);
	free(t.seen);
	return t.bad ? 1 : 0;
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: mho_rehome setup|module|recipe|verify|clean --from NS_A --to NS_B -n N\n"
		"       [--no-bindings] [--cbc] [--no-esn] [--any] [--mark V[/M]]\n"
		"       [--policies] [--seq-margin S] [--sas-only]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "no-bindings", no_argument, NULL, 'B' },
		{ "cbc", no_argument, NULL, 'c' },
		{ "no-esn", no_argument, NULL, 'E' },
		{ "any", no_argument, NULL, 'a' },
		{ "policies", no_argument, NULL, 'p' },
		{ "mark", required_argument, NULL, 'm' },
		{ "seq-margin", required_argument, NULL, 's' },
		{ "sas-only", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd;
	int c, mho, r = 0;
	char *end;

	die_status = 2;
	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt.from = optarg;
			break;
		case 't':
			opt.to = optarg;
			break;
		case 'n':
			opt.n = strtoul(optarg, &end, 0);
			if (*end || !opt.n || opt.n > N_MAX)
				die("bad -n \"%s\"", optarg);
			break;
		case 'B':
			opt.no_bindings = 1;
			break;
		case 'c':
			opt.cbc = 1;
			break;
		case 'E':
			opt.no_esn = 1;
			break;
		case 'a':
			opt.any = 1;
			break;
		case 'p':
			opt.policies = 1;
			break;
		case 'm':
			opt.has_mark = 1;
			opt.mark.v = strtoul(optarg, &end, 0);
			opt.mark.m = *end == '/' ? strtoul(end + 1, &end, 0) :
				     0xffffffffu;
			if (*end)
				die("bad --mark \"%s\"", optarg);
			break;
		case 'S':
			opt.sas_only = 1;
			break;
		case 's':
			opt.seq_margin = strtoul(optarg, &end, 0);
			if (*end)
				die("bad --seq-margin \"%s\"", optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !opt.from || !opt.to || !opt.n)
		usage();
	addr(&ar_a, 0xaa, 1);
	addr(&ar_b, 0xbb, 1);
	addr(&cn, 0x99, 1);

	/* Every socket up front: the timed part has no setns(). */
	sock_open(&xa, opt.from, NETLINK_XFRM);
	sock_open(&xb, opt.to, NETLINK_XFRM);
	mho = !strcmp(cmd, "module") ||
	      (!opt.no_bindings && (!strcmp(cmd, "setup") ||
				    !strcmp(cmd, "clean")));
	if (mho) {
		sock_open(&ga, opt.from, NETLINK_GENERIC);
		sock_open(&gb, opt.to, NETLINK_GENERIC);
		resolve(&ga);
		resolve(&gb);
	}

	if (!strcmp(cmd, "setup"))
		cmd_setup();
	else if (!strcmp(cmd, "module"))
		cmd_module();
	else if (!strcmp(cmd, "recipe"))
		cmd_recipe();
	else if (!strcmp(cmd, "verify"))
		r = cmd_verify();
	else if (!strcmp(cmd, "clean"))
		cmd_clean();
	else
		usage();
	return r;
}
