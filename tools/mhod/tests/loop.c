// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop's timers (loop.c): a heap of deadlines behind one
 * timerfd. Thousands of timers, as an access router with a thousand
 * mobile nodes has, fire once each, in deadline order, never early, and
 * cost one file descriptor; stopped ones never fire, re-armed ones fire
 * once, at their new time; callbacks may arm and stop timers.
 */
#include <dirent.h>
#include <string.h>

#include "ktap.h"
#include "../loop.h"

#define N_TIMERS 4000

static struct {
	struct loop_timer t[N_TIMERS];
	unsigned int fired[N_TIMERS];
	uint64_t last_due;
	unsigned int n_fired, want, early, disorder;
} lt;

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void note(struct loop_timer *t)
{
	uint64_t now = loop_now_ms();

	if (now < t->due_ms)
		lt.early++;
	if (t->due_ms < lt.last_due)
		lt.disorder++;
	lt.last_due = t->due_ms;
	lt.fired[t - lt.t]++;
	if (++lt.n_fired == lt.want)
		loop_stop();
}

/* Timer 1 re-arms itself twice and stops timer 2; timer 3 ends the run. */
static void rearm(struct loop_timer *t)
{
	note(t);
	if (lt.fired[1] < 3)
		loop_timer_arm(t, 2);
	loop_timer_stop(&lt.t[2]);
}

static void test_many(void)
{
	unsigned int i, seed = 12345, stopped = 0, twice = 0;
	int fds;

	t_begin("loop: %u timers fire once each, in deadline order, behind one timerfd",
		N_TIMERS);
	fds = open_fds();
	for (i = 0; i < N_TIMERS; i++)
		if (!t_check(loop_timer_init(&lt.t[i], note) == 0,
			     "timer %u: loop_timer_init failed", i))
			break;
	t_check(open_fds() <= fds + 1, "%d descriptors for %u timers",
		open_fds() - fds, N_TIMERS);
	t_check(loop_timers() == N_TIMERS, "loop_timers() says %zu",
		loop_timers());
	for (i = 0; i < N_TIMERS; i++) {
		seed = seed * 1103515245 + 12345;
		loop_timer_arm(&lt.t[i], (seed >> 16) % 40);
	}
	/* Every 7th stopped, every 5th (not stopped) armed again. */
	for (i = 0; i < N_TIMERS; i++) {
		if (i % 7 == 0) {
			loop_timer_stop(&lt.t[i]);
			stopped++;
		} else if (i % 5 == 0) {
			loop_timer_arm(&lt.t[i], 45 + i % 10);
			twice++;
		}
	}
	lt.want = N_TIMERS - stopped;
	t_check(loop_run(NULL) == 0, "loop_run failed");
	t_check(lt.n_fired == lt.want, "%u fired, %u expected", lt.n_fired,
		lt.want);
	t_check(!lt.early, "%u fired before their deadline", lt.early);
	t_check(!lt.disorder, "%u fired before an earlier deadline",
		lt.disorder);
	for (i = 0; i < N_TIMERS; i++)
		if (!t_check(lt.fired[i] == (i % 7 ? 1u : 0u),
			     "timer %u fired %u times", i, lt.fired[i]))
			break;
	for (i = 0; i < N_TIMERS; i++)
		loop_timer_free(&lt.t[i]);
	t_check(loop_timers() == 0, "%zu timers left", loop_timers());
	t_diag("%u stopped, %u armed twice", stopped, twice);
	t_end();
}

static void test_callbacks(void)
{
	unsigned int i;

	t_begin("loop: a callback re-arms its own timer and stops another");
	memset(&lt, 0, sizeof(lt));
	for (i = 0; i < 4; i++)
		loop_timer_init(&lt.t[i], note);
	lt.t[1].fn = rearm;
	loop_timer_arm(&lt.t[1], 1);
	loop_timer_arm(&lt.t[2], 30);
	loop_timer_arm(&lt.t[3], 40);
	loop_timer_arm(&lt.t[0], 0);		/* at once */
	loop_timer_stop(&lt.t[0]);
	loop_timer_arm(&lt.t[0], 0);
	lt.want = 5;		/* 0 once, 1 three times, 3 once; 2 never */
	t_check(loop_run(NULL) == 0, "loop_run failed");
	t_check(lt.fired[0] == 1 && lt.fired[1] == 3 && lt.fired[2] == 0 &&
		lt.fired[3] == 1, "fired %u %u %u %u, expected 1 3 0 1",
		lt.fired[0], lt.fired[1], lt.fired[2], lt.fired[3]);
	t_check(!lt.early, "%u fired before their deadline", lt.early);
	for (i = 0; i < 4; i++)
		loop_timer_free(&lt.t[i]);
	t_check(loop_timers() == 0, "%zu timers left", loop_timers());
	t_end();
}

void test_loop(void)
{
	t_begin("loop: loop_init");
	t_check(loop_init() == 0, "loop_init failed");
	t_end();
	test_many();
	test_callbacks();
}
