"""Theme notebooks: the static check, the scaffold, the theme sections, and every notebook run for sample regions."""

from __future__ import annotations

import doctest
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest

import briefing
from briefing import config, themes
from briefing.present import sections
from briefing.cli import main
from briefing.errors import BriefingError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# One of each kind: the city (no siblings), a 区, an 产业工会.
SAMPLE_REGIONS = ["示例市", "城关区", "市卫生工会"]

PARAMS = '''region: str = "城关区"  # 地区
year: int = 2025  # 年度
meeting: str = "测试会议"  # 会议名称
meeting_date: str = "2026-01-20"  # 会议日期
as_of: str = ""  # 截止日期
data_dir: str = "data/sample"  # 数据目录'''
OPEN = "import briefing\n\npack = briefing.open_pack(briefing.read_parameters(globals()))"


def theme(params: str = PARAMS, *cells: str) -> nbformat.NotebookNode:
    """A small theme notebook: a title cell, the parameters cell, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("<!-- 主题：测试。 -->"),
                nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in (cells or (OPEN, "briefing.show_cover(pack)"))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


def errors(nb) -> list[str]:
    return [p.text() for p in themes.check_notebook(nb)[0] if p.level == "error"]


# ---------------------------------------------------------------- static check

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_theme_passes_the_static_check(path):
    problems, defaults = themes.check_notebook(nbformat.read(path, as_version=4))
    assert [p.text() for p in problems] == []
    assert set(defaults) == set(briefing.params.PARAM_NAMES)


def test_a_good_theme_has_no_problems_and_gives_its_defaults():
    problems, defaults = themes.check_notebook(theme())
    assert problems == [] and defaults["region"] == "城关区" and defaults["year"] == 2025


def test_a_misspelt_parameter_is_an_error_that_suggests_the_right_name():
    found = errors(theme(PARAMS.replace("region:", "regoin:")))
    assert found[0].startswith("第 2 个单元格第 1 行：“regoin”不是已知参数。是否想写 region？")
    assert any("缺少 region" in e for e in found)


@pytest.mark.parametrize("line, expected", [
    ('year: str = "2025"  # 年度', "参数 year 的类型应为 int，现为 str"),
    ('year: int = "2025"  # 年度', "参数 year 的默认值应为整数（不加引号）"),
    ("year = 2025  # 年度", "参数 year 缺少类型标注"),
    ("year: int = 2025", "缺少说明注释"),
    ("year: int = 2000 + 25  # 年度", "应是一个固定的值"),
])
def test_type_hints_values_and_comments_of_the_parameters_cell(line, expected):
    params = PARAMS.replace("year: int = 2025  # 年度", line)
    found = errors(theme(params))
    assert any(expected in e and e.startswith("第 2 个单元格第 2 行") for e in found), found


def test_defaults_must_parse_as_pack_parameters():
    found = errors(theme(PARAMS.replace('as_of: str = ""', 'as_of: str = "2025-13-01"')))
    assert found == ["第 2 个单元格：参数默认值有误：参数 as_of（数据截止日期，YYYY-MM-DD；留空表示全年（12月31日））"
                     "“2025-13-01”不是有效日期，请写成 YYYY-MM-DD，如 2026-06-30。"]


def test_a_missing_or_duplicated_parameter_and_extra_code_are_errors():
    found = errors(theme(PARAMS.replace('as_of: str = ""  # 截止日期\n', "") + '\nregion: str = "x"  # 又一次\nprint(1)'))
    assert any("参数 region 写了两次" in e for e in found)
    assert any("每行只能写一个参数" in e for e in found)
    assert any("缺少 as_of" in e for e in found)


def test_the_parameters_cell_must_exist_once_and_be_read():
    nb = theme()
    nb.cells[1].metadata["tags"] = []
    assert "没有参数单元格" in errors(nb)[0]
    nb = theme(PARAMS, "import briefing\npack = briefing.open_pack({'region': region, 'year': year})")
    assert any("没有调用 briefing.read_parameters(globals())" in e for e in errors(nb))


def test_unknown_briefing_functions_and_syntax_errors_name_their_cell():
    nb = theme(PARAMS, OPEN, "briefing.show_narative(pack)", "briefing.show_table(pack",
               "import pandas\npandas.DataFrame()")
    problems = themes.check_notebook(nb)[0]
    texts = [p.text() for p in problems]
    assert "第 4 个单元格第 1 行：briefing 中没有 show_narative。是否想写 show_narrative？" in texts[0]
    assert texts[1].startswith("第 5 个单元格第 1 行：语法错误")
    assert problems[2].level == "warning" and "第 6 个单元格" in texts[2]


def test_saved_outputs_are_a_warning():
    nb = theme()
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="x")]
    problems = themes.check_notebook(nb)[0]
    assert [p.level for p in problems] == ["warning"] and "清除所有输出" in problems[0].message


def test_check_cli_stops_on_a_misspelt_parameter_without_running(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    nbformat.write(theme(PARAMS.replace("year:", "yaer:")), path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "“yaer”不是已知参数。是否想写 year？" in out and "未运行" in out


def test_check_refuses_an_ipynb_out_of_step_with_its_py(project, capsys, monkeypatch):
    monkeypatch.chdir(project)   # a command line's relative paths are taken from the current folder
    text = project / "notebooks/annual_plenary.py"
    text.write_text(text.read_text(encoding="utf-8").replace("briefing.show_problems(pack)", "briefing.show_table(pack)"),
                    encoding="utf-8")
    assert main(["check", "notebooks/annual_plenary.ipynb"]) == 1
    assert "notebooks/annual_plenary.ipynb 与配对的 notebooks/annual_plenary.py 内容不一致" in capsys.readouterr().out


def test_pre_commit_hook_refuses_notebooks_with_outputs(tmp_path):
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts/install-hooks.sh", repo / "scripts/install-hooks.sh")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["bash", str(repo / "scripts/install-hooks.sh")], cwd=repo, check=True, capture_output=True)
    nb = theme()
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="x")]
    nbformat.write(nb, repo / "带 空格.ipynb")
    subprocess.run(git + ["add", "-A"], check=True)
    refused = subprocess.run(git + ["commit", "-qm", "x"], capture_output=True, text=True)
    assert refused.returncode != 0 and "带 空格.ipynb：第 3 个单元格带有输出" in refused.stderr
    nbformat.write(theme(), repo / "带 空格.ipynb")
    subprocess.run(git + ["add", "-A"], check=True)
    assert subprocess.run(git + ["commit", "-qm", "x"], capture_output=True).returncode == 0


# ---------------------------------------------------------------- failure reports

def test_a_failure_is_located_in_the_theme_cell_numbering():
    nb = theme(PARAMS, OPEN, "briefing.show_problems(pak)")
    executed = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    injected = nbformat.v4.new_code_cell('region = "新华区"', metadata={"tags": ["injected-parameters"]})
    banner = nbformat.v4.new_markdown_cell("出错了", metadata={"tags": ["papermill-error-cell-tag"]})
    executed.cells[0:0] = [banner]
    executed.cells.insert(3, injected)
    executed.cells.insert(5, banner)
    executed.cells[6].outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'pak' is not defined",
                                                        traceback=[])]
    assert themes.locate_failure(executed) == (4, "briefing.show_problems(pak)", "NameError",
                                               "name 'pak' is not defined")


def test_messages_explain_without_a_traceback():
    run = themes.RegionRun("新华区", False, cell=4, first_line="briefing.show_problems(pak)",
                           error=themes.explain("NameError", "name 'pak' is not defined"))
    assert run.describe() == ("新华区：第 4 个单元格出错\n    单元格第一行：briefing.show_problems(pak)\n"
                              "    原因：用到了没有定义的名称，多半是拼写错误（NameError: name 'pak' is not defined）")
    assert themes.explain("Weird", "\x1b[31mred\x1b[0m") == "Weird: red"


# ---------------------------------------------------------------- new theme

@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project's notebooks and meeting files in a temporary root."""
    root = tmp_path / "proj"
    for folder in ("notebooks", "params", "data"):
        (root / folder).mkdir(parents=True)
    for path in (p for p in (ROOT / "notebooks").glob("*.*") if p.is_file()):   # not Lab's .ipynb_checkpoints
        shutil.copy(path, root / "notebooks" / path.name)
    for path in (ROOT / "params").glob("*.yaml"):
        shutil.copy(path, root / "params" / path.name)
    monkeypatch.setenv("BRIEFING_ROOT", str(root))
    return root


