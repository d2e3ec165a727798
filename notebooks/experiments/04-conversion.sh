#!/usr/bin/env bash
# The runs behind notebooks/04-conversion.ipynb (digest sections 4 and 9.3): conversion sources trained on
# Fashion-MNIST, then converted to spiking networks of IF neurons and simulated for up to 128 time steps.
#
# Sources (20 epochs, seed 1, the float baseline's data recipe: random crop and flip, label smoothing 0.1, 1 warm-up
# epoch then cosine, 5,000 validation images choosing the best epoch):
#   float-cnn        cnn-avgpool (pool before ReLU), SGD with Nesterov momentum, lr 0.05, weight decay 5e-4
#   float-cnn-after  cnn-avgpool-after (pool after ReLU), the same recipe: the design-time comparison
#   bwn-cnn          cnn-avgpool with binary weights (XNOR-Net scale, first and last layer float), Adam lr 5e-4 as the
#                    paper's binary recipe, without its weight-decay phase (latent binary weights are never decayed
#                    here; --weight-decay 0 for the float first and last layers too)
#   float-mlp, bwn-mlp  mlp-512 (784-512-512-10), the same recipes
# Conversions (`bitspike convert`, 2,000 calibration images, unit synapses for binary layers):
#   headline: every source at p = 99.7, delayed and one-step propagation (float-cnn-after: delayed only), T = 128, the
#             first 2,000 test images (digest 9.3's subset: the simulation is dense, ~5M MACs per image and step)
#   sweep:    float-cnn and bwn-cnn at p in {99, 99.7, 99.9, 99.99, 100}, delayed, T = 64, the first 1,000 test images
#
# Usage: notebooks/experiments/04-conversion.sh [CONVERSION...]   (default: train every source, then every conversion;
# a conversion named trains its source first if needed)
# Each training run lives in runs/04-conversion/SOURCE (checkpoints, not committed) and resumes when started again;
# the small result files are copied to notebooks/results/04-conversion/, which the notebook reads. A finished step is
# skipped. Start it in the background: nohup notebooks/experiments/04-conversion.sh &
set -euo pipefail
cd "$(dirname "$0")/../.."
FLOAT="--lr 0.05"
BINARY="--family bwn --optimizer adam --lr 5e-4 --weight-decay 0"
declare -A ARGS=(
  [float-cnn]="--model cnn-avgpool --family float $FLOAT"
  [float-cnn-after]="--model cnn-avgpool-after --family float $FLOAT"
  [bwn-cnn]="--model cnn-avgpool $BINARY"
  [float-mlp]="--model mlp-512 --family float $FLOAT"
  [bwn-mlp]="--model mlp-512 $BINARY"
)
SOURCES=(float-cnn bwn-cnn float-cnn-after float-mlp bwn-mlp)
CONVERSIONS=(float-cnn bwn-cnn float-mlp bwn-mlp float-cnn-after sweep-float-cnn sweep-bwn-cnn)
results=notebooks/results/04-conversion

train() {
  local c=$1 run="runs/04-conversion/$1" keep="$results/$1"
  if [[ -f "$keep/results.json" ]]; then
    echo "04-conversion: $c is trained ($keep)"
    return
  fi
  mkdir -p "$run" "$keep"
  echo "04-conversion: training $c: scripts/bitspike train --epochs 20 --seed 1 ${ARGS[$c]} --out $run"
  # shellcheck disable=SC2086
  scripts/bitspike train --epochs 20 --seed 1 ${ARGS[$c]} --out "$run" > "$run/train.log" 2>&1
  cp "$run/results.json" "$run/metrics.jsonl" "$keep/"
}

convert() {
  local c=$1 source=${1#sweep-} out="$results/convert-$1.json" args
  if [[ -f "$out" ]]; then
    echo "04-conversion: conversion $c is done ($out)"
    return
  fi
  train "$source"
  if [[ $c == sweep-* ]]; then
    args="--percentile 99,99.7,99.9,99.99,100 --propagation delayed --steps 64 --images 1000"
  elif [[ $c == float-cnn-after ]]; then
    args="--percentile 99.7 --propagation delayed --steps 128 --images 2000"
  else
    args="--percentile 99.7 --propagation delayed,one-step --steps 128 --images 2000"
  fi
  echo "04-conversion: converting $c: scripts/bitspike convert --checkpoint runs/04-conversion/$source/best.safetensors --calibration 2000 $args --json $out"
  # shellcheck disable=SC2086
  scripts/bitspike convert --checkpoint "runs/04-conversion/$source/best.safetensors" --calibration 2000 \
      $args --json "$out.tmp" > "runs/04-conversion/convert-$c.log" 2>&1
  mv "$out.tmp" "$out"
}

if (($#)); then
  for c in "$@"; do
    [[ " ${CONVERSIONS[*]} " == *" $c "* ]] || { echo "04-conversion: unknown conversion '$c'; known: ${CONVERSIONS[*]}" >&2; exit 2; }
    convert "$c"
  done
else
  for s in "${SOURCES[@]}"; do
    train "$s"
  done
  for c in "${CONVERSIONS[@]}"; do
    convert "$c"
  done
fi
