#!/usr/bin/env bash
# Unpacks Debian's python3-pydicom test files (about 90 real DICOM files: every transfer
# syntax, DICOMDIRs, SR, RT, waveforms, character sets) into .cache/pydicom/ for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/pydicom
[ -f "$dest/.done" ] && exit 0
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download python3-pydicom >/dev/null && dpkg -x python3-pydicom_*.deb x)
rm -rf "$dest" && mkdir -p "$dest"
cp -r "$tmp"/x/usr/lib/python3/dist-packages/pydicom/data/{test_files,charset_files} "$dest/"
ls "$tmp"/python3-pydicom_*.deb | sed 's/.*\///' > "$dest/.done"
rm -rf "$tmp"
echo "pydicom test files in $dest ($(find "$dest" -type f | wc -l) files)"
