#!/usr/bin/env bash
# The benchmark suite of issue 13: every figure, each with its ratio to a
# ceiling or a peer measured in the same run.
#
#   bench/run.sh                  the whole suite, quick mixed load (2 minutes)
#   BENCH_MIXED=10m bench/run.sh  the issue's protocol: ten minutes of mixed load
#
# Settings (environment):
#   BENCH_PAGES=10000 BENCH_HISTORY=5000   the generated corpus (bench/gencorpus)
#   BENCH_MIXED=2m                         duration of the mixed load before the last memory figure
#   BENCH_WRK=10s BENCH_CONNS=32           each wrk run
#   BENCH_WRK_ROUNDS=3                     gitwiki and the ceiling in turn, this many times (medians)
#   BENCH_EDITS=30 BENCH_PROPOSALS=10      sequential edits, proposals
#   BENCH_EDITORS=50 BENCH_ROUNDS=4        concurrent editors, edits each
#   BENCH_BIN=path                         a gitwiki binary to measure instead of this tree's
#   BENCH_WORK=dir                         keep the corpus and results there (default: a temporary folder, removed)
#   BENCH_SKIP="gitit build search"        parts to leave out
#
# After each start, bench/load wait waits for /-/health to say the search
# index is built ("search":"ready"; start_search_ready), so the memory and
# page-view figures are of a server in its steady state.
#
# Missing tools (hyperfine, wrk, gitit, hugo) are installed with apt-get.
# Servers listen on 127.0.0.1 only. Figures are printed as they come and
# summed up at the end; bench/README in docs/benchmarks.md says how to read them.
set -euo pipefail

pages=${BENCH_PAGES:-10000}
history=${BENCH_HISTORY:-5000}
mixed=${BENCH_MIXED:-2m}
wrkdur=${BENCH_WRK:-10s}
conns=${BENCH_CONNS:-32}
wrkrounds=${BENCH_WRK_ROUNDS:-3}
skip=" ${BENCH_SKIP:-} "
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${BENCH_WORK:-}" ]; then
	work=$BENCH_WORK
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/gitwiki-bench.XXXXXX")
fi
port=18080 ceilport=18090 gititport=18070
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${BENCH_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

need() {
	local missing=()
	for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "== installing ${missing[*]}"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}
need hyperfine wrk gitit hugo git curl bc

results="$work/results.txt"
: >"$results"
# fig NAME VALUE UNIT: record a figure.
fig() { printf '%-28s %12s %s\n' "$1" "$2" "$3" | tee -a "$results"; }
# collect: record the FIGURE lines of bench/load.
collect() { while read -r tag name value unit; do if [ "$tag" = FIGURE ]; then fig "$name" "$value" "$unit"; else echo "$tag $name $value $unit"; fi; done; }
ratio() { echo "scale=3; $1 / $2" | bc -l; }
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

echo "== $pages pages, $history commits; $(nproc) cores; $(go version | cut -d' ' -f3); load $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$root" && go build -o "$work/load" ./bench/load && go build -o "$work/ceiling" ./bench/ceiling)
bin=${BENCH_BIN:-}
if [ -z "$bin" ]; then
	(cd "$root" && go build -o "$work/gitwiki" ./cmd/gitwiki)
	bin=$work/gitwiki
fi

# The corpus: DIR/wiki is the last tree of DIR/history.fi.
# The writes change the repository: each run starts from a pristine copy.
if [ ! -d "$work/pristine.git" ]; then
	(cd "$root" && go run ./bench/gencorpus -n "$pages" -history "$history" "$work/corpus")
	git init -q --bare -b main "$work/pristine.git"
	git -C "$work/pristine.git" fast-import --quiet <"$work/corpus/history.fi"
	git -C "$work/pristine.git" gc --quiet
	rm -rf "$work/corpus"
