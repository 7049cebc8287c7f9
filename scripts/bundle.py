#!/usr/bin/env python3
"""Make the offline bundle: all that a Debian 12 machine with no network needs to install briefing.

    make bundle                           # → dist/briefing-offline-<version>-<commit>/ and the same as one .tar
    python3 scripts/bundle.py --no-debs   # only the project and the wheels
    python3 scripts/bundle.py --print-deb-uris   # which .deb files a bundle would carry (nothing downloaded)

What is in it (README.txt inside says, in Chinese, how to carry it in):

    briefing/      the project as committed at HEAD (``git archive``). Uncommitted changes are NOT
                   included: the bundle is one known commit, named in bundle.json. A warning lists them.
    wheels/        every wheel pinned in requirements/run.lock for CPython 3.11 on this platform, checked
                   against the lock's hashes (``pip download --require-hashes --no-deps --only-binary``),
                   setuptools and wheel included (they are in the lock) so the project installs offline.
    debs/render/   setup.sh's SYSTEM_PACKAGES and their dependencies that a minimal Debian lacks.
    debs/python/   python3 and python3-venv, likewise (installed only where Python cannot make a venv).
    bundle.json    commit, platform, Python, package lists, sizes.   SHA256SUMS: every other file.

"What a minimal Debian lacks" is apt's own answer: apt-get simulates installing the packages onto a
system that has exactly the packages of Priority: required (what debootstrap --variant=minbase and the
debian:12 container image have), using this machine's package lists; the bundle carries what it adds.

The bundle is for the platform it is made on (Debian 12 amd64, CPython 3.11): make it on such a machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = "requirements/run.lock"
PYTHON_DEBS = ["python3", "python3-venv"]


class BundleError(Exception):
    """A problem the person making the bundle can fix; the message says how (in Chinese)."""


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, text=True, **kw)


def system_packages(project: Path = ROOT) -> list[str]:
    """The Debian packages rendering needs: the SYSTEM_PACKAGES line of scripts/setup.sh (one list, one place)."""
    m = re.search(r'^SYSTEM_PACKAGES="([^"]+)"', (project / "scripts" / "setup.sh").read_text(encoding="utf-8"), re.M)
    if not m:
        raise BundleError("scripts/setup.sh 中找不到 SYSTEM_PACKAGES=\"…\" 一行。")
    return m.group(1).split()


# ---- the project -----------------------------------------------------------------------------------------

def git(*args: str) -> str:
    return run(["git", *args], cwd=ROOT, capture_output=True).stdout.strip()


def add_project(dest: Path) -> dict:
    try:
        commit = git("rev-parse", "HEAD")
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        raise BundleError("离线包中的项目取自 git 的当前提交（git archive HEAD），但这里不是 git 仓库或没有 git。") from e
    status = run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True).stdout
    dirty = [line[3:] for line in status.splitlines() if line.strip()]
    if dirty:
        print(f"注意：以下 {len(dirty)} 个文件有未提交的改动，离线包中是它们在提交 {commit[:7]} 时的样子："
              f"{'、'.join(dirty[:10])}{'…' if len(dirty) > 10 else ''}", file=sys.stderr)
    data = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
    dest.mkdir()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return {"commit": commit, "uncommitted_changes_left_out": dirty}


# ---- the wheels ------------------------------------------------------------------------------------------

def check_platform() -> None:
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11) or platform.machine() != "x86_64" \
            or sys.platform != "linux":
        raise BundleError(
            f"{LOCK} 锁定的是 Linux x86_64 上 CPython 3.11 的软件包；离线包要在这样的机器上制作"
            f"（当前：{platform.python_implementation()} {platform.python_version()}，{sys.platform} {platform.machine()}）。"
            " 请用 .venv/bin/python scripts/bundle.py 或 make bundle。")


def add_wheels(dest: Path, lock: Path, quiet: bool) -> None:
    dest.mkdir()
    argv = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--require-hashes",
            "--no-deps", "--only-binary=:all:", "-r", str(lock), "-d", str(dest)]
    if quiet:
        argv.append("-q")
    try:
        run(argv)
    except subprocess.CalledProcessError as e:
        raise BundleError(f"pip download 没有下载到 {LOCK} 中的全部软件包（见上面 pip 的信息）。"
                          "请检查网络和 pip 的软件源设置；若是某个包没有 wheel，需在 make lock 时换用有 wheel 的版本。") from e
    pins = lock_pins(lock)
    names = {norm(w.name.split("-")[0]) for w in dest.glob("*.whl")}
    lost = sorted(set(pins) - names)
    if lost or len(list(dest.iterdir())) != len(pins):
        raise BundleError(f"wheels/ 与 {LOCK} 不一致：缺少 {lost}，共 {len(list(dest.iterdir()))} 个文件、{len(pins)} 个锁定的软件包。")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {norm(n): v for n, v in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", text, re.M)}


# ---- the Debian packages ---------------------------------------------------------------------------------

def apt_ready(packages: list[str]) -> None:
    """apt needs package lists; a machine whose lists were never fetched (or were deleted) has none."""
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        raise BundleError("制作离线包中的系统软件包需要 Debian 的 apt-get 和 dpkg（可加 --no-debs 只打包 Python 部分）。")
    out = run(["apt-cache", "policy", *packages], capture_output=True).stdout
    if "Candidate: (none)" in out or out.count("Candidate:") < len(packages):
        if os.geteuid() == 0:
            print("==> apt-get update（本机的软件包列表不全）", file=sys.stderr)
            run(["apt-get", "update", "-qq"])
        else:
            raise BundleError("本机的软件包列表不全，apt 找不到要打包的软件包。请让管理员运行 sudo apt-get update 后重试。")


def required_packages() -> list[str]:
    out = run(["apt-cache", "dumpavail"], capture_output=True).stdout
    names, name = set(), None
    for line in out.splitlines():
        if line.startswith("Package: "):
            name = line[9:].strip()
        elif line.startswith("Priority: required") and name:
            names.add(name)
    return sorted(names)


def simulate(packages: list[str], status: Path) -> dict[str, str]:
    """Package → version that apt would install onto a system whose dpkg status is ``status``."""
    out = run(["apt-get", "-s", "-o", f"Dir::State::status={status}", "-o", "Debug::NoLocking=1",
               "install", "--no-install-recommends", *packages], capture_output=True,
              env={**os.environ, "LC_ALL": "C"}).stdout
    return {m.group(1): m.group(2) for m in re.finditer(r"^Inst (\S+) \((\S+) ", out, re.M)}


def deb_closure(groups: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """For each group of packages: what apt adds to a minimal Debian to install them (name → version)."""
    apt_ready(sorted({p for g in groups.values() for p in g}))
    required = required_packages()
    with tempfile.TemporaryDirectory() as tmp:
        status = Path(tmp) / "status"
        status.write_text("")
        base = simulate(required, status)
        result = {}
        for group, packages in groups.items():
            full = simulate(required + packages, status)
            missing = [p for p in packages if p not in full and p not in base]
            if missing:
                raise BundleError(f"apt 在本机的软件包列表中找不到：{' '.join(missing)}。")
            result[group] = {n: v for n, v in sorted(full.items()) if n not in base}
    return result


def deb_uris(packages: dict[str, str]) -> list[str]:
    out = run(["apt-get", "download", "--print-uris", *[f"{n}={v}" for n, v in packages.items()]],
              capture_output=True).stdout
    return [line.split()[0].strip("'") for line in out.splitlines() if line.startswith("'")]


def add_debs(dest: Path, packages: dict[str, str]) -> None:
    dest.mkdir(parents=True)
    argv = ["apt-get", "download", "-qq"]
    if os.geteuid() == 0:  # apt drops to the _apt user, who may not be able to write into dest
        argv += ["-o", "APT::Sandbox::User=root"]
    try:
        run([*argv, *[f"{n}={v}" for n, v in packages.items()]], cwd=dest)
    except subprocess.CalledProcessError as e:
        raise BundleError("apt-get download 失败（见上面的信息）。请检查网络和 Debian 软件源，"
                          "必要时先运行 apt-get update。") from e
    got = {run(["dpkg-deb", "-f", str(d), "Package"], capture_output=True).stdout.strip() for d in dest.glob("*.deb")}
    if got != set(packages):
        raise BundleError(f"下载的 .deb 与应下载的不一致：缺少 {sorted(set(packages) - got)}。")
    (dest / "packages.txt").write_text("".join(f"{n}={v}\n" for n, v in packages.items()), encoding="utf-8")


def os_release() -> dict[str, str]:
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return {}
    return {k: v.strip('"') for k, v in re.findall(r"^(\w+)=(.*)$", text, re.M)}


# ---- the whole -------------------------------------------------------------------------------------------

def megabytes(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def sha256sums(folder: Path) -> str:
    lines = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        h = hashlib.sha256()
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        lines.append(f"{h.hexdigest()}  {f.relative_to(folder).as_posix()}\n")
    return "".join(lines)


README = """\
briefing 离线安装包（内网机器用）
==================================

