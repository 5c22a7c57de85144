"""``POST /api/v1/translate``: offline machine translation of text or HTML."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate

from app.i18n.locales import SUPPORTED_LANGUAGES
from app.translation import engine
from app.translation.engine import ModelMissing
from app.translation.packages import PackageError
from app.translation.text import translate_html, translate_texts

blp = Blueprint("translate", __name__, description="Offline machine translation (argos models).")

_ONE_OR_MANY = {
    "oneOf": [
        {"type": "string", "maxLength": 20_000},
        {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 20_000}},
    ]
}


class TextOrTexts(fields.Field):  # type: ignore[type-arg]
    """A string, or a list of strings; the answer keeps the same shape."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise ValidationError("Must be a string or a list of strings.")


class TranslateRequestSchema(Schema):
    q = TextOrTexts(required=True, metadata={**_ONE_OR_MANY, "description": "Text(s)."})
    source = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    target = fields.String(required=True, validate=validate.OneOf(SUPPORTED_LANGUAGES))
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html"]))


class ModelSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)


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


def run_translation(data: dict[str, Any]) -> dict[str, Any]:
    """Check the caps, translate in one batch, and answer in the shape that was asked."""
    texts = [data["q"]] if isinstance(data["q"], str) else list(data["q"])
    limit_items = current_app.config["TRANSLATE_MAX_ITEMS"]
    limit_chars = current_app.config["TRANSLATE_MAX_CHARS"]
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
    try:
        translate = translate_html if data["format"] == "html" else translate_texts
        translated = translate(machine, texts, source, target)
        package = machine.load(source, target).package
    except ModelMissing as missing:
        abort(
            503,
            message=str(missing),
            extensions={
                "model": f"translate-{missing.source}_{missing.target}",
                "install": f"depeche models install {missing.source} {missing.target}",
            },
        )
    except PackageError as error:
        abort(503, message=str(error))
    return {
        "translatedText": translated[0] if isinstance(data["q"], str) else translated,
        "source": source,
        "target": target,
        "format": data["format"],
        "model": {"name": package.name, "version": package.version},
    }


@blp.route("")
class Translate(MethodView):
    @blp.arguments(TranslateRequestSchema)
    @blp.response(200, TranslateResponseSchema)
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Too many texts or characters.")
    @blp.alt_response(503, response="DEFAULT_ERROR", description="No model for this pair.")
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Translate a text, or a list of texts, sentence by sentence in one batch."""
        return run_translation(data)
