"""Helpers for driving the Django admin with the test client as a browser would."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """The fields a browser would submit from the page's main form (the last form with a
    `_save` button, else the last form): inputs, textareas, selected options."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file"}:
                fields.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            fields.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(response, **changes) -> dict:
    """The data of the admin change form in `response`, with `changes` applied."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = dict(parser.forms[-1])
    data.pop("csrfmiddlewaretoken", None)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]
