/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhod's one event loop: epoll over the daemon's sockets, a signalfd for
 * SIGTERM/SIGINT/SIGHUP/SIGUSR1, and timers that are each a timerfd.
 * Everything runs in the loop's thread; callbacks never block.
 */
#ifndef MHOD_LOOP_H
#define MHOD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop_fd {
	int fd;
	void (*fn)(struct loop_fd *lf);
};

struct loop_timer {
	struct loop_fd lf;	/* the timerfd */
	void (*fn)(struct loop_timer *t);
	bool armed;
};

int loop_init(void);
/* Watch lf->fd for input; lf->fn is called when it is readable. */
int loop_add(struct loop_fd *lf);
void loop_del(struct loop_fd *lf);

/* A timer (disarmed); -1 if no timerfd could be made. */
int loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t));
/* (Re)arm t to fire once, ms from now. */
void loop_timer_arm(struct loop_timer *t, uint32_t ms);
void loop_timer_stop(struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/*
 * Run until loop_stop() or a SIGTERM/SIGINT; sig(signo) is called for
 * SIGHUP and SIGUSR1. Returns 0, or -1 if epoll failed.
 */
int loop_run(void (*sig)(int signo));
void loop_stop(void);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

#endif /* MHOD_LOOP_H */
