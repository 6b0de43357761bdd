"""The award plugin: load the award content, check it against the rules, render it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from award.calendar import now as current_time
from award.content import NOTICES_FOLDER, YEARS_FOLDER, Content, load_content
from award.errors import AwardError
from award.moments import to_moment
from award.publication import notice_is_public, public_content
from award.text_files import read_text
from site_plugins import outputs, render
from site_plugins.ballot_log import copy_checkpoints
from site_plugins.banner import banner_items
from site_plugins.config import AwardPluginConfig
from site_plugins.contact import CONTACT_SLOT, Contact, contact_box, demo_contact, read_contact
from site_plugins.home import HOME_SLOT, home_news
from site_plugins.search_terms import add_synonyms, check_synonyms
from site_plugins.site_pages import RETENTION_SLOT, SITE_MAP_SLOT, retention_table, site_map
from site_plugins.status_lookup import status_index
from site_plugins.stylesheets import BUNDLE, joined, own_stylesheets

#: The page listing the editorial corrections and the site's own procedures.
CORRECTIONS_PAGE = "guide/corrections.md"


class AwardPlugin(BasePlugin[AwardPluginConfig]):
    """Checks every list and notice at build time and renders lists, notices, feeds and indexes."""

    def __init__(self) -> None:
        self.content = Content()
        self.now = current_time()
        self._lists: dict[str, str] = {}
        self._scheduled: set[str] = set()
        self.contact = Contact()
        self.nav: Navigation | None = None
        self._stylesheets: list[str] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and check the content; any broken rule stops the build with every problem."""
        now = cast(str | datetime, self.config.now)
        self.now = to_moment(now) if now else current_time()
        self._lists = {}
        roots = [Path(config.docs_dir)]
        examples = None
        if self.config.demo_dir:
            roots.append(Path(self.config.demo_dir))
            examples = demo_contact(Path(self.config.demo_dir))
        self.contact = read_contact(config.extra, examples)
        try:
            content = load_content(roots, allow_demo=bool(self.config.demo_dir))
        except AwardError as error:
            raise PluginError(str(error)) from None
        today = self.now.date()
        self.content = public_content(content, today)  # everything below sees only this
        self._scheduled = {
            f"{NOTICES_FOLDER}/{n.id}.md" for n in content.notices if not notice_is_public(n, today)
        }
        self._stylesheets = own_stylesheets(list(config.extra_css), Path(config.docs_dir))
        if self._stylesheets:
            others = [entry for entry in config.extra_css if str(entry) not in self._stylesheets]
            config.extra_css = [*others, BUNDLE]
        return config

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Replace the raw data files with the generated pages and machine-readable outputs."""
        for file in list(files):
            data_file = file.src_uri.startswith(f"{YEARS_FOLDER}/") and file.src_uri.endswith(
                ".yml"
            )
            if data_file or file.src_uri in self._scheduled:  # scheduled: published on its date
                files.remove(file)
        site_url = config.site_url or "/"
        generated: dict[str, str | bytes] = {
            f"{NOTICES_FOLDER}/index.md": render.notices_index(self.content.notices, self.now),
            f"{NOTICES_FOLDER}/feed.xml": outputs.rss_feed(
                list(self.content.notices), site_url, config.site_name
            ),
            f"{YEARS_FOLDER}/index.md": render.years_index(
                self.content,
                corrections_page=files.get_file_from_path(CORRECTIONS_PAGE) is not None,
            ),
            "status-index.json": status_index(self.content),
        }
        for item in self.content.years:
            slug = item.data.slug
            generated[f"{YEARS_FOLDER}/{slug}.md"] = render.year_page(item.data)
            generated[f"{YEARS_FOLDER}/{slug}.json"] = outputs.year_json(item.data)
            events = outputs.year_events(self.content, item.data, site_url)
            generated[f"{YEARS_FOLDER}/{slug}.ics"] = outputs.ics_calendar(
                events, self.now
            ).encode()
        for notice in self.content.notices:
            uri = f"{NOTICES_FOLDER}/{notice.id}.md"
            if files.get_file_from_path(uri) is None:
                generated[uri] = read_text(notice.path)
        if self._stylesheets:
            generated[BUNDLE] = joined(self._stylesheets, Path(config.docs_dir))
        for uri, text in generated.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, content=text))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Give each notice page its dates, window, published list and objection link."""
        uri = page.file.src_uri
        if uri.startswith(f"{NOTICES_FOLDER}/") and uri != f"{NOTICES_FOLDER}/index.md":
            notice = self.content.notice(Path(uri).stem)
            if notice is not None:
                has_vote_page = files.get_file_from_path("vote.md") is not None
                return render.notice_page(
                    self.content,
                    notice,
                    markdown,
                    vote_page=has_vote_page,
                    issuer=self.contact.name,
                    site_url=config.site_url or "",
                    contact_lines=self.contact.lines(),
                )
        return markdown

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Keep the navigation for the site map."""
        self.nav = nav
        return nav

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Put the stage lists and the contact box into the rendered page (after search indexing)."""
        if CONTACT_SLOT in output:
            output = output.replace(CONTACT_SLOT, contact_box(self.contact))
        if RETENTION_SLOT in output:
            output = output.replace(RETENTION_SLOT, retention_table())
        if SITE_MAP_SLOT in output:
            output = output.replace(SITE_MAP_SLOT, site_map(self.nav, page))
        if HOME_SLOT in output:
            output = output.replace(HOME_SLOT, home_news(self.content, self.now))
        if render.OPEN_PUBLICITIES_SLOT in output:
            listing = render.open_publicities(self.content.notices, self.now)
            output = output.replace(render.OPEN_PUBLICITIES_SLOT, listing)
        return render.fill_list_slots(output, self.content, self._lists)

    @event_priority(-50)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Give the search index the configured synonyms; publish the ballot logs' checkpoints."""
        synonyms = check_synonyms(self.config.search_synonyms)
        add_synonyms(Path(config.site_dir) / "search" / "search_index.json", synonyms)
        if self.config.ballot_log_dir:
            copy_checkpoints(Path(self.config.ballot_log_dir), Path(config.site_dir))

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Expose the banner's windows and the demo flag to the theme templates."""
        env.globals["award_banner"] = banner_items(self.content, self.now)
        env.globals["award_demo"] = self.content.is_demo
        env.globals["award_contact"] = self.contact
        return env

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Stamp the build time on every page so the browser can tell stale banners."""
        cast(dict[str, Any], context)["award_built_at"] = self.now.isoformat()
        return context
