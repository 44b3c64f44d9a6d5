#!/usr/bin/env bash
# The power cases in CTest: `executor power` on each cases/NAME/ must leave the same bytes
# as upstream's aggregate_power.py left (expected/NAME/, made by make_expected.sh).
#   check.sh EXECUTOR [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../power_cases.bash
. "$here/../power_cases.bash"
check_cases "$here" "${1:?usage: $0 EXECUTOR [NAME...]}" power "${@:2}"
