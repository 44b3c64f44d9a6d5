#!/usr/bin/env python3
"""Records the expected processed results of the v2 process cases from upstream's own
utils/process_result.py (SemiAnalysisAI/InferenceX at 843c6254f), run with the variables
upstream's workflows set for each entry. Not run by the suite; its outputs are the cases'
files. Usage: record.py UPSTREAM_PROCESS_RESULT_PY EXECUTOR CASES_DIR

Two kinds of case:
- process-v2-NAME: `executor process RAW --entry entry-NAME.json` (the entry mode);
- process-v2-env-NAME: `executor process` without --entry, with the same variables upstream's
  script read (NAME.env), RAW being $RESULT_FILENAME.json (the environment mode)."""
import json, os, shlex, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, '..', 'dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nv_0.json')
bench_v2 = os.path.join(here, 'bench-v2.json')  # our `bench --result-schema v2` on the simulator
script, executor, cases = sys.argv[1:4]
b = lambda x: 'true' if x else 'false'


def workflow_env(name, p_gpus, d_gpus):
    """RESULT_FILENAME and the variables upstream's workflows give process_result.py."""
    entry_path = os.path.join(here, f'entry-{name}.json')
    e = json.load(open(entry_path))
    rf = subprocess.run([executor, 'result-filename', '--entry', entry_path, '--node', 'h200-nv_0'],
                        check=True, capture_output=True, text=True).stdout.strip()
    env = dict(RUNNER_TYPE=e['runner'], FRAMEWORK=e['framework'],
               PRECISION=e['precision'], SPEC_DECODING=e['spec-decoding'], ISL=str(e['isl']),
               OSL=str(e['osl']), DISAGG=b(e['disagg']), MODEL_PREFIX=e['model-prefix'],
               IMAGE=e['image'], RECIPE_FINGERPRINT=e.get('recipe-fingerprint', ''),
               # GitHub's toJson: indented
               ROUTER_METADATA=json.dumps(e['router'], indent=2) if 'router' in e else '',
               KV_P2P_TRANSFER=e.get('kv-p2p-transfer', ''))
    if 'prefill' in e:
        rf = f'{rf}_conc{e["conc"][0]}_gpus_{p_gpus + d_gpus}_ctx_{p_gpus}_gen_{d_gpus}'
        for role in ('prefill', 'decode'):
            w, R = e[role], role.upper()
            env.update({f'{R}_NUM_WORKERS': str(w['num-worker']), f'{R}_TP': str(w['tp']),
                        f'{R}_EP': str(w['ep']), f'{R}_DP_ATTN': b(w['dp-attn']),
                        f'{R}_PP_SIZE': str(w['pp']), f'{R}_DCP_SIZE': str(w['dcp-size']),
                        f'{R}_PCP_SIZE': str(w['pcp-size']), f'{R}_HARDWARE': w.get('hardware', '')})
        env.update(IS_MULTINODE='true', PREFILL_GPUS=str(p_gpus), DECODE_GPUS=str(d_gpus))
    else:
        env.update(TP=str(e['tp']), EP_SIZE=str(e['ep']), DP_ATTENTION=b(e['dp-attn']),
                   PP_SIZE=str(e['pp']), DCP_SIZE=str(e['dcp-size']), PCP_SIZE=str(e['pcp-size']))
    env['RESULT_FILENAME'] = rf
    return rf, env


def upstream(raw, rf, env):
    """Upstream's stdout for the raw result saved as {rf}.json, under exactly env."""
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(raw, os.path.join(d, rf + '.json'))
        shutil.copy(script, os.path.join(d, 'process_result.py'))  # alone: no power modules
        run_env = {k: v for k, v in os.environ.items() if k in ('PATH', 'HOME', 'LANG')}
        out = subprocess.run([sys.executable, 'process_result.py'], cwd=d, env=dict(run_env, **env),
                             check=True, capture_output=True, text=True).stdout
        agg = open(os.path.join(d, f'agg_{rf}.json')).read()
    assert out == agg + '\n', 'upstream printed what it wrote'
    return out


def write_case(name, out, args, repo, env=None):
    case = os.path.join(cases, f'process-v2-{name}')
    open(case + '.out', 'w').write(out)
    open(case + '.args', 'w').write(args + '\n')
    open(case + '.repo', 'w').write(repo + '\n')
    if env is not None:
        open(case + '.env', 'w').write(''.join(f'export {k}={shlex.quote(v)}\n'
                                               for k, v in env.items()))
    print(case)


# entry mode. name: (entry file, prefill GPUs, decode GPUs)
for name, p_gpus, d_gpus in (('single', 0, 0), ('multi', 12, 8), ('agg', 64, 0)):
    rf, env = workflow_env(name, p_gpus, d_gpus)
    write_case(name, upstream(sample, rf, env),
               f'process v2/{rf}.json --entry v2/entry-{name}.json --node h200-nv_0',
               'mkdir v2 && cp "$root"/tests/results/process/v2/*.json v2/')
    shutil.copy(sample, os.path.join(here, rf + '.json'))  # the raw result under the entry's name

# environment mode: the same runs, then variations upstream's reader allows
def env_case(name, entry, p_gpus, d_gpus, raw=sample, change=lambda env: None):
    rf, env = workflow_env(entry, p_gpus, d_gpus)
    change(env)
    raw_rel = os.path.relpath(raw, os.path.join(here, '..', '..', '..', '..'))
    write_case(f'env-{name}', upstream(raw, rf, env), 'process',
               f'cp "$root"/{raw_rel} {shlex.quote(rf + ".json")}', env)

def drop(*names):
    return lambda env: [env.pop(n) for n in names]

env_case('single', 'single', 0, 0)
env_case('multi', 'multi', 12, 8)
env_case('agg', 'agg', 64, 0)          # DECODE_GPUS=0: decode written as upstream does
env_case('bench', 'single', 0, 0, raw=bench_v2)  # our v2 raw result: p90, p99.9, input_lens ...
# only RECIPE_FINGERPRINT of the v2 variables, empty: sizes default to 1, no router
env_case('defaults', 'single', 0, 0,
         change=drop('PP_SIZE', 'DCP_SIZE', 'PCP_SIZE', 'ROUTER_METADATA', 'KV_P2P_TRANSFER'))
# a router written version first, on one line: kept in that order; "null" is no router
env_case('router-order', 'single', 0, 0,
         change=lambda env: env.update(ROUTER_METADATA='{"version": "0.2.1", "name": "sgl-router"}'))
env_case('router-null', 'multi', 12, 8, change=lambda env: env.update(ROUTER_METADATA='null'))
# multi-node without PREFILL_/DECODE_ sizes and hardware: upstream's defaults
env_case('multi-defaults', 'multi', 12, 8,
         change=drop(*[f'{r}_{k}' for r in ('PREFILL', 'DECODE')
                       for k in ('PP_SIZE', 'DCP_SIZE', 'PCP_SIZE', 'HARDWARE')]))
