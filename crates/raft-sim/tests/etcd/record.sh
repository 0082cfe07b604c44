#!/usr/bin/env bash
# Records what real etcdctl 3.4 prints, so the console can be written (and
# checked) against the real thing: `bash crates/raft-sim/tests/etcd/record.sh`
# starts a fresh 3-member loopback cluster (static bootstrap, token
# etcd-cluster, names etcd-1..3) and writes, next to this script, one .txt per
# part: every command with its stdin, stdout, stderr and exit status.
#
# Format of the .txt files (plain, byte exact between the markers):
#   ==> $ etcdctl ARGS...          the command (always with --endpoints)
#   --- stdin                      (only when the command reads stdin)
#   --- stdout
#   --- stderr
#   --- exit N
# A block whose text does not end in a newline gets a line
# "\ No newline at end" after it, as diff does.
set -eu  # no pipefail: `... | head -1` parsing below would fail on SIGPIPE
here="$(cd "$(dirname "$0")" && pwd)"
command -v etcd >/dev/null || bash "$here/../../../../scripts/setup.sh" etcd

# Ports 43379-43499 belong to this recorder and the etcd tests; the recorder
# uses client 4338K and peer 4339K for etcd-K.
C1=http://127.0.0.1:43381 C2=http://127.0.0.1:43382 C3=http://127.0.0.1:43383 C4=http://127.0.0.1:43384
P1=http://127.0.0.1:43391 P2=http://127.0.0.1:43392 P3=http://127.0.0.1:43393 P4=http://127.0.0.1:43394
ALL="$C1,$C2,$C3"
CLUSTER="etcd-1=$P1,etcd-2=$P2,etcd-3=$P3"

work="$(mktemp -d /tmp/etcd-record.XXXXXX)"
declare -A PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME K STATE INITIAL_CLUSTER: one member, configured by ETCD_*
# variables as an EnvironmentFile= would.
start() {
  local name=$1 k=$2 state=$3 cluster=$4
  local c="http://127.0.0.1:4338$k" p="http://127.0.0.1:4339$k"
  ETCD_NAME=$name ETCD_DATA_DIR="$work/$name" \
    ETCD_LISTEN_PEER_URLS=$p ETCD_LISTEN_CLIENT_URLS=$c \
    ETCD_INITIAL_ADVERTISE_PEER_URLS=$p ETCD_ADVERTISE_CLIENT_URLS=$c \
    ETCD_INITIAL_CLUSTER=$cluster ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster \
    ETCD_INITIAL_CLUSTER_STATE=$state \
    etcd >"$work/$name.log" 2>&1 &
  PIDS[$name]=$!
}
wait_healthy() {
  for _ in $(seq 100); do
    etcdctl --endpoints="$1" endpoint health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "record: $1 never became healthy" >&2; exit 1
}

out=/dev/null
part() { out="$here/$1.txt"; printf '# %s\n# Recorded by record.sh with %s, etcdctl %s.\n# etcd-K: client http://127.0.0.1:4338K, peer http://127.0.0.1:4339K; token etcd-cluster.\n' \
  "$2" "$(etcd --version | head -1)" "$(etcdctl version | head -1 | cut -d' ' -f3)" >"$out"; }
