#!/usr/bin/env bash
# One-time setup on Debian: the system tools the tests use as independent judges
# (dcmtk's dcmdump, dicom3tools' dciodvfy, pydicom) and Chromium, Node packages, and the
# real DICOM test files shipped in Debian's python3-pydicom package.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
need=()
command -v dcmdump >/dev/null || need+=(dcmtk)
command -v dciodvfy >/dev/null || need+=(dicom3tools)
# Debian's own python3 (a pyenv shim on PATH may not see Debian's packages).
/usr/bin/python3 -c 'import pydicom' 2>/dev/null || need+=(python3-pydicom)
# pydicom decodes pixel data only with NumPy (a Recommends, which --no-install-recommends skips).
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
# The end-to-end tests drive Debian's Chromium (Playwright's own browser download is not used).
[ -x /usr/bin/chromium ] || need+=(chromium)
# Independent judges of pixel edits: Tesseract reads burned-in text back (issue 5), GDCM encodes
# the JPEG 2000 test cases of defacing (DCMTK has no JPEG 2000 encoder).
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-eng)
command -v gdcmconv >/dev/null || need+=(libgdcm-tools)
# The burned-in text tests draw their glyphs with Pillow in real fonts of several families.
/usr/bin/python3 -c 'import PIL' 2>/dev/null || need+=(python3-pil)
for f in dejavu/DejaVuSans.ttf liberation/LiberationSerif-Regular.ttf noto/NotoSansMono-Regular.ttf; do
  [ -f "/usr/share/fonts/truetype/$f" ] || need+=(fonts-dejavu-core fonts-liberation fonts-noto-mono)
done
if ((${#need[@]})); then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
[ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund
scripts/fetch-pydicom-testfiles.sh
scripts/fetch-mricron.sh
