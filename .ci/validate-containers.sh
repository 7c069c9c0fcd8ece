#!/usr/bin/env bash
# Offline checks of the container files; needs no Docker engine.
#   1. docker-compose.yml parses and validates:  docker-compose -f docker-compose.yml config -q
#   2. Dockerfile lints clean of errors:         dockerfile-utils lint Dockerfile
#      (warnings are printed but do not fail)
#   3. every local source of COPY/ADD in the Dockerfile exists in the build context.
# Installs what it needs on a fresh Debian machine: the Debian `docker-compose` package and,
# into a throw-away npm prefix, a pinned `dockerfile-utils`.
# Usage (from anywhere; it works on the repo it lives in): bash .ci/validate-containers.sh
set -euo pipefail

DOCKERFILE_UTILS_VERSION=0.16.3

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*"; }
die() { printf 'validate-containers: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# ---- tools ---------------------------------------------------------------------------------
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing Debian package docker-compose"
  apt_install docker-compose
fi
command -v node >/dev/null 2>&1 || { log "installing Debian package nodejs"; apt_install nodejs; }

if command -v dockerfile-utils >/dev/null 2>&1; then
  dfu="$(command -v dockerfile-utils)"
else
  command -v npm >/dev/null 2>&1 || { log "installing Debian package npm"; apt_install npm; }
  log "installing dockerfile-utils@${DOCKERFILE_UTILS_VERSION} into a temporary prefix"
  npm install --prefix "$tmp" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
    "dockerfile-utils@${DOCKERFILE_UTILS_VERSION}" >/dev/null
  dfu="$tmp/node_modules/.bin/dockerfile-utils"
fi
[ -x "$dfu" ] || die "dockerfile-utils not found at $dfu"

log "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /') / $("$dfu" --version)"

failed=0

# ---- 1. compose file -----------------------------------------------------------------------
log "docker-compose -f docker-compose.yml config -q"
if docker-compose -f docker-compose.yml config -q; then
  echo "docker-compose.yml: OK"
else
  echo "docker-compose.yml: INVALID" >&2
  failed=1
fi

# ---- 2. Dockerfile lint --------------------------------------------------------------------
# dockerfile-utils exits 1 when there is an error and 0 with warnings only, and 0 on an unknown
# command too; so read its JSON findings rather than trust the exit code alone.
log "dockerfile-utils lint Dockerfile"
lint_rc=0
"$dfu" lint --json Dockerfile >"$tmp/lint.json" 2>"$tmp/lint.err" || lint_rc=$?
if ! node - "$tmp/lint.json" "$lint_rc" <<'EOF'
const fs = require('node:fs')
const [file, rc] = process.argv.slice(2)
const raw = fs.readFileSync(file, 'utf8')
let findings
try {
  findings = JSON.parse(raw)
  if (!Array.isArray(findings)) throw new Error('not an array')
} catch (e) {
  console.error(`dockerfile-utils gave no JSON findings (exit ${rc}):\n${raw}`)
  process.exit(1)
}
let errors = 0
let warnings = 0
for (const f of findings) {
  const line = (f.range?.start?.line ?? f.instructionLine ?? -1) + 1
  const sev = f.severity === 'error' ? 'error' : 'warning'
  if (sev === 'error') errors++
  else warnings++
  console.log(`Dockerfile:${line}: ${sev}: ${f.message}`)
}
console.log(`Dockerfile lint: ${errors} error(s), ${warnings} warning(s)`)
if (errors > 0 || (rc !== '0' && rc !== '1')) process.exit(1)
if (rc === '1') {
  console.error('dockerfile-utils exited 1 without reporting an error')
  process.exit(1)
}
EOF
then
  [ -s "$tmp/lint.err" ] && cat "$tmp/lint.err" >&2
  failed=1
fi

# ---- 3. COPY/ADD sources -------------------------------------------------------------------
# A source missing from the context (an empty folder git does not keep, say) fails the real build.
log "COPY/ADD sources present in the build context"
if ! node - Dockerfile <<'EOF'
const fs = require('node:fs')
const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\\\r?\n/g, ' ')
let missing = 0
for (const raw of text.split(/\r?\n/)) {
  const m = /^\s*(COPY|ADD)\s+(.*)$/i.exec(raw)
  if (!m) continue
  const args = m[2].trim().split(/\s+/)
  if (args.some((a) => /^--from=/i.test(a))) continue
  const paths = args.filter((a) => !a.startsWith('--'))
  if (paths[0]?.startsWith('[')) continue // JSON form: not used here
  for (const src of paths.slice(0, -1)) {
    if (/^https?:\/\//.test(src) || /[*?[]/.test(src)) continue
    if (!fs.existsSync(src)) {
      console.error(`Dockerfile: ${m[1]} source not found in the build context: ${src}`)
      missing++
    } else if (fs.statSync(src).isDirectory() && fs.readdirSync(src).length === 0) {
      console.log(`Dockerfile: warning: ${m[1]} source is an empty folder (git does not keep it): ${src}`)
    }
  }
}
if (missing) process.exit(1)
console.log('COPY/ADD sources: OK')
EOF
then
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "validate-containers: FAILED" >&2
  exit 1
fi
echo "validate-containers: all checks passed"
