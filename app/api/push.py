"""``POST /api/v1/push/superdesk``: what Superdesk's "HTTP Push" transmitter sends.

The transmitter POSTs one ninjs item (Superdesk's flavour) as JSON, signed with
``x-superdesk-signature: sha1=<hex HMAC-SHA1 of the raw body>`` keyed by the subscriber's
secret token, and counts anything but ``201 Created`` as a failure to retry. The signature is
checked over the raw bytes, in constant time, before anything is parsed; a retry is the same
item again (identity and version), so it is answered 200 and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.api.ingest import IngestResultSchema, answer, store_item
from app.exchange.ingest import Editorial
from app.http.bodies import larger_bodies

blp = Blueprint("push", __name__, description="Items pushed by a newsroom system.")
PATH = "/api/v1/push/superdesk"
SIGNATURE = "x-superdesk-signature"
#: The request, as the OpenAPI document gives it.
_PUSH_DOC = {
    "parameters": [
        {
            "name": SIGNATURE,
            "in": "header",
            "required": True,
            "description": "sha1=<hex HMAC-SHA1 of the raw body>, keyed by "
            "DEPECHE_SUPERDESK_SECRET.",
            "schema": {"type": "string", "maxLength": 200},
        }
    ],
    "requestBody": {
        "description": "One ninjs item as Superdesk formats it (guid, headline, body_html…).",
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
}


#: Who the history names for what Superdesk pushes (it signs, it has no token).
PUSH_ACTOR = "superdesk-push"


def signed(body: bytes, secret: str, given: str) -> bool:
    """Whether *given* is ``sha1=`` and the HMAC-SHA1 of *body* under *secret*."""
    expected = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


@blp.route("")
class SuperdeskPush(MethodView):
    @blp.doc(**_PUSH_DOC)
    @blp.response(201, IngestResultSchema, description="A new article.")
    @blp.alt_response(
        200, schema=IngestResultSchema, description="A retry, a correction or an older version."
    )
    @blp.alt_response(400, response="DEFAULT_ERROR", description="Malformed: names the line.")
    @blp.alt_response(403, response="DEFAULT_ERROR", description="No signature, or a wrong one.")
    @blp.alt_response(404, response="DEFAULT_ERROR", description="No secret is configured.")
    @blp.alt_response(409, response="DEFAULT_ERROR", description="The slug is another item's.")
    @blp.alt_response(413, response="DEFAULT_ERROR", description="Over DEPECHE_MAX_INGEST_BYTES.")
    @blp.alt_response(415, response="DEFAULT_ERROR", description="Not application/json.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="Unusable: names the field.")
    def post(self) -> Response:
        """Store a pushed item: 201 for a new article, 200 for a retry or a correction."""
        secret = str(current_app.config["SUPERDESK_SECRET"])
        if not secret:
            abort(404, message="Superdesk push is not configured here.")
        body = request.get_data(cache=False)
        if not signed(body, secret, request.headers.get(SIGNATURE, "")[:200]):
            abort(
                403,
                message=f"The {SIGNATURE} header is missing or does not sign this body.",
                errors={"headers": {SIGNATURE: ["Missing or wrong."]}},
            )
        content_type = request.headers.get("Content-Type", "")
        return answer(store_item(body, content_type, Editorial(), PUSH_ACTOR))


def init_app(app: Flask) -> None:
    larger_bodies(app, PATH, "MAX_INGEST_BYTES")
