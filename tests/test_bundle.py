"""The offline bundle (make bundle → scripts/bundle.py) and scripts/setup.sh --offline.

The slow test builds a whole bundle (project, wheels, .deb files) into a temporary folder, installs from it
inside a new network namespace (``unshare -n``: only a loopback interface, so nothing can be fetched) with
pip's configuration dropped and its index pointed at an address that cannot resolve, then renders one
region from the bundle's copy of the project. On this machine the .deb files are all installed already,
so that run does not dpkg -i them: the fast test with a stand-in dpkg checks which ones setup.sh would
install, and the bundle's .deb set is checked against apt's own answer for a minimal Debian.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "scripts" / "setup.sh"
ARTIFACTS = ROOT / "test-artifacts"


def norm(pin: str) -> str:
    name, _, version = pin.partition("==")
    return re.sub(r"[-_.]+", "-", name).lower() + "==" + version


def setup_sh(*args: str, cwd: Path = ROOT, env: dict | None = None, script: Path = SETUP):
    return subprocess.run(["bash", str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=env or os.environ.copy())


# ---- bad input: clear words, nothing touched ----------------------------------------------------------------

def test_offline_without_a_bundle_says_what_to_do(tmp_path):
    r = setup_sh("--offline", str(tmp_path / "没有这个文件夹"))
    assert r.returncode == 2 and "找不到离线包文件夹" in r.stderr and "make bundle" in r.stderr

    r = setup_sh("--offline", str(tmp_path))  # a folder, but no bundle in it
    assert r.returncode == 2 and "不是离线包" in r.stderr and "bundle.json" in r.stderr

    tar = tmp_path / "briefing-offline-0.1.0-abc1234.tar"
    tar.write_bytes(b"")
    r = setup_sh("--offline", str(tar))
    assert r.returncode == 2 and "tar -xf" in r.stderr

    r = setup_sh("--offline")
    assert r.returncode == 2 and "--offline 后面要写离线包所在的文件夹" in r.stderr

    r = setup_sh("--test", "--offline", str(tmp_path))
    assert r.returncode == 2 and "不含测试所需的软件" in r.stderr

    r = setup_sh("--tset")
    assert r.returncode == 2 and "不认识的参数：--tset" in r.stderr and "用法" in r.stderr


def make_deb(folder: Path, name: str, version: str) -> Path:
    src = folder / f"{name}-src"
    (src / "DEBIAN").mkdir(parents=True)
    (src / "DEBIAN" / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: test <t@example.invalid>\n"
        f"Description: test package\n", encoding="utf-8")
    deb = folder / f"{name}_{version}_all.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(src), str(deb)], check=True, capture_output=True)
    shutil.rmtree(src)
    return deb


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs Debian's dpkg")
def test_offline_installs_only_missing_or_older_debs_then_checks_the_wheels_against_the_lock(tmp_path):
    """A stand-in dpkg-query says which packages are installed; a stand-in dpkg records what ``dpkg -i`` gets."""
    project = tmp_path / "briefing"
    (project / "scripts").mkdir(parents=True)
    (project / "requirements").mkdir()
    shutil.copy(SETUP, project / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copy(ROOT / "requirements" / "run.lock", project / "requirements" / "run.lock")
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)

    bundle = tmp_path / "bundle"
    render = bundle / "debs" / "render"
    render.mkdir(parents=True)
    (bundle / "debs" / "python").mkdir()
    codename = next(line.split("=", 1)[1].strip().strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("VERSION_CODENAME="))
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    (bundle / "bundle.json").write_text(json.dumps({"python": "%d.%d" % sys.version_info[:2], "debian": codename,
                                                    "arch": arch}, indent=2))
    (bundle / "wheels").mkdir()
    (bundle / "wheels" / "altair-6.3.0-py3-none-any.whl").write_bytes(b"")  # one of the lock's ~130, not all

    make_deb(render, "fonts-noto-cjk", "2.0")   # missing here → installed
    make_deb(render, "libfoo1", "1.5")          # installed at 1.0 → upgraded
    make_deb(render, "libbar1", "3.0")          # installed at 3.0 → left alone
    make_deb(render, "libbaz1", "2.0")          # installed at 9.0 → left alone

    fake = tmp_path / "fakebin"
    fake.mkdir()
    record = tmp_path / "dpkg-i.txt"
    (fake / "dpkg-query").write_text(f"""#!/bin/sh
# dpkg-query -W -f=FORMAT NAME: answer from a fixed table, and from what the stand-in dpkg -i installed
for name; do :; done
case "$name" in
  libfoo1) v=1.0; grep -q libfoo1 {record} 2>/dev/null && v=1.5 ;;
  libbar1) v=3.0 ;;
  libbaz1) v=9.0 ;;
  fonts-noto-cjk) grep -q fonts-noto-cjk {record} 2>/dev/null || exit 1; v=2.0 ;;
  *) exec /usr/bin/dpkg-query "$@" ;;
esac
case "$*" in *Version*) printf 'install ok installed %s' "$v" ;; *) printf 'install ok installed' ;; esac
""")
    (fake / "dpkg").write_text(f"""#!/bin/sh
case "$1" in
  -i) shift; for f; do basename "$f"; done >> {record}; exit 0 ;;
  --configure) exit 0 ;;