版本 {version}，提交 {short}，制作于 {created}。
适用于：Debian {debian_version}（{debian}）{arch}，Python {python}。

内容
  briefing/       项目（提交 {short} 的全部文件）
  wheels/         Python 软件包 {n_wheels} 个（{wheels_mb} MB），与 briefing/{lock} 逐个核对哈希
  debs/render/    中文字体和 PDF 排版所需的系统软件包及其依赖 {n_render} 个（{render_mb} MB）
  debs/python/    python3 与 python3-venv 及其依赖 {n_python} 个（{python_mb} MB；本机没有 Python 3.11 或不能建虚拟环境时才装）
  SHA256SUMS      全部文件的校验和；bundle.json 制作记录

带进内网
  1. 把 {name}.tar（一个文件，约 {total_mb} MB）拷到 U 盘（FAT32 也可：单个文件不到 4 GB）。
  2. 在内网机器上解开到任一文件夹，例如：
       tar -xf /media/U盘/{name}.tar -C /opt
  3. 核对文件完好（可选）：
       cd /opt/{name} && sha256sum -c --quiet SHA256SUMS
  4. 安装（root，或能 sudo 的用户；不联网）：
       cd /opt/{name}/briefing
       scripts/setup.sh --offline ..
     只用 dpkg -i 安装本机缺少（或版本较旧）的系统软件包，再把 Python 软件包装进 briefing/.venv
     （pip --no-index，只从 wheels/ 取，逐个核对哈希），最后安装项目本身。
     最好由以后生成简报的用户本人运行（系统软件包经 sudo 安装）；若由 root 运行，
     之后把文件夹交给该用户：chown -R 用户名: /opt/{name}
  5. 生成示例会议的简报：
       .venv/bin/briefing render params/sample-annual-2025.yaml
     结果在 briefing/outputs/ 中。自己的数据放在 briefing/data/，会议文件放在 briefing/params/。

