# executor's tests beyond the unit tests (which tests/CMakeLists.txt finds by glob).
# Included from tests/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is tests/.
#   e2e.bench_*       bench against the simulator, one script per concern
#   e2e.run_local     executor run through the local launcher (fixtures in tests/e2e/fixtures)
#   e2e.run_power     run's GPU sampling with the simulated nvidia-smi (tests/sim/nvidia-smi)
#   e2e.run_power_nvml the same through NVML: the stand-in tests/sim/nvml/nvml_sim.c, loaded by
#                     INFBENCH_NVML_LIB; fallback to nvidia-smi when nvmlInit fails
#   e2e.run_agentic   executor run of an agentic entry (trace replay) through the local launcher
#   e2e.run_agentic_multinode  the same for a multi-node agentic entry: one replay per conc
#                     against the demo's multi-node deployment, upstream's result check, a
#                     server answering 500
#   e2e.run_eval      the accuracy eval (executor eval, run with run-eval/eval-only) against the simulator
#   e2e.run_docker    the docker launcher against a private Podman API service (skipped, 77,
#                     where Podman cannot run: not root, no namespaces, ...)
#   e2e.run_slurm     the slurm launcher on a private one-node Slurm cluster (skipped, 77,
#                     where the daemons cannot run)
#                     The run_* tests are RUN_SERIAL: they start system services, signal
#                     process groups and bind ports that parallel tests could take.
#   fuzz.sse          libFuzzer over the SSE parser (FUZZ=ON, clang), 10 seconds
#   fuzz.http         libFuzzer over the HTTP response parser, 10 seconds
#   fuzz.entry        libFuzzer over the matrix-entry reader, 10 seconds
#   fuzz.results      libFuzzer over jtree and aggregate on result documents, 10 seconds
#   fuzz.promtext     libFuzzer over the Prometheus text parser (/metrics), 10 seconds
#   fuzz.power        libFuzzer over the power CSV reader, integration, patch and sidecar
#                     (results/pycsv, results/power), 10 seconds
#   bench_accuracy    the accuracy benchmark: built here, run by hand (not a test):
#                     build/tests/bench_accuracy --executor build/executor/executor \
#                         --simserver build/tests/sim/simserver
set(EXECUTOR_TESTS_DIR ${CMAKE_SOURCE_DIR}/tests)

if(TARGET simserver)
  file(GLOB BENCH_E2E ${EXECUTOR_TESTS_DIR}/e2e/bench_*.sh)
  foreach(script ${BENCH_E2E})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME e2e.${name}
      COMMAND bash ${script} $<TARGET_FILE:executor> $<TARGET_FILE:simserver>)
    set_tests_properties(e2e.${name} PROPERTIES TIMEOUT 180)
    if(SANITIZE)
      # the sanitizers slow every request several times: a timing bound then measures them,
      # so the scripts print such figures and skip the bound (INFBENCH_SANITIZED)
      set_tests_properties(e2e.${name} PROPERTIES ENVIRONMENT INFBENCH_SANITIZED=1)
    endif()
  endforeach()
  # the replay's pacing bounds (2 ms, 5 ms p99) want the two cores to themselves
  if(TEST e2e.bench_trace)
    set_tests_properties(e2e.bench_trace PROPERTIES RUN_SERIAL TRUE)
  endif()
  if(TARGET matrixgen)
    add_test(NAME e2e.run_local COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_local.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver> $<TARGET_FILE:matrixgen>)
    set_tests_properties(e2e.run_local PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE
      SKIP_RETURN_CODE 77)
    add_test(NAME e2e.run_agentic COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_agentic.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver> $<TARGET_FILE:matrixgen>)
    set_tests_properties(e2e.run_agentic PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
    add_test(NAME e2e.run_agentic_multinode
      COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_agentic_multinode.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver> $<TARGET_FILE:matrixgen>)
    set_tests_properties(e2e.run_agentic_multinode PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
    add_test(NAME e2e.run_power COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_power.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver>)
    set_tests_properties(e2e.run_power PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
    add_test(NAME e2e.run_power_nvml COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_power_nvml.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver> $<TARGET_FILE:nvml_sim>)
    set_tests_properties(e2e.run_power_nvml PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
  endif()
  add_test(NAME e2e.run_eval COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/run_eval.sh
    $<TARGET_FILE:executor> $<TARGET_FILE:simserver>)
  set_tests_properties(e2e.run_eval PROPERTIES TIMEOUT 180)
  foreach(name run_docker run_slurm)
    add_test(NAME e2e.${name} COMMAND bash ${EXECUTOR_TESTS_DIR}/e2e/${name}.sh
      $<TARGET_FILE:executor> $<TARGET_FILE:simserver>)
    # first run: apt-get install of the harness packages when missing
    set_tests_properties(e2e.${name} PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE
      SKIP_RETURN_CODE 77)
  endforeach()
endif()

add_executable(bench_accuracy ${EXECUTOR_TESTS_DIR}/perf/bench_accuracy.c
  ${EXECUTOR_TESTS_DIR}/perf/sim_harness.c)
target_link_libraries(bench_accuracy PRIVATE executor_lib)

if(FUZZ)
  # fuzz_NAME.c over corpus_NAME/, linking LIB: built with the fuzzer and the sanitizers, run
  # as the test fuzz.NAME for 10 seconds. New inputs go to the first (scratch) directory in
  # the build tree; the seed corpus in the tree stays as is.
  function(executor_fuzz_target name lib)
    add_executable(fuzz_${name} ${EXECUTOR_TESTS_DIR}/fuzz/fuzz_${name}.c)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${name} PRIVATE ${lib})
    file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name}_corpus)
    add_test(NAME fuzz.${name} COMMAND fuzz_${name} -max_total_time=10
      ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name}_corpus ${EXECUTOR_TESTS_DIR}/fuzz/corpus_${name})
  endfunction()
  executor_fuzz_target(sse executor_load)
  executor_fuzz_target(http executor_load)        # the HTTP response parser
  executor_fuzz_target(entry executor_core)       # the matrix-entry reader
  executor_fuzz_target(results executor_results)  # jtree and aggregate on result documents
  executor_fuzz_target(promtext common)           # the Prometheus text parser (/metrics)
  executor_fuzz_target(power executor_results)    # pycsv and power: GPU CSV -> energy, patch, sidecar
endif()
