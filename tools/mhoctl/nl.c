// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl's side of the netlink library (tools/lib/mhonl.c): its errors,
 * printed with print_error(), plain or JSON, naming the attribute and
 * the range its policy allows.
 */
#include <linux/netlink.h>

#include "nl.h"
#include "print.h"

static void nl_error(const struct mho_error *me)
{
	const struct mhonl_policy *p = me->policy;
	struct error_info e = {
		.errnum = me->errnum,
		.message = me->message,
		.attr = me->attr,
	};

	if (p) {
		e.policy = true;
		e.has_urange = p->has_urange;
		e.umin = p->umin;
		e.umax = p->umax;
		e.has_srange = p->has_srange;
		e.smin = p->smin;
		e.smax = p->smax;
		e.min_len = p->min_len;
		e.max_len = p->max_len;
		if (p->min_len || p->max_len)
			e.len_unit = p->type == NL_ATTR_TYPE_BINARY ? "bytes" :
				     "characters";
	}
	print_error(&e, "%s", me->text);
}

/* Before main(), so that no error of the library escapes print.c. */
static void __attribute__((constructor)) nl_init(void)
{
	mho_set_error_fn(nl_error);
}
