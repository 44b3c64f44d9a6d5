# Sourced by the NAME.repo scripts of the v2 changelog cases: a git repository laid out as
# upstream's (configs/amd-master.yaml, configs/nvidia-master.yaml, configs/runners.yaml at
# InferenceX 843c6254f, from tests/upstream-v2/configs; perf-changelog.yaml at the root),
# a base commit (tag base), and helpers for the case's change (tag head).
# record.sh sets RECORD_UTILS to put upstream's utils/ into the base commit too, since
# upstream's process_changelog.py runs its generator from there (also at the base ref).
git init -q .
git config user.email t@example.com
git config user.name test
mkdir -p configs
cp "${V2_CONFIGS:-$root/tests/upstream-v2/configs}/"*.yaml configs/
[ -n "${RECORD_UTILS:-}" ] && cp -r "$RECORD_UTILS" utils
printf -- '- config-keys: [dsr1-fp4-b200-sglang]\n  description: ["the base entry"]\n  pr-link: https://example.com/pr/1\n\n' > perf-changelog.yaml
v2dir="$root/tests/golden/changelog-v2"
# base_config_edit SED_EXPR: changes configs/nvidia-master.yaml in the base commit only
base_config_edit() { sed -i "$1" configs/nvidia-master.yaml; }
commit_base() { git add . && git commit -qm base && git tag base; }
restore_head_configs() { cp "${V2_CONFIGS:-$root/tests/upstream-v2/configs}/"*.yaml configs/; }
append_entries() { cat "$@" >> perf-changelog.yaml; }
commit_head() { git add . && git commit -qm head && git tag head; }
