"""Which resources the assessment reads, decided on the raw JSON before any model is built.

Almost every chart an EHR opens has no vertebroplasty, and turning every resource of a
payload into a validated model costs far more than the answer, ``{"cards": []}``. So the
payloads are first read as plain JSON, looking only at ``resourceType`` and the codings of
``code``, against the code contract's tables (:meth:`MappingConfig.code_tables`):

- a resource whose type and code the contract lists is **used**: it is validated with its
  fhir.resources model, exactly as :func:`~fhir_mappings.parsing.resources_from` would, and
  invalid FHIR there is refused (:class:`InvalidResourceError`);
- a resource of a used type whose ``code`` cannot be read as a CodeableConcept is used too,
  so that the FHIR parser says what is wrong with it (an Observation without ``code``);
- a RiskAssessment is used whatever its code (the estimates on record, read by ``method``);
- any other resource is **set aside**: never turned into a model, never validated, and
  counted among the resources not used. Invalid FHIR in a resource the assessment does not
  read is not refused: it changes nothing in the answer, and refusing it would make every
  chart with one odd, unrelated resource fail. The Patient is set aside too (not counted):
  only its ``id`` matters, and that is checked below.

With no used Procedure nothing is parsed at all: the assessment is "no procedure". What is
always checked, on the JSON, for every resource and Bundle: each payload is a resource or a
searchset/collection Bundle; a Bundle's ``entry`` is a list of objects and its ``link`` a list
of objects with a string ``relation`` and ``url`` (what the service reads of a Bundle: the
rest of it is not validated); every resource has a string ``resourceType``; and no resource
is about another patient (its ``subject`` or ``patient`` reference, the Patient's ``id``; an
absolute reference must lie under the request's fhirServer: :mod:`fhir_mappings.subject`): a
payload that mixes patients is a mix-up at the sender, refused whatever it holds. The JSON is
read as json/orjson parse it: objects are dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from fhir.resources.R4B.resource import Resource

from .assessment import Assessment, assess
from .config import MappingConfig, default_config
from .parsing import READABLE_BUNDLE_TYPES, InvalidResourceError, parse_resource
from .report_text import ReportTextReader
from .subject import not_the_patient, refers_to_patient

#: Resources read for their id only, checked here against the patient in context.
IDENTITY_TYPES = frozenset({"Patient"})
#: Resources used whatever their code: the RiskAssessments on record (which model made one is
#: read from its ``method`` once parsed).
WHOLE_TYPES = frozenset({"RiskAssessment"})
#: The resource type without which the model has nothing to say: the index procedure.
INDEX_TYPE = "Procedure"
#: Types that must name their patient (they may be cited as the source of a finding).
CLINICAL_TYPES = frozenset({"Observation", "Procedure", "Condition"})

#: The assessment of every chart without a vertebroplasty. With no procedure nothing is read
#: and no time window placed, so it is the same for every patient, code contract and moment:
#: built once (the moment given does not matter).
NO_INDEX_PROCEDURE = assess((), "", default_config(), now=datetime(2000, 1, 1, tzinfo=UTC))


class _Raw(NamedTuple):
    """A resource still as JSON, with where it came from for error messages. (A named tuple:
    one is made per resource of every call, and a tuple is the cheapest to make.)"""

    data: Mapping[str, Any]
    origin: str
    #: Its index in its Bundle's entries; None for a payload that is the resource itself.
    entry: int | None

    @property
    def where(self) -> str:
        return _entry(self.entry)


@dataclass
class Selection:
    """The used resources of a request, still as JSON, and how many were set aside."""

    used: list[_Raw] = field(default_factory=list)
    ignored: int = 0

    @property
    def has_index_procedure(self) -> bool:
        return any(raw.data["resourceType"] == INDEX_TYPE for raw in self.used)

    def resources(self) -> list[Resource]:
        """Validate the used resources with their fhir.resources models."""
        return [_parsed(raw) for raw in self.used]


def assess_payloads(
    payloads: Mapping[str, Iterable[Any]],
    patient_id: str,
    config: MappingConfig,
    report_reader: ReportTextReader | None = None,
    *,
    now: datetime,
    parsed: Iterable[Resource] = (),
    fhir_server: str | None = None,
) -> Assessment:
    """Assess one patient from FHIR JSON payloads (resources or Bundles) keyed by a label
    that error messages start with, e.g. ``prefetch 'observations'``; ``parsed`` adds
    resources already parsed (the radiology reports the service fetched for report text).
    ``fhir_server`` is the base URL the data came from (the request's fhirServer), if any."""
    resources = _checked_resources(payloads, patient_id, fhir_server)
    # No Procedure at all (almost every chart): no code to look up, nothing to sort.
    if not any(raw.data["resourceType"] == INDEX_TYPE for raw in resources):
        return NO_INDEX_PROCEDURE
    selection = _sorted(_latest_of_each(resources), config)
    if not selection.has_index_procedure:
        return NO_INDEX_PROCEDURE
    return assess(
        [*selection.resources(), *parsed],
        patient_id,
        config,
        report_reader,
        now=now,
        set_aside=selection.ignored,
        fhir_server=fhir_server,
    )


def select(
    payloads: Mapping[str, Iterable[Any]],
    patient_id: str,
    config: MappingConfig,
    fhir_server: str | None = None,
) -> Selection:
    """Sort the payloads' resources into used and set aside, reading JSON only."""
    resources = _checked_resources(payloads, patient_id, fhir_server)
    return _sorted(_latest_of_each(resources), config)


def _checked_resources(
    payloads: Mapping[str, Iterable[Any]], patient_id: str, fhir_server: str | None
) -> list[_Raw]:
    """Every resource of the payloads, in order, each checked to be about the patient."""
    found: list[_Raw] = []
    # Every resource is checked against the patient: the usual reference, made once here.
    wanted = f"Patient/{patient_id}"
    for origin, values in payloads.items():
        for value in values:
            resources = _labelled_many(origin, value)
            for raw in resources:
                _check_patient(raw.data, patient_id, wanted, fhir_server)
            found += resources
    return found


def _latest_of_each(resources: list[_Raw]) -> list[_Raw]:
    """Of two resources with the same type and id, the later (as in assess). Only once a
    Procedure is found: a quiet chart's resources are checked, never sorted."""
    by_reference: dict[tuple[str, str], _Raw] = {}
    unnamed: list[_Raw] = []
    for raw in resources:
        resource_id = raw.data.get("id")
        if isinstance(resource_id, str):
            by_reference[raw.data["resourceType"], resource_id] = raw
        else:
            unnamed.append(raw)
    return [*by_reference.values(), *unnamed]


def _sorted(resources: list[_Raw], config: MappingConfig) -> Selection:
    selection = Selection()
    used_codes = config.used_codes
    for raw in resources:
        if raw.data["resourceType"] in IDENTITY_TYPES:
            continue
        if _is_used(raw.data, used_codes):
            selection.used.append(raw)
        else:
            selection.ignored += 1
    return selection


def _labelled_many(origin: str, value: Any) -> list[_Raw]:
    try:
        return _resources_in(origin, value)
    except InvalidResourceError as exc:
        raise InvalidResourceError(f"{origin}: {exc}") from None


def _resources_in(origin: str, value: Any) -> list[_Raw]:
    """The resources of a payload. A list, not a generator: this runs for every resource of
    every call, and a generator costs a frame switch per resource."""
    resource_type = _resource_type(value, None)
    if resource_type != "Bundle":
        return [_Raw(value, origin, None)]
    bundle_type = value.get("type")
    if not isinstance(bundle_type, str) or bundle_type not in READABLE_BUNDLE_TYPES:
        raise InvalidResourceError(
            f"Bundle/{value.get('id') or '(no id)'}: type: {bundle_type!r} is not a "
            "searchset or collection"
        )
    _check_links(value.get("link", []))
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise InvalidResourceError("Bundle: entry: expected a list")
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InvalidResourceError(f"{_entry(index)}: expected an object")
        if "resource" in entry and not _is_outcome(entry):
            _resource_type(entry["resource"], index)
            found.append(_Raw(entry["resource"], origin, index))
    return found


def _entry(index: int | None) -> str:
    """Where a resource was in its payload, for messages."""
    return "resource" if index is None else f"Bundle entry[{index}]"


def _is_outcome(entry: Mapping[str, Any]) -> bool:
    """An "outcome" entry is the server's note about the search, not a result."""
    search = entry.get("search")
    return isinstance(search, dict) and search.get("mode") == "outcome"


def _resource_type(data: Any, entry: int | None) -> str:
    """``entry``: the resource's index in its Bundle (None: the payload itself), named only
    in a message (this runs for every resource of every call)."""
    if not isinstance(data, dict):
        raise InvalidResourceError(
            f"{_entry(entry)}: expected a resource (JSON object), got {type(data).__name__}"
        )
    resource_type = data.get("resourceType")
    if not isinstance(resource_type, str):
        raise InvalidResourceError(f"{_entry(entry)}: resourceType: missing or not a string")
    return resource_type


def _check_patient(
    data: Mapping[str, Any], patient_id: str, wanted: str, fhir_server: str | None
) -> None:
    """The raw-JSON form of the check ``assess`` makes on models, for every resource.
    ``wanted``: ``Patient/{patient_id}``, the reference almost every resource carries."""
    resource_type = data["resourceType"]
    if resource_type == "Patient":
        if data.get("id") != patient_id:
            raise InvalidResourceError(
                f"{_name(data)}: id: not the patient in context Patient/{patient_id}"
            )
        return
    for field_name in ("subject", "patient"):
        reference = data.get(field_name)
        if isinstance(reference, dict):
            target = reference.get("reference")
            if target == wanted:
                return
            target = target if isinstance(target, str) else None
            if not refers_to_patient(target, patient_id, fhir_server):
                raise not_the_patient(_name(data), field_name, target, patient_id, fhir_server)
            return
    if resource_type in CLINICAL_TYPES and not any(f in data for f in ("subject", "patient")):
        raise InvalidResourceError(
            f"{_name(data)}: subject: missing, so it cannot be shown to be about "
            f"Patient/{patient_id}"
        )


def _name(data: Mapping[str, Any]) -> str:
    return f"{data['resourceType']}/{data.get('id')}"


def _check_links(links: Any) -> None:
    """Bundle.link as the service reads it (the ``next`` link): Bundle.link.relation and .url
    are both required strings."""
    if not isinstance(links, list):
        raise InvalidResourceError("Bundle: link: expected a list")
    for index, link in enumerate(links):
        if not (
            isinstance(link, dict)
            and isinstance(link.get("relation"), str)
            and isinstance(link.get("url"), str)
        ):
            raise InvalidResourceError(
                f"Bundle: link[{index}]: expected an object with a string relation and url"
            )


def _is_used(data: Mapping[str, Any], used_codes: Mapping[str, frozenset[tuple[str, str]]]) -> bool:
    if data["resourceType"] in WHOLE_TYPES:
        return True
    codes = used_codes.get(data["resourceType"])
    if codes is None:
        return False
    match = _code_in(data.get("code"), codes)
    # Unreadable: let the FHIR parser refuse it, or find it valid and without a contract code.
    return match is None or match


def _code_in(concept: Any, codes: frozenset[tuple[str, str]]) -> bool | None:
    """Whether a CodeableConcept (JSON) has a coding in ``codes``; None if it is not one."""
    if not isinstance(concept, dict):
        return None
    codings = concept.get("coding", [])
    if not isinstance(codings, list):
        return None
    found = False
    for coding in codings:
        if not isinstance(coding, dict):
            return None
        system, code = coding.get("system"), coding.get("code")
        if not isinstance(system, str | None) or not isinstance(code, str | None):
            return None
        found = found or (system, code) in codes
    return found


def _parsed(raw: _Raw) -> Resource:
    try:
        return parse_resource(raw.data, raw.where)
    except InvalidResourceError as exc:
        raise InvalidResourceError(f"{raw.origin}: {exc}") from None
