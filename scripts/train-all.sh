#!/bin/sh
# Trains the four shipped models one after another (2 shared cores: one run at a
# time), each resumable: re-running this script continues from the last
# checkpoint in .cache/checkpoints/<name>/. Epochs per stage can be changed while
# an earlier stage runs by writing a number to .cache/plan/<name> (read when the
# stage starts). Logs: .cache/logs/<name>.log. Usage: nohup nice -n 5 sh scripts/train-all.sh &
set -u
cd "$(dirname "$0")/.."
mkdir -p .cache/logs .cache/plan
epochs() { cat ".cache/plan/$1" 2>/dev/null || echo "$2"; }
stage() {
  name=$1; shift
  if [ -f "public/models/$name/model-card.json" ] && [ ! -f ".cache/plan/$name.redo" ]; then
    echo "$name: already released, skipping"; return 0
  fi
  npx tsx src/cli/main.ts train --name "$name" --out "public/models/$name" --resume "$@" >> ".cache/logs/$name.log" 2>&1
}
# evaluation report (plain, encrypted, unadapted, attacks, AES) -> docs/reports/<name>.{json,md}
report() {
  [ -f "public/models/$1/model.json" ] && [ ! -f "docs/reports/$1.json" ] || return 0
  npx tsx src/cli/main.ts eval --model "public/models/$1" --data "$2" --report >> ".cache/logs/$1.eval.log" 2>&1
}
stage cnn-brain-mri --model cnn --data ../shared/datasets/brain-mri --width 96 --depth 4 --batch 64 --epochs "$(epochs cnn-brain-mri 20)"
report cnn-brain-mri ../shared/datasets/brain-mri/Testing
stage vit-brain-mri --model vit --data ../shared/datasets/brain-mri --width 96 --depth 4 --heads 4 --mlp 192 --token-mlp 192 --batch 64 --epochs "$(epochs vit-brain-mri 12)" --teacher public/models/cnn-brain-mri
report vit-brain-mri ../shared/datasets/brain-mri/Testing
stage cnn-lung-histopathology --model cnn --data ../shared/datasets/lung-histopathology --width 96 --depth 4 --batch 64 --epochs "$(epochs cnn-lung-histopathology 15)"
report cnn-lung-histopathology ../shared/datasets/lung-histopathology/Testing
stage vit-lung-histopathology --model vit --data ../shared/datasets/lung-histopathology --width 96 --depth 4 --heads 4 --mlp 192 --token-mlp 192 --batch 64 --epochs "$(epochs vit-lung-histopathology 10)" --teacher public/models/cnn-lung-histopathology
report vit-lung-histopathology ../shared/datasets/lung-histopathology/Testing
echo "all stages done"
