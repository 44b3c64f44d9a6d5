/* progress: see progress.h. */
#include "executor/load/progress.h"

#include <unistd.h>

#include "common/buf.h"
#include "common/fileio.h"

#define BAR_WIDTH 30

void progress_init(struct progress *p, bool wanted, size_t total, const char *label)
{
	p->on = wanted && isatty(STDERR_FILENO);
	p->total = total;
	p->start_ns = p->drawn_ns = 0;
	p->label = label;
}

static void draw(struct progress *p, size_t done, int64_t now_ns, const char *end)
{
	double s = (double)(now_ns - p->start_ns) / 1e9;
	size_t fill = p->total ? done * BAR_WIDTH / p->total : BAR_WIDTH;
	struct buf b = BUF_INIT;
	buf_addf(&b, "\r%s %3zu%% |", p->label, p->total ? done * 100 / p->total : 100);
	for (size_t i = 0; i < BAR_WIDTH; i++)
		buf_addch(&b, i < fill ? '#' : ' ');
	buf_addf(&b, "| %zu/%zu [%.1fs, %.2f req/s]%s", done, p->total, s,
		 s > 0 ? (double)done / s : 0.0, end);
	write_full(STDERR_FILENO, b.s, b.len); /* one write: no interleaving */
	buf_release(&b);
	p->drawn_ns = now_ns;
}

void progress_update(struct progress *p, size_t done, int64_t now_ns)
{
	if (!p->on)
		return;
	if (!p->start_ns)
		p->start_ns = now_ns;
	if (now_ns - p->drawn_ns >= 100000000)
		draw(p, done, now_ns, "");
}

void progress_finish(struct progress *p, size_t done, int64_t now_ns)
{
	if (!p->on)
		return;
	if (!p->start_ns)
		p->start_ns = now_ns;
	draw(p, done, now_ns, "\n");
}
