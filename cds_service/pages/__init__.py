"""Pages for the clinician behind a card: the nomogram with the patient's place on it, and the
model card. Both are drawn from the loaded model, so a recalibrated model file shows itself.

They hold no patient data (the query carries four finding values, nothing else), so they need
no authentication and set no cookies. Everything they use is served from here: they work in a
hospital network with no way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, render_template, request

from scoring import Model, Value, nomogram, possibilities, predict

from ..runtime import current_runtime
from ..wording import (
    card_risk_text,
    either,
    forced_recalibration,
    level_points,
    possible_risks,
)
from .drawing import LEFT, layout, listed, whole
from .links import (
    SOURCE_ATTRIBUTES_PATH,
    UNKNOWN,
    allowed_values,
    card_links,
    findings_from_query,
    model_card_link,
    public_base_url,
    query_token,
)

__all__ = ["SOURCE_ATTRIBUTES_PATH", "card_links", "init_app", "model_card_link", "public_base_url"]

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/pages/static",
)

#: Scripts, styles and fetches from this service only: no inline script, no CDN. Framing is
#: left open because an EHR may show a card's absolute link in its own frame; the pages offer
#: no action to trick a user into.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The query names the patient's findings; no other site needs to see it.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/nomogram")
def nomogram_page() -> tuple[str, int] | str:
    runtime = current_runtime()
    model = runtime.model
    findings, problems = findings_from_query(model, request.args.to_dict(flat=False))
    if problems:
        return render_template(
            "bad_query.html", problems=problems, allowed=allowed_values(model), model=model
        ), 400
    estimate = predict(model, findings, runtime.tiers)
    places = possibilities(model, estimate, runtime.tiers)
    return render_template(
        "nomogram.html",
        model=model,
        drawing=layout(nomogram(model), estimate, runtime.tiers, places),
        drawing_left=LEFT,
        estimate=estimate,
        places=places,
        possible_risks=possible_risks(estimate, places) if estimate.unknown else "",
        unknown=[factor for factor in estimate.factors if factor.is_unknown],
        choices=_choices(model, findings),
        risk_text=card_risk_text,
        level_points=lambda name: either(level_points(model, name)),
        total_points=listed([whole(place.estimate.total_points.low) for place in places]),
        risks=listed([card_risk_text(place.estimate.probability) for place in places]),
        whole=whole,
    )


@bp.get("/model-card")
def model_card_page() -> str:
    model = current_runtime().model
    drawn = nomogram(model)
    points = {(row.name, c.label): c.points for row in drawn.rows for c in row.categories}
    coefficients = [
        {
            "finding": predictor.label,
            "level": level.label,
            "reference": level.is_reference,
            "coefficient": level.coefficient,
            "points": points[(predictor.name, level.label)],
        }
        for predictor in model.predictors
        for level in predictor.levels
    ]
    recalibration = model.recalibration
    return render_template(
        "model_card.html",
        model=model,
        coefficients=coefficients,
        recalibration=recalibration,
        forced=forced_recalibration(recalibration) if recalibration else [],
        source_attributes=current_runtime().source_attributes,
        extra_cohort=_extra(model.document["derivation_cohort"], KNOWN_COHORT_FIELDS),
        extra_performance=_extra(model.performance, KNOWN_PERFORMANCE_FIELDS),
        whole=whole,
    )


@bp.get(SOURCE_ATTRIBUTES_PATH)
def source_attributes() -> dict[str, Any]:
    """The model's source attributes, with the site's additions, as JSON (the schema is
    scoring/source-attributes.schema.json)."""
    return dict(current_runtime().source_attributes.document)


KNOWN_COHORT_FIELDS = {"size", "events", "setting", "period", "design", "population"}
KNOWN_PERFORMANCE_FIELDS = {
    "auc",
    "c_index",
    "c_index_bootstrap",
    "bootstrap_resamples",
    "validation",
    "decision_curve_net_benefit",
}


def _extra(block: dict[str, Any], known: set[str]) -> list[tuple[str, Any]]:
    """Fields a model file adds beyond those the page lays out, shown as they are: the card
    is generated from the file, so nothing in it goes unseen."""
    return [
        (name.replace("_", " ").capitalize(), value)
        for name, value in block.items()
        if name not in known
    ]


def _choices(model: Model, findings: Mapping[str, Value | None]) -> list[dict[str, Any]]:
    """Each finding's options for the what-if form, the patient's selected."""
    choices = []
    for predictor in model.predictors:
        options = [
            {
                "value": query_token(value),
                "text": level.label if len(level.values) == 1 else f"{level.label} ({value})",
                "selected": findings[predictor.name] is not None
                and query_token(findings[predictor.name]) == query_token(value),
            }
            for level in predictor.levels
            for value in level.values
        ]
        options.append(
            {"value": UNKNOWN, "text": UNKNOWN, "selected": findings[predictor.name] is None}
        )
        choices.append({"name": predictor.name, "label": predictor.label, "options": options})
    return choices


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
