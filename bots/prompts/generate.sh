#!/usr/bin/env bash
# Regenerates every prompt WAV in this folder from text. The WAVs are committed; neither CI nor the
# tests run this script. Needs espeak-ng and sox (Debian: apt-get install -y espeak-ng sox).
# Output: 8000 Hz, mono, 16-bit signed little-endian PCM in a plain RIFF/WAVE file, which is what
# bots/wav/loadPrompt.ts accepts and what a narrowband Telnyx call carries without resampling.
set -euo pipefail

out_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp_dir="$(mktemp -d)"
trap 'rm -rf "$tmp_dir"' EXIT

# A clear US voice, a little slower than espeak-ng's default 175 wpm, so digits survive G.711.
voice=en-us
speed=150

# render NAME TEXT: speak TEXT into NAME.wav.
render() {
  local name=$1 text=$2
  espeak-ng -v "$voice" -s "$speed" -w "$tmp_dir/$name.wav" -- "$text"
  # Effects, in order:
  #  silence/reverse/silence/reverse  trim leading and trailing silence (below 0.3% for 20 ms);
  #  rate -v 8000                     high-quality resample from espeak-ng's 22050 Hz;
  #  norm -3                          peak at -3 dBFS, leaving headroom for codec overshoot;
  #  pad 0.04 0.04                    40 ms back on each end so onsets and tails are not clipped.
  # -D turns dither off so a rerun gives byte-identical files; at 16 bits it is inaudible anyway.
  sox -D "$tmp_dir/$name.wav" -r 8000 -c 1 -b 16 -e signed-integer -t wav "$out_dir/$name.wav" \
    silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse \
    rate -v 8000 norm -3 pad 0.04 0.04
}

render greeting 'Welcome to callwire. Press 1 for echo. Press 2 to hear the time. Press pound to hang up.'
render echo-intro 'Echo mode. Speak, and you will hear yourself. Press star to return to the menu.'
render time-intro 'The time is'
render utc 'U T C'
render goodbye 'Goodbye.'
render invalid 'Sorry, that key is not in the menu.'
render ai-unavailable 'Sorry, the assistant cannot take your call right now. Please try again later.'

# Number words for reading a 24-hour time such as "nine oh five" or "twenty-three fifty-nine".
words=(zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
  fifteen sixteen seventeen eighteen nineteen)
for i in "${!words[@]}"; do
  render "n$i" "${words[$i]}"
done
render n20 twenty
render n30 thirty
render n40 forty
render n50 fifty
render oh oh
render hundred-hours hundred
