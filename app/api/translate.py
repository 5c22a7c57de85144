"""``POST /api/v1/translate``: offline machine translation of text or HTML."""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import ServiceUnavailable

from app.errors import PROBLEM_MIMETYPE, ProblemSchema
from app.i18n.locales import SUPPORTED_LANGUAGES
from app.translation import engine
from app.translation.admission import Overloaded, TooMuchWork
from app.translation.engine import ModelMissing
from app.translation.packages import PackageError
from app.translation.text import CACHE, ENGINE, MEMORY, translate_html, translate_texts

log = logging.getLogger(__name__)
blp = Blueprint("translate", __name__, description="Offline machine translation (argos models).")

_ONE_OR_MANY = {
    "oneOf": [
        {"type": "string", "maxLength": 20_000},
        {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 20_000}},
    ]
}


def _check_unicode(text: str) -> None:
    """JSON can carry a lone surrogate ("\\ud800"); no tokenizer can: say so, naming the field."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError(
            f"Not valid Unicode: a lone surrogate at character {error.start}."
        ) from None


class TextOrTexts(fields.Field):  # type: ignore[type-arg]
    """A string, or a list of strings; the answer keeps the same shape."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            _check_unicode(value)
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            for item in value:
                _check_unicode(item)
            return value
        raise ValidationError("Must be a string or a list of strings.")


class JSONBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``, nothing else (marshmallow's also takes 0, 1, "yes"...)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class TranslateRequestSchema(Schema):
    q = TextOrTexts(required=True, metadata={**_ONE_OR_MANY, "description": "Text(s)."})
    source = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    target = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html"]))
    explain = JSONBoolean(
        load_default=False,
        metadata={"description": "Also say where each sentence's translation came from."},
    )


class TranslationUnavailableSchema(ProblemSchema):
    """503: problem+json; a missing model is named, with the command that installs it."""

    model = fields.String(metadata={"description": "The missing package, e.g. translate-en_fr."})
    install = fields.String(metadata={"description": "The command that installs it."})


class ModelSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)


class SegmentOriginSchema(Schema):
    source = fields.String(required=True, metadata={"description": "A sentence of the request."})
    origin = fields.String(
        required=True,
        validate=validate.OneOf([MEMORY, CACHE, ENGINE]),
        metadata={
            "description": "memory: the translation memory of a published article; cache: "
            "this worker's recent engine output; engine: translated for this request."
        },
    )


class TranslateResponseSchema(Schema):
    translatedText = TextOrTexts(required=True, metadata=_ONE_OR_MANY)  # noqa: N815 (LibreTranslate's name)
    source = fields.String(required=True)
    target = fields.String(required=True)
    format = fields.String(required=True)
    model = fields.Nested(
        ModelSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The package used; null when source and target are the same."},
    )
    segments = fields.List(
        fields.Nested(SegmentOriginSchema),
        metadata={"description": "With `explain`: each sentence sent, once, in order."},
    )


def _unavailable(
    message: str, retry_after: int | None = None, extensions: dict[str, str] | None = None
) -> NoReturn:
    error = ServiceUnavailable(retry_after=retry_after)
    error.data = {"message": message, "extensions": extensions}  # type: ignore[attr-defined]
    raise error


def run_translation(data: dict[str, Any]) -> dict[str, Any]:
    """Check the caps, translate in one batch, and answer in the shape that was asked."""
    texts = [data["q"]] if isinstance(data["q"], str) else list(data["q"])
    config = current_app.config
    limit_items, limit_chars = config["TRANSLATE_MAX_ITEMS"], config["TRANSLATE_MAX_CHARS"]
    if len(texts) > limit_items:
        abort(
            413,
            message=f"At most {limit_items} texts per request.",
            errors={"json": {"q": [f"More than {limit_items} items."]}},
        )
    if sum(len(text) for text in texts) > limit_chars:
        abort(
            413,
            message=f"At most {limit_chars} characters per request.",
            errors={"json": {"q": [f"More than {limit_chars} characters."]}},
        )
    source, target = data["source"], data["target"]
    if source == target:  # nothing to translate: the text comes back as it is
        return {
            "translatedText": data["q"],
            "source": source,
            "target": target,
            "format": data["format"],
            "model": None,
        }
    machine = engine()
    origins: dict[str, str] | None = {} if data.get("explain") else None
    try:
        translate = translate_html if data["format"] == "html" else translate_texts
        with machine.admission.request(max_segments=config["TRANSLATE_MAX_SEGMENTS"]):
            translated = translate(machine, texts, source, target, origins)
        package = machine.load(source, target).package
    except TooMuchWork as heavy:
        abort(
            413,
            message=f"At most {heavy.limit} sentences per request; this one has {heavy.found}.",
            errors={"json": {"q": [f"More than {heavy.limit} sentences."]}},
        )
    except Overloaded as busy:
        _unavailable(str(busy).capitalize() + ".", retry_after=busy.retry_after)
    except ModelMissing as missing:
        _unavailable(
            str(missing),
            extensions={
                "model": f"translate-{missing.source}_{missing.target}",
                "install": f"depeche models install {missing.source} {missing.target}",
            },
        )
    except PackageError as error:
        # The exception's text (paths, library messages) is for the logs, not for clients.
        log.warning("translation %s→%s failed: %s", source, target, error)
        broken = (source, target) in machine.failures
        _unavailable(
            f"The {source}→{target} model "
            + ("cannot be loaded" if broken else "failed to translate")
            + "; `depeche models list` and the service's logs say more."
        )
    answer = {
        "translatedText": translated[0] if isinstance(data["q"], str) else translated,
        "source": source,
        "target": target,
        "format": data["format"],
        "model": {"name": package.name, "version": package.version},
    }
    if origins is not None:
        answer["segments"] = [{"source": s, "origin": o} for s, o in origins.items()]
    return answer


#: One instance for every request: given the class, webargs builds a schema (and deep-copies
#: its fields) on each request.
REQUEST_SCHEMA = TranslateRequestSchema()


@blp.route("")
class Translate(MethodView):
    @blp.arguments(REQUEST_SCHEMA)
    @blp.response(200, TranslateResponseSchema)
    @blp.alt_response(
        413, response="DEFAULT_ERROR", description="Too many texts, characters or sentences."
    )
    @blp.alt_response(
        403, response="DEFAULT_ERROR", description="A form or text/plain body from another origin."
    )
    @blp.alt_response(
        429,
        response="DEFAULT_ERROR",
        description="Over the client's rate limit (TRANSLATE_RATE_LIMIT); see Retry-After.",
    )
    @blp.alt_response(
        503,
        schema=TranslationUnavailableSchema,
        content_type=PROBLEM_MIMETYPE,
        description="No model for this pair, a broken model, or the engine busy past "
        "TRANSLATE_QUEUE_TIMEOUT (then with Retry-After).",
    )
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Translate a text, or a list of texts, sentence by sentence in one batch."""
        return run_translation(data)
