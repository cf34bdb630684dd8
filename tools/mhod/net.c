// SPDX-License-Identifier: GPL-2.0
/*
 * The raw signaling sockets: ICMPv6 (RtSolPr, PrRtAdv, UNA) and the
 * Mobility Header (FBU, FBack, HI, HAck). Linux computes and checks both
 * checksums on raw sockets of these protocols (rawv6_init_sk()); the
 * parsers check them again against the addresses IPV6_PKTINFO gives.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <linux/filter.h>

/* linux/in6.h (RFC 5014), which libc's netinet/in.h leaves out. */
#ifndef IPV6_ADDR_PREFERENCES
#define IPV6_ADDR_PREFERENCES	72
#endif
#ifndef IPV6_PREFER_SRC_COA
#define IPV6_PREFER_SRC_COA	0x0004
#endif

#include "loop.h"
#include "mhod.h"
#include "pkt.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

struct rawsock {
	struct loop_fd lf;
	mhod_rx_fn fn;
	uint32_t drops;		/* SO_RXQ_OVFL's count, last seen */
};

static struct rawsock icmp = { .lf.fd = -1 }, mh = { .lf.fd = -1 };
/* The MN's BUs: their checksum is over the home address (below). */
static int bu_fd = -1;

/*
 * What a burst needs: every mobile node's FBU (or, at an nAR, every HI)
 * at once, while the daemon is busy with the first ones. The default
 * receive buffer holds about 200 such messages; this one 4 KiB a mobile
 * node, from 256 KiB to 32 MiB (SO_RCVBUFFORCE: mhod has CAP_NET_ADMIN;
 * else SO_RCVBUF, which rmem_max caps). What overflows anyway is counted
 * (rx_overflow, from SO_RXQ_OVFL).
 */
static int rcvbuf_size(void)
{
	long n = 4096L * ((long)mhod_conf->npeers + 64);

	if (n < 256 * 1024)
		n = 256 * 1024;
	if (n > 32 * 1024 * 1024)
		n = 32 * 1024 * 1024;
	return (int)n;
}

/*
 * A Destination Options header the message came with. The kernel has
 * checked a Home Address option against its XFRM states and swapped it
 * with the source (RFC 6275 9.3.1): the source is the home address, the
 * option holds the address the packet came from, the care-of address.
 * Any other header (or a second one) makes the message malformed.
 */
static void rx_dstopts(struct mhod_rx *r, const struct cmsghdr *cm)
{
	size_t len = cm->cmsg_len - CMSG_LEN(0);

	if (r->has_hao || mhod_dstopts_hao(CMSG_DATA(cm), len, &r->hao))
		r->bad_xhdr = true;
	else
		r->has_hao = true;
}

static void rx(struct loop_fd *lf)
{
	struct rawsock *rs = (struct rawsock *)lf;
	uint8_t buf[MHOD_MSG_MAX + 1];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(uint32_t)) +
		       CMSG_SPACE(2048)];
		struct cmsghdr align;
	} c;
	struct sockaddr_in6 from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm;
	struct mhod_rx r;
	ssize_t n;

	for (;;) {
		msg.msg_namelen = sizeof(from);
		msg.msg_controllen = sizeof(c.b);
		n = recvmsg(lf->fd, &msg, MSG_DONTWAIT);
		if (n < 0)
			return;
		memset(&r, 0, sizeof(r));
		r.buf = buf;
		r.len = (size_t)n;
		r.pi.src = from.sin6_addr;
		r.pi.hop_limit = -1;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_RXQ_OVFL) {
				uint32_t drops;

				/* The socket's drops so far. */
				memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
				mhod_ctr.rx_overflow += drops - rs->drops;
				rs->drops = drops;
				continue;
			}
			if (cm->cmsg_level != IPPROTO_IPV6)
				continue;
			if (cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pk;

				memcpy(&pk, CMSG_DATA(cm), sizeof(pk));
				r.pi.dst = pk.ipi6_addr;
				r.ifindex = (int)pk.ipi6_ifindex;
			} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
				memcpy(&r.pi.hop_limit, CMSG_DATA(cm),
				       sizeof(int));
			} else if (cm->cmsg_type == IPV6_DSTOPTS) {
				rx_dstopts(&r, cm);
			}
		}
		/* Truncated: longer than any message mhod accepts. */
		if (msg.msg_flags & MSG_TRUNC)
			r.len = sizeof(buf);
		mhod_ctr.rx_msgs++;
		rs->fn(&r);
	}
}

