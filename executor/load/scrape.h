/*
 * scrape: the server's Prometheus /metrics, read before the timed load, every interval
 * during it and after it, each scrape kept as its parsed samples (common/promtext) with its
 * phase and wall-clock time; and those scrapes as JSON, the raw samples file that goes into
 * the artifact beside the raw result (executor/results/server_metrics reduces it).
 *
 * The scrapes during the load run in a thread of their own with their own libcurl handle,
 * so the load's event loop never waits on them: the thread sleeps on a condition variable
 * between scrapes and one GET takes well under a millisecond of CPU.
 *
 * Use: scraper_start (the "before" scrape, then the thread) -> the load -> scraper_stop
 * (joins the thread, then the "after" scrape) -> scrapes_write_json -> scrapes_release.
 * A failed scrape is data (its error is recorded); only a thread that cannot start is an
 * error. struct scrapes owns its records; struct scraper borrows the URL and bearer.
 */
#ifndef EXECUTOR_SCRAPE_H
#define EXECUTOR_SCRAPE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/promtext.h"

struct buf;
struct diags;

struct scrape_rec {
	const char *phase;         /* "before", "during", "after" (static) */
	double unix_s;             /* wall clock when the response had arrived */
	long status;               /* HTTP status, -1 when none arrived */
	char *error;               /* owned: why the scrape gave no samples; NULL when it did */
	struct prom_samples samples; /* owned */
};

struct scrapes {
	char *url;                 /* owned: the /metrics URL */
	double interval_s;
	struct scrape_rec *v;      /* owned */
	size_t nr, alloc;
};

struct scraper {
	struct scrapes *out;       /* borrowed: where records go (guarded by lock) */
	const char *bearer;        /* borrowed */
	double interval_s;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* CLOCK_MONOTONIC */
	volatile sig_atomic_t stop;
};

/* out->url = base_url + "/metrics"; the before scrape; the thread. -1 with a diag when the
 * thread cannot start (nothing is left running then). */
int scraper_start(struct scraper *s, struct scrapes *out, const char *base_url,
		  const char *bearer, double interval_s, struct diags *d);
/* Ends the thread and takes the after scrape. */
void scraper_stop(struct scraper *s);
/* The scrapes file (one line of JSON, JSONW_LINE, and a newline); its format is in
 * docs/executor.md, "Server metrics". */
void scrapes_write_json(struct buf *out, const struct scrapes *sc);
void scrapes_release(struct scrapes *sc);

#endif
