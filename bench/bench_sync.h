/* SPDX-License-Identifier: GPL-2.0 */
/*
 * S1-S4: the CE layer's side (bench_sync_ce.c), as plain C for
 * bench_sync.c.  Every function dies on a failure.
 */
#ifndef NAMEDSHM_BENCH_SYNC_H
#define NAMEDSHM_BENCH_SYNC_H

/* S1: a named mutex; @n WaitForSingleObject+ReleaseMutex, ns per pair. */
struct ce_mutex;
struct ce_mutex *ce_mutex_new(const char *name);
void ce_mutex_free(struct ce_mutex *m);
double ce_trial_mutex(struct ce_mutex *m, long n);

/*
 * S2, S3: @n (1..64) named auto-reset events, PREFIX.0 .. PREFIX.n-1,
 * not signaled.  The handles survive fork() (the CE handle table does).
 */
struct ce_events;
struct ce_events *ce_events_new(unsigned int n, const char *prefix);
void ce_events_free(struct ce_events *e);
void ce_event_set(struct ce_events *e, unsigned int i);
/* WaitForSingleObject(event i, INFINITE). */
void ce_event_wait_one(struct ce_events *e, unsigned int i);
/* WaitForMultipleObjects(all, wait-any, INFINITE), which must take @expect. */
void ce_event_wait_any(struct ce_events *e, unsigned int expect);

/* S4: @n CreateEventA(NAME) (a new object each time) + CloseHandle. */
double ce_trial_event_create(const char *name, long n);

#endif /* NAMEDSHM_BENCH_SYNC_H */
