#!/usr/bin/env bash
# The multi-time-step Hoyer SNN (digest section 2.7) at T = 1, 2 and 4 on Fashion-MNIST, for notebooks/02-hoyer.ipynb:
# the small VGG with the headline method of 02-hoyer.sh (channel-wise Hoyer extremum, regulariser lambda 0.03, no
# dropout), every spike layer a Hoyer neuron with a trained leak (init 1) and soft reset by the running theta (shared
# over the steps; per-step as a second T = 4 run), the image shown at every step, the logits summed over T.
# Scaled down (T = 4 costs four one-step forwards and backwards): 10 epochs on the first 20,000 training images
# (5,000 of them for validation), seed 1; the T = 1 run is the one-step network under the same budget, so the three
# compare with each other, not with 02-hoyer.sh's 15- and 30-epoch runs. Each finished run's operations and energy
# are counted from real forwards (`summary`, 256 test images: spikes as they arrived at every step).
#
# Usage: notebooks/experiments/02-hoyer-steps.sh [CONFIG...]   (default: all, in the order below)
# Runs live in runs/02-hoyer-steps/CONFIG (checkpoints, not committed) and resume when started again; the small result
# files (results.json, metrics.jsonl, summary.json) are copied to notebooks/results/02-hoyer-steps/CONFIG.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE="--epochs 10 --limit 20000 --dropout 0 --activation hoyer --threshold cw --hoyer-lambda 0.03 --seed 1"
declare -A ARGS=(
  [t1]="$BASE"
  [t2]="$BASE --time-steps 2 --running-theta shared"
  [t4]="$BASE --time-steps 4 --running-theta shared"
  [t4-per-step]="$BASE --time-steps 4 --running-theta per-step"
)
ORDER=(t1 t2 t4 t4-per-step)
configs=("$@")
((${#configs[@]})) || configs=("${ORDER[@]}")
for c in "${configs[@]}"; do
  [[ -n "${ARGS[$c]:-}" ]] || { echo "02-hoyer-steps: unknown config '$c'; known: ${ORDER[*]}" >&2; exit 2; }
  run="runs/02-hoyer-steps/$c"
  keep="notebooks/results/02-hoyer-steps/$c"
  if [[ -f "$keep/summary.json" ]]; then
    echo "02-hoyer-steps: $c is done ($keep)"
    continue
  fi
  mkdir -p "$run" "$keep"
  echo "02-hoyer-steps: training $c: scripts/bitspike train --model vgg-small ${ARGS[$c]} --out $run"
  # shellcheck disable=SC2086
  scripts/bitspike train --model vgg-small ${ARGS[$c]} --out "$run" > "$run/train.log" 2>&1
  scripts/bitspike summary --checkpoint "$run/best.safetensors" --images 256 --json "$run/summary.json" \
      > "$run/summary.log" 2>&1
  cp "$run/results.json" "$run/metrics.jsonl" "$run/summary.json" "$keep/"
done
