/*
 * executor: one table of subcommands {name, fn, summary}; adding a verb is adding a row
 * (and its cmd_<verb>.c). main alone prints diagnostics and picks the exit status
 * (0 success, 1 failure, 2 usage).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/suggest.h"
#include "executor/cmd_bench.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct diags *d);
	const char *summary;
};

static const struct command commands[] = {
	{ "bench", cmd_bench, "drive a server with streaming requests and measure it" },
};
#define COMMANDS_NR (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "usage: executor <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < COMMANDS_NR; i++)
		buf_addf(&b, "  %-12s %s\n", commands[i].name, commands[i].summary);
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
		status = cmd->fn(argc - 2, argv + 2, &d);
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
