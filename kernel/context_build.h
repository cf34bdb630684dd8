/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - a built context, for the files that hold one (a binding's pending
 * context) or report on it. See context_build.c.
 */
#ifndef _MHO_CONTEXT_BUILD_H
#define _MHO_CONTEXT_BUILD_H

#include <linux/types.h>

struct mho_ctx;
struct mho_ctx_live;

void mho_ctx_free(struct mho_ctx *c);
void mho_ctx_live_end(struct mho_ctx_live **livep, bool del);
u32 mho_ctx_n_sa(const struct mho_ctx *c);
u32 mho_ctx_n_policy(const struct mho_ctx *c);

#endif /* _MHO_CONTEXT_BUILD_H */
