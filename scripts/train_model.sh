#!/usr/bin/env bash
# Re-train the shipped text model and its thresholds file from every labeled set whose licence
# allows it (warnlib/data/sources.toml decides; Cofacts and the held-out batches stay out).
# Needs ../shared/data beside the repo and the train extra: pip install -e ".[train]".
# Extra options go to `warnlib train` (e.g. `--cut medium=0.81` to publish a cut instead of the
# one the search finds). The shipped 2026.12.04 was made with
#   scripts/train_model.sh --model-version 2026.12.04
# (the cuts are the search's own: medium 0.74, high 0.93).
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
