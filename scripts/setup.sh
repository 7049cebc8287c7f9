#!/usr/bin/env bash
# Install everything briefing needs, on Debian (or Ubuntu): system packages, then the project's
# virtual environment in .venv. Safe to run again: it installs only what is missing or changed.
#
#   scripts/setup.sh                 # what rendering packs needs
#   scripts/setup.sh --test          # plus what the test suite needs
#   scripts/setup.sh --offline DIR   # what rendering needs, with no network at all, from a bundle
#                                    # made by `make bundle` (DIR holds bundle.json, wheels/, debs/)
#
# Python packages: exactly the versions and hashes of requirements/run.lock (or test.lock with --test),
# then the project itself with --no-deps. `make lock` refreshes the locks from pyproject.toml.
set -euo pipefail

usage() {
  cat <<'EOF'
用法：scripts/setup.sh [--test] [--offline 离线包文件夹]
  （无参数）          安装生成简报所需的一切（系统软件包、.venv 中锁定版本的 Python 依赖）
  --test              另装测试所需的一切
  --offline 文件夹    不联网，从 make bundle 生成的离线包安装生成简报所需的一切
EOF
}

WITH_TEST=0
OFFLINE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --test) WITH_TEST=1 ;;
    --offline)
      if [ $# -lt 2 ] || [ -z "$2" ]; then
        echo "--offline 后面要写离线包所在的文件夹，例如：scripts/setup.sh --offline /media/usb/briefing-offline-0.1.0-abc1234" >&2
        exit 2
      fi
      OFFLINE="$2"; shift ;;
    --offline=*) OFFLINE="${1#--offline=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "不认识的参数：$1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The bundle folder is read relative to where the command was typed, before moving to the project root.
if [ -n "$OFFLINE" ]; then
  if [ "$WITH_TEST" = 1 ]; then
    echo "离线包只含生成简报所需的软件，不含测试所需的软件。请去掉 --test；测试请在联网的机器上运行 make test。" >&2
    exit 2
  fi
  if [ -f "$OFFLINE" ]; then
    case "$OFFLINE" in
      *.tar) echo "$OFFLINE 是离线包的归档文件，请先解开（tar -xf $OFFLINE），再把解开后的文件夹交给 --offline。" >&2 ;;
      *) echo "$OFFLINE 是一个文件，不是离线包文件夹。请把 make bundle 生成的整个文件夹（或解开后的 .tar）交给 --offline。" >&2 ;;
    esac
    exit 2
  fi
  if [ ! -d "$OFFLINE" ]; then
    echo "找不到离线包文件夹：$OFFLINE" >&2
    echo "离线包由联网机器上的 make bundle 生成（dist/briefing-offline-…），整个拷贝到本机后，运行 scripts/setup.sh --offline <该文件夹>。" >&2
    exit 2
  fi
  OFFLINE="$(cd "$OFFLINE" && pwd)"
  if [ ! -f "$OFFLINE/bundle.json" ] || [ ! -d "$OFFLINE/wheels" ]; then
    echo "$OFFLINE 不是离线包：其中没有 bundle.json 和 wheels/ 文件夹。" >&2
    echo "请在联网机器上运行 make bundle，把生成的 dist/briefing-offline-… 整个文件夹（或 .tar 文件，拷过来后用 tar -xf 解开）拷贝到本机，再运行 scripts/setup.sh --offline <该文件夹>。" >&2
    exit 2
  fi
fi

cd "$(dirname "$0")/.."

# fonts-noto-cjk: Chinese text in charts and PDFs (a fresh Debian has no CJK font).
# pango + harfbuzz-subset: WeasyPrint's layout and fast font subsetting (without it, 10 s per PDF).
# scripts/bundle.py reads this line: the offline bundle carries these packages and what they need.
SYSTEM_PACKAGES="fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
# poppler-utils: pdftotext/pdftoppm, used by the tests to read the PDFs back.
# postgresql: the SQL loader's tests start a throwaway server (initdb/pg_ctl) in a temporary folder.
# chromium: tests/test_browser.py opens an HTML pack in it, headless and offline (driven by the playwright package).
# libreoffice-writer-nogui: tests/test_word.py converts a Word pack to PDF with soffice --headless (smallest set that does).
TEST_PACKAGES="poppler-utils postgresql chromium libreoffice-writer-nogui"
[ "$WITH_TEST" = 1 ] && SYSTEM_PACKAGES="$SYSTEM_PACKAGES $TEST_PACKAGES"

