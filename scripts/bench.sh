#!/usr/bin/env bash
# bench.sh: `make bench`. Builds, installs, starts a throwaway cluster, loads
# the sample generator's data at scale (CRM_BENCH_CUSTOMERS, default 1M) and
# prints a table of medians and ratios against floors measured in the same run.
# Benchmarks are not tests: nothing here fails on time.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh
set -e
install_packages
build_and_install
start_cluster
customers=${CRM_BENCH_CUSTOMERS:-1000000}
reps=${CRM_BENCH_REPS:-5}
log "benchmark: $customers customers, median of $reps runs per query"
crm_psql -v customers="$customers" -v reps="$reps" -f scripts/bench.sql
