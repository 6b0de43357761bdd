#!/usr/bin/env bash
# Regenerate the audio captcha's Mandarin digit samples (vote_api/core/captcha/voice/*.wav).
#
# Each digit 0-9 is spoken by Debian's espeak-ng Mandarin voice (cmn) in three variants
# (male, female, lower male), trimmed of leading and trailing silence, normalised, and
# stored as 8 kHz mono 16-bit WAV: <variant>-<digit>.wav. The samples are committed; run
# this only to change them. Needs espeak-ng and sox (apt-get install espeak-ng sox).
set -euo pipefail
cd "$(dirname "$0")/.."
out=vote_api/core/captcha/voice
for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || { echo "缺少 $tool：请先安装（apt-get install espeak-ng sox）" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# variant name, espeak-ng voice, words per minute, pitch (0-99)
variants=(
    "m cmn 130 45"
    "f cmn+f3 130 60"
    "l cmn+m3 120 30"
)
mkdir -p "$out"
rm -f "$out"/*.wav
for spec in "${variants[@]}"; do
    read -r name voice speed pitch <<<"$spec"
    for digit in 0 1 2 3 4 5 6 7 8 9; do
        espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$tmp/raw.wav" "$digit"
        # 8 kHz mono 16-bit; trim silence at both ends; peak at -1 dBFS.
        sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 "$out/$name-$digit.wav" \
            silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -1
    done
done
ls -l "$out"
