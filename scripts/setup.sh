#!/usr/bin/env bash
# Install everything a11ypress needs on a fresh Debian machine.
#
#   scripts/setup.sh          runtime: system packages + .venv with a11ypress
#   scripts/setup.sh --dev    also the test tools and the external judges
#                             (pytest, EPUBCheck, remark-mdc, Ace by DAISY, axe-core)
#
# System packages are installed with apt-get when running as root and missing;
# otherwise the exact command to run is printed and the script stops.
# Everything else lives inside the repository (.venv/, tests/node/node_modules/),
# and each step is skipped when already done, so re-running is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1

# Runtime: espeak-ng for speech, Pango/HarfBuzz for WeasyPrint, fonts for text.
APT_RUNTIME=(libespeak-ng1 espeak-ng-data espeak-ng libpango-1.0-0 libpangoft2-1.0-0
             libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-symbola
             fonts-droid-fallback default-jre-headless)
# (fonts for the PDF: DejaVu for Latin, Greek and Cyrillic, Noto for most other
# scripts, Symbola for symbols and emoji, Droid Sans Fallback for Chinese and Japanese.)
# (a JRE runs EPUBCheck for `a11ypress check`.)
# Judges and benchmarks: Chromium for Ace, pandoc for the EPUB bench,
# poppler for looking at PDFs, Node.js for remark-mdc and Ace.
APT_DEV=(chromium pandoc poppler-utils nodejs npm ffmpeg)
# (ffmpeg: the m4b audio test; a11ypress itself needs it only for --audio-format m4b.)

log() { printf 'setup: %s\n' "$*" >&2; }

missing_apt() {
  local pkg out=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || out+=("$pkg")
  done
  printf '%s\n' "${out[@]}"
}

install_apt() {
  local need=()
  mapfile -t need < <(missing_apt "$@" | sed '/^$/d')
  # Java and Node may come from elsewhere than apt: accept them when on PATH.
  local filtered=() p
  for p in "${need[@]}"; do
    case "$p" in
      default-jre-headless) command -v java >/dev/null && continue ;;
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    filtered+=("$p")
  done
  ((${#filtered[@]} == 0)) && return 0
  if [[ $(id -u) -eq 0 ]]; then
    log "installing system packages: ${filtered[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${filtered[@]}" >&2
  else
    log "missing system packages; run:"
    printf '  sudo apt-get install -y %s\n' "${filtered[*]}" >&2
    exit 1
  fi
}

install_apt "${APT_RUNTIME[@]}"
((DEV)) && install_apt "${APT_DEV[@]}"

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
STAMP=.venv/.a11ypress-installed
EXTRA=""
((DEV)) && EXTRA="[dev]"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)$EXTRA"
if [[ ! -f $STAMP ]] || ! grep -qxF "$want" "$STAMP"; then
  log "installing a11ypress$EXTRA into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$EXTRA" >&2
  printf '%s\n' "$want" >"$STAMP"
fi

if ((DEV)); then
  if [[ ! -d tests/node/node_modules/remark-mdc || ! -x tests/node/node_modules/.bin/ace-cli \
        || ! -d tests/node/node_modules/axe-core ]] \
     || [[ tests/node/package-lock.json -nt tests/node/node_modules/.installed ]]; then
    log "installing Node test judges (remark-mdc, Ace by DAISY, axe-core)"
    (cd tests/node && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
    touch tests/node/node_modules/.installed
  fi
fi
log "ready"
