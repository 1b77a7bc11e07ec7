#!/usr/bin/env bash
# Remote spawns against raw UCX, same transport, one after the other: bash bench/remote/run.sh [BUILD_DIR]
# Runs canopy-bench-ucx-raw and canopy-bench-remote under mpirun -np 2 over loopback TCP and over
# shared memory and prints each figure with its ratio to raw UCX.
set -euo pipefail
build=${1:-build/default}
export OMPI_MCA_oob_tcp_if_include=lo OMPI_MCA_btl_tcp_if_include=lo
mpi=(mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2)
for tls in "tcp" "shm,self"; do
  env=(UCX_TLS=$tls)
  [ "$tls" = tcp ] && env+=(UCX_NET_DEVICES=lo)
  raw=$(env "${env[@]}" "${mpi[@]}" "$build/bench/canopy-bench-ucx-raw")
  ours=$(env "${env[@]}" "${mpi[@]}" "$build/bench/canopy-bench-remote")
  echo "$raw" | grep -v setting
  echo "$ours"
  raw_rtt=$(echo "$raw" | sed -n 's/.*median round trip \([0-9.]*\) us.*/\1/p')
  our_rtt=$(echo "$ours" | sed -n 's/.*median round trip \([0-9.]*\) us.*/\1/p')
  raw_rate=$(echo "$raw" | sed -n 's/.*: \([0-9.]*\) M msg\/s.*/\1/p')
  our_rate=$(echo "$ours" | sed -n 's/.*: \([0-9.]*\) M tasks\/s.*/\1/p')
  awk -v t="$tls" -v a="$our_rtt" -v b="$raw_rtt" -v c="$our_rate" -v d="$raw_rate" \
    'BEGIN { printf "UCX_TLS=%s: remote spawn+get / raw AM round trip = %.2fx; remote task rate / raw AM rate = %.1f%%\n\n", t, a / b, 100 * c / d }'
done
