/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_NETLINK_H
#define _MHO_NETLINK_H

int mho_genl_init(void);
void mho_genl_exit(void);

#endif /* _MHO_NETLINK_H */
