"""The secretariat's contact and the site's filing fields, set once under ``extra.contact``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

#: The issuing body when neither the configuration nor a notice names one.
DEFAULT_NAME = "深圳市市长质量奖评定委员会秘书处"
FIELDS = (
    "name",
    "host",
    "sponsor",
    "organizer",
    "address",
    "phone",
    "email",
    "hours",
    "icp",
    "police_record",
    "site_code",
)
#: Said wherever the demo's example contact is shown.
EXAMPLE_NOTE = "演示站点：以上联系方式、单位名称和备案编号为示例，不是真实信息。"
#: The MIIT's ICP filing site, which every ICP number in a footer links to.
ICP_SITE = "https://beian.miit.gov.cn/"
#: The Ministry of Public Security's filing site: a record is looked up by its digits.
POLICE_SITE = "https://beian.mps.gov.cn/#/query/webSearch?code="
POLICE_RECORD = re.compile(r"\D*(\d{10,20})\D*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"[0-9０-９()（）\-－+ 、,，转]{3,40}")


@dataclass(frozen=True)
class Contact:
    """Who runs the site and how to reach the secretariat; empty fields are not shown."""

    name: str = DEFAULT_NAME
    host: str = ""
    sponsor: str = ""
    organizer: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    icp: str = ""
    police_record: str = ""
    site_code: str = ""
    #: Fields filled with the demo's example values, said so wherever they are shown.
    example: bool = False

    @property
    def icp_link(self) -> str:
        """Where an ICP number is checked: the MIIT's filing site."""
        return ICP_SITE

    @property
    def example_note(self) -> str:
        """What the footer and contact box say when the values are the demo's examples."""
        return EXAMPLE_NOTE if self.example else ""

    @property
    def police_link(self) -> str:
        """The public-security filing's page on the Ministry's site (its digits looked up)."""
        match = POLICE_RECORD.fullmatch(self.police_record)
        return POLICE_SITE + match.group(1) if match else ""

    def lines(self) -> list[tuple[str, str]]:
        """The contact's shown fields as (label, text), in the order a reader looks for them."""
        pairs = [
            ("地址", self.address),
            ("电话", self.phone),
            ("电子邮箱", self.email),
            ("办公时间", self.hours),
        ]
        return [(label, text) for label, text in pairs if text]


def read_contact(extra: Mapping[str, Any], examples: dict[str, str] | None = None) -> Contact:
    """The ``extra.contact`` mapping of mkdocs.yml, checked; a bad value stops the build in Chinese.

    ``examples`` (the demo's) fill the fields the configuration leaves empty; the contact then
    says that its values are examples.
    """
    raw = extra.get("contact") or {}
    if not isinstance(raw, dict):
        raise PluginError("mkdocs.yml 的 extra.contact 须是键值表（name、address、phone 等）")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise PluginError(
            f"mkdocs.yml 的 extra.contact 有未知的键：{'、'.join(unknown)}"
            f"（可用：{'、'.join(FIELDS)}）"
        )
    values = {}
    for key, value in raw.items():
        if value is None:
            continue
        if not isinstance(value, str | int):
            raise PluginError(f"mkdocs.yml 的 extra.contact.{key} 须是文字")
        values[key] = str(value).strip()
    filled = {key: str(value) for key, value in (examples or {}).items() if not values.get(key)}
    values |= filled
    if not values.get("name"):
        values["name"] = DEFAULT_NAME
    if values.get("email") and not EMAIL.fullmatch(values["email"]):
        raise PluginError(f"mkdocs.yml 的 extra.contact.email 不是电子邮箱地址：{values['email']}")
    if values.get("phone") and not PHONE.fullmatch(values["phone"]):
        raise PluginError(f"mkdocs.yml 的 extra.contact.phone 不像电话号码：{values['phone']}")
    police = values.get("police_record")
    if police and not POLICE_RECORD.fullmatch(police):
        raise PluginError(
            f"mkdocs.yml 的 extra.contact.police_record 应含 10 至 20 位数字的备案编号，"
            f"如“粤公网安备44030402000000号”，而不是：{police}"
        )
    return Contact(**values, example=bool(filled))


def demo_contact(demo_dir: Path) -> dict[str, str] | None:
    """The demo's example contact (``contact.yml`` in the demo folder), if it has one."""
    path = demo_dir / "contact.yml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise PluginError(f"{path} 须是键值表")
    return {str(key): str(value) for key, value in data.items()}


def contact_box(contact: Contact) -> str:
    """The secretariat's contact as an HTML box for the vote, objection, follow-up, status pages."""
    rows = "".join(
        f"<dt>{label}</dt><dd>{_linked(label, text)}</dd>" for label, text in contact.lines()
    )
    where = f"（设在{escape(contact.host)}）" if contact.host else ""
    details = f'<dl class="award-contact__list">{rows}</dl>' if rows else ""
    if contact.example:
        details += f'<p class="award-contact__example">{EXAMPLE_NOTE}</p>'
    return (
        '<aside class="award-contact" aria-labelledby="award-contact-title">'
        '<h2 id="award-contact-title">联系秘书处</h2>'
        f"<p>{escape(contact.name)}{where}</p>{details}</aside>"
    )


def _linked(label: str, text: str) -> str:
    if label == "电子邮箱":
        return f'<a href="mailto:{escape(text)}">{escape(text)}</a>'
    if label == "电话":
        digits = re.sub(r"[^0-9+]", "", text.split("、")[0].split("，")[0])
        return f'<a href="tel:{digits}">{escape(text)}</a>' if digits else escape(text)
    return escape(text)


CONTACT_SLOT = '<div class="award-contact-slot"></div>'
