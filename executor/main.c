/*
 * executor: one table of subcommands {name, fn, summary}; adding a verb is adding a row
 * (and its cmd_<verb>.c). main alone prints diagnostics and picks the exit status
 * (0 success, 1 failure, 2 usage).
 */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/suggest.h"
#include "executor/commands.h"

/* A command either prints as it goes and returns its exit status (run, bench: long jobs
 * whose progress people watch), or hands main its whole stdout, printed only on success
 * (process, aggregate, compare, result-filename: their output is read by programs). */
struct command {
	const char *name;
	/* the long jobs get the program's stop flag: SIGINT/SIGTERM set it, they wind down */
	int (*fn)(int argc, char **argv, volatile sig_atomic_t *stop, struct diags *d);
	int (*fn_out)(int argc, char **argv, struct buf *out, struct diags *d);
	const char *summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, NULL, "run one matrix entry (or a matrix) on this node, end to end" },
	{ "bench", cmd_bench, NULL, "drive a server with streaming requests and measure it" },
	{ "eval", cmd_eval, NULL, "GSM8K accuracy eval against a running server, with thresholds" },
	{ "process", NULL, cmd_process, "raw benchmark result -> processed result" },
	{ "result-filename", NULL, cmd_result_filename, "an entry's RESULT_FILENAME (names its bmk_* artifact)" },
	{ "aggregate", NULL, cmd_aggregate, "many results -> JSON, markdown tables, charts, CSV" },
	{ "compare", NULL, cmd_compare, "two sets of results -> changes and regressions" },
	{ "power", NULL, cmd_power, "GPU power CSV -> energy fields in a processed result" },
	{ "power-multinode", NULL, cmd_power_multinode, "multi-node dcgm-power package -> role energy fields in a processed result" },
};

/* fn_out returns 0, -1 (failure: nothing printed), or 1 (a verdict such as a regression:
 * the report is printed and the exit status is 1). */
static int run_buffered(const struct command *cmd, int argc, char **argv, struct diags *d)
{
	struct buf out = BUF_INIT;
	int rc = cmd->fn_out(argc, argv, &out, d);
	if (rc >= 0 && (fwrite(out.s, 1, out.len, stdout) != out.len || fflush(stdout)))
		rc = diags_errorf(d, NULL, 0, 0, NULL, "cannot write to stdout");
	buf_release(&out);
	if (rc > 0)
		return EXIT_FAIL;
	return rc ? diags_status(d) == EXIT_USAGE ? EXIT_USAGE : EXIT_FAIL : EXIT_OK;
}
#define COMMANDS_NR (sizeof(commands) / sizeof(commands[0]))

/* The one stop flag of the program: the signal that asked it to stop, 0 while none has.
 * Passed as a pointer to the command, and from there to the launchers, the health wait and
 * the load, which check it between steps and wind down (nothing is left running). */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void install_stop_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a peer that closes is an error value, not a death */
}

static void usage(FILE *f)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "usage: executor <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < COMMANDS_NR; i++)
		buf_addf(&b, "  %-16s %s\n", commands[i].name, commands[i].summary);
	buf_adds(&b, "\n`executor <command> --help` describes each command.\n"
		 "exit status: 0 success, 1 error, 2 usage error\n");
	fwrite(b.s, 1, b.len, f);
	buf_release(&b);
}

static int unknown(const char *name, struct diags *d)
{
	const char *names[COMMANDS_NR];
	for (size_t i = 0; i < COMMANDS_NR; i++)
		names[i] = commands[i].name;
	const char *s = suggest_closest(name, names, COMMANDS_NR);
	if (s)
		return diags_usagef(d, "unknown command '%s' (did you mean '%s'?)", name, s);
	return diags_usagef(d, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	struct diags d = DIAGS_INIT;
	int status = EXIT_USAGE;
	const struct command *cmd = NULL;
	for (size_t i = 0; i < COMMANDS_NR; i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (cmd) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (cmd->fn) {
			install_stop_handlers();
			status = cmd->fn(argc - 2, argv + 2, &stop_signal, &d);
		} else {
			status = run_buffered(cmd, argc - 2, argv + 2, &d);
		}
		curl_global_cleanup();
	} else {
		unknown(argv[1], &d);
	}
	enum exit_status printed = diags_print(stderr, &d);
	if (status == EXIT_OK && printed != EXIT_OK)
		status = printed;
	diags_release(&d);
	return status;
}
