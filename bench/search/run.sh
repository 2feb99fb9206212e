#!/usr/bin/env bash
# Search benchmarks (issue 11) on a generated wiki.
#
#   bench/search/run.sh [PAGES]          (default 10000 pages)
#
# Generates PAGES pages with bench/gencorpus, commits them with C git, and
# runs the benchmarks of bench/search on that repository: query and
# suggestion latency (p50, p95), a full rebuild, the incremental update
# after a one-page commit, the index's memory and disk size, and the
# offline index's size and bytes loaded per query (with Node).
set -euo pipefail

pages=${1:-10000}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gitwiki-search-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== $pages pages; $(nproc) cores; $(go version | cut -d' ' -f3)"
(cd "$root" && go run ./bench/gencorpus -n "$pages" "$work/corpus")
git -C "$work/corpus/wiki" init -q -b main
git -C "$work/corpus/wiki" add -A
git -C "$work/corpus/wiki" -c user.name=bench -c user.email=bench@invalid commit -q -m "generated corpus"

cd "$root"
GITWIKI_BENCH_REPO="$work/corpus/wiki" go test -run '^$' -bench . -benchtime 1x -timeout 30m ./bench/search