def test_new_theme_copies_a_paired_notebook_and_its_meeting_file(project):
    created = themes.new_theme("topic_organising", "midyear_standing", "建会入会专题会议")
    assert created == ["notebooks/topic_organising.py", "notebooks/topic_organising.ipynb",
                       "params/topic_organising.yaml"]
    nb = nbformat.read(project / "notebooks/topic_organising.ipynb", as_version=4)
    py = jupytext.read(project / "notebooks/topic_organising.py")
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in py.cells]
    assert "主题：建会入会专题会议（复制自 midyear_standing）。" in nb.cells[0].source
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent" and nb.metadata["kernelspec"]["name"] == "python3"
    assert themes.check_notebook(nb)[0] == []
    meeting = briefing.load_meeting("params/topic_organising.yaml")
    assert meeting.notebook == "notebooks/topic_organising.ipynb" and meeting.as_of == "2026-06-30"
    text = (project / "params/topic_organising.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ("# 建会入会专题会议：复制自 params/sample-midyear-2026.yaml。"
                                    "运行：briefing render params/topic_organising.yaml")
    assert meeting.name == "建会入会专题会议" and "sample-midyear-2026.yaml" not in text.split("\n", 1)[1]
    src = (project / "notebooks/midyear_standing.py").read_text(encoding="utf-8")
    assert src == (ROOT / "notebooks/midyear_standing.py").read_text(encoding="utf-8")  # the source is untouched


