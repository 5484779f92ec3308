#!/usr/bin/env bash
# Re-train the shipped text model and its thresholds file from every labeled set whose licence
# allows it (warnlib/data/sources.toml decides; Cofacts and the held-out batches stay out).
# Needs ../shared/data beside the repo and the train extra: pip install -e ".[train]".
# Extra options go to `warnlib train` (e.g. `--cut medium=0.81` to publish a cut instead of the
# one the search finds). The shipped 2026.12.13 was made with
#   scripts/train_model.sh --model-version 2026.12.13 --C 35 --cut medium=0.84 --cut high=0.92
# C (default 16) is chosen out of fold (folds grouped by source) and on the benign Cofacts
# messages, which may not be trained on, so the search never sees them (the bar: at most 0.2% at
# medium). 2026.12.11: C 40 gave medium recall 0.848 at a false-positive rate of 0.0028 against
# 0.839 at 0.0029 for 16; 100 was better out of fold (0.850 at 0.0025) but flagged 0.26% of
# Cofacts. 2026.12.13: 30, 35 and 40 are alike out of fold (0.844-0.845); 35 flags 0.17% of
# Cofacts at 0.84 and 4 of 5,365 at high 0.92 (LINE shopping promotions, chain messages, a
# video-chat invite), and keeps every hand-written example of tests/ at its level (30 and 40
# each dropped one borderline example, at 0.83, under the medium cut).
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
