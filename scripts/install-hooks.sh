#!/usr/bin/env bash
# Optional, for developers: install a git pre-commit hook that refuses notebooks committed with outputs.
# (tests/test_notebooks.py checks the same thing in CI; the hook only says it earlier.)
#
#   scripts/install-hooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MARK="briefing: notebooks-without-outputs"
hooks="$(git rev-parse --git-path hooks)"
mkdir -p "$hooks"
target="$hooks/pre-commit"
if [ -e "$target" ] && ! grep -q "$MARK" "$target"; then
  echo "已有一个不是本项目安装的 $target，没有覆盖。请把本脚本中的检查手动并入该文件。" >&2
  exit 1
fi

cat > "$target" <<'HOOK'
#!/usr/bin/env bash
# briefing: notebooks-without-outputs (installed by scripts/install-hooks.sh; delete this file to remove it)
# Refuses a commit when a staged .ipynb still holds outputs or execution counts.
set -euo pipefail
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
CHECK='
import json, sys
name = sys.argv[1]
try:
    nb = json.load(sys.stdin)
except ValueError as exc:
    print(f"  {name}：不是有效的笔记本文件（{exc}）", file=sys.stderr)
    sys.exit(1)
bad = [str(i + 1) for i, c in enumerate(nb.get("cells", []))
       if c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
if bad:
    print(f"  {name}：第 {chr(12289).join(bad)} 个单元格带有输出", file=sys.stderr)
    sys.exit(1)
'
failed=0
while IFS= read -r -d '' file; do
  if ! git show ":$file" | "$PY" -c "$CHECK" "$file"; then failed=1; fi
done < <(git diff --cached --name-only --diff-filter=ACMR -z -- '*.ipynb')
if [ "$failed" = 1 ]; then
  cat >&2 <<'MSG'
提交被拒绝：上面的笔记本保存了运行结果（输出）。笔记本提交时不带输出，改动才能像文字一样审阅。
清除办法：在 JupyterLab 中选“编辑 → 清除所有输出”（Edit → Clear Outputs of All Cells）后保存，
或运行 .venv/bin/jupyter nbconvert --clear-output --inplace <笔记本>；然后重新 git add 再提交。
MSG
  exit 1
fi
HOOK
chmod +x "$target"
echo "已安装 pre-commit 钩子：$target（提交带输出的笔记本时会被拒绝）"