static int open_raw(struct rawsock *rs, int proto, mhod_rx_fn fn)
{
	int one = 1, hops = 255, rcvbuf = rcvbuf_size();

	rs->fn = fn;
	rs->lf.fn = rx;
	rs->lf.fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   proto);
	if (rs->lf.fd < 0)
		return -1;
	if (setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
		       sizeof(hops)) < 0 ||
	    setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) < 0 ||
	    setsockopt(rs->lf.fd, SOL_SOCKET, SO_RXQ_OVFL, &one,
		       sizeof(one)) < 0)
		return -1;
	if (setsockopt(rs->lf.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(rs->lf.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (proto == IPPROTO_MH &&
	    setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &one,
		       sizeof(one)) < 0)
		return -1;
	/*
	 * A mobile node's home address (with its "home" flag, which the
	 * kernel needs to take a BA's type 2 Routing Header for it) would
	 * win the kernel's choice of a source (RFC 6724 rule 4): where the
	 * agent leaves the source to the kernel (an FBU from the new link),
	 * the care-of address is the one (RFC 5014).
	 */
	if (mhod_conf->role == MHOD_ROLE_MN) {
		int pref = IPV6_PREFER_SRC_COA;

		if (setsockopt(rs->lf.fd, IPPROTO_IPV6, IPV6_ADDR_PREFERENCES,
			       &pref, sizeof(pref)) < 0)
			return -1;
	}
	if (proto == IPPROTO_ICMPV6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(MHOD_ICMP_FMIP, &f);
		ICMP6_FILTER_SETPASS(MHOD_ICMP_NA, &f);
		ICMP6_FILTER_SETPASS(MHOD_ICMP_EXP_MOBILITY, &f); /* CXTP */
		if (setsockopt(rs->lf.fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			       sizeof(f)) < 0)
			return -1;
	}
	return loop_add(&rs->lf);
}

int net_open(mhod_rx_fn icmp_fn, mhod_rx_fn mh_fn)
{
	if (open_raw(&icmp, IPPROTO_ICMPV6, icmp_fn) < 0 ||
	    open_raw(&mh, IPPROTO_MH, mh_fn) < 0) {
		mhod_log(MHOD_LOG_ERR, "raw sockets: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The MN's socket for its BUs (RFC 6275 11.7.1): sent from the care-of
 * address with a Home Address option, their checksum's pseudo-header
 * has the home address (6.1.1), which the kernel would not use: mhod
 * computes it (IPV6_CHECKSUM off). It receives nothing (a filter that
 * takes no packet): the BA comes to the Mobility Header socket.
 */
int net_open_bu(void)
{
	struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = none };
	int off = -1;

	bu_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       IPPROTO_MH);
	if (bu_fd < 0 ||
	    setsockopt(bu_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0 ||
	    setsockopt(bu_fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
		       sizeof(off)) < 0) {
		mhod_log(MHOD_LOG_ERR, "BU socket: %s", strerror(errno));
		if (bu_fd >= 0)
			close(bu_fd);
		bu_fd = -1;
		return -1;
	}
	return 0;
}

void net_close(void)
{
	struct rawsock *rs[] = { &icmp, &mh };
	size_t i;

	if (bu_fd >= 0)
		close(bu_fd);
	bu_fd = -1;
	for (i = 0; i < 2; i++) {
		if (rs[i]->lf.fd < 0)
			continue;
		loop_del(&rs[i]->lf);
		close(rs[i]->lf.fd);
		rs[i]->lf.fd = -1;
	}
}

/* A Mobile IPv6 extension header to send with (IPV6_DSTOPTS, _RTHDR). */
struct xhdr {
	int type;
	uint8_t h[MHOD_XHDR_LEN];
};

static int send_raw_x(int fd, const uint8_t *buf, size_t len,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      int ifindex, const struct xhdr *x)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       CMSG_SPACE(MHOD_XHDR_LEN)];
		struct cmsghdr align;
	} c;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = *dst };
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct in6_pktinfo pk = { .ipi6_ifindex = (unsigned int)ifindex };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (src)
		pk.ipi6_addr = *src;
	if (IN6_IS_ADDR_LINKLOCAL(dst) || IN6_IS_ADDR_MULTICAST(dst))
		to.sin6_scope_id = (uint32_t)ifindex;
	memset(c.b, 0, sizeof(c.b));
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pk));
	memcpy(CMSG_DATA(cm), &pk, sizeof(pk));
	if (x) {
		cm = CMSG_NXTHDR(&msg, cm);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = x->type;
		cm->cmsg_len = CMSG_LEN(MHOD_XHDR_LEN);
		memcpy(CMSG_DATA(cm), x->h, MHOD_XHDR_LEN);
	} else {
		msg.msg_controllen = CMSG_SPACE(sizeof(pk));
	}
	if (sendmsg(fd, &msg, 0) != (ssize_t)len) {
		mhod_ctr.tx_errors++;
		mhod_log(MHOD_LOG_WARN, "send to %s: %s", mhod_ntop(dst),
			 strerror(errno));
		return -1;
	}
	mhod_ctr.tx_msgs++;
	return 0;
}

