"""What ``szmqa doctor`` looks at: each check gives findings in Chinese, each with its fix.

A blocker is a set-up that would fail real people without anyone noticing (votes nobody can
cast, personal data readable by other accounts, limits that several workers each count
alone, a site published from the wrong branch); a warning is worth knowing but safe.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from award.content import load_content
from award.models import VoterProof
from award.problems import ContentError
from award.windows import WindowState
from szmqa.repository import hook_setup, repository_of
from szmqa.site_sources import site_url_problem
from vote_api.core.keys import KEY_FILE
from vote_api.core.settings import Settings

#: The SMS settings each gateway needs, by SZMQA_SMS_KIND.
GATEWAY_SETTINGS = {
    "aliyun": ("sms_access_key_id", "sms_access_key_secret", "sms_sign_name", "sms_template_id"),
    "tencent": (
        "sms_access_key_id",
        "sms_access_key_secret",
        "sms_sign_name",
        "sms_template_id",
        "sms_app_id",
    ),
}
NEW_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
REDIS_URI = "redis://127.0.0.1:6379/0?socket_connect_timeout=0.5&socket_timeout=0.5"


@dataclass(frozen=True)
class Finding:
    """One line of the checklist: what was found, and the command or setting that fixes it."""

    text: str
    fix: str = ""
    blocker: bool = False
    ok: bool = False


def blocker(text: str, fix: str) -> Finding:
    """A finding that stops going live."""
    return Finding(text, fix, blocker=True)


def warning(text: str, fix: str = "") -> Finding:
    """A finding worth knowing that does not stop going live."""
    return Finding(text, fix)


def passed(text: str) -> Finding:
    """A check that found nothing wrong."""
    return Finding(text, ok=True)


def open_to_others(path: Path, mask: int = 0o007) -> int | None:
    """The permission bits of a path that ``mask`` selects (others by default), or None."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return mode & mask or None


def environment_findings(settings: Settings) -> Iterator[Finding]:
    """Whether the service runs as production."""
    if settings.environment != "production":
        yield warning(
            f"SZMQA_ENVIRONMENT 为 {settings.environment}：正式上线须为 production"
            "（关闭接口文档、Cookie 一律带 Secure、启动时运行本检查）",
            "在服务的环境文件中设置 SZMQA_ENVIRONMENT=production",
        )


def content_findings(settings: Settings, now: datetime) -> Iterator[Finding]:
    """The content against the rules, and SMS for open or upcoming phone ballots."""
    try:
        content = load_content(settings.content_roots, allow_demo=settings.demo_dir is not None)
    except ContentError as error:
        yield blocker(
            f"内容未通过检查（服务将拒绝启动）：\n{error}",
            f"修正后运行 szmqa check --docs {settings.content_dir}",
        )
        return
    phone = [
        ballot.id
        for _, ballot in content.ballots()
        if ballot.identity is VoterProof.PHONE
        and ballot.window.state(now) is not WindowState.CLOSED
    ]
    yield passed(f"内容通过检查：{len(content.years)} 个年度文件，{len(content.notices)} 个通知")
    if not phone:
        yield passed("没有正在进行或即将开始的手机号码投票，不需要短信网关")
        return
    ballots = "、".join(phone)
    gateway = "SZMQA_SMS_KIND=aliyun（或 tencent）"
    if settings.sms_kind == "console":
        yield blocker(
            f"短信网关为 console（不发送任何短信），而手机号码投票 {ballots} 正在进行或即将开始："
            "投票人会被告知验证码已发送，却收不到",
            f"在服务的环境文件中设置 {gateway}，以及 SZMQA_SMS_ACCESS_KEY_ID、"
            "SZMQA_SMS_ACCESS_KEY_SECRET、SZMQA_SMS_SIGN_NAME、SZMQA_SMS_TEMPLATE_ID",
        )
        return
    missing = [
        f"SZMQA_{name.upper()}"
        for name in GATEWAY_SETTINGS[settings.sms_kind]
        if not _text(getattr(settings, name))
    ]
    if missing:
        yield blocker(
            f"短信网关 {settings.sms_kind} 缺少设置 {'、'.join(missing)}，"
            f"手机号码投票 {ballots} 的验证码发不出去",
            f"在服务的环境文件中设置 {'、'.join(missing)}（取自短信服务控制台）",
        )
        return
    yield passed(f"手机号码投票 {ballots} 的短信网关：{settings.sms_kind}")


