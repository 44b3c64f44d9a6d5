/*
 * matrixgen: strict master configs -> the JSON job matrix GitHub Actions fans out.
 * main owns the command table, prints the finished output once on success and every
 * diagnostic once, and picks the exit status (0 ok, 1 error, 2 usage error).
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/suggest.h"
#include "matrixgen/commands.h"

struct command {
	const char *name;
	command_fn *fn;
	const char *summary;
};

static const struct command commands[] = {
	{ "full-sweep", cmd_full_sweep, "expand every master config, with filters" },
	{ "test-config", cmd_test_config, "expand chosen config keys or patterns" },
	{ "runner-model-sweep", cmd_runner_model_sweep, "one small entry per node of a runner type" },
	{ "changelog", cmd_changelog, "the matrix for entries added to the perf changelog" },
	{ "validate", cmd_validate, "check configs, runner file and changelog" },
	{ "ci-priority", cmd_ci_priority, "add CI priority and queue tokens to a matrix's jobs" },
};
#define COMMANDS_NR (sizeof(commands) / sizeof(commands[0]))

static void usage(struct buf *out)
{
	buf_adds(out, "usage: matrixgen SUBCOMMAND [OPTIONS]\n\n"
		      "Expand strict YAML master configs into the JSON job matrix.\n\n"
		      "subcommands:\n");
	for (size_t i = 0; i < COMMANDS_NR; i++)
		buf_addf(out, "  %-20s %s\n", commands[i].name, commands[i].summary);
	buf_adds(out, "\n'matrixgen SUBCOMMAND --help' lists a subcommand's options.\n"
		      "exit status: 0 success, 1 error, 2 usage error\n");
}

static int write_stdout(const struct buf *out)
{
	if (fwrite(out->s, 1, out->len, stdout) != out->len)
		return -1;
	if (fflush(stdout) || ferror(stdout))
		return -1;
	return 0;
}

static const struct command *find_command(const char *name, struct diags *d)
{
	for (size_t i = 0; i < COMMANDS_NR; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	const char *names[COMMANDS_NR];
	for (size_t i = 0; i < COMMANDS_NR; i++)
		names[i] = commands[i].name;
	const char *close = suggest_closest(name, names, COMMANDS_NR);
	if (close)
		diags_usagef(d, "unknown subcommand '%s'; did you mean '%s'?", name, close);
	else
		diags_usagef(d, "unknown subcommand '%s'; see 'matrixgen --help'", name);
	return NULL;
}

/* matrixgen lives for milliseconds and allocates a few megabytes: glibc's defaults (grow
 * the heap 128 KB at a time, blocks of 128 KB and more from mmap, give freed memory back)
 * cost it a hundred system calls, each a TLB flush on the helper thread's CPU too (par.h).
 * Grow in big steps, keep blocks on the heap, never trim: a v2 full sweep went from 89
 * mprotect, 29 mmap and 23 brk calls to 7, 21 and 3 (strace -f, linked dynamically; the
 * mmaps are mostly the libraries' and the mapped configs'), and 10-20% less time. */
static void malloc_for_a_short_run(void)
{
	mallopt(M_TOP_PAD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int main(int argc, char **argv)
{
	malloc_for_a_short_run();
	struct buf out = BUF_INIT;
	struct diags d = DIAGS_INIT;
	int rc;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(&out);
		rc = argc < 2 ? -1 : 0;
		if (argc < 2)
			diags_usagef(&d, "missing subcommand");
	} else {
		const struct command *cmd = find_command(argv[1], &d);
		rc = cmd ? cmd->fn(argc - 2, argv + 2, &out, &d) : -1;
		if (rc && d.usage && cmd)
			diags_usagef(&d, "try 'matrixgen %s --help'", cmd->name);
	}
	enum exit_status status = rc ? diags_status(&d) : EXIT_OK;
	if (rc && status == EXIT_OK)
		status = EXIT_FAIL; /* a failure must never exit 0, even without a message */
	if (!rc && write_stdout(&out)) {
		diags_errorf(&d, NULL, 0, 0, NULL, "cannot write the output");
		status = EXIT_FAIL;
	}
	if (rc && argc < 2)
		fputs(out.s, stderr);
	diags_print(stderr, &d);
	buf_release(&out);
	diags_release(&d);
	return (int)status;
}
