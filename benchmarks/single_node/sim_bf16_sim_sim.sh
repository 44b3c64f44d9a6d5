#!/usr/bin/env bash
# sim-bf16-sim-sim: the same simulated server as sim_fp8_sim_sim.sh (precision changes nothing
# in the simulator); see that recipe.
exec bash "$(dirname "${BASH_SOURCE[0]}")/sim_fp8_sim_sim.sh" "$@"
