#!/usr/bin/env bash
# The measurements behind notebooks/06-kernels.ipynb: trained XNOR, Hoyer and AdderNet small VGGs deployed
# (`bitspike deploy`: accuracy of source and deployed model on the whole test set, agreement, executed operations,
# weight bytes), and the kernel and end-to-end benchmarks (`bench/run bitconv|spikeconv|adderconv|deploy`, three
# runs each on Java 17 and Java 25, and PyTorch's float references through `bench/compare --no-ours`).
#
# Usage: notebooks/experiments/06-kernels.sh [STEP...]   steps: models deploy bench torch (default: all, in order)
# - models: a trained checkpoint per family, reused from the runs of notebooks 02 and 03 when this clone has one
#   (runs/03-binary-adder/<family>-s{1,2,3}, runs/02-hoyer/long-s{1,2,3}), otherwise trained here into
#   runs/06-kernels/<family> with the same arguments (hours: the Hoyer headline recipe is 30 epochs).
# - deploy: notebooks/results/06-kernels/deploy-<family>.json (and the deployed model in runs/06-kernels/).
# - bench: notebooks/results/06-kernels/bench/<suite>-java<17|25>-r<k>.jsonl; a file that exists is not measured
#   again, so a killed run resumes where it stopped. Benchmarks are measured while nothing else runs, if possible.
# - torch: notebooks/results/06-kernels/bench/torch-<suite>.jsonl.
# Java 25 is taken from JAVA25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=notebooks/results/06-kernels
RUNS=runs/06-kernels
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$OUT/bench" "$RUNS"
declare -A TRAIN=(
  [xnor]="--family xnor --optimizer adam --lr 1e-3 --weight-decay 0 --epochs 15 --seed 1"
  [adder]="--family adder --lr 0.1 --epochs 15 --seed 1"
  [hoyer]="--epochs 30 --dropout 0 --activation hoyer --threshold cw --hoyer-lambda 0.03 --seed 1"
)
declare -A REUSE=(
  [xnor]="runs/03-binary-adder/xnor-s1 runs/03-binary-adder/xnor-s2 runs/03-binary-adder/xnor-s3"
  [adder]="runs/03-binary-adder/adder-s1 runs/03-binary-adder/adder-s2 runs/03-binary-adder/adder-s3"
  [hoyer]="runs/02-hoyer/long-s1 runs/02-hoyer/long-s2 runs/02-hoyer/long-s3"
)
FAMILIES=(xnor hoyer adder)

# The run directory holding a finished checkpoint of a family (reused or trained here).
checkpoint_dir() {
  local f=$1 d
  for d in ${REUSE[$f]}; do
    [[ -f "$d/results.json" && -f "$d/best.safetensors" ]] && { echo "$d"; return; }
  done
  echo "$RUNS/$f"
}

models() {
  local f dir
  for f in "${FAMILIES[@]}"; do
    dir=$(checkpoint_dir "$f")
    if [[ -f "$dir/results.json" ]]; then
      echo "06-kernels: $f: reusing $dir"
      continue
    fi
    echo "06-kernels: training $f: scripts/bitspike train --model vgg-small ${TRAIN[$f]} --out $dir"
    # shellcheck disable=SC2086
    scripts/bitspike train --model vgg-small ${TRAIN[$f]} --out "$dir" > "$RUNS/$f-train.log" 2>&1
  done
}

deploy() {
  local f dir
  for f in "${FAMILIES[@]}"; do
    dir=$(checkpoint_dir "$f")
    [[ -f "$dir/best.safetensors" ]] || { echo "06-kernels: no checkpoint for $f (run the models step)" >&2; exit 2; }
    echo "06-kernels: deploying $f: scripts/bitspike deploy --checkpoint $dir/best.safetensors"
    scripts/bitspike deploy --checkpoint "$dir/best.safetensors" --out "$RUNS/$f.deployed.safetensors" \
        --json "$OUT/deploy-$f.json" > "$RUNS/$f-deploy.log" 2>&1
  done
}

bench() {
  local java suite k file
  for java in 17 25; do
    for suite in bitconv spikeconv adderconv deploy; do
      for k in 1 2 3; do
        file="$OUT/bench/$suite-java$java-r$k.jsonl"
        [[ -s "$file" ]] && continue
        echo "06-kernels: bench/run $suite --threads 2 on Java $java (run $k)"
        if [[ $java == 25 ]]; then
          JAVA_HOME=$JAVA25_HOME PATH=$JAVA25_HOME/bin:$PATH bench/run "$suite" --threads 2 > "$file.part"
        else
          bench/run "$suite" --threads 2 > "$file.part"
        fi
        mv "$file.part" "$file"
      done
    done
  done
}

torch() {
  local suite file
  for suite in bitconv spikeconv deploy; do
    file="$OUT/bench/torch-$suite.jsonl"
    [[ -s "$file" ]] && continue
    echo "06-kernels: bench/compare $suite --no-ours --refs torch --threads 2"
    bench/compare "$suite" --no-ours --refs torch --threads 2 --format json --out "$file.part" > /dev/null
    mv "$file.part" "$file"
  done
}

steps=("$@")
((${#steps[@]})) || steps=(models deploy bench torch)
for s in "${steps[@]}"; do
  case $s in
    models|deploy|bench|torch) "$s" ;;
    *) echo "06-kernels: unknown step '$s'; known: models deploy bench torch" >&2; exit 2 ;;
  esac
done
