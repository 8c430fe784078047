#!/bin/sh
# Runs unit-test binaries, sums their "N passed, N failed" lines.
# UNIT_WRAPPER (e.g. valgrind) is prefixed to each run when set.
passed=0; failed=0
for bin in "$@"; do
	out=$($UNIT_WRAPPER "$bin" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E 'FAIL|passed, ' || true
	p=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
	[ -n "$p" ] || { p=0; f=1; echo "$bin: no summary line (exit $rc)"; printf '%s\n' "$out" | tail -20; }
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$bin: exit status $rc"; }
	passed=$((passed + p)); failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
