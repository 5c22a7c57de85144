"""The review desk: an edition's segments, riskiest first, and a person's translation of one.

``GET /api/v1/articles/<slug>/translations/<lang>`` lists every segment of the article and its
facts with the source, the current text, its status and its risk (app/translation/risk.py);
``PUT …/segments/<segment_id>`` stores a reviewed translation, signed with the token's name
and the time. Machine fills never touch a reviewed entry (app/translation/workflow.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.auth import protected
from app.auth.bearer import actor
from app.content import repository as articles
from app.content.model import Article, Segment
from app.facts import repository as facts
from app.facts.document import build_facts
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.publication import publication
from app.store.models import ArticleRow, TranslationRow
from app.translation import catalogs
from app.translation.memory import MACHINE_COMMENT, Status
from app.translation.risk import assess, publishable
from app.translation.workflow import update_catalog

blp = Blueprint(
    "review", __name__, url_prefix="/articles", description="The review desk: translations."
)
#: Longest reviewed text: a sentence, a headline or a fact label, never a page.
MAX_TEXT = 5000
#: What a segment with no text to publish scores: nothing, or a draft from before a change.
UNFIT = {Status.UNTRANSLATED: "no translation", Status.STALE: "the source changed since"}


class ReviewedTextSchema(Schema):
    text = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_TEXT),
        metadata={"description": f"The translation, as a person wrote it (1-{MAX_TEXT} chars)."},
    )

    @validates("text")
    def _not_blank(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("Only spaces.")


class ReviewSegmentSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Stable id of the segment."})
    context = fields.String(required=True, metadata={"description": "headline, body, …"})
    position = fields.Integer(required=True, metadata={"description": "Reading order."})
    source = fields.String(required=True)
    text = fields.String(required=True, allow_none=True, metadata={"description": "Current."})
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))
    risk = fields.Float(required=True, metadata={"description": "0 (fine) to 1 (surely wrong)."})
    reasons = fields.List(fields.String(), required=True)
    published = fields.Boolean(
        required=True, metadata={"description": "Readers get this text (else the source)."}
    )
    reviewed_by = fields.String(required=True, allow_none=True)
    reviewed_at = fields.String(required=True, allow_none=True)


class ReviewEditionSchema(Schema):
    slug = fields.String(required=True)
    language = fields.String(required=True)
    source_language = fields.String(required=True)
    max_risk = fields.Float(
        required=True, metadata={"description": "Machine text at this risk or above waits."}
    )
    segments = fields.List(fields.Nested(ReviewSegmentSchema), required=True)


def _fail(status: int, message: str) -> NoReturn:
    abort(status, message=message)
    raise AssertionError("abort returned")  # pragma: no cover


def _article(
    session: Session, slug: str, language: str
) -> tuple[ArticleRow, Article, list[Segment]]:
    """The article's row, the article, and every segment it translates (its facts' too)."""
    row = articles.find(session, slug)
    if row is None:
        _fail(404, f"No article {slug!r}.")
    if row.killed is not None:
        _fail(410, f"The article {slug!r} was withdrawn.")
    if language not in SUPPORTED_LANGUAGES or language == row.language:
        _fail(
            404,
            f"Article {slug!r} has no {language!r} translation: it is written in "
            f"{row.language!r}, translated into the other of {', '.join(SUPPORTED_LANGUAGES)}.",
        )
    article = articles.load(session, row)
    document = facts.load_document(session, row.id)
    extra = build_facts(document, article, f"article {slug}").segments() if document else ()
    return row, article, list(dict.fromkeys([*article.segments(), *extra]))


def _segment(
    segment: Segment, position: int, found: TranslationRow | None, article: Article, language: str
) -> dict[str, Any]:
    status = Status(found.status) if found is not None else Status.UNTRANSLATED
    text = found.text if found is not None and found.text else None
    if status in UNFIT or text is None:
        score, reasons = 1.0, [UNFIT.get(status, "no translation")]
    else:
        risk = assess(segment.text, text, article.language, language)
        score, reasons = risk.score, list(risk.reasons)
    max_risk = current_app.config["MT_PUBLISH_MAX_RISK"]
    stored = found.risk if found is not None else None
    return {
        "id": segment.id,
        "context": segment.context,
        "position": position,
        "source": segment.text,
        "text": text,
        "status": status.value,
        "risk": score,
        "reasons": reasons,
        # Readers get what the stored score allowed when the text was stored.
        "published": bool(text) and publishable(status, stored, max_risk),
        "reviewed_by": found.reviewed_by if found is not None else None,
        "reviewed_at": found.reviewed_at if found is not None else None,
    }


def _edition(session: Session, slug: str, language: str) -> dict[str, Any]:
    row, article, segments = _article(session, slug, language)
    stored = session.execute(
        select(TranslationRow).where(
            TranslationRow.article_id == row.id,
            TranslationRow.language == language,
            TranslationRow.status != catalogs.OBSOLETE,
        )
    ).scalars()
    by_key = {(t.context, t.source): t for t in stored}
    listed = [
        _segment(seg, n, by_key.get((seg.msgctxt, seg.text)), article, language)
        for n, seg in enumerate(segments)
    ]
    listed.sort(key=lambda s: (-s["risk"], s["position"]))
    return {
        "slug": slug,
        "language": language,
        "source_language": article.language,
        "max_risk": current_app.config["MT_PUBLISH_MAX_RISK"],
        "segments": listed,
    }


@blp.route("/<slug>/translations/<lang>")
class ReviewEdition(MethodView):
    @protected(blp, "review")
    @blp.response(200, ReviewEditionSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such article or language.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article was killed.")
    def get(self, slug: str, lang: str) -> dict[str, Any]:
        """Every segment with its source, current text, status and risk, riskiest first."""
        with publication().database.read() as session:
            return _edition(session, slug, lang)


@blp.route("/<slug>/translations/<lang>/segments/<segment_id>")
class ReviewSegment(MethodView):
    @protected(blp, "review")
    @blp.arguments(ReviewedTextSchema)
    @blp.response(200, ReviewSegmentSchema)
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No such article or segment.")
    @blp.alt_response(410, response="DEFAULT_ERROR", description="The article was killed.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="Text empty or too long.")
    def put(self, body: dict[str, str], slug: str, lang: str, segment_id: str) -> dict[str, Any]:
        """Store a person's translation of one segment: status reviewed, with who and when."""
        name, text = actor(), body["text"]
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with publication().database.write() as session:
            row, article, segments = _article(session, slug, lang)
            segment = next((s for s in segments if s.id == segment_id), None)
            if segment is None:
                _fail(404, f"Article {slug!r} has no segment {segment_id!r}.")
            extra = segments[len(list(article.segments())) :]
            catalog = catalogs.load_catalog(session, row.id, lang)
            catalog = update_catalog(catalog, article, lang, tuple(extra))
            message = catalog.get(segment.text, context=segment.msgctxt)
            assert message is not None  # update_catalog added every segment
            before = (str(message.string or ""), message.fuzzy)
            message.string = text
            message.flags.discard("fuzzy")
            message.previous_id = []
            message.user_comments = [
                c
                for c in message.user_comments
                if not c.startswith((MACHINE_COMMENT, catalogs.REVIEW_NOTE))
            ] + [f"{catalogs.REVIEW_NOTE} {at} by {name}"]
            if catalogs.save_catalog(session, row.id, lang, catalog):
                detail = {"language": lang, "segment": segment_id, "changed": before[0] != text}
                articles.record(session, row, name, "review", detail)
        publication().watcher.catch_up()
        with publication().database.read() as session:
            listed: list[dict[str, Any]] = _edition(session, slug, lang)["segments"]
        return next(s for s in listed if s["id"] == segment_id)
