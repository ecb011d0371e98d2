"""The JSON API's description, for signed-in users only: ``/openapi.json`` and ``/docs``.

FastAPI's own public ``/openapi.json``, ``/docs`` (Swagger UI) and ``/redoc`` are turned off in
``web/app.py``: the schema names every command, field and case kind of the office, which is no
one's business before signing in.  Anonymous requests get 401 JSON for the schema (as the API
does) and the sign-in page for ``/docs``.

``/docs`` is a plain page of our own, not Swagger UI.  Swagger UI loads its script and style
from a CDN and starts with an inline script; this app's Content-Security-Policy
(``web/security.py``: ``script-src 'self'``, no inline script, no other hosts) blocks all of it,
and loosening the policy for one page, or vendoring a megabyte of third-party script to try
requests from the browser, buys an integrator little.  What a programmer signed in here needs
is the machine-readable schema, to generate a client or drive tests (``/openapi.json``), and a
readable index to find their way: how to sign in and send the CSRF token, and each operation
with its parameters and body fields.  That page is server-rendered HTML without script, in
English like the schema itself.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from tracker.permissions import Principal
from web.security import current_user

router = APIRouter()
Who = Annotated[Principal, Depends(current_user)]

SCHEMA_PATH = "/openapi.json"
DOCS_PATH = "/docs"
# Served to one signed-in user: no shared cache keeps a copy.
NO_STORE = {"Cache-Control": "no-store"}


@router.get(SCHEMA_PATH, include_in_schema=False)
def openapi_schema(request: Request, who: Who) -> JSONResponse:
    """The OpenAPI description of every API route (FastAPI builds it once and keeps it)."""
    return JSONResponse(request.app.openapi(), headers=NO_STORE)


@router.get(DOCS_PATH, include_in_schema=False)
def api_docs(request: Request, who: Who) -> HTMLResponse:
    return HTMLResponse(page(request.app.openapi()), headers=NO_STORE)


def page(schema: dict[str, Any]) -> str:
    """An index of the schema's operations, with how to sign in; every value escaped."""
    components: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    rows = "\n".join(
        _row(method, path, operation, components)
        for path, operations in schema.get("paths", {}).items()
        for method, operation in operations.items()
    )
    title = escape(f"{schema['info']['title']} API {schema['info']['version']}")
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="/static/tracker.css">
</head>
<body>
<main>
  <h1>{title}</h1>
  <p>The full description, with every body and answer: <a href="{SCHEMA_PATH}">{SCHEMA_PATH}</a>
  (OpenAPI {escape(str(schema.get("openapi", "")))}; it needs the same session as this page).</p>
  <h2>Signing in</h2>
  <ol>
    <li><code>POST /api/session</code> with <code>{{"username": …, "password": …}}</code>
    sets the session cookie and answers the session's <code>csrf_token</code>.</li>
    <li>Send the cookie with every request, and the token in the <code>X-CSRF-Token</code>
    header of every <code>POST</code>.</li>
    <li>Refusals answer JSON <code>{{"error", "message", "field"}}</code>: 401 without a
    session, 403 when the role may not, 404 for a case outside your community, 409 when the
    case changed since the <code>expected_version</code> sent, 422 for an invalid value.</li>
    <li><code>POST /api/session/end</code> signs out.</li>
  </ol>
  <h2>Operations</h2>
  <table>
    <thead><tr><th>Method</th><th>Path</th><th>What</th><th>Parameters</th><th>Body</th></tr></thead>
    <tbody>
{rows}
    </tbody>
  </table>
  <p>Fields marked * are required.</p>
</main>
</body>
</html>
"""


def _row(method: str, path: str, operation: dict[str, Any], components: dict[str, Any]) -> str:
    what = operation.get("summary", "")
    description = str(operation.get("description", "")).strip()
    if description:
        what = f"{what}: {description.splitlines()[0]}"
    parameters = ", ".join(
        _field(f"{item['name']} ({item.get('in', '')})", item.get("required", False))
        for item in operation.get("parameters", [])
    )
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    cells = (
        f"<code>{escape(method.upper())}</code>",
        f"<code>{escape(path)}</code>",
        escape(what),
        parameters,
        _body(body.get("schema", {}), components),
    )
    return "      <tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _body(schema: dict[str, Any], components: dict[str, Any]) -> str:
    reference = str(schema.get("$ref", ""))
    if not reference:
        return ""
    name = reference.rsplit("/", 1)[-1]
    model = components.get(name, {})
    required = set(model.get("required", []))
    fields = ", ".join(_field(field, field in required) for field in model.get("properties", {}))
    return f"<code>{escape(name)}</code>" + (f": {fields}" if fields else "")


def _field(name: str, required: bool) -> str:
    return escape(name) + ("*" if required else "")
