"""NewsML-G2 newsItem (alone or as the one item of a newsMessage): guid + version, itemMeta,
contentMeta, and the text in contentSet as inlineXML (XHTML or NITF) or inlineData."""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element

from app.content.wire import parse_wire
from app.exchange.formats.item import FormatError, WireItem, credit_story, normalise_pubstatus
from app.exchange.formats.times import parse_time
from app.exchange.formats.xml import child, children, content_story, local, text, whole_number

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _item(root: Element) -> Element:
    if local(root.tag) == "newsItem":
        return root
    items = [e for e in root.iter() if local(e.tag) == "newsItem"]
    if len(items) != 1:
        raise FormatError(422, "newsMessage/itemSet", f"{len(items)} newsItems: send one")
    return items[0]


def _time(meta: Element | None, name: str, at: str) -> datetime | None:
    value = text(child(meta, name))
    return None if value is None else parse_time(value, f"{at}/{name}")


def _name(element: Element | None) -> str | None:
    """A party's name: its name child, else its literal, else the code of its qcode."""
    if element is None:
        return None
    literal = element.get("literal")
    qcode = element.get("qcode")
    return text(child(element, "name")) or literal or (qcode.partition(":")[2] if qcode else None)


def _by_role(elements: list[Element], *roles: str) -> Element | None:
    for role in roles:
        for element in elements:
            if element.get("role", "") == role:
                return element
    return elements[0] if elements else None


def _story_of(item: Element) -> tuple[Element, str]:
    content = child(item, "contentSet")
    if content is None:
        raise FormatError(422, "newsItem/contentSet", "the item has no content")
    for index, inline in enumerate(content):
        name = local(inline.tag)
        if name == "inlineXML":
            return inline, f"newsItem/contentSet/inlineXML[{index + 1}]"
        if name == "inlineData" and "text/plain" in inline.get("contenttype", "text/plain"):
            if inline.get("encoding"):
                raise FormatError(422, "newsItem/contentSet/inlineData", "encoded data")
            return inline, f"newsItem/contentSet/inlineData[{index + 1}]"
    raise FormatError(422, "newsItem/contentSet", "no inlineXML nor text/plain inlineData")


def parse_newsml_g2(root: Element, body: bytes) -> WireItem:
    """Read a NewsML-G2 newsItem."""
    item = _item(root)
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise FormatError(422, "newsItem/@guid", "the item has no guid")
    meta = child(item, "itemMeta")
    content_meta = child(item, "contentMeta")
    headline = text(
        _by_role(list(children(content_meta, "headline")) if content_meta is not None else [], "")
    )
    if headline is None:
        raise FormatError(422, "newsItem/contentMeta/headline", "the item has no headline")
    container, at = _story_of(item)
    if local(container.tag) == "inlineData":
        story = parse_wire(container.text or "")
        if not story.blocks:
            raise FormatError(422, at, "the content has no paragraph")
    else:
        story = content_story(container, at)
    descriptions = list(children(content_meta, "description")) if content_meta is not None else []
    language = child(content_meta, "language")
    status = child(meta, "pubStatus")
    credit = text(child(content_meta, "creditline"))
    holder = _name(child(item, "rightsInfo", "copyrightHolder"))
    located = child(content_meta, "located")
    return WireItem(
        format="newsml-g2",
        uri=guid,
        version=whole_number(item.get("version"), "newsItem/@version"),
        headline=headline,
        standfirst=text(_by_role(descriptions, "drol:summary", "")),
        story=credit_story(story, credit, holder, _name(child(meta, "provider"))),
        language=(language.get("tag") if language is not None else None) or item.get(XML_LANG),
        firstcreated=_time(meta, "firstCreated", "newsItem/itemMeta"),
        versioncreated=_time(meta, "versionCreated", "newsItem/itemMeta"),
        embargoed=_time(meta, "embargoed", "newsItem/itemMeta"),
        pubstatus=normalise_pubstatus(
            status.get("qcode") or status.get("uri") if status is not None else None,
            "newsItem/itemMeta/pubStatus/@qcode",
        ),
        byline=text(child(content_meta, "by")),
        credit=credit or holder,
        dateline=text(child(content_meta, "dateline")) or _name(located),
        slugline=text(child(content_meta, "slugline")),
        source=body,
    )
