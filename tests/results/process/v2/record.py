#!/usr/bin/env python3
"""Records the expected processed results of the v2 process cases from upstream's own
utils/process_result.py (SemiAnalysisAI/InferenceX at 843c6254f), run with the variables
upstream's workflows set for each entry. Not run by the suite; its outputs are the cases'
.out files. Usage: record.py UPSTREAM_PROCESS_RESULT_PY EXECUTOR CASES_DIR"""
import json, os, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
raw = os.path.join(here, '..', 'dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nv_0.json')
script, executor, cases = sys.argv[1:4]
b = lambda x: 'true' if x else 'false'
# name: (entry file, prefill GPUs, decode GPUs)
for name, p_gpus, d_gpus in (('single', 0, 0), ('multi', 12, 8), ('agg', 64, 0)):
    entry_path = os.path.join(here, f'entry-{name}.json')
    e = json.load(open(entry_path))
    rf = subprocess.run([executor, 'result-filename', '--entry', entry_path, '--node', 'h200-nv_0'],
                        check=True, capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, RUNNER_TYPE=e['runner'], FRAMEWORK=e['framework'],
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
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(raw, os.path.join(d, rf + '.json'))
        shutil.copy(script, os.path.join(d, 'process_result.py'))  # alone: no power modules
        subprocess.run([sys.executable, 'process_result.py'], cwd=d, env=env, check=True,
                       capture_output=True)
        out = open(os.path.join(d, f'agg_{rf}.json')).read()
    case = os.path.join(cases, f'process-v2-{name}')
    open(case + '.out', 'w').write(out + '\n')
    shutil.copy(raw, os.path.join(here, rf + '.json'))  # the raw result under the entry's name
    open(case + '.args', 'w').write(
        f'process v2/{rf}.json --entry v2/entry-{name}.json --node h200-nv_0\n')
    open(case + '.repo', 'w').write('mkdir v2 && cp "$root"/tests/results/process/v2/*.json v2/\n')
    print(case, rf)
