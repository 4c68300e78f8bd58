"""The OpenAPI document and a readable page made from it (server-rendered, no scripts)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re

import flask
from flask import current_app, json, render_template
from markupsafe import Markup, escape
from flask_smorest import current_api

from igny8.api.blueprint import bp

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
DEFAULT_RESPONSE = "Any other error (500: the server failed; it is logged with the request id)"


@dataclass
class Operation:
    """One method on one path as the docs page lists it."""

    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict] = field(default_factory=list)
    request: str | None = None
    request_example: str | None = None
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The HTML id of the operation's section."""
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "")


def type_name(schema: dict[str, Any] | None) -> str:
    """A schema in words: `Model`, `array of string`, `string (date-time), nullable`."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        parts = [part for part in schema["anyOf"] if part.get("enum") != [None]]
        nullable = len(parts) < len(schema["anyOf"]) or schema.get("nullable")
        return " or ".join(type_name(part) for part in parts) + (", nullable" if nullable else "")
    if "allOf" in schema:
        name = " & ".join(type_name(part) for part in schema["allOf"])
    elif schema.get("type") == "array":
        name = f"array of {type_name(schema.get('items'))}"
    else:
        name = schema.get("type", "any")
        if schema.get("format"):
            name += f" ({schema['format']})"
    return name + (", nullable" if schema.get("nullable") else "")


def _body_type(content: dict | None) -> str | None:
    """The JSON schema of a request or response body in words."""
    if not content:
        return None
    return type_name(content.get("application/json", {}).get("schema"))


def _example_text(content: dict | None) -> str | None:
    """A JSON body's example as indented JSON, for the page to show as typed."""
    body = (content or {}).get("application/json", {})
    return json.dumps(body["example"], indent=2, sort_keys=False) if "example" in body else None


def _response(item: dict, document: dict) -> dict:
    """A response object, following a `$ref` into components.responses."""
    if "$ref" in item:
        return document.get("components", {}).get("responses", {}).get(
            item["$ref"].rsplit("/", 1)[-1], {})
    return item


def _operation(path: str, method: str, spec: dict, shared_params: list,
               document: dict) -> Operation:
    """An Operation from the spec's entry."""
    request_body = spec.get("requestBody", {}).get("content")
    responses = []
    for status, item in sorted(spec.get("responses", {}).items()):
        item = _response(item, document)
        description = DEFAULT_RESPONSE if status == "default" else item.get("description", "")
        responses.append((status, description, _body_type(item.get("content"))))
    return Operation(method.upper(), path, spec.get("summary", ""), spec.get("description", ""),
                     shared_params + spec.get("parameters", []), _body_type(request_body),
                     _example_text(request_body), responses)


def operations(spec: dict) -> list[Operation]:
    """Every path and method of the document, in path order."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        shared = item.get("parameters", [])
        found += [_operation(path, method, item[method], shared, spec)
                  for method in METHOD_ORDER if method in item]
    return found


def components(spec: dict) -> list[dict[str, Any]]:
    """Every component schema with a row per property."""
    found = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        rows = [{"name": prop, "type": type_name(body), "required": prop in required,
                 "description": body.get("description", ""), "enum": body.get("enum")}
                for prop, body in schema.get("properties", {}).items()]
        found.append({"name": name, "description": schema.get("description", ""), "rows": rows})
    return found


def openapi_document() -> dict[str, Any]:
    """The generated OpenAPI description of the current app's API."""
    return current_api.spec.to_dict()


def openapi_json():
    """GET /api/v1/openapi.json: the OpenAPI 3 document."""
    body = json.dumps(openapi_document(), indent=2, sort_keys=False)
    return current_app.response_class(body, mimetype="application/json")


def linker(names: list[str]):
    """A function turning schema names inside a type description into links to them."""
    if not names:
        return escape
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")

    def link(text: str) -> Markup:
        parts = pattern.split(str(text))
        # split() with one group alternates plain text and schema names.
        return Markup("").join(
            Markup('<a href="#schema-{0}">{0}</a>').format(part) if i % 2 else escape(part)
            for i, part in enumerate(parts)
        )

    return link


def docs_page():
    """GET /api/v1/docs: the reference page, generated from the same document."""
    spec = openapi_document()
    schemas = components(spec)
    return render_template("api/docs.html", spec=spec, title="API reference",
                           operations=operations(spec), components=schemas, api_type=type_name,
                           api_link=linker([schema["name"] for schema in schemas]))


# Plain Flask rules: the description of the API is not itself an operation of the API.
flask.Blueprint.add_url_rule(bp, "/openapi.json", "openapi_json", openapi_json)
flask.Blueprint.add_url_rule(bp, "/docs", "docs", docs_page)
