#!/usr/bin/env bash
# Prepares a fresh Debian machine for hoso: system packages (when run as root) and the virtual environment.
#   scripts/bootstrap.sh run    — what `hoso demo` needs
#   scripts/bootstrap.sh test   — plus what the tests need (Chromium for the browser journeys)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"

# OCR and PDF/A of scanned pages (the demo digitises a few dossiers too): tesseract with Vietnamese, qpdf,
# Ghostscript (OCRmyPDF's PDF/A fallback), unpaper. GNU gettext: the English catalogue of the interface is compiled
# here (msgfmt), never committed as a .mo.
packages=(python3-venv fonts-noto-core tesseract-ocr tesseract-ocr-vie ghostscript unpaper qpdf gettext)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "$profile" = test ]; then
  packages+=(chromium)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Cài gói Debian: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Thiếu gói Debian: ${missing[*]} — hãy chạy: sudo apt-get install ${missing[*]}" >&2
    [ "$profile" = test ] && exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Reinstall only when the declared dependencies changed.
stamp=.venv/.hoso-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

# Front-end assets from the npm registry (package-lock.json pins them), copied where Django serves them.
vendor=src/hoso/web/static/vendor
if [ ! -f "$vendor/htmx.min.js" ] || [ package-lock.json -nt "$vendor/htmx.min.js" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  mkdir -p "$vendor"
  cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
fi

# The interface's translations (src/hoso/locale/*/LC_MESSAGES/*.po → .mo, which is never committed), whenever a
# catalogue changed. Run from the locale folder: compilemessages also compiles every folder named "locale" below the
# working directory (the virtual environment's included).
for po in src/hoso/locale/*/LC_MESSAGES/*.po; do
  if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
    if command -v msgfmt >/dev/null 2>&1; then
      data_dir="${HOSO_DATA_DIR:-$PWD/data}"  # settings make their folders there, not in the locale folder
      (cd src/hoso/locale && HOSO_DATA_DIR="$data_dir" ../../../.venv/bin/hoso compilemessages >/dev/null)
    else
      echo "Thiếu msgfmt (gói gettext): giao diện chỉ có tiếng Việt." >&2
    fi
    break
  fi
done
