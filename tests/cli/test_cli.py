"""The secretariat's command line, run as a person runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import DEMO_TODAY
from tests.content_files import notice_text, valid_year, write_content


def szmqa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "szmqa", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_cli_check_passes_on_demo_data(tmp_path, demo_dir):
    write_content(tmp_path / "docs")
    result = szmqa("check", "--demo-dir", str(demo_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "检查通过：1 个年度文件，7 个通知" in result.stdout


def test_cli_check_refuses_demo_data_as_production(tmp_path, demo_dir):
    result = szmqa("check", "--docs", str(demo_dir), cwd=tmp_path)
    assert result.returncode == 1
    assert "演示年度数据不能发布到正式站点" in result.stderr


def test_cli_check_lists_every_problem_with_file_entry_and_rule(tmp_path):
    year = valid_year()
    year["stages"]["site_check"][0]["score"] = 45
    year["stages"]["acceptance"].append("Q1")
    write_content(
        tmp_path / "docs",
        year,
        {
            "2026-09-28-publicity.md": notice_text(
                kind="publicity", window={"start": "2026-09-28", "end": "2026-10-08"}
            )
        },
    )
    result = szmqa("check", cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3, result.stderr
    assert (
        "docs/awards/2026.yml: stages.site_check[1]（E1）: 测试单位E1 综合评分 45%，须超过标准总分 50% [综合评分须超过总分50%]"
        in result.stderr
    )
    assert (
        "docs/awards/2026.yml: stages.acceptance[10]（Q1）: entrants 中没有编号为 Q1 的申报主体 [名单须引用申报主体]"
        in result.stderr
    )
    assert "docs/notices/2026-09-28-publicity.md: window:" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_check_reports_malformed_yaml_without_traceback(tmp_path):
    write_content(tmp_path / "docs", "year: 2026\nentrants: [\n")
    result = szmqa("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "docs/awards/2026.yml: YAML 格式错误：第 3 行第 1 列：" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_new_notice_computes_end_over_national_day(tmp_path):
    write_content(tmp_path / "docs", valid_year())
    result = szmqa(
        "new-notice",
        "--title",
        "2026年度拟奖名单公示",
        "--slug",
        "publicity",
        "--date",
        "2026-09-28",
        "--kind",
        "publicity",
        "--year",
        "2026",
        "--stage",
        "publicity",
        "--objections",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "docs" / "notices" / "2026-09-28-publicity.md"
    header = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert str(header["window"]["end"]) == "2026-10-09"
    assert header["objections"] is True
    assert "公示期：2026年9月28日至10月9日（5个工作日）" in result.stdout
    assert szmqa("check", cwd=tmp_path).returncode == 0


def test_cli_new_notice_refuses_to_overwrite(tmp_path):
    args = (
        "new-notice",
        "--title",
        "关于受理名单的公告",
        "--slug",
        "acceptance",
        "--date",
        "2026-05-06",
    )
    assert szmqa(*args, cwd=tmp_path).returncode == 0
    again = szmqa(*args, cwd=tmp_path)
    assert again.returncode == 1 and "已存在，未覆盖" in again.stderr


def test_cli_new_notice_in_unknown_year_names_the_file_to_edit(tmp_path):
    result = szmqa(
        "new-notice",
        "--title",
        "2027年度拟奖名单公示",
        "--slug",
        "publicity",
        "--date",
        "2027-03-01",
        "--kind",
        "publicity",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "2027 年的节假日安排尚未收录" in result.stderr and "holidays.yml" in result.stderr
    assert not (tmp_path / "docs" / "notices" / "2027-03-01-publicity.md").exists()


def test_cli_demo_writes_a_checkable_year(tmp_path):
    result = szmqa("demo", "--out", "demo", "--today", DEMO_TODAY.isoformat(), cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "demo" / "awards" / "2026.yml").is_file()
    (tmp_path / "docs").mkdir()
    assert szmqa("check", "--demo-dir", "demo", cwd=tmp_path).returncode == 0


def test_cli_refuses_default_secrets_in_production_without_traceback(tmp_path):
    import os

    env = dict(os.environ, SZMQA_ENVIRONMENT="production")
    env.pop("SZMQA_SECRET_KEY", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from szmqa.cli import main; raise SystemExit(main(['admin-token', 'list']))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "SZMQA_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
