#!/usr/bin/env bash
# Installs the Debian packages whose text we train on (only the missing ones; needs root
# for that) and builds build/train-data/.  The text is read in place and never committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PKGS="fortunes fortunes-min fortunes-de fortunes-it fortunes-es fortunes-pl fortunes-cs fortunes-ru sentencepiece"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
fi
/usr/bin/python3 scripts/train/prepare_data.py --out build/train-data
