#!/usr/bin/env bash
# The runs behind notebooks/05-bisnn.ipynb (digest section 5, 9.4): DECOLLE networks of 2 x 256 LIF neurons with
# synaptic and refractory traces, trained online by the float rule (Adam), ST-BiSNN and Bayes-BiSNN.
#
# Two-moons (population coded, 10 neurons per coordinate; 200 training points, noise 0.1; 1,000 test points; 100 x 100
# maps): the table's network and T = 100 with burn-in 10, seed 1, scaled down from 5,000 epochs to 200. The Bayes rule
# takes lr 1 instead of the table's 0.1 (the table's rate needs its 5,000 epochs), rho 5e-4 and tau 1 as the table;
# ST lr 750 and init +-10 as the table; float Adam 1e-3.
# Fashion-MNIST (rate coded, T = 20, burn-in 5, all 60,000 training and 10,000 test images, 5 epochs): the MNIST-DVS
# row of the table for the rules (Bayes lr 150, rho 1e-7, init +-5, S = 10; ST lr 500), seeds 1-3; float seed 1.
#
# Usage: notebooks/experiments/05-bisnn.sh [CONFIG...]   (default: all, in the order below)
# Runs live in runs/05-bisnn/CONFIG (checkpoint after every epoch, not committed) and resume when started again; the
# small result files (results.json, metrics.jsonl, grid.json for two-moons) are copied to
# notebooks/results/05-bisnn/CONFIG, which the notebook reads. Start it in the background:
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 nohup notebooks/experiments/05-bisnn.sh &
set -euo pipefail
cd "$(dirname "$0")/../.."
MOONS="--task two-moons --epochs 200 --seed 1"
FM="--task fashion-mnist --epochs 5"
declare -A ARGS
ORDER=()
add() { ARGS[$1]=$2; ORDER+=("$1"); }
add moons-float "$MOONS --rule float"
add moons-st "$MOONS --rule st"
add moons-bayes "$MOONS --rule bayes --lr 1"
for s in 1 2 3; do
  add "fm-st-s$s" "$FM --rule st --seed $s"
  add "fm-bayes-s$s" "$FM --rule bayes --seed $s"
  if ((s == 1)); then add "fm-float-s$s" "$FM --rule float --seed $s"; fi
done
configs=("$@")
((${#configs[@]})) || configs=("${ORDER[@]}")
for c in "${configs[@]}"; do
  [[ -n "${ARGS[$c]:-}" ]] || { echo "05-bisnn: unknown config '$c'; known: ${ORDER[*]}" >&2; exit 2; }
  run="runs/05-bisnn/$c"
  keep="notebooks/results/05-bisnn/$c"
  if [[ -f "$keep/results.json" ]]; then
    echo "05-bisnn: $c is done ($keep)"
    continue
  fi
  mkdir -p "$run" "$keep"
  echo "05-bisnn: training $c: scripts/bitspike bisnn ${ARGS[$c]} --out $run"
  # shellcheck disable=SC2086
  scripts/bitspike bisnn ${ARGS[$c]} --out "$run" > "$run/train.log" 2>&1
  cp "$run/results.json" "$run/metrics.jsonl" "$keep/"
  if [[ -f "$run/grid.json" ]]; then cp "$run/grid.json" "$keep/"; fi
done