note() { printf '# %s\n' "$*" >>"$out"; }
block() { # block NAME FILE
  printf -- '--- %s\n' "$1" >>"$out"
  cat "$2" >>"$out"
  if [ -s "$2" ] && [ "$(tail -c1 "$2" | od -An -c | tr -d ' ')" != '\n' ]; then
    printf '\n\\ No newline at end\n' >>"$out"
  fi
}
# run ARGS...: etcdctl with ARGS, recorded; stdin from $STDIN when set.
run() {
  printf '==> $ etcdctl%s\n' "$(printf ' %s' "$@")" >>"$out"
  local rc=0
  if [ -n "${STDIN+x}" ]; then
    printf '%s' "$STDIN" >"$work/in"
    block stdin "$work/in"
    etcdctl "$@" <"$work/in" >"$work/o" 2>"$work/e" || rc=$?
  else
    etcdctl "$@" </dev/null >"$work/o" 2>"$work/e" || rc=$?
  fi
  block stdout "$work/o"
  block stderr "$work/e"
  printf -- '--- exit %s\n\n' "$rc" >>"$out"
}
# bg_watch FILE ARGS...: a watch in the background until stop_watch.
bg_watch() { local f=$1; shift; etcdctl "$@" >"$work/$f.o" 2>"$work/$f.e" & WPID=$!; WARGS=("$@"); WF=$f; sleep 0.5; }
stop_watch() {
  sleep 0.5; kill -TERM "$WPID" 2>/dev/null || true; local rc=0; wait "$WPID" || rc=$?
  printf '==> $ etcdctl%s   (in the background; stopped with SIGTERM)\n' "$(printf ' %s' "${WARGS[@]}")" >>"$out"
  block stdout "$work/$WF.o"; block stderr "$work/$WF.e"; printf -- '--- exit %s\n\n' "$rc" >>"$out"
}

E1="--endpoints=$C1"
start etcd-1 1 new "$CLUSTER"; start etcd-2 2 new "$CLUSTER"; start etcd-3 3 new "$CLUSTER"
wait_healthy "$C1"; wait_healthy "$C2"; wait_healthy "$C3"

# ---------------------------------------------------------------- kv
part kv "put, get (every flag), del on a fresh cluster; every -w format"
run "$E1" get foo
run "$E1" get foo -w json
run "$E1" put foo bar
run "$E1" put foo bar -w json
run "$E1" put foo baz -w fields
run "$E1" put foo qux -w table
run "$E1" put foo qux2 --prev-kv
run "$E1" get foo
run "$E1" get foo -w json
run "$E1" get foo -w fields
run "$E1" get foo -w table
run "$E1" put a 1; run "$E1" put b 22; run "$E1" put c 333; run "$E1" put d 4
run "$E1" put /registry/pods/default/nginx '{"kind":"Pod"}'
run "$E1" put /registry/pods/default/redis 'two words'
run "$E1" put /registry/configmaps/kube-system/coredns cm
run "$E1" put b 22b
run "$E1" get a c
run "$E1" get --prefix /registry/
run "$E1" get --prefix /registry/pods/ -w json
run "$E1" get --prefix /registry/ -w table
run "$E1" get --prefix /registry/ -w fields
run "$E1" get --prefix /nothing/
run "$E1" get --prefix /nothing/ -w json
run "$E1" get --prefix /nothing/ -w table
run "$E1" get --from-key b
run "$E1" get --from-key c --keys-only
run "$E1" get --prefix /registry/ --keys-only
run "$E1" get --prefix /registry/ --print-value-only
run "$E1" get --prefix /registry/ --keys-only -w json
run "$E1" get --from-key a --limit 2
run "$E1" get --from-key a --limit 2 -w json
run "$E1" get --from-key a --limit 2 -w fields
run "$E1" get --prefix "" --limit 3 --keys-only
run "$E1" get --from-key "" --count-only
run "$E1" get --from-key "" --count-only -w json
run "$E1" get foo --rev 2
run "$E1" get foo --rev 3 -w json
run "$E1" get --prefix "" --rev 4
run "$E1" get foo --consistency=s
run "$E1" get foo --consistency=l
run --endpoints="$C3" get foo --consistency=s
run "$E1" get --prefix "" --sort-by=KEY --order=DESCEND --keys-only
run "$E1" get --prefix "" --sort-by=VALUE --order=ASCEND
run "$E1" get --prefix "" --sort-by=VERSION --order=DESCEND --keys-only
run "$E1" get --prefix "" --sort-by=CREATE --order=DESCEND --keys-only
run "$E1" get --prefix "" --sort-by=MODIFY --order=DESCEND --keys-only
run "$E1" get --prefix "" --sort-by=MODIFY --keys-only
run "$E1" get --prefix "" --order=DESCEND --keys-only
run "$E1" get --prefix "" --sort-by=VALUE --order=DESCEND --limit 2 -w json
run "$E1" get --prefix "" --sort-by=key --keys-only
run "$E1" del nothing
run "$E1" del nothing -w json
run "$E1" del a
run "$E1" del b -w json
run "$E1" del c --prev-kv
run "$E1" del --prefix /registry/pods/
run "$E1" del --prefix /registry/ -w fields
run "$E1" del d -w table
run "$E1" get --prefix "" -w json
run "$E1" put a 1 --ignore-value
run "$E1" put "key with space" "value with space"
run "$E1" get "key with space" -w json
run "$E1" put k1 "$(printf 'line1\nline2')"
run "$E1" get k1
run "$E1" get k1 -w json
run "$E1" get k1 --hex

