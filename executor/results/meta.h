/*
 * meta: what a run records about itself in meta.json (executor-spec 6): executor version,
 * each phase's start, end and duration, node, launcher, image and digest, GPU model and
 * driver when nvidia-smi or rocm-smi exist, and the exit reason (which phase failed and why,
 * or the signal that stopped it). Written on success and on failure alike.
 */
#ifndef EXECUTOR_META_H
#define EXECUTOR_META_H

#include <stdbool.h>
#include <stdint.h>

struct buf;

enum phase {
	PHASE_VALIDATE, PHASE_PREPARE, PHASE_LEFTOVERS, PHASE_START, PHASE_HEALTH, PHASE_LOAD,
	PHASE_EVAL, PHASE_PROCESS, PHASE_STOP, PHASE_ARTIFACT, PHASE_NR,
};
/* The names meta.json uses (`phases[].name`, `exit.failed_phase`): for programs. */
extern const char *const phase_names[PHASE_NR];
/* What each phase does, in words for people ("starting the server"): for messages. */
extern const char *const phase_doing[PHASE_NR];

struct meta {
	const char *node, *launcher, *image;    /* borrowed */
	char *image_digest;                     /* owned */
	char *gpu_model, *gpu_driver;           /* owned, NULL when unknown */
	long gpu_count;
	char *result_filename;                  /* owned */
	struct {
		bool begun, ended;
		double start_unix, end_unix;
		int64_t start_ns, end_ns;
	} phase[PHASE_NR];
	enum phase current;
	bool failed;
	enum phase failed_phase;
	char *reason;                           /* owned: the first failure's message */
	int signal;                             /* SIGINT/SIGTERM that stopped the run, or 0 */
	double first_request_unix;              /* the load's first request (warm-ups included) */
	double last_response_unix;              /* when the last load ended */
};

void meta_init(struct meta *m);
void meta_release(struct meta *m);
void meta_begin(struct meta *m, enum phase p);
void meta_end(struct meta *m, enum phase p);
/* Records the first failure (later ones are consequences). */
void meta_fail(struct meta *m, const char *reason);
/* GPU model, driver and count from nvidia-smi or rocm-smi, when either runs. */
void meta_probe_gpu(struct meta *m);
/* meta.json: 2-space indent, like the processed results. */
void meta_write_json(struct buf *out, const struct meta *m);

#endif