def _text(value: object) -> str:
    secret = getattr(value, "get_secret_value", None)
    return str(secret() if secret else value).strip()


def site_url_findings(settings: Settings, recorded: str) -> Iterator[Finding]:
    """The public address the site's feeds and links are built with."""
    url = settings.site_url or recorded
    problem = site_url_problem(url)
    if problem is not None:
        yield blocker(
            f"{problem}：RSS、日程和页面中的完整链接都由它生成",
            "在服务的环境文件中设置 SITE_URL=https://正式网址/，并用同一网址运行 "
            "szmqa install-hooks 发布仓库 --root 发布目录 --site-url https://正式网址/",
        )
        return
    yield passed(f"网站地址 {url}")


def log_name_findings(settings: Settings) -> Iterator[Finding]:
    """The ballot log's name: the origin of every checkpoint, how auditors tell whose log it is."""
    host = settings.log_name.split("/", 1)[0].split(":", 1)[0]
    if host in ("localhost", "127.0.0.1") or host.endswith(".localhost"):
        yield warning(
            f"投票日志的名称 SZMQA_LOG_NAME 是本机名称（{settings.log_name}）：每个检查点以它为来源，"
            "审计者据此认出是哪个网站的投票日志",
            "在第一次投票开始之前，在服务的环境文件中设置 SZMQA_LOG_NAME=正式网址的域名/szmqa"
            "（如 szmqa.example.gov.cn/szmqa），此后不要更改",
        )
        return
    yield passed(f"投票日志名称 {settings.log_name}")


def key_findings(
    settings: Settings, env_file: Path | None, keys_missing: bool
) -> Iterator[Finding]:
    """The keys are set, and no file holding them is readable by other accounts."""
    key_file = settings.data_dir / KEY_FILE
    if keys_missing or (
        settings.environment == "production"
        and (settings.secret_key is None or settings.encryption_key is None)
    ):
        yield blocker(
            "SZMQA_SECRET_KEY 或 SZMQA_ENCRYPTION_KEY 未设置（或短于 32 个字符）：生产环境拒绝启动",
            f"各用 {NEW_KEY} 生成一个，写入服务的环境文件（权限 0600）",
        )
    elif settings.secret_key is None and not key_file.exists():
        yield warning(
            f"密钥未设置：服务首次启动时在 {key_file} 生成（与数据库分开备份）",
            f"正式部署时用 {NEW_KEY} 生成并写入环境文件",
        )
    for path, what in ((key_file, "密钥文件"), (env_file, "环境文件（含密钥）")):
        if path is None:
            continue
        if not path.exists():
            if path is env_file:
                yield blocker(f"{what} {path} 不存在", f"建立该文件并 chmod 600 {path}")
            continue
        if open_to_others(path, 0o077):
            yield blocker(
                f"{what} {path} 的权限为 {stat.S_IMODE(path.stat().st_mode):o}，其他账户可以读取密钥",
                f"chmod 600 {path}",
            )
        else:
            yield passed(f"{what} {path} 只有所有者可读")


