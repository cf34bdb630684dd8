/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the differences between the kernels mho builds on (6.1 and later).
 * Each shim is the newer API, written with the older one.
 */
#ifndef _MHO_COMPAT_H
#define _MHO_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <net/xfrm.h>
#ifdef MHO_HAVE_NET_GSO_H
#include <net/gso.h>	/* skb_gso_segment(), in linux/netdevice.h before 6.4 */
#endif

/*
 * Kbuild defines MHO_HAVE_* by looking at the kernel's headers, so that
 * backported APIs are found too; see the Kbuild file.
 */

#ifndef MHO_HAVE_HRTIMER_SETUP
/* hrtimer_setup() replaced hrtimer_init() plus an assignment in 6.13. */
static inline void mho_hrtimer_setup(struct hrtimer *timer,
				     enum hrtimer_restart (*fn)(struct hrtimer *),
				     clockid_t clock_id,
				     enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = fn;
}

#define hrtimer_setup mho_hrtimer_setup
#endif

/*
 * Set up a new state's type, mode and crypto, without the replay state
 * (the caller sets that up after). 6.14 dropped the init_replay and
 * offload arguments: offload is set up on its own, and the replay state
 * always after.
 */
static inline int mho_xfrm_init_state(struct xfrm_state *x,
				      struct netlink_ext_ack *extack)
{
#ifdef MHO_HAVE_XFRM_INIT_STATE_EXTACK
	return __xfrm_init_state(x, extack);
#else
	return __xfrm_init_state(x, false, false, extack);
#endif
}

#endif /* _MHO_COMPAT_H */
