#!/usr/bin/env bash
# Re-train the shipped text model and its thresholds file from every labeled set whose licence
# allows it (warnlib/data/sources.toml decides; Cofacts and the held-out batches stay out).
# Needs ../shared/data beside the repo and the train extra: pip install -e ".[train]".
# Extra options go to `warnlib train` (e.g. `--cut medium=0.81` to publish a cut instead of the
# one the search finds). The shipped 2026.12.12 was made with
#   scripts/train_model.sh --model-version 2026.12.12 --C 40 --cut medium=0.84 --cut high=0.92
# --C 40 (default 16): out of fold (folds grouped by source) it gave medium recall 0.848 at a
# false-positive rate of 0.0028 against 0.839 at 0.0029 for 16; 100 was better still out of fold
# (0.850 at 0.0025) but flagged 0.26% of the benign Cofacts messages, over the 0.2% bar. Cofacts
# may not be trained on, so the search never sees it: at medium 0.83 it flags 0.21%, at 0.84
# 0.19%; at high 0.92 5 of 5,365 are high (LINE shopping promotions, chain messages and a
# video-chat invite).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${WARNLIB_SHARED_DATA:-../shared/data}"
# Every hand-written set except the held-out ones (zh-holdout, v2-holdout), which are only measured.
mapfile -t OWN < <(ls tests/data/*.jsonl | grep -v -e holdout)
warnlib train "${OWN[@]}" \
  "$SHARED/posts-dev.jsonl" \
  "$SHARED/external/cold-zh.jsonl" \
  "$SHARED/external/scamspot-ig-en-dev.jsonl" \
  "$SHARED/external/janitr-en-train.jsonl" \
  "$SHARED/external/uzh-pump-dump-en.jsonl" \
  --model-version "${MODEL_VERSION:-$(date +%Y.%m.%d)}" \
  -o warnlib/data/model.json.gz --thresholds warnlib/data/thresholds.toml \
  --card warnlib/data/MODEL.md "$@"
