"""``szmqa audit-ballot URL-or-folder``: recount a closed ballot from its published log.

From a URL (``https://站点/api/ballots/投票编号``, or the site's address with ``--ballot``)
it downloads the public key, the checkpoints, every leaf and the results (``--save`` keeps
them in a folder); from a folder it reads the same files (``key.json``, ``checkpoints.json``,
``leaves.json``, ``results.json``, ``ballot.json``) and any extra checkpoint copies kept by
mirrors under ``checkpoints/``. Exit 0 when everything agrees, 1 with the first mismatch.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from award.errors import AwardError
from szmqa.ballot_audit import Bundle, audit

FILES = ("key", "checkpoints", "leaves", "results", "ballot")
PAGE = 20_000
TIMEOUT_SECONDS = 30


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read().decode("utf-8")).get("message", "")
        except ValueError:
            message = ""
        raise AwardError(f"下载 {url} 失败（{error.code}）{message}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise AwardError(f"下载 {url} 失败：{error}") from None


def download(url: str, ballot: str | None) -> dict[str, Any]:
    """The published files of a ballot, fetched from the service."""
    found = re.search(r"/api/ballots/([^/?#]+)", url)
    ballot_id = urllib.parse.unquote(found.group(1)) if found else ballot
    if not ballot_id:
        raise AwardError("请给出投票的地址（…/api/ballots/投票编号），或用 --ballot 指定投票编号")
    base = url[: found.start()] if found else url.rstrip("/")
    api = f"{base}/api"
    quoted = urllib.parse.quote(ballot_id, safe="")
    files: dict[str, Any] = {
        "key": _get(f"{api}/ballot-log/key"),
        "ballot": _get(f"{api}/ballots/{quoted}"),
        "results": _get(f"{api}/ballots/{quoted}/results"),
        "checkpoints": _get(f"{api}/ballots/{quoted}/checkpoints"),
    }
    leaves: list[str] = []
    while True:
        page = _get(f"{api}/ballots/{quoted}/log/leaves?start={len(leaves)}&limit={PAGE}")
        leaves.extend(page["leaves"])
        if not page["leaves"] or len(leaves) >= page["size"]:
            break
    files["leaves"] = {**page, "start": 0, "leaves": leaves}
    return files


def read_folder(folder: Path) -> tuple[dict[str, Any], list[str]]:
    """The published files saved in a folder, and the checkpoint copies under ``checkpoints/``."""
    files: dict[str, Any] = {}
    for name in FILES:
        path = folder / f"{name}.json"
        try:
            files[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AwardError(f"文件夹中缺少 {path.name}") from None
        except ValueError as error:
            raise AwardError(f"{path} 不是有效的 JSON：{error}") from None
    copies = folder / "checkpoints"
    notes = (
        [p.read_text(encoding="utf-8") for p in sorted(copies.iterdir()) if p.is_file()]
        if copies.is_dir()
        else []
    )
    return files, notes


def save(folder: Path, files: dict[str, Any]) -> None:
    """Keep the downloaded files in a folder (the folder form ``audit-ballot`` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        text = json.dumps(value, ensure_ascii=False, indent=1)
        (folder / f"{name}.json").write_text(text, encoding="utf-8")


def bundle_of(files: dict[str, Any], copies: list[str], key: str | None) -> Bundle:
    """The audit's input from the published files (``key`` overrides the served key)."""
    listed = files["checkpoints"]
    return Bundle(
        ballot_id=files["ballot"]["id"],
        verifier_key=key or files["key"]["verifier_key"],
        origin=listed["origin"],
        leaves=list(files["leaves"]["leaves"]),
        checkpoints=[c["note"] for c in listed["checkpoints"]] + copies,
        results=files["results"],
        closes=datetime.fromisoformat(files["ballot"]["closes"]),
    )


def cmd_audit_ballot(args: Any) -> int:
    """Audit a ballot; print what was checked or the first mismatch."""
    source = str(args.source)
    copies: list[str] = []
    if re.match(r"^https?://", source):
        files = download(source, args.ballot)
        if args.save:
            save(args.save, files)
    else:
        files, copies = read_folder(Path(source))
    bundle = bundle_of(files, copies, args.key)
    report = audit(bundle)
    print(f"投票：{bundle.ballot_id}（{bundle.origin}）")
    print(f"公钥：{bundle.verifier_key}")
    if not args.key:
        print("  （取自被审计的服务；请与网站公布的公钥核对，或用 --key 指定）")
    print(
        f"日志：{len(bundle.leaves)} 条记录（选票 {report.votes}，作废 {report.invalidations}），"
        f"{report.checkpoints} 个检查点"
    )
    first = report.first
    if first is None:
        tally = "，".join(f"{c} {n} 票" for c, n in sorted(report.counted.items())) or "无"
        print("审计通过：每个检查点的签名有效、前后一致，日志重建的根哈希与之相符；")
        print(f"按日志重新计票（计入的选票减去作废的）与公布的结果一致：{tally}。")
        return 0
    print(f"审计未通过：{first}")
    for problem in report.problems:
        if problem is not first:
            print(f"  另：{problem}")
    return 1


def register(sub: Any) -> None:
    """Add ``audit-ballot`` to the CLI's subcommands."""
    command = sub.add_parser(
        "audit-ballot",
        help="按公布的投票日志、检查点与结果重新计票，核对签名与一致性（网址或文件夹）",
    )
    command.add_argument("source", help="投票地址 https://…/api/ballots/投票编号，或保存的文件夹")
    command.add_argument("--ballot", default=None, help="投票编号（地址只写到网站时）")
    command.add_argument(
        "--key", default=None, help="网站公布的公钥（C2SP 格式），默认取服务提供的"
    )
    command.add_argument("--save", type=Path, default=None, help="把下载的文件保存到此文件夹")
    command.set_defaults(func=cmd_audit_ballot)
