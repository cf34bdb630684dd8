/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_HOOK_H
#define _MHO_HOOK_H

struct mho_net;

int mho_hook_net_init(struct mho_net *mn);
void mho_hook_net_exit(struct mho_net *mn);

#endif /* _MHO_HOOK_H */
