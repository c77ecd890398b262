#!/bin/sh
# Training-time poisoning study (issue 3): the Masked-CNN on lung-histopathology
# retrained on a short schedule, clean and with 10 % / 20 % of the training images
# bit-flipped or noised in the encrypted domain; then one comparison report in
# docs/reports/poisoning-cnn-lung-histopathology.{json,md}. The poisoned models
# are not shipped (.cache/poisoning/). Run after train-all.sh (one run at a time).
set -u
cd "$(dirname "$0")/.."
EPOCHS=${EPOCHS:-4}
DATA=../shared/datasets/lung-histopathology
mkdir -p .cache/logs .cache/poisoning
for run in clean bit-flip:0.1 bit-flip:0.2 gaussian:0.1 gaussian:0.2; do
  name="poison-cnn-lung-$(echo "$run" | tr ':.' '--')"
  [ -f ".cache/poisoning/$name/model-card.json" ] && continue
  extra=""; [ "$run" = clean ] || extra="--poison $run"
  npx tsx src/cli/main.ts train --model cnn --data "$DATA" --width 96 --depth 4 --batch 64 --epochs "$EPOCHS" \
    --name "$name" --out ".cache/poisoning/$name" --resume $extra >> ".cache/logs/$name.log" 2>&1
done
npx tsx src/cli/main.ts eval --poisoning .cache/poisoning --name poisoning-cnn-lung-histopathology >> .cache/logs/poisoning.log 2>&1
