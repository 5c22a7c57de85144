"""NewsML 1.2, as AFP sends it: one NewsItem, its NewsIdentifier (the PublicIdentifier without
its revision is the item's identity), NewsManagement times and status, and the text of the main
NewsComponent (NewsLines, DescriptiveMetadata, ContentItem/DataContent in XHTML or NITF)."""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element

from app.exchange.formats.item import FormatError, WireItem, credit_story, normalise_pubstatus
from app.exchange.formats.times import parse_time
from app.exchange.formats.xml import child, children, content_story, local, text, whole_number

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITEM = "NewsML/NewsItem"
#: The revision at the end of a PublicIdentifier: ":1", or ":2U" with its update flag (N, A, U).
_REVISION = re.compile(r":\d{1,18}[NAU]?\Z")
_STATUSES = {"embargoed": "withheld"}


def _item(root: Element) -> Element:
    items = list(children(root, "NewsItem"))
    if len(items) != 1:
        raise FormatError(422, ITEM, f"{len(items)} NewsItems: send one")
    return items[0]


def _identity(item: Element) -> tuple[str, int | None]:
    at = f"{ITEM}/Identification/NewsIdentifier"
    identifier = child(item, "Identification", "NewsIdentifier")
    revision = child(identifier, "RevisionId")
    version = whole_number(text(revision), f"{at}/RevisionId")
    public = text(child(identifier, "PublicIdentifier"))
    if public is not None:
        return _REVISION.sub("", public), version
    parts = [text(child(identifier, name)) for name in ("ProviderId", "DateId", "NewsItemId")]
    if not all(parts):
        raise FormatError(422, f"{at}/PublicIdentifier", "the item has no identifier")
    return "urn:newsml:" + ":".join(part for part in parts if part), version


def _time(management: Element | None, name: str) -> datetime | None:
    value = text(child(management, name))
    at = f"{ITEM}/NewsManagement/{name}"
    return None if value is None else parse_time(value, at, date_only=True)


def _is_text(content: Element) -> bool:
    media = child(content, "MediaType")
    kind = (media.get("FormalName", "Text") if media is not None else "Text").lower()
    return kind == "text" and child(content, "DataContent") is not None


def _main_text(top: Element) -> tuple[Element, Element]:
    """The NewsComponent whose text we take (role Main, else the first with text) and its
    ContentItem; nested components are walked in document order, without recursion."""
    found: list[tuple[Element, Element]] = []
    for component in top.iter():
        if local(component.tag) != "NewsComponent":
            continue
        content = next((c for c in children(component, "ContentItem") if _is_text(c)), None)
        if content is None:
            continue
        role = child(component, "Role")
        if role is not None and role.get("FormalName", "").lower() == "main":
            return component, content
        found.append((component, content))
    if not found:
        raise FormatError(422, f"{ITEM}/NewsComponent/ContentItem", "the item has no text")
    return found[0]


def parse_newsml12(root: Element, body: bytes) -> WireItem:
    """Read a NewsML 1.2 document holding one NewsItem."""
    item = _item(root)
    uri, version = _identity(item)
    top = child(item, "NewsComponent")
    if top is None:
        raise FormatError(422, f"{ITEM}/NewsComponent", "the item has no NewsComponent")
    component, content = _main_text(top)

    def line(name: str) -> str | None:
        return text(child(top, "NewsLines", name)) or text(child(component, "NewsLines", name))

    headline = line("HeadLine")
    if headline is None:
        raise FormatError(422, f"{ITEM}/NewsComponent/NewsLines/HeadLine", "no headline")
    data = child(content, "DataContent")
    assert data is not None  # _is_text saw it
    story = content_story(data, f"{ITEM}/NewsComponent/ContentItem/DataContent")
    abstract = next((e for e in data.iter() if local(e.tag) == "abstract"), None)
    language = child(component, "DescriptiveMetadata", "Language")
    if language is None:
        language = child(top, "DescriptiveMetadata", "Language")
    provider = child(top, "AdministrativeMetadata", "Provider", "Party")
    management = child(item, "NewsManagement")
    status = child(management, "Status")
    formal = status.get("FormalName") if status is not None else None
    credit = line("CreditLine")
    return WireItem(
        format="newsml-1.2",
        uri=uri,
        version=version,
        headline=headline,
        standfirst=line("SubHeadLine") or text(abstract),
        story=credit_story(
            story, credit, provider.get("FormalName") if provider is not None else None
        ),
        language=(language.get("FormalName") if language is not None else None)
        or item.get(XML_LANG),
        firstcreated=_time(management, "FirstCreated"),
        versioncreated=_time(management, "ThisRevisionCreated"),
        embargoed=None,
        pubstatus=normalise_pubstatus(
            _STATUSES.get((formal or "").lower(), formal),
            f"{ITEM}/NewsManagement/Status/@FormalName",
        ),
        byline=line("ByLine"),
        credit=credit or line("CopyrightLine"),
        dateline=line("DateLine"),
        slugline=line("SlugLine"),
        source=body,
    )
