// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop (loop.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "loop.h"

static int epfd = -1;
static bool stopping;
static struct loop_fd sigfd = { .fd = -1 };
static void (*sig_fn)(int signo);

static void sig_read(struct loop_fd *lf);

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
	sigfd.fn = sig_read;
	return loop_add(&sigfd);
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

/*
 * The timers: a binary min-heap of the armed ones by deadline, and one
 * timerfd set to the earliest. heap[] has room for every timer made
 * (loop_timer_init() grows it), so arming never allocates.
 */
static struct loop_timer **heap;
static size_t heap_len, heap_cap, ntimers;
static struct loop_fd tfd = { .fd = -1 };

static bool before(size_t a, size_t b)
{
	return heap[a]->due_ms < heap[b]->due_ms;
}

static void heap_swap(size_t a, size_t b)
{
	struct loop_timer *t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
	heap[a]->slot = a;
	heap[b]->slot = b;
}

static void heap_up(size_t i)
{
	while (i && before(i, (i - 1) / 2)) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(size_t i)
{
	size_t l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < heap_len && before(l, m))
			m = l;
		if (l + 1 < heap_len && before(l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static void heap_remove(struct loop_timer *t)
{
	size_t i = t->slot;

	t->armed = false;
	if (i != --heap_len) {
		heap_swap(i, heap_len);
		heap_up(i);
		heap_down(i);
	}
}

/* The timerfd at the earliest deadline, or disarmed. */
static void tfd_program(void)
{
	struct itimerspec its;
	uint64_t due;

	memset(&its, 0, sizeof(its));
	if (heap_len) {
		/* 0 would disarm: the monotonic clock is never 0 ms anyway */
		due = heap[0]->due_ms ? heap[0]->due_ms : 1;
		its.it_value.tv_sec = (time_t)(due / 1000);
		its.it_value.tv_nsec = (long)(due % 1000) * 1000000L;
	}
	timerfd_settime(tfd.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Every timer that is due fires, each once, earliest first. */
static void tfd_fire(struct loop_fd *lf)
{
	struct loop_timer *t;
	uint64_t n, now;

	if (read(lf->fd, &n, sizeof(n)) != sizeof(n) && errno != EAGAIN)
		return;
	now = loop_now_ms();
	while (heap_len && heap[0]->due_ms <= now && !stopping) {
		t = heap[0];
		heap_remove(t);
		t->fn(t);	/* may arm, stop or free timers */
	}
	tfd_program();
}

int loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t))
{
	struct loop_timer **h;

	memset(t, 0, sizeof(*t));
	t->fn = fn;
	if (tfd.fd < 0) {
		tfd.fd = timerfd_create(CLOCK_MONOTONIC,
					TFD_NONBLOCK | TFD_CLOEXEC);
		if (tfd.fd < 0)
			return -1;
		tfd.fn = tfd_fire;
		if (loop_add(&tfd) < 0) {
			close(tfd.fd);
			tfd.fd = -1;
			return -1;
		}
	}
	if (ntimers == heap_cap) {
		h = realloc(heap, (heap_cap ? 2 * heap_cap : 16) * sizeof(*h));
		if (!h)
			return -1;
		heap = h;
		heap_cap = heap_cap ? 2 * heap_cap : 16;
	}
	ntimers++;
	t->init = true;
	return 0;
}

void loop_timer_arm(struct loop_timer *t, uint32_t ms)
{
	if (!t->init)
		return;
	t->due_ms = loop_now_ms() + ms;
	if (t->armed) {
		heap_up(t->slot);
		heap_down(t->slot);
	} else {
		t->slot = heap_len++;
		heap[t->slot] = t;
		t->armed = true;
		heap_up(t->slot);
	}
	if (heap[0] == t || !ms)
		tfd_program();
}

void loop_timer_stop(struct loop_timer *t)
{
	bool first;

	if (!t->armed)
		return;
	first = heap[0] == t;
	heap_remove(t);
	if (first)
		tfd_program();
}

void loop_timer_free(struct loop_timer *t)
{
	if (!t->init)
		return;
	loop_timer_stop(t);
	t->init = false;
	if (!--ntimers) {
		free(heap);
		heap = NULL;
		heap_cap = 0;
	}
}

size_t loop_timers(void)
{
	return ntimers;
}

static void sig_read(struct loop_fd *lf)
{
	struct signalfd_siginfo si;

	while (read(lf->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stopping = true;
		if (sig_fn)
			sig_fn((int)si.ssi_signo);
	}
}

int loop_run(void (*sig)(int signo))
{
	struct epoll_event ev[16];
	int i, n;

	sig_fn = sig;
	stopping = false;
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
