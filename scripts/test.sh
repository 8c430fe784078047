#!/usr/bin/env bash
# test.sh: `make test`. Packages, build, C unit tests, install, throwaway
# cluster, pg_regress + isolation specs + shell checks, stop. Ends with
# "N passed, N failed" and exits non-zero on any failure.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh

passed=0; failed=0
# Adds a step's counts to the totals.
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; exit $?; }

install_packages || { count 0 1; finish; }
build_and_install || { count 0 1; finish; }

log "C unit tests"
out=$(make -s unit 2>&1); echo "$out" | grep -v ' 0 failed$' | grep -v '^unit:' ; echo "$out" | grep '^unit:'
p=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p'); f=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
count "${p:-0}" "${f:-1}"

log "C unit tests under valgrind (quick mode)"
out=$(CRM_UNIT_QUICK=1 make -s unit-valgrind 2>&1); echo "$out" | grep -E 'FAIL|==|no summary|exit status' | head -40; echo "$out" | grep '^unit:'
f=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ "${f:-1}" -eq 0 ]; then count 1 0; else count 0 1; fi

start_cluster || { count 0 1; finish; }

# Real-data tests read the CDNOW sample beside the project; they skip cleanly without it.
cdnow="$(cd .. && pwd)/shared/data/cdnow/CDNOW_sample.txt"
if [ -r "$cdnow" ]; then export CRM_CDNOW_FILE="$cdnow"; else log "CDNOW sample not found at $cdnow: its tests will report 'skipped'"; fi

log "pg_regress and isolation specs"
rm -rf results output_iso
make -s installcheck PG_CONFIG="$PG_CONFIG" CONTRIB_TESTDB=crm_test ISOLATION_TESTDB=crm_test \
	EXTRA_REGRESS_OPTS="--use-existing --host=$PGHOST --port=$PGPORT --user=postgres" >regress.log 2>&1
cat regress.log | grep -E '^(ok|not ok|test | +test )|\.\.\. |tests? (passed|failed)' 
p=$(grep -cE '\.\.\. ok|^ok ' regress.log); f=$(grep -cE '\.\.\. FAILED|^not ok|\.\.\. failed' regress.log)
[ -s regression.diffs ] && head -150 regression.diffs
grep -q 'pg_regress: ' regress.log && grep 'pg_regress: ' regress.log && f=$((f + 1))
count "$p" "$f"

log "shell checks"
for t in test/sh/*.sh; do
	[ -e "$t" ] || continue
	if out=$(bash "$t" 2>&1); then
		echo "ok   $(basename "$t") ${out:+— $(echo "$out" | tail -1)}"; count 1 0
	else
		echo "FAIL $(basename "$t")"; echo "$out" | tail -30; count 0 1
	fi
done

stop_cluster
finish
