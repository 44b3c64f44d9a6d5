# Sourced by the NAME.repo scripts: a git repository with the small fixture configs and a
# first changelog commit (tag base); each case then commits its change (tag head).
git init -q .
git config user.email t@example.com
git config user.name test
cp "$root/tests/golden/inputs/small-master.yaml" small-master.yaml
cp "$root/tests/golden/inputs/small-runners.yaml" small-runners.yaml
cat > perf-changelog.yaml <<'YAML'
---
# perf changelog
- config-keys: [m1-fp8-h200-vllm]
  description: ["first"]
  pr-link: https://example.com/pr/1

YAML
git add . && git commit -qm base && git tag base
commit_head() { git commit -qam head && git tag head; }
