/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_HOOK_H
#define _MHO_HOOK_H

struct net;

int mho_hook_net_init(struct net *net);
void mho_hook_net_exit(struct net *net);

#endif /* _MHO_HOOK_H */
