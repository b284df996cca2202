#!/usr/bin/env bash
# Unpacks Colin27 (a 1 mm T1 whole head with its face, and its brain-extracted version) from
# Debian's mricron-data package into .cache/mricron/ for the defacing tests.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/mricron
[ -f "$dest/.done" ] && exit 0
tmp=$(mktemp -d) && chmod 755 "$tmp"  # apt-get download runs as _apt and must write there
(cd "$tmp" && apt-get download mricron-data >/dev/null && dpkg -x mricron-data_*.deb x)
rm -rf "$dest" && mkdir -p "$dest"
cp "$tmp"/x/usr/share/mricron/templates/{ch2.nii.gz,ch2bet.nii.gz} "$dest/"
ls "$tmp"/mricron-data_*.deb | sed 's/.*\///' > "$dest/.done"
rm -rf "$tmp"
echo "Colin27 in $dest: $(ls "$dest" | tr '\n' ' ')"
