#!/bin/sh
# K-fold cross-validation of the shipped models (issue 18's protocol): trains the
# shipped recipe (scripts/recipes.sh) once per fold of scripts/cv-folds.ts, each on the
# other folds, each evaluated once on its own fold (the model card's Testing figure is
# that fold's out-of-fold accuracy). Resumable like train-all.sh: a fold whose model
# card exists is skipped, an interrupted one continues from .cache/checkpoints/<name>/.
# One lane per architecture, so the two cores each run one single-threaded training:
#   nohup nice -n 5 sh scripts/cv-train.sh cnn &  nohup nice -n 5 sh scripts/cv-train.sh vit &
# Models: .cache/cv/models/cv-<arch><tag>-<dataset>-fold<k>/; logs: .cache/logs/.
# A candidate recipe is cross-validated beside the shipped one with CV_TAG (its model names
# become cv-<arch><tag>-…) and CV_EPOCHS (the schedule); CV_ONLY="1 3 5" trains only those
# folds, so two lanes can share one architecture's folds:
#   CV_TAG=-e30 CV_EPOCHS=30 CV_ONLY="1 3 5" nohup nice -n 5 sh scripts/cv-train.sh vit &
# CV_FLAGS adds training flags to the recipe (a candidate that differs by one option):
#   CV_TAG=-ema CV_FLAGS="--weight-average 0.995" … sh scripts/cv-train.sh vit
# CV_SPLIT=lung-histopathology-grouped trains on the grouped folds (cv-folds.ts --groups:
# no copy of a held-out image's original on the training side); make them first. Where the
# split's folds.json names a groups file, each fold trains with --groups fold-K/groups.json
# (written by cv-folds.ts --groups), so the fold's validation split takes whole groups too;
# folds made before that file existed are refused: rerun cv-folds.ts --groups (same seed,
# same folds) while no lane trains on them. A fold checkpointed with the per-image split
# is refused on --resume (train.ts): give the grouped-validation run its own CV_TAG, or
# finish a run begun before with CV_VALIDATION=per-image (the split it started with).
# CV_DATASET=brain-mri cross-validates the brain Masked-CNN the same way (its grouped folds:
# scripts/image-copies.ts writes the groups, cv-folds.ts --groups deals them); the brain ViT's
# staged training (train-all.sh: a 4-block start from the CNN's stem, grown to 6, distilled
# from the CNN) is not here yet:
#   CV_DATASET=brain-mri CV_SPLIT=brain-mri-grouped CV_TAG=-grouped CV_ONLY="1 3 5" nohup nice -n 5 sh scripts/cv-train.sh cnn &
set -u
cd "$(dirname "$0")/.."
. scripts/recipes.sh
DATASET=${CV_DATASET:-lung-histopathology}
DATA=../shared/datasets/$DATASET
FOLDS=${FOLDS:-5}
ARCH=${1:?usage: cv-train.sh cnn|vit}
case "$DATASET $ARCH" in
  "lung-histopathology cnn") RECIPE=$LUNG_CNN; EPOCHS=$LUNG_CNN_EPOCHS ;;
  "lung-histopathology vit") RECIPE=$LUNG_VIT; EPOCHS=$LUNG_VIT_EPOCHS ;;
  "brain-mri cnn") RECIPE=$BRAIN_CNN; EPOCHS=$BRAIN_CNN_EPOCHS ;;
  "brain-mri vit") echo "the brain ViT trains in stages from the CNN (train-all.sh): not cross-validated by this script yet" >&2; exit 2 ;;
  *) echo "usage: [CV_DATASET=lung-histopathology|brain-mri] cv-train.sh cnn|vit" >&2; exit 2 ;;
esac
EPOCHS=${CV_EPOCHS:-$EPOCHS}
RECIPE="$RECIPE ${CV_FLAGS:-}"
SPLIT=${CV_SPLIT:-$DATASET}
TAG=${CV_TAG:-}
# models are named by tag, not split: another split without a tag would resume the per-image fold models
if [ "$SPLIT" != "$DATASET" ] && [ -z "$TAG" ]; then echo "CV_SPLIT=$SPLIT needs a CV_TAG" >&2; exit 2; fi
if [ -n "${CV_FLAGS:-}" ] && [ -z "$TAG" ]; then echo "CV_FLAGS needs a CV_TAG (another recipe, other model names)" >&2; exit 2; fi
ONLY=${CV_ONLY:-$(seq 1 "$FOLDS")}
mkdir -p .cache/logs .cache/cv/models
[ -f ".cache/cv/$SPLIT/folds.json" ] || [ "$SPLIT" != "$DATASET" ] || npx tsx scripts/cv-folds.ts --data "$DATA" --folds "$FOLDS" --seed 1
[ -f ".cache/cv/$SPLIT/folds.json" ] || { echo ".cache/cv/$SPLIT/folds.json missing: make the folds first (scripts/cv-folds.ts)" >&2; exit 2; }
# grouped folds (folds.json names a groups file): each fold's validation split by whole groups
GROUPED=
grep -q '"groups":' ".cache/cv/$SPLIT/folds.json" 2>/dev/null && GROUPED=1
case "${CV_VALIDATION:-}" in
  per-image) GROUPED= ;;
  '') ;;
  *) echo "CV_VALIDATION must be per-image or unset" >&2; exit 2 ;;
esac
for k in $ONLY; do
  name="cv-$ARCH$TAG-$DATASET-fold$k"
  out=".cache/cv/models/$name"
  fold=".cache/cv/$SPLIT/fold-$k"
  GROUPS_FLAG=
  if [ -n "$GROUPED" ]; then
    [ -f "$fold/groups.json" ] || { echo "$fold/groups.json missing: rerun scripts/cv-folds.ts --groups" >&2; exit 2; }
    GROUPS_FLAG="--groups $fold/groups.json"
  fi
  if [ -f "$out/model-card.json" ]; then
    echo "$name: done, skipping"
  else
    # shellcheck disable=SC2086 # the recipe and the groups flag are lists of flags
    npx tsx src/apps/cli/main.ts train --name "$name" --out "$out" --resume --data "$fold" $RECIPE --epochs "$EPOCHS" $GROUPS_FLAG >> ".cache/logs/$name.log" 2>&1 || exit 1
  fi
done
echo "cv lane $ARCH$TAG ($ONLY) done"