def test_new_theme_refuses_to_overwrite(project):
    (project / "params/mine.yaml").write_text("keep: me\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="params/mine.yaml 已存在，没有做任何修改"):
        themes.new_theme("mine", "annual_plenary")
    assert not (project / "notebooks/mine.py").exists()
    assert (project / "params/mine.yaml").read_text(encoding="utf-8") == "keep: me\n"


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden", "-x", "con", "名 字", "a" * 61, "x;rm"])
def test_new_theme_names_must_be_safe_file_names(project, name):
    before = sorted(project.rglob("*"))
    with pytest.raises(ParameterError, match="不能用作文件名"):
        themes.new_theme(name, "annual_plenary")
    assert sorted(project.rglob("*")) == before and not list(project.parent.rglob("evil*"))


def test_new_theme_from_an_unknown_theme_lists_the_themes(project):
    with pytest.raises(ParameterError, match="找不到主题“nope”。现有主题：annual_plenary、"):
        themes.new_theme("x", "nope")


def test_new_theme_without_a_meeting_file_writes_one_from_the_defaults(project):
    for path in (project / "params").glob("*.yaml"):
        path.unlink()
    themes.new_theme("专题-建会入会", "notebooks/topic_warmth.ipynb")
    meeting = briefing.load_meeting("params/专题-建会入会.yaml")
    assert (meeting.notebook, meeting.year, meeting.name) == ("notebooks/专题-建会入会.ipynb", 2025,
                                                              "示例市总工会帮扶与送温暖工作专题会议")


def test_new_theme_command_line(project, capsys):
    assert main(["new-theme", "t1", "--from", "annual_plenary"]) == 0
    assert "briefing check notebooks/t1.ipynb" in capsys.readouterr().out
    assert main(["new-theme", "t1", "--from", "annual_plenary"]) == 2
    assert "已存在" in capsys.readouterr().err


# ---------------------------------------------------------------- JupyterLab

def test_lab_uses_this_environments_kernel_and_no_network(monkeypatch):
    argv, env = themes.lab_command(port=8899, open_browser=False)
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={config.project_root()}" in argv and "--no-browser" in argv
    assert "--LabApp.news_url=None" in argv and any("NeverCheckForUpdate" in a for a in argv)
    for key in ("JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH", "BRIEFING_ROOT"):
        monkeypatch.setenv(key, env[key])
    from jupyter_client.kernelspec import KernelSpecManager
    spec_dir = Path(KernelSpecManager().find_kernel_specs()["python3"]).resolve()
    assert spec_dir.is_relative_to(Path(sys.prefix).resolve()), spec_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        return [a for a in Path(f"/proc/{pid}/cmdline").read_text().split("\0") if a]
    except OSError:
        return []


@pytest.mark.slow
def test_lab_starts_offline_with_the_project_kernel(tmp_path):
    port = _free_port()
    argv, env = themes.lab_command(port=port, open_browser=False)
    env.update(JUPYTER_TOKEN="briefing-test", JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path))
    proc = subprocess.Popen(argv + ["--ServerApp.ip=127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                specs = json.load(urllib.request.urlopen(f"{base}/api/kernelspecs?token=briefing-test", timeout=2))
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start")
        assert specs["default"] == "python3" and "python3" in specs["kernelspecs"]
        page = urllib.request.urlopen(f"{base}/lab/tree/notebooks?token=briefing-test", timeout=10).read().decode()
        assert '"news": {"disabled": true}' in page.replace('"news":{"disabled":true}', '"news": {"disabled": true}')
        start = urllib.request.Request(f"{base}/api/kernels", data=b'{"name": "python3"}', method="POST",
                                       headers={"Authorization": "token briefing-test"})
        kernel_id = json.load(urllib.request.urlopen(start, timeout=60))["id"]
        if Path("/proc").is_dir():  # the kernel Lab started runs on this environment's Python
            kernels = [_cmdline(pid) for pid in _children(proc.pid)]
            kernels = [c for c in kernels if kernel_id in " ".join(c) or "ipykernel_launcher" in c]
            assert kernels and all(Path(c[0]).resolve() == Path(sys.executable).resolve() for c in kernels), kernels
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------- sections on a tiny data set

@pytest.fixture
def mid(tiny):
    return briefing.open_pack({"region": "东区", "year": 2025, "as_of": "2025-06-30", "data_dir": str(tiny)})


def test_remaining_work_and_the_pace_it_needs(mid):
    before = mid.region_metrics.copy()
    rest = sections.remaining_work(mid.region_metrics, mid.as_of).set_index("indicator")
    pd.testing.assert_frame_equal(mid.region_metrics, before)  # inputs unchanged
    row = rest.loc["new_unions"]  # 6 of 10 by 30 June (half the year): 4 to go in the other half
    assert row["remaining"] == 4 and row["status"] == "进度超前"   # 60.0% at 50.0%: the word of the pacing table too
    assert row["speed_ratio"] == pytest.approx(4 / 6)
    html = briefing.show_remaining(mid).markup
    assert "截至6月30日，时间进度为50.0%，距年底还有6个月。" in html
    assert "下半年，全区还需完成1项年度目标任务的剩余部分，各项尚需完成的数量见下表。" in html
    assert "<td>新建基层工会</td><td>进度超前</td><td>10家</td><td>6家</td><td>60.0%</td><td>4家</td>" in html
    assert "为上半年的0.7倍" in html


def test_remaining_work_statuses():
    base = {"unit": "家", "decimals": 0, "kind": "flow", "direction": "higher", "target_type": "absolute",
            "completion": float("nan"), "theme_order": 0, "order": 0, "pace": ""}
    rows = pd.DataFrame([   # the states come from compute (``STATUS``); remaining_work adds what is left
        {**base, "indicator": "a", "name": "甲", "target": 10.0, "value": 12.0, "met": True, "gap": 0.0,
         "status": "超额完成"},
        {**base, "indicator": "b", "name": "乙", "target": 10.0, "value": 4.0, "met": False, "gap": 6.0, "pace": "滞后",
         "status": "进度滞后"},
        {**base, "indicator": "c", "name": "丙", "unit": "%", "decimals": 1, "kind": "rate", "target_type": "threshold",
         "target": 95.0, "value": 93.5, "met": False, "gap": 1.5, "status": "尚未达标"},
        {**base, "indicator": "d", "name": "丁", "direction": "lower", "target": 5.0, "value": 7.0, "met": False,
         "gap": 2.0, "status": "超出控制目标"},
        {**base, "indicator": "e", "name": "戊", "target": 5.0, "value": float("nan"), "met": pd.NA, "gap": float("nan"),
         "status": ""},
    ])
    mid_year = sections.remaining_work(rows, pd.Timestamp("2025-06-30")).set_index("indicator")
    assert mid_year["status"].to_dict() == {"a": "超额完成", "b": "进度滞后", "c": "尚未达标", "d": "超出控制目标",
                                            "e": "无数据"}
    assert mid_year.loc["b", "remaining"] == 6 and mid_year.loc["b", "speed_ratio"] == pytest.approx(1.5)
    assert mid_year.loc["c", "remaining"] == 1.5 and mid_year.loc["d", "remaining"] == 2
    year_end = sections.remaining_work(rows, pd.Timestamp("2025-12-31")).set_index("indicator")
    assert pd.isna(year_end.loc["b", "speed_ratio"])
    text = sections._remaining_sentences(mid_year.reset_index(), "全区", "上半年", "下半年")
    assert text == ["下半年，全区还需完成1项年度目标任务的剩余部分，各项尚需完成的数量见下表。",
                    "其中，乙进度滞后，下半年的推进速度需达到上半年的1.5倍，工作进度有待进一步加快。",
                    "丙为93.5%，距“95%以上”的目标还差1.5个百分点。以上指标年底前要达到目标要求。",
                    "丁为7家，超出控制目标2家，需加强源头治理。",
                    "甲已提前完成全年目标任务，要巩固成果、持续推进。"]


def test_pacing_table_at_mid_year_and_a_plain_note_at_year_end(mid, tiny):
    html = briefing.show_pacing(mid).markup
    assert "截至6月30日，时间进度为50.0%。按时间进度衡量的1项年度累计指标中，1项进度正常（其中1项进度超前），0项进度滞后。实现了“时间过半、任务过半”。" in html
    assert "<td>新建基层工会</td><td>进度超前</td><td>10家</td><td>6家</td><td>60.0%</td><td>50.0%</td><td>+10.0个百分点</td>" in html
    full = briefing.open_pack({"region": "东区", "year": 2025, "data_dir": str(tiny)})
    assert "不按时间进度衡量" in briefing.show_pacing(full).markup


def test_next_year_tasks_speak_by_issuer(tiny):
    pack = briefing.open_pack({"region": "东区", "year": 2024, "data_dir": str(tiny)})
    assert briefing.show_next_year_tasks(pack).markup == (
        '<div class="narrative"><p>2025年，市总下达全区的主要目标任务是：新建基层工会10家（2024年为10家）；'
        "入会率达到95%以上（2024年为90.0%）。</p></div>")
    later = briefing.open_pack({"region": "东区", "year": 2025, "data_dir": str(tiny)})
    assert "2026年目标尚未下达" in briefing.show_next_year_tasks(later).markup


def test_topic_sections_and_an_unknown_topic(tiny):
    pack = briefing.open_pack({"region": "西县", "year": 2025, "data_dir": str(tiny)})
    assert set(briefing.topic_metrics(pack, "组织建设")["theme"]) == {"组织建设"}
    assert briefing.topic_indicators(pack, "组织建设") == ["new_unions", "membership_rate", "members"]
    overview = briefing.show_topic_overview(pack, "组织建设").markup
    assert "全县新建基层工会3家" in overview and "从同级比较看，新建基层工会和会员总数均居全市第3位" in overview
    table = briefing.show_topic_table(pack, "组织建设").markup
    assert "<th>2024年</th><th>2025年</th>" in table and "<td>入会率</td><td>%</td><td>80.0</td><td>90.0</td>" in table
    with pytest.raises(BriefingError, match="专题“帮扶”不是指标目录.*可用的主题：组织建设、维权与集体协商、帮扶与送温暖"):
        briefing.show_topic_overview(pack, "帮扶")


def test_period_words():
    assert sections.period_words(pd.Timestamp("2026-03-31")) == ("1—3月", "4—12月")
    assert sections.period_words(pd.Timestamp("2026-11-30")) == ("1—11月", "12月")
    assert sections.period_words(pd.Timestamp("2026-06-15")) == ("1月1日至6月15日", "年底前")


def test_text_is_escaped(tiny):
    catalog = tiny / "indicators.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("新建基层工会", "<b>新建</b>"), encoding="utf-8")
    pack = briefing.open_pack({"region": "东区", "year": 2025, "as_of": "2025-06-30", "data_dir": str(tiny)})
    for block in (briefing.show_pacing(pack), briefing.show_remaining(pack), briefing.show_topic_table(pack, "组织建设")):
        assert "<b>" not in block.markup and "&lt;b&gt;新建&lt;/b&gt;" in block.markup


@pytest.mark.parametrize("module", [sections, themes], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# ---------------------------------------------------------------- every theme runs (slow)

@pytest.fixture
def check_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_OUTPUTS", str(tmp_path / "outputs"))
    return tmp_path / "outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_theme_runs_for_sample_regions(path, check_outputs):
    lines = []
    result = themes.check_theme(path, SAMPLE_REGIONS, workers=2, echo=lines.append)
    assert result.ok, "\n".join(lines)
    assert [r.region for r in result.runs] == SAMPLE_REGIONS


@pytest.mark.slow
def test_check_names_the_region_the_cell_and_the_reason(tmp_path, check_outputs, capsys):
    nb = nbformat.read(ROOT / "notebooks/annual_plenary.ipynb", as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.source == "briefing.show_problems(pack)")
    nb.cells[index].source = 'assert pack.region_name != "城关区", "城关区的数据不对"\nbriefing.show_problems(pack)'
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    assert main(["check", str(path), "--regions", "城关区,示例市", "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert "✓ 示例市：通过" in out
    assert (f"✗ 城关区：第 {index + 1} 个单元格出错\n"
            '    单元格第一行：assert pack.region_name != "城关区", "城关区的数据不对"\n'
            "    原因：AssertionError: 城关区的数据不对") in out
    assert "Traceback" not in out and "结果：1 个地区通过，1 个地区失败：城关区。" in out
    kept = check_outputs / "_check" / "broken" / "城关区.ipynb"
    assert kept.is_file() and not (check_outputs / "_check" / "broken" / "示例市.ipynb").exists()


@pytest.mark.slow
def test_mid_year_theme_shows_pacing_and_remaining_work_as_svg_charts(tmp_path):
    import papermill as pm
    out = tmp_path / "mid.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks/midyear_standing.ipynb"), str(out), parameters={"region": "城关区"},
                        progress_bar=False, cwd=str(ROOT), kernel_name="python3")
    nb = nbformat.read(out, as_version=4)
    mimes = [set(o.get("data", {})) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert sum("image/svg+xml" in m for m in mimes) == 3
    assert not any(m & {"application/javascript", "application/vnd.vegalite.v5+json"} for m in mimes)
    html = "".join(o["data"].get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if "data" in o)
    ds = briefing.load_dataset("data/sample")
    m = briefing.compute_metrics(ds, 2026, "2026-06-30").set_index(["region", "indicator"]).loc["SL01"]
    cc = m.loc["cc_contracts"]
    assert "截至6月30日，时间进度为50.0%" in html
    assert f"<td>签订集体合同</td><td>进度滞后</td><td>{int(cc['target'])}份</td><td>{int(cc['value'])}份</td>" in html
    assert f"<td>{int(cc['target'] - cc['value'])}份</td>" in html and cc["pace"] == "滞后"
    assert "下半年所需进度" in html and "<script" not in html


def test_check_of_a_new_theme_points_to_its_meeting_file_and_takes_its_data_when_asked(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["new-theme", "topic_xl", "--from", "topic_warmth", "--title", "建会入会专题会议"]) == 0
    meeting = project / "params/topic_xl.yaml"
    meeting.write_text(re.sub(r"(?m)^data_dir:.*$", "data_dir: data/溪岭州", meeting.read_text(encoding="utf-8")),
                       encoding="utf-8")
    capsys.readouterr()
    # without --meeting: the notebook's defaults (data/sample here is missing), and a pointer to the meeting file
    main(["check", "notebooks/topic_xl.ipynb", "--regions", "城关区"])
    out = capsys.readouterr().out
    assert "请加 --meeting params/topic_xl.yaml" in out
    # with it: the meeting's data folder is the one read
    assert main(["check", "notebooks/topic_xl.ipynb", "--regions", "城关区", "--meeting", "params/topic_xl.yaml"]) != 0
    out = capsys.readouterr()
    assert "参数取自会议文件 params/topic_xl.yaml" in out.out and "溪岭州" in out.out + out.err
