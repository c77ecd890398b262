#!/bin/sh
# Trains the four shipped models, each resumable: re-running continues from the
# last checkpoint in .cache/checkpoints/<name>/. Two lanes, one per dataset, so
# the two cores each run one single-threaded tfjs-wasm training:
#   nohup nice -n 5 sh scripts/train-all.sh brain &  nohup nice -n 5 sh scripts/train-all.sh lung &
# (no argument = both lanes one after the other). In a lane the CNN trains first
# and then (brain) gives the ViT its initial stem and teaches it (soft distillation on the same block features);
# the brain ViT trains with 4 blocks, then grows to 6 (new blocks start as identities) and trains on,
# then trains on again with the teacher weighted 0.9.
# A stage is skipped when its model is released and .cache/plan/<name>.redo is
# absent. Epochs can be changed before a stage starts: .cache/plan/<name>.
# Logs: .cache/logs/<name>.log; the evaluation report is rewritten after a release.
set -u
cd "$(dirname "$0")/.."
mkdir -p .cache/logs .cache/plan
. scripts/recipes.sh
epochs() { cat ".cache/plan/$1" 2>/dev/null || echo "$2"; }
# stage NAME ARGS: trains into public/models/NAME; stage_into DIR NAME ARGS: into DIR (an intermediate model)
stage() { name=$1; shift; stage_into "public/models/$name" "$name" "$@"; }
stage_into() {
  out=$1; name=$2; shift 2
  if [ -f "$out/model-card.json" ] && [ ! -f ".cache/plan/$name.redo" ]; then
    echo "$name: already released, skipping"; return 0
  fi
  npx tsx src/apps/cli/main.ts train --name "$name" --out "$out" --resume "$@" >> ".cache/logs/$name.log" 2>&1 && rm -f ".cache/plan/$name.redo"
}
# evaluation report (plain, encrypted, unadapted, attacks, AES) -> docs/reports/<name>.{json,md}
report() {
  card="public/models/$1/model-card.json"
  [ -f "$card" ] || return 0
  [ -f "docs/reports/$1.json" ] && [ "docs/reports/$1.json" -nt "$card" ] && return 0
  npx tsx src/apps/cli/main.ts eval --model "public/models/$1" --data "$2" --report >> ".cache/logs/$1.eval.log" 2>&1
}
# patch embedding: 256 PCA components in exact integer form, then a per-token stem to the model width
EMBED="--embed 256"
brain() {
  stage cnn-brain-mri --data ../shared/datasets/brain-mri $BRAIN_CNN --epochs "$(epochs cnn-brain-mri $BRAIN_CNN_EPOCHS)"
  report cnn-brain-mri ../shared/datasets/brain-mri/Testing
  # hybrid ViT: its per-token stem starts as the CNN's (same fixed embedding), relative attention bias,
  # soft distillation from the same CNN; 4 blocks first, then grown to 6, then continued with
  # distillation weight 0.9 (src/lib/models/README.md)
  VIT="--model vit --data ../shared/datasets/brain-mri $EMBED --stem-mlp 256 --width 128 --heads 4 --mlp 256 --token-mlp 0 --batch 64 --variants 6 --joint-views --relative-bias --teacher public/models/cnn-brain-mri --distill-temperature 1"
  # the 4- and 6-block models are only needed to (re)make the shipped one
  if [ ! -f public/models/vit-brain-mri/model-card.json ] || [ -f .cache/plan/vit-brain-mri.redo ]; then
    stage_into .cache/models/vit-brain-mri-4blocks vit-brain-mri-4blocks $VIT --depth 4 --stem-from public/models/cnn-brain-mri --epochs "$(epochs vit-brain-mri-4blocks 34)"
    stage_into .cache/models/vit-brain-mri-6blocks vit-brain-mri-6blocks $VIT --depth 6 --grow-from .cache/models/vit-brain-mri-4blocks --lr 3e-4 --epochs "$(epochs vit-brain-mri-6blocks 16)"
  fi
  stage vit-brain-mri $VIT --depth 6 --grow-from .cache/models/vit-brain-mri-6blocks --distill 0.9 --lr 2e-4 --epochs "$(epochs vit-brain-mri 14)"
  report vit-brain-mri ../shared/datasets/brain-mri/Testing
}
lung() {
  stage cnn-lung-histopathology --data ../shared/datasets/lung-histopathology $LUNG_CNN --epochs "$(epochs cnn-lung-histopathology $LUNG_CNN_EPOCHS)"
  report cnn-lung-histopathology ../shared/datasets/lung-histopathology/Testing
  # the ViT keeps the first run's float 96-component embedding + token MLP (better on validation than the 256 exact one), so no teacher
  stage vit-lung-histopathology --data ../shared/datasets/lung-histopathology $LUNG_VIT --epochs "$(epochs vit-lung-histopathology $LUNG_VIT_EPOCHS)"
  report vit-lung-histopathology ../shared/datasets/lung-histopathology/Testing
}
case "${1:-all}" in
  brain) brain ;;
  lung) lung ;;
  *) brain; lung ;;
esac
echo "lane ${1:-all} done"
