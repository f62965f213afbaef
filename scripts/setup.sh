#!/usr/bin/env bash
# Installs every Debian package livedeck needs to build, run and test.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ccache
  # UI, window, GL
  libimgui-dev libglfw3-dev python3-glad libegl-dev libgl-dev libegl-mesa0 libglx-mesa0 libgl1-mesa-dri
  # demos: HTTP client, event loop and HTTP server
  libcurl4-openssl-dev libboost-dev libnghttp2-dev
  # deck: Markdown, front matter (YAML), highlighting (KDE's syntax definitions), images (PNG/JPEG, GIF, WebP, SVG), fonts
  libmd4c-dev libyaml-cpp-dev libkf5syntaxhighlighting-dev libstb-dev libpng-dev libfreetype-dev libfontconfig-dev
  libgif-dev libwebp-dev librsvg2-dev
  fonts-dejavu-core fonts-dejavu-extra
  fonts-jetbrains-mono
  # fallback fonts for characters the deck fonts lack (render/fonts_fallback.cpp): CJK (WenQuanYi Micro
  # Hei, 5.1 MB), symbols and monochrome emoji (Symbola, 3.1 MB)
  fonts-wqy-microhei fonts-symbola
  # following a talk live: the MQTT broker and its client library
  mosquitto libmosquitto-dev libssl-dev
  # command line, JSON
  libcli11-dev nlohmann-json3-dev
  # recording and export: video (libav*), PDF (cairo), microphone (libpulse)
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libcairo2-dev libpulse-dev
  ffmpeg
  # tests and benchmarks
  libgtest-dev libbenchmark-dev xvfb xauth xdotool tesseract-ocr tesseract-ocr-eng
  # reading back Polish, Greek, Russian and Chinese slides (tests/glyphs_test.cpp)
  tesseract-ocr-pol tesseract-ocr-ell tesseract-ocr-rus tesseract-ocr-chi-sim
  pulseaudio pulseaudio-utils poppler-utils
  # benchmark scripts (ab: bench/ab.sh; asyncio + aiohttp, the original talk's stack: bench/python_aiohttp.sh)
  time bc curl apache2-utils python3-aiohttp
  # fuzzing (scripts/fuzz.sh): clang and its libFuzzer; clang 16, as Debian's
  # clang 14 cannot build the runtime (no std::source_location)
  clang-16 libclang-rt-16-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
