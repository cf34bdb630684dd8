/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhod's one event loop: epoll over the daemon's sockets, a signalfd for
 * SIGTERM/SIGINT/SIGHUP/SIGUSR1, and timers: a min-heap of deadlines
 * behind one timerfd, however many there are (two per configured mobile
 * node on an access router). Everything runs in the loop's thread;
 * callbacks never block.
 */
#ifndef MHOD_LOOP_H
#define MHOD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop_fd {
	int fd;
	void (*fn)(struct loop_fd *lf);
};

struct loop_timer {
	void (*fn)(struct loop_timer *t);
	uint64_t due_ms;	/* loop_now_ms() at which it fires */
	size_t slot;		/* in the heap, while armed */
	bool armed, init;
};

int loop_init(void);
/* Watch lf->fd for input; lf->fn is called when it is readable. */
int loop_add(struct loop_fd *lf);
void loop_del(struct loop_fd *lf);

/*
 * A timer (disarmed): its room in the heap is reserved here, so arming
 * never allocates; -1 if it cannot be (no memory, no timerfd).
 */
int loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t));
/* (Re)arm t to fire once, ms from now. */
void loop_timer_arm(struct loop_timer *t, uint32_t ms);
void loop_timer_stop(struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);
/* Timers made and not freed (the test's view). */
size_t loop_timers(void);

/*
 * Run until loop_stop() or a SIGTERM/SIGINT; sig(signo) is called for
 * each of SIGTERM, SIGINT, SIGHUP and SIGUSR1 (after SIGTERM and SIGINT
 * the loop stops). Returns 0, or -1 if epoll failed.
 */
int loop_run(void (*sig)(int signo));
void loop_stop(void);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

#endif /* MHOD_LOOP_H */
