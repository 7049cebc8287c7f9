#!/usr/bin/env bash
# Install everything briefing needs, on Debian (or Ubuntu): system packages, then the project's
# virtual environment in .venv. Safe to run again: it installs only what is missing.
#
#   scripts/setup.sh          # what rendering packs needs
#   scripts/setup.sh --test   # plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

# fonts-noto-cjk: Chinese text in charts and PDFs (a fresh Debian has no CJK font).
# pango + harfbuzz-subset: WeasyPrint's layout and fast font subsetting (without it, 10 s per PDF).
SYSTEM_PACKAGES="fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
# poppler-utils: pdftotext/pdftoppm, used by the tests to read the PDFs back.
# postgresql: the SQL loader's tests start a throwaway server (initdb/pg_ctl) in a temporary folder.
# chromium: tests/test_browser.py opens an HTML pack in it, headless and offline (driven by the playwright package).
# libreoffice-writer-nogui: tests/test_word.py converts a Word pack to PDF with soffice --headless (smallest set that does).
TEST_PACKAGES="poppler-utils postgresql chromium libreoffice-writer-nogui"
[ "$WITH_TEST" = 1 ] && SYSTEM_PACKAGES="$SYSTEM_PACKAGES $TEST_PACKAGES"

missing=""
for pkg in $SYSTEM_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "本机没有 apt-get。请用本系统的包管理器安装以下软件包（或其等价物）后重试：$missing" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "需要安装系统软件包：$missing" >&2
    echo "请让管理员运行：sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    echo "然后重新运行本命令。" >&2
    exit 1
  fi
  echo "==> 安装系统软件包：$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或更新版本（当前：$("$PYTHON" --version 2>&1)）。可用 PYTHON=/path/to/python3.11 指定。" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
extra=""
[ "$WITH_TEST" = 1 ] && extra="[test]"
stamp=".venv/.installed$extra"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> 安装 Python 依赖（pyproject.toml$extra）"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
  touch "$stamp"
fi
echo "==> 环境就绪：$(.venv/bin/python --version)，briefing $(.venv/bin/python -c 'import briefing; print(briefing.__version__)')"
