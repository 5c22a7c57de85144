"""Marshmallow schemas for every request and response of the JSON API."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.api.cursor import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, CursorField
from app.i18n.locales import LANGUAGE_TAG, SUPPORTED_LANGUAGES
from app.translation.edition import Completeness
from app.translation.memory import Status


class LanguageQuerySchema(Schema):
    """``?lang=``: a BCP 47 tag; unsupported ones fall back (see ``translation.fallback``)."""

    class Meta:
        unknown = RAISE

    lang = fields.String(
        validate=[validate.Length(max=35), validate.Regexp(LANGUAGE_TAG)],
        metadata={"description": "Language tag, e.g. fr, fr-CA, en-GB.", "example": "fr"},
    )


class LocalizedDateSchema(Schema):
    date = fields.Date(required=True, metadata={"description": "ISO 8601 date."})
    display = fields.String(required=True, metadata={"description": "As the locale writes it."})
    time = fields.String(
        metadata={
            "description": "ISO 8601 time with the newsroom's offset; absent when only the "
            "day is known."
        },
    )


class LocalizedTimeSchema(Schema):
    time = fields.String(required=True, metadata={"description": "ISO 8601, with offset."})
    display = fields.String(required=True, metadata={"description": "As the locale writes it."})


class AlternateSchema(Schema):
    language = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    html = fields.String(required=True, metadata={"description": "Path of the HTML page."})
    api = fields.String(required=True, metadata={"description": "Path of the JSON resource."})


class ArticleSummarySchema(Schema):
    slug = fields.String(required=True)
    headline = fields.String(required=True)
    standfirst = fields.String(required=True)
    published = fields.Nested(LocalizedDateSchema, required=True)
    language = fields.String(required=True, metadata={"description": "Language served."})
    languages = fields.List(fields.String(), required=True)
    alternates = fields.List(fields.Nested(AlternateSchema), required=True)


class ArticleListQuerySchema(LanguageQuerySchema):
    """A page of the list: ``limit`` articles after ``cursor``, newest first."""

    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Articles per page (at most {MAX_PAGE_SIZE})."},
    )
    cursor = CursorField(
        metadata={"description": "Where the page starts: the `next` of the previous page."}
    )
    language = fields.String(
        validate=validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={"description": "Only articles written in this language."},
    )
    since = fields.Date(metadata={"description": "Only articles published on or after this date."})


class ArticleListSchema(Schema):
    language = fields.String(required=True)
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    next = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Cursor of the next page (also in the Link header), or null."},
    )


class SegmentStatusSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Stable id of the segment."})
    context = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))


class TranslationSchema(Schema):
    source = fields.String(required=True, metadata={"description": "Source language."})
    served = fields.String(required=True, metadata={"description": "Language served."})
    requested = fields.String(
        required=True, allow_none=True, metadata={"description": "Language asked for first."}
    )
    fallback = fields.Boolean(
        required=True, metadata={"description": "The requested language is not served."}
    )
    complete = fields.Boolean(
        required=True, metadata={"description": "Every segment is publishable in this language."}
    )
    completeness = fields.String(
        required=True,
        validate=validate.OneOf([c.value for c in Completeness]),
        metadata={
            "description": "source (the original), reviewed, machine (complete, not all "
            "reviewed) or incomplete (some segments are served in the original language)."
        },
    )
    indexed = fields.Boolean(
        required=True,
        metadata={
            "description": "Offered to search engines, as an alternate, in feeds and sitemaps "
            "(incomplete editions never; machine ones per DEPECHE_INDEX_MACHINE_TRANSLATIONS)."
        },
    )
    editions = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf([c.value for c in Completeness])),
        required=True,
        metadata={"description": "The completeness of each of the article's editions."},
    )
    pending = fields.Boolean(
        required=True,
        metadata={"description": "Machine translation of the missing or stale segments is queued."},
    )
    error = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the last machine translation failed; null once one works."},
    )
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    segments = fields.List(fields.Nested(SegmentStatusSchema), required=True)


class ParagraphSchema(Schema):
    text = fields.String(required=True)
    segments = fields.List(fields.String(), required=True)


class SectionSchema(Schema):
    heading = fields.String(required=True, allow_none=True)
    paragraphs = fields.List(fields.Nested(ParagraphSchema), required=True)


class RelatedLinkSchema(Schema):
    title = fields.String(required=True)
    url = fields.String(required=True, allow_none=True)


class ArticleSchema(Schema):
    slug = fields.String(required=True)
    language = fields.String(required=True)
    headline = fields.String(required=True)
    standfirst = fields.String(required=True)
    dateline = fields.String(required=True)
    published = fields.Nested(LocalizedDateSchema, required=True)
    version = fields.Integer(
        required=True, metadata={"description": "Counts the article's changes: 1, then each one."}
    )
    updated = fields.Nested(
        LocalizedTimeSchema,
        metadata={"description": "When the current version was made, if the item says."},
    )
    credit = fields.String(required=True)
    sections = fields.List(fields.Nested(SectionSchema), required=True)
    related = fields.List(fields.Nested(RelatedLinkSchema), required=True)
    alternates = fields.List(fields.Nested(AlternateSchema), required=True)
    translation = fields.Nested(TranslationSchema, required=True)


class FactValueSchema(Schema):
    """The raw typed value: which fields are present depends on ``type``."""

    type = fields.String(
        required=True,
        validate=validate.OneOf(
            ["count", "quantity", "duration", "date", "places", "person", "organisation"]
        ),
    )
    number = fields.Raw(metadata={"type": "number", "description": "count, quantity, duration"})
    unit = fields.String(metadata={"description": "CLDR unit id, e.g. length-kilometer."})
    date = fields.String(metadata={"description": "ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD."})
    precision = fields.String(
        validate=validate.OneOf(["day", "month", "year", "early-month", "mid-month", "late-month"])
    )
    places = fields.List(fields.String(), metadata={"description": "As in the source."})
    name = fields.String()
    title = fields.String()


class ProvenanceSchema(Schema):
    segment = fields.String(required=True, metadata={"description": "Id of the cited sentence."})
    quote = fields.String(
        required=True, metadata={"description": "The words quoted, served language."}
    )
    sentence = fields.String(
        required=True, metadata={"description": "The cited sentence, served language."}
    )


class FactSchema(Schema):
    id = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the served language."})
    value = fields.Nested(FactValueSchema, required=True)
    qualifier = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(["about", "more-than", "at-least", "by", "since"]),
    )
    display = fields.String(required=True, metadata={"description": "Localized, short units."})
    display_long = fields.String(required=True, metadata={"description": "Localized, long units."})
    provenance = fields.Nested(ProvenanceSchema, required=True)


class PartialDateSchema(Schema):
    date = fields.String(required=True)
    precision = fields.String(required=True)


class TimelineEntrySchema(Schema):
    date = fields.Nested(PartialDateSchema, required=True)
    qualifier = fields.String(required=True, allow_none=True)
    display = fields.String(required=True, metadata={"description": "The date, localized."})
    text = fields.String(required=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)


class FactSummarySchema(Schema):
    slug = fields.String(required=True)
    language = fields.String(required=True)
    locale = fields.String(required=True, metadata={"description": "CLDR locale used, e.g. fr_CA."})
    facts = fields.List(fields.Nested(FactSchema), required=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema), required=True)


class SuggestionSchema(Schema):
    """A drafted fact, in the shape of facts.yaml, with where its quote is and how sure it is."""

    id = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the source language."})
    value = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={
            "description": "type (count, quantity, duration, date, period, places, person, "
            "organisation) and its number/unit/date/precision/items/name/title."
        },
    )
    qualifier = fields.String(metadata={"description": "about, more than, at least, by, since."})
    quote = fields.String(required=True, metadata={"description": "The sentence, exactly."})
    confidence = fields.Float(required=True)
    segment = fields.String(required=True, metadata={"description": "The quoted segment's id."})
    start = fields.Integer(required=True, metadata={"description": "Offset of the quote."})
    end = fields.Integer(required=True)


class SuggestionListSchema(Schema):
    slug = fields.String(required=True)
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)