fi
rm -rf "$work/wiki.git"
cp -a "$work/pristine.git" "$work/wiki.git"
git -C "$work/wiki.git" ls-tree -r --name-only main | grep '\.md$' | sed -e 's/\.md$//' -e 's#/index$##' -e 's#^index$##' | grep -v '^$' >"$work/pages.txt"
hot=section-04/page-0004                 # edited often: 200+ commits
hotfile=$hot.md
folder=section-04
editpage=$(sed -n 100p "$work/pages.txt") # the page the edits change
echo "== $(wc -l <"$work/pages.txt") pages; repository $(du -sh "$work/wiki.git" | cut -f1); $(git -C "$work/wiki.git" log --oneline -- "$hotfile" | wc -l) commits change $hotfile"

# --- gitwiki: cold start, memory, page views --------------------------------
data=$work/data
rm -rf "$data"
mkdir -p "$data"
echo "bench-password-1234" | "$bin" user add bench --maintainer --data "$data" >/dev/null
start_ns=$(date +%s%N)
"$bin" serve --repo "$work/wiki.git" --data "$data" --addr 127.0.0.1:$port >"$work/serve.out" 2>"$work/serve.err" &
gw=$!
pids+=("$gw")
"$work/load" wait -url http://127.0.0.1:$port -page "$hot" -since "$start_ns" | collect
fig rss_after_start "$(rss $gw)" MB
# A restart reads what the first start persisted in DATA.
kill $gw; wait $gw 2>/dev/null || true
start_ns=$(date +%s%N)
"$bin" serve --repo "$work/wiki.git" --data "$data" --addr 127.0.0.1:$port >>"$work/serve.out" 2>>"$work/serve.err" &
gw=$!
pids+=("$gw")
"$work/load" wait -url http://127.0.0.1:$port -page "$hot" -since "$start_ns" | sed 's/start_/restart_/' | collect
fig rss_after_restart "$(rss $gw)" MB

mkdir -p "$work/ceil"
: >"$work/ceil/MAP"
for p in "/$hot" "/$folder" "/-/pages"; do
	f=$(echo "$p" | tr '/' '_').html
	curl -sf "http://127.0.0.1:$port$p" >"$work/ceil/$f"
	printf '%s\t%s\n' "$p" "$f" >>"$work/ceil/MAP"
done
"$work/ceiling" -addr 127.0.0.1:$ceilport -dir "$work/ceil" &
pids+=("$!")

if [[ $skip != *" gitit "* ]]; then
	# gitit serves a clone of the same repository (pages as .md files).
	g=$work/gitit
	rm -rf "$g" && mkdir -p "$g"
	git clone -q "$work/wiki.git" "$g/wikidata"
	cat >"$g/gitit.conf" <<-EOF
		address: 127.0.0.1
		port: $gititport
		repository-type: Git
		repository-path: $g/wikidata
		default-extension: md
		default-page-type: Markdown
		front-page: index
		static-dir: $g/static
		templates-dir: $g/templates
		user-file: $g/gitit-users
		log-file: $g/gitit.log
		cache-dir: $g/cache
		log-level: WARNING
	EOF
	(cd "$g" && exec gitit -f gitit.conf >/dev/null 2>&1) &
	pids+=("$!")
	for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$gititport/$hot" && break; sleep 0.1; done
fi

wrkrps() { wrk -t2 -c"$conns" -d"$wrkdur" "$1" | awk '/Requests\/sec/ {print $2}'; }
# median of the numbers on standard input
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for target in "page /$hot" "folder /$folder" "pagelist /-/pages"; do
	set -- $target
	name=$1 path=$2
	curl -sf -o /dev/null "http://127.0.0.1:$port$path" # warm
	# gitwiki and the ceiling in turn, BENCH_WRK_ROUNDS times: on a shared
	# machine a busy moment then slows both alike; the ratio is the median
	# of the rounds' ratios.
	: >"$work/wrk-$name.txt"
	for _ in $(seq "$wrkrounds"); do
		g=$(wrkrps "http://127.0.0.1:$port$path")
		c=$(wrkrps "http://127.0.0.1:$ceilport$path")
		echo "$g $c $(ratio "$g" "$c")" >>"$work/wrk-$name.txt"
	done
	g_rps=$(cut -d' ' -f1 "$work/wrk-$name.txt" | median)
	c_rps=$(cut -d' ' -f2 "$work/wrk-$name.txt" | median)
	fig "view_${name}_gitwiki" "$g_rps" rps
	fig "view_${name}_ceiling" "$c_rps" rps
	fig "view_${name}_vs_ceiling" "$(cut -d' ' -f3 "$work/wrk-$name.txt" | median)" ×
	if [[ $skip != *" gitit "* ]]; then
		gpath=$path
		[ "$name" = pagelist ] && gpath=/_index
		[ "$name" = folder ] && gpath=/$folder/
		if curl -sf -o /dev/null "http://127.0.0.1:$gititport$gpath"; then
			t_rps=$(wrkrps "http://127.0.0.1:$gititport$gpath")
			fig "view_${name}_gitit" "$t_rps" rps
			fig "view_${name}_vs_gitit" "$(ratio "$g_rps" "$t_rps")" ×
		else
			echo "gitit does not serve $gpath"
		fi
	fi