def data_findings(settings: Settings) -> Iterator[Finding]:
    """The database file and the data folders are closed to other accounts."""
    folders = [settings.data_dir, settings.objection_upload_path]
    for folder in dict.fromkeys(folders):
        if not folder.exists():
            continue
        bits = open_to_others(folder)
        if bits:
            yield blocker(
                f"数据目录 {folder} 的权限为 {stat.S_IMODE(folder.stat().st_mode):o}，"
                "其他账户可以进入（异议附件、密钥、数据库）",
                f"chmod 700 {folder}",
            )
        else:
            yield passed(f"数据目录 {folder} 只有所有者可进入")
    database = sqlite_file(settings.database_url)
    if database is None:
        return
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if open_to_others(path):
            yield blocker(
                f"数据库文件 {path} 的权限为 {stat.S_IMODE(path.stat().st_mode):o}，"
                "其他账户可以读取选票与异议案件",
                f"chmod 600 {path}",
            )


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None (another database, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    name = url.split("///", 1)[-1] if "///" in url else ""
    return Path(name) if name and name != ":memory:" else None


def worker_findings(settings: Settings) -> Iterator[Finding]:
    """Several workers need shared rate-limit counts (and, better, PostgreSQL)."""
    if settings.workers <= 1:
        yield passed("单个工作进程")
        return
    if not settings.trusted_proxies:
        yield warning(
            "SZMQA_TRUSTED_PROXIES 未设置：在 nginx 之后，所有投票人都显示为 nginx 的地址，"
            "共用同一份限流与每日上限",
            "在服务的环境文件中设置 SZMQA_TRUSTED_PROXIES=127.0.0.1（nginx 的地址）",
        )
    if settings.ratelimit_storage_uri.startswith("memory"):
        yield blocker(
            f"{settings.workers} 个工作进程（WEB_CONCURRENCY / SZMQA_WORKERS）而限流计数在各进程"
            f"内存中（SZMQA_RATELIMIT_STORAGE_URI={settings.ratelimit_storage_uri}）："
            f"同一地址可得 {settings.workers} 倍的次数",
            f"在服务的环境文件中设置 SZMQA_RATELIMIT_STORAGE_URI={REDIS_URI}",
        )
    else:
        yield passed(f"{settings.workers} 个工作进程共用限流存储")
    if settings.is_sqlite:
        yield warning(
            f"{settings.workers} 个工作进程共用一个 SQLite 文件：写入相互等待",
            "设置 SZMQA_DATABASE_URL=postgresql+psycopg://…（见 README“部署”）",
        )


def publish_root(settings: Settings) -> Path | None:
    """The publish folder: SZMQA_PUBLISH_DIR, or the one SZMQA_SITE_DIR's ``current`` lives in."""
    if settings.publish_dir is not None:
        return settings.publish_dir
    site = settings.site_dir
    if site is not None and site.parent.name == "current":
        return site.parent.parent
    return None


def publish_findings(settings: Settings) -> tuple[list[Finding], str]:
    """The publish folder, its repository's head and hooks; and the site address it records."""
    root = publish_root(settings)
    install = "szmqa install-hooks 发布仓库 --root {root} --site-url https://正式网址/"
    if root is None:
        fix = "设置 SZMQA_PUBLISH_DIR=/srv/szmqa/publish（即 szmqa install-hooks 的 --root）"
        return [blocker("未设置发布目录，无法确认网站由发布仓库的 main 发布", fix)], ""
    repository = repository_of(root)
    if repository is None or not repository.exists():
        text = f"发布目录 {root} 没有对应的发布仓库（未运行 szmqa install-hooks）"
        fix = f"git init --bare /srv/szmqa/site.git && {install.format(root=root)}"
        return [blocker(text, fix)], ""
    setup = hook_setup(repository)
    found = [blocker(problem, "") for problem in setup.problems()]
    if setup.root and Path(setup.root).resolve() != root.resolve():
        found.append(
            blocker(
                f"发布仓库 {repository} 发布到 {setup.root}，而服务读取 {root}",
                install.format(root=root).replace("发布仓库", str(repository)),
            )
        )
    if not found:
        found.append(passed(f"发布仓库 {repository}：main 分支、钩子齐全，发布到 {root}"))
    return found, setup.site_url