# ---------------------------------------------------------------- txn
part txn "txn in its non-interactive form (compares, blank line, success ops, blank line, failure ops)"
run "$E1" put t1 v1
STDIN=$'value("t1") = "v1"\n\nput t2 ok\nget t1\n\nput t2 fail\n' run "$E1" txn
STDIN=$'value("t1") = "v1"\n\nput t2 ok\nget t1\n\nput t2 fail\n' run "$E1" txn -w json
STDIN=$'value("t1") = "nope"\n\nput t2 ok\n\nput t2 fail\ndel t1\nget t2\n' run "$E1" txn
STDIN=$'value("t1") = "nope"\n\nput t2 ok\n\nput t2 fail2\ndel t1\nget t2\n' run "$E1" txn -w json
STDIN=$'version("t2") > "0"\ncreate("t2") < "100"\nmod("t2") != "0"\n\nget --prefix t\ndel --prefix t\n\n\n' run "$E1" txn
STDIN=$'value("t2") = "x"\n\n\nput t3 "quoted value"\n' run "$E1" txn -w fields
STDIN=$'\nput t4 a\n\n' run "$E1" txn -w table
STDIN=$'bogus compare\n\n\n' run "$E1" txn
STDIN=$'value("t1") = "v1"\n\nfrob x\n\n' run "$E1" txn
STDIN=$'mod("t4") > "0"\n\nget t4 -w json\nget --rev=1 t4\nput t5 v5 --prev-kv\n\n' run "$E1" txn
run "$E1" get --prefix t

# ---------------------------------------------------------------- watch
part watch "watch (--prefix, --rev, -w json) running in the background while puts happen; compaction errors"
run "$E1" get w -w json
bg_watch w1 "$E1" watch --prefix /w/
run "$E1" put /w/a 1; run "$E1" put /w/b 2; run "$E1" put other x; run "$E1" del /w/a
run "$E1" put /w/b 3
stop_watch
bg_watch w2 "$E1" watch /w/b
run "$E1" put /w/b 4
stop_watch
REV=$(etcdctl "$E1" get /w/b -w json | sed 's/.*"revision":\([0-9]*\).*/\1/')
note "header revision now $REV"
bg_watch w3 "$E1" watch --prefix /w/ --rev 2
stop_watch
bg_watch w4 "$E1" watch --prefix /w/ --rev $((REV - 3)) -w json
run "$E1" put /w/c 5
stop_watch
bg_watch w5 "$E1" watch --prefix /w/ --prev-kv
run "$E1" put /w/c 6
stop_watch
bg_watch w6 "$E1" watch /w/a /w/c --rev 1
stop_watch
run "$E1" compaction $((REV - 2))
run "$E1" compaction $((REV - 1)) -w json
run "$E1" compaction $((REV - 3))
run "$E1" compaction $((REV + 100))
run "$E1" get /w/b --rev $((REV - 3))
run "$E1" get /w/b --rev $((REV - 1))
run "$E1" get /w/b --rev $((REV + 100))
run "$E1" get /w/b --rev $((REV + 100)) -w json
bg_watch w7 "$E1" watch --prefix /w/ --rev 2
stop_watch
bg_watch w8 "$E1" watch --prefix /w/ --rev $((REV + 5))
run "$E1" put /w/d 7; run "$E1" put /w/d 8; run "$E1" put /w/d 9; run "$E1" put /w/d 10; run "$E1" put /w/d 11; run "$E1" put /w/d 12
stop_watch
run "$E1" compaction 1
run "$E1" compaction 0

