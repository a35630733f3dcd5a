#!/usr/bin/env bash
# Mutation testing of the rules, clauses, stage evaluators, deadlines and calendar with
# mutmut (configuration: pyproject.toml [tool.mutmut]; results: docs/quality.md).
#
#   scripts/mutation.sh                      # every mutant not yet tested (all on a fresh tree)
#   scripts/mutation.sh 'atlier_policy.clauses.*'   # (re)test the mutants matching a glob
#   MUTATION_FRESH=1 scripts/mutation.sh     # forget earlier results (rm -rf mutants/)
#
# One worker process by default (MUTATION_JOBS to change it); a full run from scratch takes
# about 1.5 hours on one core. Prints per-module counts and the surviving mutants at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
.venv/bin/python scripts/group.py mutation | .venv/bin/pip install -q -r /dev/stdin

# 50 Hypothesis examples per property test instead of 200 (tests/conftest.py).
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-dev}"
# Each mutant's process imports the (large) mutated modules afresh: let it reuse their
# bytecode instead of compiling them every time.
unset PYTHONDONTWRITEBYTECODE

if [ "${MUTATION_FRESH:-0}" = 1 ]; then
    rm -rf mutants
fi
mkdir -p mutants

start=$(date +%s)
status=0
# mutmut redraws a progress line many times a second: keep that out of the terminal.
.venv/bin/mutmut run --max-children "${MUTATION_JOBS:-1}" "$@" >mutants/run.log 2>&1 || status=$?
end=$(date +%s)
if [ "$status" -ne 0 ]; then
    tr '\r' '\n' <mutants/run.log | tail -n 40
    echo "mutmut run failed (exit $status); full log: mutants/run.log" >&2
    exit "$status"
fi

echo "mutmut $(.venv/bin/mutmut --version | awk '{print $NF}'), run took $((end - start)) s"
.venv/bin/python scripts/mutation_report.py
