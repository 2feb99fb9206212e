#!/usr/bin/env bash
# Static export speed against Hugo on the same generated content.
#
#   bench/export-vs-hugo.sh [PAGES] [RUNS]      (defaults: 2000 pages, 10 runs)
#
# Generates PAGES markdown pages with bench/gencorpus into a temporary folder,
# commits the gitwiki copy to a git repository, then times
#   gitwiki build --repo WIKI --out OUT        (the binary built from this tree)
#   hugo --quiet -d OUT                        (Debian's hugo, minimal layouts)
# in turn, RUNS times each (a bash loop with date +%s.%N: on a shared
# machine a busy moment then slows both alike; each run after a sync, so
# that none pays for writing back another's files): first RUNS cold builds
# each (no earlier output, page cache dropped when root), then RUNS warm
# ones (gitwiki replacing its last output, Hugo after removing its own).
# It prints the ratios gitwiki/hugo (below 1: gitwiki is faster) of the
# cold means, of the warm means, and of the fastest warm runs, which a
# busy machine disturbs least.
# BENCH_HYPERFINE=1 times with hyperfine instead (all of one, then the other);
# BENCH_BIN=path times that gitwiki binary instead of one built from the tree.
set -euo pipefail

pages=${1:-2000}
runs=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gitwiki-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 2; }
echo "== $pages pages, $runs runs; $(nproc) cores; $(hugo version | cut -d' ' -f1-2); $(go version | cut -d' ' -f3)"

if [ -n "${BENCH_BIN:-}" ]; then
	cp "$BENCH_BIN" "$work/gitwiki"
else
	(cd "$root" && go build -o "$work/gitwiki" ./cmd/gitwiki)
fi
(cd "$root" && go run ./bench/gencorpus -n "$pages" "$work/corpus")
git -C "$work/corpus/wiki" init -q -b main
git -C "$work/corpus/wiki" add -A
git -C "$work/corpus/wiki" -c gc.auto=0 -c user.name=bench -c user.email=bench@invalid commit -q -m "generated corpus"
# Packed, as a cloned or long-lived repository is; and so that no "git gc
# --auto" (which a commit of 10,000 loose objects starts in the background)
# runs during the first, cold build.
git -C "$work/corpus/wiki" gc -q

gw_cmd="$work/gitwiki build --repo $work/corpus/wiki --out $work/out-gitwiki"
hugo_cmd="hugo --quiet --source $work/corpus/hugo -d $work/out-hugo"

# Cold builds, as a user runs one: into an output folder that does not
# exist yet, with the page cache dropped first when this shell may (as
# root), so that the binary, the repository and the theme are read from
# disk; RUNS of each, interleaved. A single cold run decided nothing on a
# shared machine: minutes apart, the same build took 3.8 s and 5.8 s.
# Each timed run starts after sync: without it the first one paid for
# writing back the corpus just generated and packed, and each later run
# for the previous run's output.
drop() {
	sync
	if [ -w /proc/sys/vm/drop_caches ]; then echo 3 >/proc/sys/vm/drop_caches; fi
}
[ -w /proc/sys/vm/drop_caches ] || echo "(not root: cold runs keep the page cache)"
gwcold=0 hgcold=0
for _ in $(seq "$runs"); do
	rm -rf "$work/out-gitwiki"; drop
	t0=$(date +%s.%N); $gw_cmd >/dev/null; t1=$(date +%s.%N)
	rm -rf "$work/out-hugo"; drop
	t2=$(date +%s.%N); $hugo_cmd; t3=$(date +%s.%N)
	gwcold=$(echo "$gwcold + ($t1 - $t0) / $runs" | bc -l)
	hgcold=$(echo "$hgcold + ($t3 - $t2) / $runs" | bc -l)
done
echo "gitwiki: $(find "$work/out-gitwiki" -name '*.html' | wc -l) HTML files, $(du -sh "$work/out-gitwiki" | cut -f1)"
echo "hugo:    $(find "$work/out-hugo" -name '*.html' | wc -l) HTML files, $(du -sh "$work/out-hugo" | cut -f1)"

if command -v hyperfine >/dev/null && [ -n "${BENCH_HYPERFINE:-}" ]; then
	hyperfine --warmup 1 --runs "$runs" --export-json "$work/times.json" \
		--command-name gitwiki "$gw_cmd >/dev/null" \
		--command-name hugo "rm -rf $work/out-hugo && $hugo_cmd"
	read -r gw hg gwmin hgmin < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["mean"], r[1]["mean"], r[0]["min"], r[1]["min"])' "$work/times.json")
else
	# The two commands alternate, so a busy moment slows both alike.
	gw=0 hg=0 gwmin=999 hgmin=999
	for _ in $(seq "$runs"); do
		for which in gw hg; do
			if [ $which = gw ]; then cmd="$gw_cmd"; else cmd="rm -rf $work/out-hugo && $hugo_cmd"; fi
			sync
			start=$(date +%s.%N)
			eval "$cmd" >/dev/null
			t=$(echo "$(date +%s.%N) - $start" | bc -l)
			if [ $which = gw ]; then
				gw=$(echo "$gw + $t / $runs" | bc -l)
				gwmin=$(echo "if ($t < $gwmin) $t else $gwmin" | bc -l)
			else
				hg=$(echo "$hg + $t / $runs" | bc -l)
				hgmin=$(echo "if ($t < $hgmin) $t else $hgmin" | bc -l)
			fi
		done
	done
fi
printf 'cold (mean of %d): gitwiki %.3fs, hugo %.3fs\n' "$runs" "$gwcold" "$hgcold"
printf 'COLD gitwiki/hugo = %.2f\n' "$(echo "$gwcold / $hgcold" | bc -l)"
printf 'mean: gitwiki %.3fs, hugo %.3fs; fastest: gitwiki %.3fs, hugo %.3fs\n' "$gw" "$hg" "$gwmin" "$hgmin"
printf 'RATIO gitwiki/hugo = %.2f (mean), %.2f (fastest run)\n' "$(echo "$gw / $hg" | bc -l)" "$(echo "$gwmin / $hgmin" | bc -l)"