# Debian's python3 makes virtual environments only with python3-venv (a minimal Debian has no python3 at all).
PYTHON="${PYTHON:-python3}"
PYTHON_PACKAGES=""
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  if [ "$PYTHON" = python3 ]; then PYTHON_PACKAGES="python3 python3-venv"; else
    echo "找不到 $PYTHON。请安装 Python 3.11，或用 PYTHON=/path/to/python3.11 指定。" >&2
    exit 1
  fi
elif [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$("$PYTHON" -c 'import sys; print(sys.prefix)')" = /usr ]; then PYTHON_PACKAGES="python3-venv"; else
    echo "$PYTHON 不能创建虚拟环境（缺少 ensurepip/venv 模块）。请换一个完整的 Python 3.11，用 PYTHON=… 指定。" >&2
    exit 1
  fi
fi

missing=""
for pkg in $PYTHON_PACKAGES $SYSTEM_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done

if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi

# Offline: dpkg -i the bundle's .deb files that this machine lacks (or has older), in one call.
install_debs() {
  local folder="$1" deb name version have
  local todo=()
  for deb in "$folder"/*.deb; do
    [ -e "$deb" ] || continue
    name="$(dpkg-deb -f "$deb" Package)"
    version="$(dpkg-deb -f "$deb" Version)"
    have="$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)"
    case "$have" in
      "install ok installed "*) dpkg --compare-versions "${have##* }" lt "$version" || continue ;;
    esac
    todo+=("$deb")
  done
  [ ${#todo[@]} -gt 0 ] || return 0
  if [ "$SUDO" = none ]; then
    echo "需要安装离线包中的系统软件包。请让管理员运行（dpkg 报告依赖问题时，同一命令再运行一次）：" >&2
    echo "  sudo dpkg -i$(printf ' %q' "${todo[@]}")" >&2
    echo "然后重新运行本命令。" >&2
    exit 1
  fi
  echo "==> 从离线包安装系统软件包（${#todo[@]} 个）"
  # dpkg -i takes the files in the order given and refuses one whose Pre-Depends is not configured yet
  # (python3-minimal before python3.11-minimal): a second pass installs what the first could not.
  local log pass left
  log="$(mktemp)"
  for pass in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive $SUDO dpkg -i "${todo[@]}" >>"$log" 2>&1; then break; fi
    left=()
    for deb in "${todo[@]}"; do
      dpkg-query -W -f='${Status}' "$(dpkg-deb -f "$deb" Package)" 2>/dev/null | grep -q "install ok installed" \
        || left+=("$deb")
    done
    todo=("${left[@]}")
    [ ${#todo[@]} -gt 0 ] || break
  done
  DEBIAN_FRONTEND=noninteractive $SUDO dpkg --configure -a >>"$log" 2>&1 || true
  left=()
  for deb in "$folder"/*.deb; do
    dpkg-query -W -f='${Status}' "$(dpkg-deb -f "$deb" Package)" 2>/dev/null | grep -q "install ok installed" \
      || left+=("$(dpkg-deb -f "$deb" Package)")
  done
  if [ ${#left[@]} -gt 0 ]; then
    tail -n 30 "$log" >&2
    echo "dpkg 没能装好离线包中的这些软件包：${left[*]}（上面是 dpkg 的最后几行信息，全部见 $log）。" >&2
    echo "离线包是为 Debian $bundle_os 制作的；请确认本机是同一版本，或在与本机同版本的联网 Debian 上重新运行 make bundle。" >&2
    exit 1
  fi
  rm -f "$log"
}

if [ -n "$OFFLINE" ]; then
  bundle_field() { "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))[sys.argv[2]])' "$OFFLINE/bundle.json" "$1" 2>/dev/null || echo "?"; }
  if [ -n "$missing" ]; then
    # No python3 yet: read the bundle's facts without it.
    bundle_os="$(grep -o '"debian": *"[^"]*"' "$OFFLINE/bundle.json" | cut -d'"' -f4) $(grep -o '"arch": *"[^"]*"' "$OFFLINE/bundle.json" | cut -d'"' -f4)"
    here_os="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-?}") $(dpkg --print-architecture)"
    if [ "$bundle_os" != "$here_os" ]; then
      echo "离线包中的系统软件包是为 Debian $bundle_os 制作的，本机是 $here_os，不能安装。" >&2
      echo "请在与本机同版本的联网 Debian 上运行 make bundle，或让管理员安装：$missing" >&2
      exit 1
    fi
    if [ ! -d "$OFFLINE/debs/render" ]; then
      echo "本机缺少系统软件包：$missing；这个离线包不含系统软件包（制作时用了 --no-debs）。" >&2
      echo "请用完整的离线包（make bundle），或让管理员安装上述软件包后重新运行本命令。" >&2
      exit 1
    fi
    [ -n "$PYTHON_PACKAGES" ] && install_debs "$OFFLINE/debs/python"
    install_debs "$OFFLINE/debs/render"
  fi
elif [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "本机没有 apt-get。请用本系统的包管理器安装以下软件包（或其等价物）后重试：$missing" >&2
    exit 1
  fi
  if [ "$SUDO" = none ]; then
    echo "需要安装系统软件包：$missing" >&2
    echo "请让管理员运行：sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    echo "然后重新运行本命令。" >&2
    exit 1
  fi
  echo "==> 安装系统软件包：$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或更新版本（当前：$("$PYTHON" --version 2>&1)）。可用 PYTHON=/path/to/python3.11 指定。" >&2
  exit 1
fi
py_version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -n "$OFFLINE" ] && [ "$py_version" != "$(bundle_field python)" ]; then
  echo "离线包中的 Python 软件包是为 Python $(bundle_field python) 准备的，本机的 $PYTHON 是 $py_version。" >&2
  echo "请用 Debian 12 自带的 Python 3.11（PYTHON=/usr/bin/python3.11 scripts/setup.sh --offline …）。" >&2
  exit 1
elif [ "$py_version" != 3.11 ]; then
  echo "注意：requirements/*.lock 按 CPython 3.11 锁定，本机是 $py_version；如安装失败，请用 PYTHON=/path/to/python3.11 指定。" >&2
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi

LOCK="requirements/run.lock"
[ "$WITH_TEST" = 1 ] && LOCK="requirements/test.lock"
if [ ! -f "$LOCK" ]; then
  echo "缺少 $LOCK（锁定的 Python 依赖）。请从 git 恢复它（git checkout -- $LOCK），或在联网机器上运行 make lock。" >&2
  exit 1
fi
# Reinstall when the lock or pyproject.toml changed since the last install into this .venv.
stamp=".venv/.installed-$(basename "$LOCK")"
want="$(cat "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
  if [ -n "$OFFLINE" ]; then
    echo "==> 从离线包安装 Python 依赖（$LOCK，不联网）"
    # Every pinned version must be in the bundle: say which are not, rather than pip's "no matching distribution".
    if ! .venv/bin/python - "$LOCK" "$OFFLINE/wheels" <<'PY'
import pathlib, re, sys
norm = lambda s: re.sub(r"[-_.]+", "-", s).lower()
pins = dict(m.groups() for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", pathlib.Path(sys.argv[1]).read_text(), re.M))
have = {(norm(w.name.split("-")[0]), w.name.split("-")[1]) for w in pathlib.Path(sys.argv[2]).glob("*.whl")}
lost = [f"{n}=={v}" for n, v in pins.items() if (norm(n), v) not in have]
if lost:
    print(f"离线包缺少本项目 {sys.argv[1]} 锁定的 {len(lost)} 个软件包：" + "，".join(lost[:8]) + ("…" if len(lost) > 8 else ""), file=sys.stderr)
    print("离线包与本项目不是同一版本。请使用离线包中 briefing/ 文件夹里的项目，或在联网机器上对本版本重新运行 make bundle。", file=sys.stderr)
    sys.exit(1)
PY
    then exit 1; fi
    pip+=(--no-index --find-links "$OFFLINE/wheels")
  else
    echo "==> 安装 Python 依赖（$LOCK 中锁定的版本）"
  fi
  # Bytecode: compiled afterwards on every core (pip compiles one file at a time: 2-3x slower here). Compiled
  # now, not at first import, so that users who cannot write into .venv do not recompile on every run.
  # --no-deps: the lock already pins every package a pinned package needs (uv resolved them). Without it pip
  # resolves again, and pip 23 (Debian's python3.11 venv) then refuses a pinned package that another one asks
  # for with extras ("fonttools[woff]") as soon as a newer release exists on the index. `pip check` below
  # proves that nothing is missing.
  "${pip[@]}" --no-deps --no-compile --require-hashes -r "$LOCK"
  if ! check="$(.venv/bin/python -m pip check --disable-pip-version-check 2>&1)"; then
    printf '锁定文件 %s 不完整，已安装的软件包缺少依赖：\n%s\n请在联网机器上运行 make lock 更新锁定文件。\n' "$LOCK" "$check" >&2
    exit 1
  fi
  .venv/bin/python -m compileall -qq -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true
  # The project itself: its dependencies are all in the lock; setuptools and wheel too (no build isolation, so no download).
  "${pip[@]}" --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
echo "==> 环境就绪：$(.venv/bin/python --version)，briefing $(.venv/bin/python -c 'import briefing; print(briefing.__version__)')"