done

"$work/load" visit -url http://127.0.0.1:$port -pages "$work/pages.txt" -c 4 | collect
fig rss_after_every_page "$(rss $gw)" MB

# --- history: gitwiki's page and recent changes against C git in the same run
for i in 1 2 3; do
	"$work/load" latency -url http://127.0.0.1:$port -path "/-/history/$hot" -n 50 -name history_http | collect
	hyperfine -N --warmup 3 --runs 50 --export-json "$work/h.json" "git -C $work/wiki.git log -50 --format=%H%x00%an%x00%s -- $hotfile" >/dev/null
	fig git_log_path_p50 "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % (r["median"]*1000))' "$work/h.json")" ms
done
"$work/load" latency -url http://127.0.0.1:$port -path "/-/recent" -n 30 -name recent_http | collect
hyperfine -N --warmup 3 --runs 30 --export-json "$work/r.json" "git -C $work/wiki.git log -50 --name-status --format=%H%x00%an%x00%s" >/dev/null
fig git_log_recent_p50 "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % (r["median"]*1000))' "$work/r.json")" ms

# --- writes ----------------------------------------------------------------
"$work/load" edits -url http://127.0.0.1:$port -page "$editpage" -n "${BENCH_EDITS:-30}" | collect
"$work/load" propose -url http://127.0.0.1:$port -page "$editpage" -n "${BENCH_PROPOSALS:-10}" | collect
"$work/load" editors -url http://127.0.0.1:$port -pages "$work/pages.txt" -editors "${BENCH_EDITORS:-50}" -rounds "${BENCH_ROUNDS:-4}" | collect

# --- memory under mixed load ---------------------------------------------------
echo "== mixed load for $mixed (the issue's protocol is 10m: BENCH_MIXED=10m)"
"$work/load" mixed -url http://127.0.0.1:$port -pages "$work/pages.txt" -duration "$mixed" -c 8 | collect
fig rss_after_mixed_load "$(rss $gw)" MB
fig mixed_duration "$mixed" ""

# --- static build against Hugo, and search ------------------------------------
if [[ $skip != *" build "* ]]; then
	for n in 2000 10000; do
		runs=5
		[ "$n" = 10000 ] && runs=3
		BENCH_BIN=$bin "$root/bench/export-vs-hugo.sh" "$n" "$runs" | tee "$work/build-$n.txt" | grep -E '^(cold|mean|RATIO|COLD)'
		read -r _ _ _ mean _ fastest _ < <(grep '^RATIO' "$work/build-$n.txt" | tr -d ',()')
		read -r _ _ _ cold < <(grep '^COLD' "$work/build-$n.txt")
		fig "build_${n}_vs_hugo_cold" "$cold" ×
		fig "build_${n}_vs_hugo_mean" "$mean" ×
		fig "build_${n}_vs_hugo_fastest" "$fastest" ×
	done
fi
if [[ $skip != *" search "* ]]; then
	(cd "$root" && GITWIKI_BENCH_REPO="$work/wiki.git" go test -run '^$' -bench . -benchtime 1x -timeout 30m ./bench/search) | tee "$work/search.txt" | grep -E '^Benchmark' || true
fi

echo
echo "== results ($pages pages, $history commits; mixed load $mixed)"
cat "$results"
