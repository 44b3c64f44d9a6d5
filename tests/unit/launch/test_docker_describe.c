/* The docker launcher's --dry-run: the container create request it prints is JSON (written
 * by jsonw, read back here with jtree) with what the engine is sent (image, Cmd, Env, labels,
 * host network and IPC, Init, mounts, the GPUs by vendor), secret values masked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jtree.h"
#include "executor/core/profile.h"
#include "executor/launch/launcher.h"

/* describe's output for vendor; the request body parsed into *body (the caller frees). */
static void describe(struct buf *out, struct jnode **body, const char *vendor)
{
	static const char *mounts[] = { "/models:/models:ro" };
	static struct profile p;
	memset(&p, 0, sizeof(p));
	p.launcher = "docker";
	p.gpu_vendor = vendor;
	p.mounts = mounts;
	p.mounts_nr = 1;
	p.docker.host = "unix:///run/podman.sock";
	p.docker.pull = "never";
	p.docker.shm_size = "16g";
	static const char *env[] = { "TP=8", "HF_TOKEN=s3cret", "HF_TOKEN_X=shown" };
	static const char *secret_names[] = { "HF_TOKEN" };
	struct strvec secrets = { secret_names, 1, 1 };
	struct launch_spec s = {
		.workspace = "/ws", .recipe_rel = "benchmarks/single_node/x.sh",
		.env = { env, 3, 3 }, .secrets = &secrets, .result_dir = "/out/r1",
		.image = "vllm/vllm-openai:v0.9", .node = "h200-01", .run_id = "run-1",
		.profile = &p, .log_fd = -1,
	};
	launch_docker_ops.describe(out, &s);
	const char *start = strchr(out->s, '{');
	const char *end = strstr(out->s, "\n(shm-size 16g is not sent");
	assert_non_null(start);
	assert_non_null(end);
	struct diags d = DIAGS_INIT;
	*body = jtree_parse(start, (size_t)(end - start), "describe", &d);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
	assert_non_null(*body);
}

static const char *str_at(const struct jnode *arr, size_t i)
{
	const struct jnode *v = jarr_at(arr, i);
	assert_non_null(v);
	assert_int_equal(v->type, JT_STR);
	return v->s;
}

static void test_nvidia(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct jnode *b;
	describe(&out, &b, "nvidia");
	assert_true(!strncmp(out.s, "launcher: docker at unix:///run/podman.sock (pull: never)\n"
			     "POST /v1.41/containers/create?name=infbench-run-1\n{\n  \"Image\": "
			     "\"vllm/vllm-openai:v0.9\",\n", 118));
	assert_null(strstr(out.s, "s3cret"));
	assert_string_equal(jobj_str(b, "Image"), "vllm/vllm-openai:v0.9");
	const struct jnode *cmd = jobj_get(b, "Cmd");
	assert_int_equal(cmd->nr, 2);
	assert_string_equal(str_at(cmd, 0), "bash");
	assert_string_equal(str_at(cmd, 1), "/workspace/benchmarks/single_node/x.sh");
	const struct jnode *env = jobj_get(b, "Env");
	assert_int_equal(env->nr, 3);
	assert_string_equal(str_at(env, 0), "TP=8");
	assert_string_equal(str_at(env, 1), "HF_TOKEN=***");
	assert_string_equal(str_at(env, 2), "HF_TOKEN_X=shown"); /* a longer name is not secret */
	assert_string_equal(jobj_str(b, "WorkingDir"), "/workspace");
	const struct jnode *labels = jobj_get(b, "Labels");
	assert_string_equal(jobj_str(labels, "infbench.node"), "h200-01");
	assert_string_equal(jobj_str(labels, "infbench.run"), "run-1");
	const struct jnode *tty = jobj_get(b, "Tty");
	assert_true(tty && tty->type == JT_BOOL && !tty->b);
	const struct jnode *hc = jobj_get(b, "HostConfig");
	assert_string_equal(jobj_str(hc, "NetworkMode"), "host");
	assert_string_equal(jobj_str(hc, "IpcMode"), "host");
	const struct jnode *init = jobj_get(hc, "Init");
	assert_true(init && init->type == JT_BOOL && init->b);
	const struct jnode *binds = jobj_get(hc, "Binds");
	assert_int_equal(binds->nr, 3);
	assert_string_equal(str_at(binds, 0), "/ws:/workspace");
	assert_string_equal(str_at(binds, 1), "/out/r1:/out/r1");
	assert_string_equal(str_at(binds, 2), "/models:/models:ro");
	const struct jnode *req = jarr_at(jobj_get(hc, "DeviceRequests"), 0);
	assert_string_equal(jobj_str(req, "Driver"), "nvidia");
	const struct jnode *count = jobj_get(req, "Count");
	assert_true(count && count->is_int && count->num == -1);
	const struct jnode *caps = jobj_get(req, "Capabilities");
	assert_int_equal(caps->nr, 1);
	assert_string_equal(str_at(jarr_at(caps, 0), 0), "gpu");
	assert_null(jobj_get(hc, "Devices"));
	jtree_free(b);
	buf_release(&out);
}

static void test_amd_and_none(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct jnode *b;
	describe(&out, &b, "amd");
	const struct jnode *hc = jobj_get(b, "HostConfig");
	const struct jnode *devs = jobj_get(hc, "Devices");
	assert_int_equal(devs->nr, 2);
	assert_string_equal(jobj_str(jarr_at(devs, 0), "PathOnHost"), "/dev/kfd");
	assert_string_equal(jobj_str(jarr_at(devs, 1), "PathInContainer"), "/dev/dri");
	assert_string_equal(jobj_str(jarr_at(devs, 1), "CgroupPermissions"), "rwm");
	assert_string_equal(str_at(jobj_get(hc, "GroupAdd"), 0), "video");
	assert_string_equal(str_at(jobj_get(hc, "SecurityOpt"), 0), "seccomp=unconfined");
	assert_null(jobj_get(hc, "DeviceRequests"));
	jtree_free(b);
	buf_reset(&out);
	describe(&out, &b, "none");
	hc = jobj_get(b, "HostConfig");
	assert_null(jobj_get(hc, "DeviceRequests"));
	assert_null(jobj_get(hc, "Devices"));
	jtree_free(b);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nvidia),
		cmocka_unit_test(test_amd_and_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
