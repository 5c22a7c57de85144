"""Marshmallow schemas that validate an article's front matter at start-up."""

from __future__ import annotations

import re

from marshmallow import Schema, fields, validate

from app.i18n.locales import SUPPORTED_LANGUAGES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT = validate.Length(min=1, max=2_000)


class RelatedLinkSchema(Schema):
    title = fields.String(required=True, validate=_TEXT)
    url = fields.Url(load_default=None, schemes={"https", "http"})


class FrontMatterSchema(Schema):
    """The YAML front matter of ``article.md``."""

    slug = fields.String(required=True, validate=validate.Regexp(SLUG))
    headline = fields.String(required=True, validate=validate.Length(min=1, max=300))
    standfirst = fields.String(required=True, validate=_TEXT)
    dateline = fields.String(required=True, validate=validate.Length(min=1, max=100))
    published = fields.Date(required=True)
    language = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    publisher = fields.String(load_default=None)
    credit = fields.String(required=True, validate=validate.Length(min=1, max=200))
    related = fields.List(fields.Nested(RelatedLinkSchema), load_default=list)
