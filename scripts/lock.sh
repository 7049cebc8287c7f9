#!/usr/bin/env bash
# Refresh requirements/*.lock from pyproject.toml and requirements/build.in: every Python package with its
# exact version and sha256 hashes, resolved for CPython 3.11 on Linux x86_64 (glibc 2.28 or newer, so
# Debian 11+ and Ubuntu 20.04+ get wheels). Needs network (PyPI, or the index in UV_DEFAULT_INDEX).
#
#   make lock              # add what pyproject.toml gained, keep every other pin
#   make lock UPGRADE=1    # move every package to the newest version pyproject.toml allows
#
# test.lock (rendering + the test, dask and bench extras) is compiled first; run.lock (rendering) is
# compiled with test.lock as constraints, so the two pin every shared package to the same version.
# Review with `git diff requirements/`, then run `make test` before committing.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.8
uv_dir=".venv/.tools/uv-$UV_VERSION"
uv="$uv_dir/bin/uv"
if [ ! -x "$uv" ]; then
  py=python3
  [ -x .venv/bin/python ] && py=.venv/bin/python
  echo "==> 安装 uv $UV_VERSION（只用于生成锁定文件，放在 $uv_dir，不进入项目环境）"
  "$py" -m pip install -q --disable-pip-version-check --target "$uv_dir" "uv==$UV_VERSION"
fi

upgrade=()
[ -n "${UPGRADE:-}" ] && upgrade=(--upgrade)
common=(--python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes
        --custom-compile-command "make lock" --quiet)

note='# For CPython 3.11 on Linux x86_64 (manylinux_2_28). Install: pip install --no-deps --require-hashes -r <this file>'

"$uv" pip compile pyproject.toml requirements/build.in --extra test --extra dask --extra bench \
  "${common[@]}" "${upgrade[@]}" -o requirements/test.lock
"$uv" pip compile pyproject.toml requirements/build.in -c requirements/test.lock \
  "${common[@]}" "${upgrade[@]}" -o requirements/run.lock
for f in requirements/test.lock requirements/run.lock; do
  grep -qF "$note" "$f" || sed -i "2a $note" "$f"
done
echo "==> requirements/run.lock：$(grep -c '^[a-z0-9].*==' requirements/run.lock) 个软件包；requirements/test.lock：$(grep -c '^[a-z0-9].*==' requirements/test.lock) 个"
echo "    用 git diff requirements/ 检查改动，运行 make test 后再提交。"
