"""A FHIR server's base URL and what lies under it: equal bases however spelt (RFC 3986
section 6.2.2 and 6.2.3), segment by segment under the base, and every spelling of a dot
segment refused rather than resolved."""

from __future__ import annotations

import pytest

from fhir_mappings.server_base import ServerBase

BASE = ServerBase.parse("https://ehr.example/fhir")


@pytest.mark.parametrize(
    "spelling",
    [
        "https://ehr.example/fhir/",
        "HTTPS://EHR.Example/fhir",
        "https://ehr.example:443/fhir",
        "https://ehr.example/%66hir",
    ],
)
def test_the_same_base_however_spelt_is_equal(spelling):
    assert ServerBase.parse(spelling) == BASE


@pytest.mark.parametrize(
    "other",
    [
        "http://ehr.example/fhir",
        "https://ehr.example:8443/fhir",
        "https://ehr.example/FHIR",  # paths are case-sensitive
        "https://ehr.example./fhir",
        "https://ehr.example/fhir/r4",
    ],
)
def test_another_base_is_not_equal(other):
    assert ServerBase.parse(other) != BASE


def test_a_default_port_is_the_same_as_none_for_http_too():
    assert ServerBase.parse("http://ehr.example:80/fhir") == ServerBase.parse(
        "http://ehr.example/fhir"
    )


def test_an_international_host_name_is_compared_in_its_ascii_form():
    assert ServerBase.parse("https://bücher.example/fhir") == ServerBase.parse(
        "https://xn--bcher-kva.example/fhir"
    )


@pytest.mark.parametrize(
    "text, why",
    [
        ("ehr.example/fhir", "not an absolute"),
        ("ftp://ehr.example/fhir", "not an absolute"),
        ("https://user:pw@ehr.example/fhir", "user info"),
        ("https://ehr.example/fhir/../admin", "dot segments"),
        ("https://ehr.example/fhir?_format=json", "no query"),
        ("https://ehr.example/fhir#top", "no query or fragment"),
        ("https://[::1/fhir", "not an absolute"),
        ("https://ehr.example:99999/fhir", "not an absolute"),
    ],
)
def test_what_is_not_a_base_is_refused_saying_why(text, why):
    with pytest.raises(ValueError, match=why):
        ServerBase.parse(text)


@pytest.mark.parametrize(
    "link, url",
    [
        ("Observation?patient=p1", "https://ehr.example/fhir/Observation?patient=p1"),
        ("/fhir/Observation", "https://ehr.example/fhir/Observation"),
        ("https://EHR.example:443/fhir/Observation", "https://ehr.example/fhir/Observation"),
        ("https://ehr.example/fhir?_getpages=a1", "https://ehr.example/fhir?_getpages=a1"),
        ("https://ehr.example/fhir/Observation#page", "https://ehr.example/fhir/Observation"),
        ("https://ehr.example/fhir/%4Fbservation", "https://ehr.example/fhir/Observation"),
    ],
)
def test_a_link_under_the_base_resolves_to_the_url_to_request(link, url):
    assert BASE.resolve(link) == url


@pytest.mark.parametrize(
    "link",
    [
        "https://ehr.example/fhirx/Observation",
        "https://ehr.example/admin",
        "https://other.example/fhir/Observation",
        "http://ehr.example/fhir/Observation",
        "https://ehr.example:444/fhir/Observation",
        "https://u@ehr.example/fhir/Observation",
        "//ehr.example/fhir/Observation",
        "/admin",
        "https://ehr.example/fhir/../admin",
        "https://ehr.example/fhir/./Observation",
        "https://ehr.example/fhir/%2e%2e/admin",
        "https://ehr.example/fhir/.%2E/admin",
        "https://ehr.example/fhir/..%2fadmin",
        "https://ehr.example/fhir//../admin",
        "https://ehr.example/fhir/%252e%252e/admin",
        "https://ehr.example/fhir/%252Fadmin",
        "https://ehr.example/fhir/..;jsessionid=1/admin",
        "https://ehr.example/fhir/..\\admin",
        "../admin",
        "Observation/../../admin",
        "mailto:someone@ehr.example",
    ],
)
def test_a_link_outside_the_base_or_in_doubt_resolves_to_nothing(link):
    assert BASE.resolve(link) is None


def test_a_server_at_the_root_holds_every_path_on_its_host():
    root = ServerBase.parse("https://ehr.example")
    assert root.resolve("/Observation") == "https://ehr.example/Observation"
    assert root.resolve("https://other.example/Observation") is None


@pytest.mark.parametrize(
    "reference, path",
    [
        ("https://ehr.example/fhir/Patient/p1", "Patient/p1"),
        ("HTTPS://ehr.example:443/fhir/Patient/p1", "Patient/p1"),
        ("https://other.example/fhir/Patient/p1", None),
        ("https://ehr.example/fhir2/Patient/p1", None),
        ("https://ehr.example/other/../fhir/Patient/p1", None),
        ("Patient/p1", None),  # relative: not an absolute URL under the base
    ],
)
def test_the_path_of_an_absolute_reference_under_the_base(reference, path):
    assert BASE.reference_path(reference) == path
