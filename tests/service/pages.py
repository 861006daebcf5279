"""Reading the pages as a test needs to: the marked places on the nomogram and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class AxisMarks:
    chosen: list[str] = field(default_factory=list)
    has_marker: bool = False
    has_band: bool = False
    status: str = ""
    #: Where the threshold mark stands, in percent of the width ("36.39%" -> 36.39).
    threshold: float | None = None


@dataclass
class NomogramPage:
    result: dict[str, str] = field(default_factory=dict)
    risk_text: str = ""
    axes: dict[str, AxisMarks] = field(default_factory=dict)
    #: Every src and href of script, link (stylesheet) and form action: what the page loads.
    loads: list[str] = field(default_factory=list)
    inline_scripts: int = 0


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = NomogramPage()
        self._axis: AxisMarks | None = None
        self._capture: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and attrs.get("id") == "result":
            self.page.result = {k: v for k, v in attrs.items() if k.startswith("data-")}
        elif tag == "g" and "data-axis" in attrs:
            self._axis = self.page.axes.setdefault(attrs["data-axis"], AxisMarks())
        elif tag == "span" and "risk" in classes:
            self._capture = "risk"
        elif self._axis is not None and tag == "text" and "chosen" in classes:
            self._capture = "chosen"
        elif self._axis is not None and tag == "tspan" and "status" in classes:
            self._capture = "status"
        elif self._axis is not None and tag == "circle" and "marker" in classes:
            self._axis.has_marker = True
        elif self._axis is not None and tag == "rect" and "band" in classes:
            self._axis.has_band = True
        elif self._axis is not None and tag == "line" and "threshold" in classes:
            self._axis.threshold = float(attrs["x1"].removesuffix("%"))
        if tag == "script":
            if "src" in attrs:
                self.page.loads.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self.page.inline_scripts += 1
        elif tag == "link":
            self.page.loads.append(attrs["href"])
        elif tag == "form":
            self.page.loads.append(attrs["action"])

    def handle_endtag(self, tag):
        if tag == "g":
            self._axis = None
        if tag in ("span", "text", "tspan"):
            self._capture = None

    def handle_data(self, data):
        if self._capture == "risk":
            self.page.risk_text += data
        elif self._capture == "chosen":
            self._axis.chosen.append(data)
        elif self._capture == "status":
            self._axis.status += data


def read_nomogram_page(html: str) -> NomogramPage:
    reader = _Reader()
    reader.feed(html)
    return reader.page