static int send_raw(int fd, const uint8_t *buf, size_t len,
		    const struct in6_addr *src, const struct in6_addr *dst,
		    int ifindex)
{
	return send_raw_x(fd, buf, len, src, dst, ifindex, NULL);
}

static void tx_pi(struct mhod_pkt_info *pi, const struct in6_addr *src,
		  const struct in6_addr *dst)
{
	memset(pi, 0, sizeof(*pi));
	if (src)
		pi->src = *src;
	pi->dst = *dst;
	pi->hop_limit = -1;
}

int net_tx_icmp(const struct mhod_icmp *m, const struct in6_addr *src,
		const struct in6_addr *dst, int ifindex)
{
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MSG_MAX];
	size_t len;

	tx_pi(&pi, src, dst);
	if (mhod_icmp_build(m, &pi, buf, sizeof(buf), &len)) {
		mhod_log(MHOD_LOG_WARN, "%s to %s: cannot build it",
			 mhod_msg_name(m->msg), mhod_ntop(dst));
		return -1;
	}
	return send_raw(icmp.lf.fd, buf, len, src, dst, ifindex);
}

int net_tx_mh(const struct mhod_mh *m, const struct in6_addr *src,
	      const struct in6_addr *dst, int ifindex,
	      const struct net_badf *sign)
{
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MH_MAX];
	size_t len;

	tx_pi(&pi, src, dst);
	if (mhod_mh_build(m, &pi, buf, sizeof(buf), &len) ||
	    (sign && mhod_mh_badf_sign(buf, len, &pi, sign->key->k,
				       sign->key->len, sign->coa,
				       sign->par))) {
		mhod_log(MHOD_LOG_WARN, "MH type %u to %s: cannot build it",
			 m->type, mhod_ntop(dst));
		return -1;
	}
	if (sign && sign->copy && len <= MHOD_MH_MAX) {
		memcpy(sign->copy, buf, len);
		*sign->copy_len = len;
	}
	return send_raw(mh.lf.fd, buf, len, sign && sign->kernel_src ?
			NULL : src, dst, ifindex);
}

int net_tx_bu(const struct mhod_mh *m, const struct in6_addr *coa,
	      const struct in6_addr *hoa, const struct in6_addr *ha)
{
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MH_MAX];
	struct xhdr x = { .type = IPV6_DSTOPTS };
	size_t len;

	if (bu_fd < 0)
		return -1;
	tx_pi(&pi, hoa, ha);
	if (mhod_mh_build(m, &pi, buf, sizeof(buf), &len)) {
		mhod_log(MHOD_LOG_WARN, "BU to %s: cannot build it",
			 mhod_ntop(ha));
		return -1;
	}
	if (mhod_addr_eq(coa, hoa))	/* at home: no option */
		return send_raw(bu_fd, buf, len, hoa, ha, 0);
	mhod_hao_hdr(x.h, hoa);
	return send_raw_x(bu_fd, buf, len, coa, ha, 0, &x);
}

int net_tx_ba(const struct mhod_mh *m, const struct in6_addr *ha,
	      const struct in6_addr *hoa, const struct in6_addr *coa)
{
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MH_MAX];
	struct xhdr x = { .type = IPV6_RTHDR };
	size_t len;

	tx_pi(&pi, ha, hoa);
	if (mhod_mh_build(m, &pi, buf, sizeof(buf), &len)) {
		mhod_log(MHOD_LOG_WARN, "BA to %s: cannot build it",
			 mhod_ntop(hoa));
		return -1;
	}
	if (!coa || mhod_addr_eq(coa, hoa))
		return send_raw(mh.lf.fd, buf, len, ha, hoa, 0);
	/* To the home address; the kernel puts it in the routing header
	 * and the care-of address, its first hop, in the destination.
	 */
	mhod_rh2_hdr(x.h, coa);
	return send_raw_x(mh.lf.fd, buf, len, ha, hoa, 0, &x);
}

int net_send_mh(const uint8_t *buf, size_t len, const struct in6_addr *src,
		const struct in6_addr *dst, int ifindex)
{
	return send_raw(mh.lf.fd, buf, len, src, dst, ifindex);
}

int net_ifindex(const char *name)
{
	return (int)if_nametoindex(name);
}
