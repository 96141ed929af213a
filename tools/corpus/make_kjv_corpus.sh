#!/usr/bin/env bash
# Regenerates the character language model's corpus from Debian's King James Bible:
#   apt-get install bible-kjv      # brings bible-kjv-text (the text) and the `bible` reader
#   tools/corpus/make_kjv_corpus.sh
# Writes Genesis through Judges (about 1 MB), one verse per line, verse numbers removed.
set -euo pipefail
out="$(cd "$(dirname "$0")/../.." && pwd)/examples/src/main/resources/dev/unfold/examples/charlm/kjv.txt"
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
bible -l0 "gen1:1-jdg21:25" | sed -n 's/^ *[0-9][0-9]* //p' > "$tmp"
mv "$tmp" "$out"
trap - EXIT
wc -c "$out"
