"""Whether a resource is about the patient in context: that id, on the request's FHIR server.

A reference names the patient in context when it is ``Patient/{id}`` (relative: on the server
the data came from), or an absolute URL to ``Patient/{id}`` under the request's fhirServer base
(:class:`~fhir_mappings.server_base.ServerBase`); a version suffix (``/_history/n``) is
allowed. The same id on another server is another person, since an id is unique only within
its server; an absolute reference with no fhirServer to compare with cannot be shown to be
this patient. Both are refused as any other patient is.
"""

from __future__ import annotations

from functools import lru_cache

from .parsing import InvalidResourceError
from .server_base import ServerBase


def refers_to_patient(reference: str | None, patient_id: str, fhir_server: str | None) -> bool:
    target = (reference or "").split("/_history/")[0]
    wanted = f"Patient/{patient_id}"
    if target == wanted:
        return True
    return _absolute_to(target, wanted) and _path_on(target, fhir_server) == wanted


def not_the_patient(
    name: str, field_name: str, reference: str | None, patient_id: str, fhir_server: str | None
) -> InvalidResourceError:
    """The refusal of a resource whose ``field_name`` reference is not the patient in context,
    saying what to fix."""
    wanted = f"Patient/{patient_id}"
    said = f"{name}: {field_name}: refers to {reference or '(no reference)'}"
    if not _absolute_to((reference or "").split("/_history/")[0], wanted):
        return InvalidResourceError(f"{said}, not the patient in context {wanted}")
    base = _base(fhir_server)
    if base is None:
        return InvalidResourceError(
            f"{said}, an absolute URL, and the request has no fhirServer base URL to show it "
            f"is the server of the patient in context; send {wanted} (relative) or the fhirServer"
        )
    return InvalidResourceError(
        f"{said}, a Patient on another server than the fhirServer {base}: another patient "
        f"than {wanted} in context; send {wanted} (relative) or a URL under the fhirServer"
    )


def _absolute_to(target: str, wanted: str) -> bool:
    return "://" in target and target.endswith(f"/{wanted}")


@lru_cache(maxsize=256)
def _path_on(reference: str, fhir_server: str | None) -> str | None:
    """What follows the fhirServer base in an absolute reference under it. Cached: every
    resource of a chart names the same patient, and parsing a URL costs microseconds."""
    base = _base(fhir_server)
    return None if base is None else base.reference_path(reference)


@lru_cache(maxsize=16)
def _base(fhir_server: str | None) -> ServerBase | None:
    """The request's fhirServer as a base, parsed once per process and value; None if there is
    none or it is not a base URL."""
    if fhir_server is None:
        return None
    try:
        return ServerBase.parse(fhir_server)
    except ValueError:
        return None