# ---------------------------------------------------------------- cluster
part cluster "member list, endpoint health/status, move-leader on the fresh cluster"
for w in simple json table fields; do run "$E1" member list -w $w; done
run --endpoints="$ALL" endpoint health
run --endpoints="$ALL" endpoint health -w json
run --endpoints="$ALL" endpoint health -w table
run "$E1" endpoint health --cluster
for w in simple json table fields; do run "$E1" endpoint status --cluster -w $w; done
run --endpoints="$C2" endpoint status
run --endpoints="$ALL" endpoint status -w table
run "$E1" endpoint hashkv --cluster
LEADER=$(etcdctl --endpoints="$ALL" endpoint status -w json | grep -o '"leader":[0-9]*' | head -1 | cut -d: -f2)
IDS=$(etcdctl "$E1" member list -w json | grep -o '"ID":[0-9]*' | cut -d: -f2)
OTHER=$(for i in $IDS; do [ "$i" != "$LEADER" ] && printf '%x\n' "$i"; done | head -1)
LEP=$(etcdctl --endpoints="$ALL" endpoint status | awk -F', ' -v l="$(printf %x "$LEADER")" '$2==l {print $1}')
NLEP=$(etcdctl --endpoints="$ALL" endpoint status | awk -F', ' -v l="$(printf %x "$LEADER")" '$2!=l {print $1}' | head -1)
note "leader $(printf %x "$LEADER") at $LEP; moving to $OTHER"
run --endpoints="$NLEP" move-leader "$OTHER"
run --endpoints="$LEP" move-leader "$(printf %x "$LEADER")"
run --endpoints="$LEP" move-leader ffff
run --endpoints="$LEP" move-leader zz
run --endpoints="$LEP" move-leader "$OTHER"
sleep 1
run --endpoints="$ALL" endpoint status -w table
run --endpoints="$ALL" move-leader "$(printf %x "$LEADER")"
sleep 1
run --endpoints="$ALL" endpoint status

# ---------------------------------------------------------------- membership
part membership "member add/remove/promote, a learner started with ETCD_INITIAL_CLUSTER_STATE=existing"
run "$E1" member add etcd-4 --peer-urls="$P4" --learner
run "$E1" member list
run "$E1" member list -w table
NEW=$(etcdctl "$E1" member list | awk -F', ' '$3=="etcd-4"{print $1}')
note "etcd-4 not started yet: promote must fail"
run "$E1" member promote "$NEW"
start etcd-4 4 existing "$CLUSTER,etcd-4=$P4"
wait_healthy "$C4"
sleep 1
run "$E1" member list -w table
run "$E1" member promote "$NEW"
run "$E1" member promote "$NEW"
run "$E1" member list
run "$E1" member list -w json
run "$E1" member list -w fields
run --endpoints="$C1,$C2,$C3,$C4" endpoint status -w table
run "$E1" member remove "$NEW"
kill -KILL "${PIDS[etcd-4]}"; wait "${PIDS[etcd-4]}" 2>/dev/null || true; unset 'PIDS[etcd-4]'
run "$E1" member remove "$NEW"
run "$E1" member add etcd-4 --peer-urls="$P4" -w json
NEW=$(etcdctl "$E1" member list | awk -F', ' '$3=="etcd-4"{print $1}')
run "$E1" member list
run "$E1" member add etcd-5 --peer-urls="$P4"
run "$E1" member remove "$NEW" -w json
run "$E1" member add etcd-5 --peer-urls=http://127.0.0.1:43395 -w table
NEW=$(etcdctl "$E1" member list | awk -F', ' '$3=="etcd-5"{print $1}')
run "$E1" member remove "$NEW" -w fields
run "$E1" member add etcd-6 --peer-urls=http://127.0.0.1:43396 --learner -w fields
NEW=$(etcdctl "$E1" member list | awk -F', ' '$3=="etcd-6"{print $1}')
run "$E1" member remove "$NEW" -w table
run "$E1" member add
run "$E1" member add etcd-7
run "$E1" member remove
run "$E1" member remove 1234
run "$E1" member remove zz
run "$E1" member promote 1234
run "$E1" member list