esac
exec /usr/bin/dpkg "$@"
""")
    (fake / "id").write_text("#!/bin/sh\necho 0\n")  # root, whoever runs the test
    for f in fake.iterdir():
        f.chmod(0o755)

    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    r = setup_sh("--offline", str(bundle), cwd=tmp_path, env=env, script=project / "scripts" / "setup.sh")
    assert "从离线包安装系统软件包（2 个）" in r.stdout, r.stdout + r.stderr
    assert record.read_text().split() == ["fonts-noto-cjk_2.0_all.deb", "libfoo1_1.5_all.deb"]
    # Then the wheels: the bundle lacks most of the lock, and says so before pip does.
    assert r.returncode == 1
    assert "离线包缺少本项目 requirements/run.lock 锁定的" in r.stderr and "make bundle" in r.stderr, r.stderr
    assert not (project / ".venv" / ".installed-run.lock").exists()


# ---- the whole thing, as on a machine with no network ---------------------------------------------------------

def no_network() -> list[str]:
    """A command prefix that runs its command with no network: a new network namespace with loopback only."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh"]
    return []


@pytest.mark.slow
def test_bundle_installs_offline_and_renders_a_pack(tmp_path):
    timings = {}
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bundle.py"), "--out", str(tmp_path), "--no-tar"],
                       capture_output=True, text=True, timeout=1200)
    timings["make bundle (no .tar)"] = time.monotonic() - t0
    assert r.returncode == 0, r.stderr[-3000:]
    (bundle,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    meta = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))

    # Layout: the project at HEAD, a wheel for every pin of the lock, the .deb files apt named, checksums.
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert meta["commit"] == commit and bundle.name.endswith(commit[:7])
    assert (bundle / "briefing" / "scripts" / "setup.sh").is_file() and not (bundle / "briefing" / ".git").exists()
    lock = (bundle / "briefing" / "requirements" / "run.lock").read_text(encoding="utf-8")
    pins = [line.split(" ")[0] for line in lock.splitlines() if "==" in line and not line.startswith("#")]
    wheels = sorted((bundle / "wheels").glob("*.whl"))
    assert len(wheels) == len(pins) == len(list((bundle / "wheels").iterdir()))
    assert any(w.name.startswith("setuptools-") for w in wheels)  # the project itself builds offline
    for group, top in meta["deb_groups"].items():
        debs = meta["debs"][group]
        assert set(top) <= set(debs), group
        names = {subprocess.run(["dpkg-deb", "-f", str(d), "Package"], capture_output=True, text=True).stdout.strip()
                 for d in (bundle / "debs" / group).glob("*.deb")}
        assert names == set(debs), group
    assert "fonts-noto-cjk" in meta["debs"]["render"] and "libc6" not in meta["debs"]["render"]  # libc6: minimal Debian
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=bundle).returncode == 0
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    assert "scripts/setup.sh --offline .." in readme and str(tmp_path) not in readme

    # Install with no network: new namespace, no pip configuration, an index that cannot resolve.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "BRIEFING_", "VIRTUAL_ENV")) and k.lower() not in ("http_proxy", "https_proxy")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://pypi.invalid/simple", PIP_NO_CACHE_DIR="1",
               http_proxy="http://proxy.invalid:9", https_proxy="http://proxy.invalid:9")
    wrap = no_network()
    project = bundle / "briefing"
    t0 = time.monotonic()
    r = subprocess.run([*wrap, "bash", "scripts/setup.sh", "--offline", ".."], cwd=project, env=env,
                       capture_output=True, text=True, timeout=1200)
    timings["scripts/setup.sh --offline"] = time.monotonic() - t0
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert "从离线包安装 Python 依赖" in r.stdout and "环境就绪" in r.stdout
    freeze = subprocess.run([str(project / ".venv" / "bin" / "python"), "-m", "pip", "freeze", "--all",
                             "--exclude-editable"], env=env, capture_output=True, text=True).stdout.split()
    installed = {norm(p) for p in freeze if not p.lower().startswith("pip==")}
    assert installed == {norm(p) for p in pins}  # exactly the lock: nothing more, nothing less, same versions

    # Render one region from the bundle's copy of the project, still with no network.
    outputs = tmp_path / "outputs"
    env["BRIEFING_OUTPUTS"] = str(outputs)
    t0 = time.monotonic()
    r = subprocess.run([*wrap, str(project / ".venv" / "bin" / "briefing"), "render", "params/sample-annual-2025.yaml",
                        "--regions", "城关区"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    timings["briefing render (1 region)"] = time.monotonic() - t0
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    pack = outputs / "sample-annual-2025" / "城关区"
    assert (pack / "briefing.html").stat().st_size > 10_000
    assert (pack / "briefing.pdf").read_bytes()[:5] == b"%PDF-"

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bundle-timings.txt").write_text(
        f"network namespace: {'yes' if wrap else 'no (unshare -n not permitted; pip config and index only)'}\n"
        f"bundle size: {meta['total_mb']} MB {meta['sizes_mb']}\n"
        + "".join(f"{k}: {v:.1f} s\n" for k, v in timings.items()), encoding="utf-8")
    shutil.rmtree(bundle)  # ~1 GB with its .venv
