/* meta: see meta.h. */
#include "executor/results/meta.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/diag.h"
#include "common/jsonw.h"
#include "common/proc.h"
#include "common/xalloc.h"

const char *const phase_names[PHASE_NR] = {
	"validate", "prepare", "leftovers", "start", "health", "load", "eval", "process", "stop",
	"artifact",
};

const char *const phase_doing[PHASE_NR] = {
	"reading the entry", "preparing the run", "removing what earlier runs left",
	"starting the server", "waiting for the server to be ready", "running the load",
	"running the accuracy eval",
	"processing the results", "stopping the server", "writing meta.json and the artifact",
};

void meta_init(struct meta *m)
{
	memset(m, 0, sizeof(*m));
}

void meta_release(struct meta *m)
{
	free(m->image_digest);
	free(m->gpu_model);
	free(m->gpu_driver);
	free(m->result_filename);
	free(m->reason);
	meta_init(m);
}

void meta_begin(struct meta *m, enum phase p)
{
	m->current = p;
	m->phase[p].begun = true;
	m->phase[p].start_unix = clock_wall_s();
	m->phase[p].start_ns = clock_mono_ns();
}

void meta_end(struct meta *m, enum phase p)
{
	if (!m->phase[p].begun || m->phase[p].ended)
		return;
	m->phase[p].ended = true;
	m->phase[p].end_unix = clock_wall_s();
	m->phase[p].end_ns = clock_mono_ns();
}

void meta_fail(struct meta *m, const char *reason)
{
	if (m->failed)
		return;
	m->failed = true;
	m->failed_phase = m->current;
	m->reason = xstrdup(reason);
}

/* First line of a command's output, or NULL. */
static char *first_line(const char *const *argv)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct diags ignore = DIAGS_INIT;
	int status = 1;
	char *line = NULL;
	if (!proc_capture(argv, &out, &err, &status, &ignore) && !status && out.len) {
		size_t n = strcspn(out.s, "\n");
		line = xstrndup(out.s, n);
	}
	buf_release(&out);
	buf_release(&err);
	diags_release(&ignore);
	return line;
}

void meta_probe_gpu(struct meta *m)
{
	static const char *const nv[] = { "nvidia-smi", "--query-gpu=name,driver_version,count",
					  "--format=csv,noheader", NULL };
	char *line = first_line(nv);
	if (line) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (c1 && c2) {
			*c1 = *c2 = '\0';
			m->gpu_model = xstrdup(line);
			m->gpu_driver = xstrdup(c1 + 1 + strspn(c1 + 1, " "));
			m->gpu_count = atol(c2 + 1);
		}
		free(line);
		return;
	}
	static const char *const amd_name[] = { "rocm-smi", "--showproductname", "--csv", NULL };
	static const char *const amd_drv[] = { "rocm-smi", "--showdriverversion", "--csv", NULL };
	/* rocm-smi's CSV starts with a header line; the data is on the next one */
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct diags ignore = DIAGS_INIT;
	int status = 1;
	if (!proc_capture(amd_name, &out, &err, &status, &ignore) && !status) {
		char *l2 = strchr(out.s, '\n');
		if (l2 && l2[1]) {
			l2++;
			l2[strcspn(l2, "\n")] = '\0';
			m->gpu_model = xstrdup(l2);
		}
		buf_reset(&out);
		if (!proc_capture(amd_drv, &out, &err, &status, &ignore) && !status) {
			char *d2 = strchr(out.s, '\n');
			if (d2 && d2[1]) {
				d2++;
				d2[strcspn(d2, "\n")] = '\0';
				m->gpu_driver = xstrdup(d2);
			}
		}
	}
	buf_release(&out);
	buf_release(&err);
	diags_release(&ignore);
}

static void str_or_null(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	if (v)
		jsonw_str(w, v);
	else
		jsonw_null(w);
}

void meta_write_json(struct buf *out, const struct meta *m)
{
	struct jsonw w;
	jsonw_init(&w, out, JSONW_PRETTY);
	jsonw_obj_open(&w);
	str_or_null(&w, "executor_version", INFBENCH_VERSION);
	str_or_null(&w, "result_filename", m->result_filename);
	str_or_null(&w, "node", m->node);
	str_or_null(&w, "launcher", m->launcher);
	str_or_null(&w, "image", m->image);
	str_or_null(&w, "image_digest", m->image_digest);
	jsonw_key(&w, "gpu");
	jsonw_obj_open(&w);
	str_or_null(&w, "model", m->gpu_model);
	str_or_null(&w, "driver", m->gpu_driver);
	jsonw_key(&w, "count");
	if (m->gpu_count)
		jsonw_int(&w, m->gpu_count);
	else
		jsonw_null(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "phases");
	jsonw_arr_open(&w);
	for (int p = 0; p < PHASE_NR; p++) {
		if (!m->phase[p].begun)
			continue;
		jsonw_obj_open(&w);
		jsonw_key(&w, "name");
		jsonw_str(&w, phase_names[p]);
		jsonw_key(&w, "start_unix");
		jsonw_double(&w, m->phase[p].start_unix);
		jsonw_key(&w, "end_unix");
		if (m->phase[p].ended)
			jsonw_double(&w, m->phase[p].end_unix);
		else
			jsonw_null(&w);
		jsonw_key(&w, "duration_s");
		if (m->phase[p].ended)
			jsonw_double(&w, (double)(m->phase[p].end_ns - m->phase[p].start_ns) / 1e9);
		else
			jsonw_null(&w);
		jsonw_obj_close(&w);
	}
	jsonw_arr_close(&w);
	/* the executor's own time around the load: healthy -> first request, and last response
	 * -> artifact (the tarball's mtime; meta.json is inside it, so cannot hold that time) */
	jsonw_key(&w, "load");
	jsonw_obj_open(&w);
	jsonw_key(&w, "first_request_unix");
	if (m->first_request_unix)
		jsonw_double(&w, m->first_request_unix);
	else
		jsonw_null(&w);
	jsonw_key(&w, "last_response_unix");
	if (m->last_response_unix)
		jsonw_double(&w, m->last_response_unix);
	else
		jsonw_null(&w);
	jsonw_obj_close(&w);
	jsonw_key(&w, "exit");
	jsonw_obj_open(&w);
	jsonw_key(&w, "status");
	jsonw_str(&w, m->failed ? "failure" : "success");
	str_or_null(&w, "failed_phase", m->failed ? phase_names[m->failed_phase] : NULL);
	str_or_null(&w, "reason", m->reason);
	jsonw_key(&w, "signal");
	if (m->signal)
		jsonw_str(&w, m->signal == SIGINT ? "SIGINT" : m->signal == SIGTERM ? "SIGTERM" : "other");
	else
		jsonw_null(&w);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
}
