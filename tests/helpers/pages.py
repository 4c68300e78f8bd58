"""Reading pages: select options, decoded text, a valid model form, the values a form posts."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

CATALOGUE_URL = "/admin/ai-models"
GLOBAL_URL = "/admin/settings/global"


def options(page: str, select_name: str) -> list[str]:
    """The option texts of one <select> on the page."""
    match = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {select_name}"
    found = re.findall(r"<option[^>]*>(.*?)</option>", match.group(1), re.S)
    return [unescape(option).strip() for option in found]


def selected(page: str, select_name: str) -> str:
    """The text of the selected option of one <select>."""
    match = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    found = re.search(r"<option[^>]*selected[^>]*>(.*?)</option>", match.group(1), re.S)
    return unescape(found.group(1)).strip()


def text(response) -> str:
    """The response body as text with entities decoded."""
    return unescape(response.get_data(as_text=True))


def page_text(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def model_form_data(**overrides):
    """A valid create form for an active OpenAI text model."""
    data = {"display_name": "GPT-4.1", "model_name": "gpt-4.1", "provider": "openai",
            "model_type": "text", "is_active": "y", "input_price_per_1m": "2.00",
            "cached_input_price_per_1m": "0.50", "output_price_per_1m": "$8",
            "price_per_image": "", "context_window": "1,047,576", "max_output_tokens": "32768",
            "aliases": "gpt-4.1-2025-04-14\ngpt4.1", "deprecation_date": "", "notes": "",
            "price_source": "https://openai.com/api/pricing", "price_checked_on": "2026-11-01"}
    data.update(overrides)
    return data


class _FormParser(HTMLParser):
    """Collects the successful controls of the form with `form_id` (or of every form)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, form_id is None
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in attrs:
                value = attrs.get("value")
                self.values[name] = value if value is not None else ("on" if checkable else "")
        elif tag == "textarea":
            self._textarea, self.values[name] = name, ""
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = self.values[self._textarea]  # a browser drops the newline after <textarea>
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.values[self._textarea] = text
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data):
        if self._textarea and self.inside:
            self.values[self._textarea] += data


def form_values(page: str, form_id: str | None = None) -> dict[str, str]:
    """The name -> value pairs the form `form_id` would post."""
    parser = _FormParser(form_id)
    parser.feed(page)
    return parser.values
