# The shipped models' training recipes (architecture and schedule flags of
# `cipherscan train`, without --data/--epochs), sourced by scripts/train-all.sh and
# scripts/cv-train.sh, so cross-validation trains exactly the models that ship.
# (The brain ViT needs the staged teacher/grow steps of train-all.sh, so only its CNN is here.) --augment is named
# although `cipherscan train` would take the same one from the classes (imageKind.ts): a
# recipe says everything it trains with.
LUNG_CNN="--model cnn --augment histology --embed 256 --stem-mlp 256 --width 96 --depth 4 --batch 64 --variants 16 --cutmix 0.5"
LUNG_CNN_EPOCHS=30
LUNG_VIT="--model vit --augment histology --float-embedding --width 96 --depth 4 --heads 4 --mlp 192 --token-mlp 192 --batch 64 --variants 16 --cutmix 0.5 --joint-views"
# 30, not 20: on the grouped folds (held-out originals) 2,830 vs 2,806 of 3,000 out of fold
# (docs/measurements.md, "Grouped cross-validation"; scripts/cvRun.ts RELEASE_RUN)
LUNG_VIT_EPOCHS=30
# the brain Masked-CNN: 256 exact PCA components, then a per-token stem to width 128
BRAIN_CNN="--model cnn --augment mri --embed 256 --stem-mlp 256 --width 128 --depth 4 --batch 64 --variants 6 --joint-views"
BRAIN_CNN_EPOCHS=40