# ---------------------------------------------------------------- errors
part errors "bad flags and arguments, unknown commands"
run "$E1" get
run "$E1" put
run "$E1" put onlykey
run "$E1" del
run "$E1" get foo --limit=abc
run "$E1" get foo --sort-by=FOO
run "$E1" get foo --order=UP
run "$E1" get foo --consistency=x
run "$E1" get foo --rev=-1
run "$E1" get foo --prefix --from-key
run "$E1" get foo --nope
run "$E1" get foo -w yaml
run "$E1" frob
run "$E1" compaction
run "$E1" compaction abc
run "$E1" watch
run "$E1" move-leader
run --endpoints=http://127.0.0.1:43389 --dial-timeout=1s get foo
run --endpoints=http://127.0.0.1:43389 --dial-timeout=1s put foo x

# ---------------------------------------------------------------- faults
part faults "quorum lost (SIGSTOP two of three), then SIGCONT; then SIGKILL and restart from the data dir"
run "$E1" put q before
run --endpoints="$C3" get q --consistency=s
note "SIGSTOP etcd-3 (one of three stopped: quorum kept)"
kill -STOP "${PIDS[etcd-3]}"
run "$E1" put q one-down
run "$E1" get q
run "$E1" get q --consistency=s
run --endpoints="$ALL" endpoint health
note "SIGSTOP etcd-2 (two of three stopped: quorum lost)"
kill -STOP "${PIDS[etcd-2]}"
run "$E1" put q lost
run "$E1" get q
run "$E1" get q -w json
run "$E1" get q --consistency=s
run "$E1" get q --consistency=s -w json
run "$E1" del q
run "$E1" member list
run "$E1" endpoint health
run "$E1" endpoint status
run --endpoints="$C2" get q --consistency=s
run "$E1" --command-timeout=1s put q lost-fast
STDIN=$'\nput q in-txn\n\n' run "$E1" txn
run "$E1" compaction 2
note "SIGCONT etcd-2 and etcd-3"
kill -CONT "${PIDS[etcd-2]}" "${PIDS[etcd-3]}"
sleep 2
run "$E1" get q
run "$E1" put q after
run --endpoints="$C3" get q --consistency=s
run --endpoints="$ALL" endpoint health
note "SIGKILL etcd-2 and etcd-3"
kill -KILL "${PIDS[etcd-2]}" "${PIDS[etcd-3]}"; wait "${PIDS[etcd-2]}" "${PIDS[etcd-3]}" 2>/dev/null || true
run "$E1" put q killed
run "$E1" get q --consistency=s
run --endpoints="$ALL" endpoint health
run --endpoints="$ALL" endpoint status
note "restart etcd-2 and etcd-3 from their data dirs (same ETCD_* environment)"
start etcd-2 2 new "$CLUSTER"; start etcd-3 3 new "$CLUSTER"
wait_healthy "$C2"; wait_healthy "$C3"
sleep 1
run "$E1" get q
run --endpoints="$C2" get q --consistency=s
run "$E1" put q restarted
run --endpoints="$ALL" endpoint health
run "$E1" member list
