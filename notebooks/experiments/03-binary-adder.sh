#!/usr/bin/env bash
# The full runs behind notebooks/03-binary-adder.ipynb: the small VGG on Fashion-MNIST as a float network, the
# binary networks (BinaryNet/XNOR-Net, Bi-Real, ReActNet; latent weights, and Bop for XNOR) and AdderNet, 15 epochs
# with the float baseline's data recipe (random crop and flip, label smoothing 0.1, 1 warm-up epoch then cosine,
# 5,000 validation images choosing the best epoch), 3 seeds for the comparison; then AdderNet's ablation (digest 9.5:
# weight gradient x input gradient x adaptive scaling), seed 1, scaled down to 5 epochs on 20,000 training images
# (said so in the notebook). Optimisers as the families' papers: SGD with Nesterov momentum for float (lr 0.05) and
# AdderNet (lr 0.1, AdderNet's), Adam lr 1e-3 without weight decay for the binary networks (Bi-Real, ReActNet).
#
# Usage: notebooks/experiments/03-binary-adder.sh [CONFIG...]   (default: all, in the order below)
# Each run lives in runs/03-binary-adder/CONFIG (checkpoints, not committed) and resumes when started again; a
# finished run's operations are counted (`summary` on its best checkpoint, 256 test images) and its small result
# files (results.json, metrics.jsonl, summary.json) are copied to notebooks/results/03-binary-adder/CONFIG, which
# the notebook reads. Start it in the background: nohup notebooks/experiments/03-binary-adder.sh &
# The committed runs used Java 25 (JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 nohup ...): on Java 17 about half the
# JVMs compile the adder kernels with boxed vectors and train AdderNet 4-10x slower (README, "Kernels").
set -euo pipefail
cd "$(dirname "$0")/../.."
BINARY="--optimizer adam --lr 1e-3 --weight-decay 0"
ADDER="--family adder --lr 0.1"
ABLATION="--epochs 5 --limit 20000 --seed 1"
declare -A ARGS
ORDER=()
add() { ARGS[$1]=$2; ORDER+=("$1"); }
for s in 1 2 3; do
  add "float-s$s" "--family float --seed $s"
  add "xnor-s$s" "--family xnor $BINARY --seed $s"
  add "bireal-s$s" "--family bireal $BINARY --seed $s"
  add "adder-s$s" "$ADDER --seed $s"
done
add "reactnet-s1" "--family reactnet $BINARY --seed 1"
add "xnor-bop-s1" "--family xnor --binary-weights bop $BINARY --seed 1"
for w in full sign; do
  for i in hardtanh sign identity; do
    for eta in 0.2 0; do
      add "abl-$w-$i-eta$eta" "$ADDER --adder-weight-grad $w --adder-input-grad $i --adder-eta $eta $ABLATION"
    done
  done
done
configs=("$@")
((${#configs[@]})) || configs=("${ORDER[@]}")
for c in "${configs[@]}"; do
  [[ -n "${ARGS[$c]:-}" ]] || { echo "03-binary-adder: unknown config '$c'; known: ${ORDER[*]}" >&2; exit 2; }
  run="runs/03-binary-adder/$c"
  keep="notebooks/results/03-binary-adder/$c"
  if [[ -f "$keep/summary.json" ]]; then
    echo "03-binary-adder: $c is done ($keep)"
    continue
  fi
  mkdir -p "$run" "$keep"
  args="${ARGS[$c]}"
  [[ "$args" == *--epochs* ]] || args="--epochs 15 $args"
  echo "03-binary-adder: training $c: scripts/bitspike train --model vgg-small $args --out $run"
  # shellcheck disable=SC2086
  scripts/bitspike train --model vgg-small $args --out "$run" > "$run/train.log" 2>&1
  scripts/bitspike summary --checkpoint "$run/best.safetensors" --images 256 --json "$run/summary.json" \
      > "$run/summary.log" 2>&1
  cp "$run/results.json" "$run/metrics.jsonl" "$run/summary.json" "$keep/"
done
