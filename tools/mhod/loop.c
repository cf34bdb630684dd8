// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop (loop.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "loop.h"
#include "mhod.h"

static int epfd = -1;
static bool stopping;
static struct loop_fd sigfd = { .fd = -1 };
static void (*sig_fn)(int signo);

int loop_init(void)
{
	sigset_t set;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	sigfd.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd.fd < 0)
		return -1;
	/* A client that goes away mid-answer must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int loop_add(struct loop_fd *lf)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = lf };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, lf->fd, &ev);
}

void loop_del(struct loop_fd *lf)
{
	if (lf->fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_DEL, lf->fd, NULL);
}

static void timer_fire(struct loop_fd *lf)
{
	struct loop_timer *t = (struct loop_timer *)lf;
	uint64_t n;

	if (read(lf->fd, &n, sizeof(n)) != sizeof(n) || !t->armed)
		return;
	t->armed = false;
	t->fn(t);
}

int loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t))
{
	t->fn = fn;
	t->armed = false;
	t->lf.fn = timer_fire;
	t->lf.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->lf.fd < 0)
		return -1;
	if (loop_add(&t->lf) < 0) {
		close(t->lf.fd);
		t->lf.fd = -1;
		return -1;
	}
	return 0;
}

void loop_timer_arm(struct loop_timer *t, uint32_t ms)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L },
	};

	if (!ms)
		its.it_value.tv_nsec = 1;
	t->armed = timerfd_settime(t->lf.fd, 0, &its, NULL) == 0;
}

void loop_timer_stop(struct loop_timer *t)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (t->lf.fd >= 0)
		timerfd_settime(t->lf.fd, 0, &its, NULL);
	t->armed = false;
}

void loop_timer_free(struct loop_timer *t)
{
	if (t->lf.fd < 0)
		return;
	loop_del(&t->lf);
	close(t->lf.fd);
	t->lf.fd = -1;
	t->armed = false;
}

static void sig_read(struct loop_fd *lf)
{
	struct signalfd_siginfo si;

	while (read(lf->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			mhod_log(MHOD_LOG_INFO, "signal %u: shutting down",
				 si.ssi_signo);
			stopping = true;
		} else if (sig_fn) {
			sig_fn((int)si.ssi_signo);
		}
	}
}

int loop_run(void (*sig)(int signo))
{
	struct epoll_event ev[16];
	int i, n;

	sig_fn = sig;
	sigfd.fn = sig_read;
	if (loop_add(&sigfd) < 0)
		return -1;
	while (!stopping) {
		n = epoll_wait(epfd, ev, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n && !stopping; i++) {
			struct loop_fd *lf = ev[i].data.ptr;

			lf->fn(lf);
		}
	}
	return 0;
}

void loop_stop(void)
{
	stopping = true;
}

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
