"""Reading the pages as a test needs to: the marked places on the nomogram and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Marker:
    """A dot on an axis: where (percent of the width), whether it is one of several places the
    patient could stand (open) rather than the patient's own, and its title."""

    x: float
    possible: bool
    title: str = ""


@dataclass
class AxisMarks:
    chosen: list[str] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    status: str = ""
    #: Where the threshold mark stands, in percent of the width ("36.39%" -> 36.39).
    threshold: float | None = None

    @property
    def has_marker(self) -> bool:
        """The patient's own place is marked (a filled dot)."""
        return any(not marker.possible for marker in self.markers)

    @property
    def possible(self) -> list[Marker]:
        return [marker for marker in self.markers if marker.possible]


@dataclass
class NomogramPage:
    result: dict[str, str] = field(default_factory=dict)
    risk_text: str = ""
    axes: dict[str, AxisMarks] = field(default_factory=dict)
    #: The text or table that says which value of the unknown findings gives which risk.
    possible_text: str = ""
    possible_rows: list[list[str]] = field(default_factory=list)
    #: Elements a continuous range would be drawn with: a rect, or anything of class "band".
    band_elements: int = 0
    #: Every src and href of script, link (stylesheet) and form action: what the page loads.
    loads: list[str] = field(default_factory=list)
    inline_scripts: int = 0


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = NomogramPage()
        self._axis: AxisMarks | None = None
        self._capture: str | None = None
        self._in_possible_table = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "rect" or "band" in classes:
            self.page.band_elements += 1
        if tag == "section" and attrs.get("id") == "result":
            self.page.result = {k: v for k, v in attrs.items() if k.startswith("data-")}
        elif tag == "p" and attrs.get("id") == "possible-risks":
            self._capture = "possible"
        elif tag == "table" and attrs.get("id") == "possible-risks":
            self._in_possible_table = True
        elif self._in_possible_table and tag == "tr":
            self.page.possible_rows.append([])
        elif self._in_possible_table and tag in ("td", "th"):
            self.page.possible_rows[-1].append("")
            self._capture = "cell"
        elif tag == "g" and "data-axis" in attrs:
            self._axis = self.page.axes.setdefault(attrs["data-axis"], AxisMarks())
        elif tag == "span" and "risk" in classes:
            self._capture = "risk"
        elif self._axis is not None and tag == "text" and "chosen" in classes:
            self._capture = "chosen"
        elif self._axis is not None and tag == "tspan" and "status" in classes:
            self._capture = "status"
        elif self._axis is not None and tag == "circle" and "marker" in classes:
            x = float(attrs["cx"].removesuffix("%"))
            self._axis.markers.append(Marker(x, "possible" in classes))
        elif self._axis is not None and tag == "title":
            self._capture = "title"
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
        if tag == "table":
            self._in_possible_table = False
        if tag in ("span", "text", "tspan", "title", "p", "td", "th"):
            self._capture = None

    def handle_data(self, data):
        if self._capture == "risk":
            self.page.risk_text += data
        elif self._capture == "possible":
            self.page.possible_text += data
        elif self._capture == "cell":
            self.page.possible_rows[-1][-1] += data
        elif self._capture == "chosen":
            self._axis.chosen.append(data)
        elif self._capture == "status":
            self._axis.status += data
        elif self._capture == "title":
            self._axis.markers[-1].title += data


def read_nomogram_page(html: str) -> NomogramPage:
    reader = _Reader()
    reader.feed(html)
    return reader.page