出错时
  - "不是离线包"：--offline 后面要写本文件夹（含 bundle.json 和 wheels/ 的那一层）。
  - 系统版本不符：离线包中的 .deb 只适用于 Debian {debian}。请在同版本的联网 Debian 上重新运行 make bundle。
  - 更新项目：在联网机器上取新版本，重新运行 make bundle，整个换掉本文件夹（.venv 会重新安装）。
"""


def build(out: Path, *, debs: bool, tar: bool, quiet: bool) -> Path:
    check_platform()
    started = time.monotonic()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    short = git("rev-parse", "--short=7", "HEAD")
    name = f"briefing-offline-{version}-{short}"
    out.mkdir(parents=True, exist_ok=True)
    final = out / name
    stage = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out))
    stage.chmod(0o755)  # mkdtemp makes it 0700; the bundle is read by whoever installs and runs it
    try:
        meta = {"name": name, "version": version}
        print(f"==> 项目（git archive HEAD）→ {name}/briefing/", file=sys.stderr)
        meta.update(add_project(stage / "briefing"))
        osr = os_release()
        arch = run(["dpkg", "--print-architecture"], capture_output=True).stdout.strip() if shutil.which("dpkg") else "?"
        # The lock and the package list of the commit in the bundle, whatever the working tree says.
        lock = stage / "briefing" / LOCK
        groups = {"render": system_packages(stage / "briefing"), "python": PYTHON_DEBS}
        meta.update({
            "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "python": "%d.%d" % sys.version_info[:2], "platform": "linux_x86_64", "lock": LOCK,
            "lock_sha256": hashlib.sha256(lock.read_bytes()).hexdigest(),
            "debian": osr.get("VERSION_CODENAME", "?"), "debian_version": osr.get("VERSION_ID", "?"), "arch": arch,
            "deb_groups": groups,
        })

        def fetch_debs() -> dict[str, dict[str, str]]:
            closure = deb_closure(groups)
            for group, packages in closure.items():
                print(f"==> 系统软件包（{' '.join(groups[group])} 及最小 Debian 上没有的依赖，共 {len(packages)} 个）"
                      f"→ debs/{group}/", file=sys.stderr)
                add_debs(stage / "debs" / group, packages)
            return closure

        # apt (resolving, downloading) and pip (downloading) wait on different things: run them side by side.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            deb_job = pool.submit(fetch_debs) if debs else None
            print(f"==> Python 软件包（{LOCK}）→ wheels/", file=sys.stderr)
            add_wheels(stage / "wheels", lock, quiet)
            meta["debs"] = deb_job.result() if deb_job else None
        sizes = {"project": megabytes(stage / "briefing"), "wheels": megabytes(stage / "wheels")}
        for group in groups:
            sizes[f"debs/{group}"] = megabytes(stage / "debs" / group) if debs else 0.0
        meta["sizes_mb"] = sizes
        meta["total_mb"] = round(sum(sizes.values()), 1)
        (stage / "bundle.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        count = lambda g: len(meta["debs"][g]) if debs else 0  # noqa: E731
        (stage / "README.txt").write_text(README.format(
            short=short, n_wheels=len(list((stage / "wheels").glob("*.whl"))), wheels_mb=sizes["wheels"],
            n_render=count("render"), render_mb=sizes["debs/render"], n_python=count("python"),
            python_mb=sizes["debs/python"], **{k: v for k, v in meta.items() if isinstance(v, (str, int, float))}),
            encoding="utf-8")
        (stage / "SHA256SUMS").write_text(sha256sums(stage), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        stage.rename(final)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if tar:
        archive = out / f"{name}.tar"
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as t:
            t.add(final, arcname=name)
        partial.replace(archive)
        print(f"==> {archive}（{archive.stat().st_size / 1e6:.1f} MB）", file=sys.stderr)
    print(f"==> 离线包：{final}（用时 {time.monotonic() - started:.0f} 秒；{meta['total_mb']} MB：项目 {sizes['project']}，wheels {sizes['wheels']}，"
          f"debs/render {sizes['debs/render']}，debs/python {sizes['debs/python']}）", file=sys.stderr)
    print(f"    带进内网后：cd {name}/briefing && scripts/setup.sh --offline ..（见 {name}/README.txt）", file=sys.stderr)
    return final


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Make the offline bundle (see the module docstring).")
    ap.add_argument("--out", default="dist", help="folder for the bundle (default: dist/ in the project)")
    ap.add_argument("--no-debs", action="store_true", help="leave out the Debian packages")
    ap.add_argument("--no-tar", action="store_true", help="only the folder, no .tar of it")
    ap.add_argument("--print-deb-uris", action="store_true",
                    help="print the .deb files the bundle would carry (URL and size) and stop; downloads nothing")
    ap.add_argument("--verbose", action="store_true", help="show pip's progress")
    args = ap.parse_args(argv)
    try:
        if args.print_deb_uris:
            closure = deb_closure({"render": system_packages(), "python": PYTHON_DEBS})
            for group, packages in closure.items():
                for uri in deb_uris(packages):
                    print(f"{group}\t{uri}")
            return 0
        out = Path(args.out)
        build(out if out.is_absolute() else Path.cwd() / out, debs=not args.no_debs, tar=not args.no_tar,
              quiet=not args.verbose)
    except BundleError as e:
        print(f"没有生成离线包：{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
