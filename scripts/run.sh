#!/usr/bin/env bash
# The main job, until the playground page lands: the raft-sim CLI runs a
# 5-member cluster under chaos, then tells two stories from the course as
# scenario scripts. Pass arguments to run raft-sim with them instead, e.g.
#   bash scripts/run.sh run --seed 7 --nodes 3 --secs 20 --events 40
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -q -p raft-sim
sim=target/release/raft-sim
if [ $# -gt 0 ]; then
  exec "$sim" "$@"
fi
echo "== raft-sim run --seed 1 --nodes 5 --secs 30 --faults chaos"
"$sim" run --seed 1 --nodes 5 --secs 30 --faults chaos
for s in minority-leader stale-read; do
  echo
  echo "== raft-sim script crates/raft-sim/tests/scenarios/$s.txt"
  "$sim" script "crates/raft-sim/tests/scenarios/$s.txt"
done
