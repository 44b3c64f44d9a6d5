#!/usr/bin/env bash
# Installs what building matrixgen and executor needs, on a GitHub-hosted runner or a GPU node,
# plus jq (the workflows' scripts): the packages of scripts/setup.sh's list that the build uses,
# and only those. The rest of that list is for the test suite (clang for the sanitizer build,
# the script linter, Podman and a one-node Slurm for the launcher tests) and must never land on
# a GPU node, least of all Slurm daemons on a cluster's login node.
# Idempotent, like setup.sh: a machine that has everything is not touched. A self-hosted runner
# without root or passwordless sudo must have them preinstalled.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
setup_install build jq
