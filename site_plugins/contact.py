"""The secretariat's contact and the site's filing fields, set once under ``extra.contact``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from mkdocs.exceptions import PluginError

#: The issuing body when neither the configuration nor a notice names one.
DEFAULT_NAME = "深圳市市长质量奖评定委员会秘书处"
FIELDS = ("name", "host", "sponsor", "address", "phone", "email", "hours", "icp", "site_code")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"[0-9０-９()（）\-－+ 、,，转]{3,40}")


@dataclass(frozen=True)
class Contact:
    """Who runs the site and how to reach the secretariat; empty fields are not shown."""

    name: str = DEFAULT_NAME
    host: str = ""
    sponsor: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    icp: str = ""
    site_code: str = ""

    def lines(self) -> list[tuple[str, str]]:
        """The contact's shown fields as (label, text), in the order a reader looks for them."""
        pairs = [
            ("地址", self.address),
            ("电话", self.phone),
            ("电子邮箱", self.email),
            ("办公时间", self.hours),
        ]
        return [(label, text) for label, text in pairs if text]


def read_contact(extra: Mapping[str, Any]) -> Contact:
    """The ``extra.contact`` mapping of mkdocs.yml, checked; a bad value stops the build in Chinese."""
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
    if not values.get("name"):
        values["name"] = DEFAULT_NAME
    if values.get("email") and not EMAIL.fullmatch(values["email"]):
        raise PluginError(f"mkdocs.yml 的 extra.contact.email 不是电子邮箱地址：{values['email']}")
    if values.get("phone") and not PHONE.fullmatch(values["phone"]):
        raise PluginError(f"mkdocs.yml 的 extra.contact.phone 不像电话号码：{values['phone']}")
    return Contact(**values)


def contact_box(contact: Contact) -> str:
    """The secretariat's contact as an HTML box for the vote, objection, follow-up, status pages."""
    rows = "".join(
        f"<dt>{label}</dt><dd>{_linked(label, text)}</dd>" for label, text in contact.lines()
    )
    where = f"（设在{escape(contact.host)}）" if contact.host else ""
    details = f'<dl class="award-contact__list">{rows}</dl>' if rows else ""
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
