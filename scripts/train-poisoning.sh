#!/bin/sh
# Training-time poisoning study (issue 3): the Masked-CNN (shipped architecture)
# retrained on a short schedule, clean and with 10 % / 20 % of the training images
# bit-flipped or noised in the encrypted domain, each setting with several seeds
# (one seed moves test accuracy by a few points on this schedule: a single run per
# setting cannot tell an effect from noise). Then one comparison report in
# docs/reports/poisoning-cnn-<dataset>.{json,md}. The poisoned models are not
# shipped (.cache/poisoning/<dataset>/). One training at a time per core; resumable.
# Usage: sh scripts/train-poisoning.sh [lung-histopathology|brain-mri]
#   (EPOCHS=4, SEEDS="1 2 3" by default)
set -u
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-4}
SEEDS=${SEEDS:-1 2 3}
DATASET=${1:-lung-histopathology}
DATA=../shared/datasets/$DATASET
OUT=.cache/poisoning/$DATASET
# the shipped CNN's width per dataset (scripts/train-all.sh)
case "$DATASET" in brain-mri) WIDTH=128 ;; *) WIDTH=96 ;; esac
mkdir -p .cache/logs "$OUT"
for seed in $SEEDS; do
  for run in clean bit-flip:0.1 bit-flip:0.2 gaussian:0.1 gaussian:0.2; do
    name="poison-cnn-$DATASET-$(echo "$run" | tr ':.' '--')-s$seed"
    [ -f "$OUT/$name/model-card.json" ] && continue
    extra=""; [ "$run" = clean ] || extra="--poison $run"
    npx tsx src/apps/cli/main.ts train --model cnn --data "$DATA" --embed 256 --stem-mlp 256 --width $WIDTH --depth 4 --batch 64 --epochs "$EPOCHS" \
      --seed "$seed" --name "$name" --out "$OUT/$name" --resume $extra >> ".cache/logs/$name.log" 2>&1
  done
done
npx tsx src/apps/cli/main.ts eval --poisoning "$OUT" --name "poisoning-cnn-$DATASET" >> .cache/logs/poisoning.log 2>&1
