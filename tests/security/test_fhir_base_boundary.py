"""The FHIR base is a boundary: the EHR's access token goes to URLs under the fhirServer base
it was given for and nowhere else, however a next link or a redirect is spelt. Each test runs
a hook call against a real local FHIR stub and asserts on what that server received."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import pytest

from cds_service import create_app
from cds_service.errors import DataUnavailable
from cds_service.fhir_client import FhirClient, FhirServer, Timeouts
from cds_service.outbound import pooled_session
from fhir_mappings import codes
from tests.recording_server import Route
from tests.service import fhir
from tests.service.conftest import SchemaCheckingClient
from tests.service.stub_fhir import StubFhirServer

URL = "/cds-services/pvp-residual-back-pain"
TOKEN = "the-ehr-access-token-for-this-base"
#: The search the service makes for the only prefetch key left unfulfilled.
FIRST_PAGE = "Observation"


class RedirectingFhirServer(StubFhirServer):
    """The stub, with ``redirects`` mapping a path (relative to the base) to a Location."""

    def __init__(self) -> None:
        super().__init__()
        self.redirects: dict[str, str] = {}

    def route(self, path: str, raw_path: str) -> Route | None:
        location = self.redirects.get(path.removeprefix("/fhir/"))
        if location is not None:
            return Route(302, b"", {"Location": location})
        return super().route(path, raw_path)


@pytest.fixture
def fhir_server() -> Iterator[RedirectingFhirServer]:
    server = RedirectingFhirServer()
    yield server
    server.stop()


@pytest.fixture
def elsewhere() -> Iterator[StubFhirServer]:
    """Another server on the same host, another port: it must never be called."""
    server = StubFhirServer()
    yield server
    server.stop()


@pytest.fixture
def client(fhir_server):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


def origin(server: StubFhirServer) -> str:
    """scheme://host:port of a stub, without its /fhir base path."""
    return server.url("")


def call_with_first_page(client, fhir_server, first_page: dict):
    """A hook call whose observations are not prefetched: the service searches them on the
    stub, which answers ``first_page``."""
    fhir_server.answers[FIRST_PAGE] = (200, first_page)
    body = fhir.hook_request(
        fhirServer=fhir_server.base_url, fhirAuthorization=fhir.fhir_authorization(TOKEN)
    )
    del body["prefetch"]["observations"]
    return client.post(URL, json=body)


def resolved_path(raw_path: str) -> str:
    """Where a request lands on a server that decodes the path (twice, as some do), takes
    backslashes and ';' parameters as Tomcat does, and resolves dot segments."""
    path = unquote(unquote(urlsplit(raw_path).path)).replace("\\", "/")
    segments = [segment.split(";")[0] for segment in path.split("/")]
    return posixpath.normpath("/".join(segments))


def under_the_base(raw_path: str) -> bool:
    path = resolved_path(raw_path)
    return path == "/fhir" or path.startswith("/fhir/")


LEAVING_LINKS = {
    "dot segments": "{origin}/fhir/../admin/secret?page=2",
    "encoded dots": "{origin}/fhir/%2e%2e/admin/secret?page=2",
    "encoded upper-case dots": "{origin}/fhir/%2E%2E/admin",
    "dots and an encoded slash": "{origin}/fhir/..%2Fadmin",
    "encoded dots and slash": "{origin}/fhir/%2e%2e%2fadmin",
    "dots merged with an empty segment": "{origin}/fhir//../admin",
    "dots encoded twice": "{origin}/fhir/%252e%252e/admin",
    "dots with a path parameter": "{origin}/fhir/..;/admin",
    "backslashes": "{origin}/fhir\\..\\admin",
    "a sibling path sharing the prefix": "{origin}/fhirx/Observation?page=2",
    "another path on the host": "{origin}/admin/secret?page=2",
    "relative with dot segments": "/fhir/../admin/secret?page=2",
    "relative upwards": "../admin/secret",
    "another host name": "http://localhost:{port}/fhir/Observation?page=2",
    "user info": "http://user:secret@127.0.0.1:{port}/fhir/Observation?page=2",
    "https instead of http": "https://127.0.0.1:{port}/fhir/Observation?page=2",
    "another port": "{elsewhere}/Observation?page=2",
    "a network-path reference": "//127.0.0.1:{port}/admin",
}


@pytest.mark.parametrize("link", LEAVING_LINKS.values(), ids=LEAVING_LINKS.keys())
def test_a_next_link_leaving_the_base_is_not_followed(client, fhir_server, elsewhere, link):
    next_url = link.format(
        origin=origin(fhir_server), port=fhir_server.port, elsewhere=elsewhere.base_url
    )
    response = call_with_first_page(client, fhir_server, fhir.searchset(next_url=next_url))

    assert response.status_code == 412
    assert "a next link leaves" in response.get_json()["issue"][0]["diagnostics"]
    assert [urlsplit(path).path for path in fhir_server.requested] == [f"/fhir/{FIRST_PAGE}"]
    assert elsewhere.requested == []


def test_the_token_never_reaches_a_path_outside_the_base(client, fhir_server, elsewhere):
    # Every spelling in one run: whatever the server was asked, it was under /fhir.
    for link in LEAVING_LINKS.values():
        next_url = link.format(
            origin=origin(fhir_server), port=fhir_server.port, elsewhere=elsewhere.base_url
        )
        call_with_first_page(client, fhir_server, fhir.searchset(next_url=next_url))
    outside = [path for path in fhir_server.requested if not under_the_base(path)]
    assert outside == []
    assert elsewhere.requested == []


def test_a_redirect_is_not_followed_with_the_token(client, fhir_server):
    fhir_server.redirects[FIRST_PAGE] = f"{origin(fhir_server)}/admin/secret"

    response = call_with_first_page(client, fhir_server, fhir.searchset())

    assert response.status_code == 412
    assert "redirect" in response.get_json()["issue"][0]["diagnostics"]
    assert [urlsplit(path).path for path in fhir_server.requested] == [f"/fhir/{FIRST_PAGE}"]


FOLLOWED_LINKS = {
    # HAPI FHIR pages on the base itself: http://host/fhir?_getpages=...
    "the base itself with a query": ("{base}?_getpages=p2", "/fhir", "_getpages=p2"),
    "upper-case scheme": ("HTTP://127.0.0.1:{port}/fhir/page-2", "/fhir/page-2", ""),
    "encoded unreserved characters": ("{base}/%70age-2", "/fhir/page-2", ""),
    "relative to the base": ("page-2?n=2", "/fhir/page-2", "n=2"),
    "absolute path on the host": ("/fhir/page-2", "/fhir/page-2", ""),
}


@pytest.mark.parametrize(
    "link, received_path, received_query", FOLLOWED_LINKS.values(), ids=FOLLOWED_LINKS.keys()
)
def test_a_next_link_under_the_base_is_followed_as_normalised(
    client, fhir_server, link, received_path, received_query
):
    ivc, oedema, goutallier, cement = fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
    second_page = (200, fhir.searchset(goutallier, cement))
    fhir_server.answers["page-2"] = fhir_server.answers["/fhir"] = second_page
    next_url = link.format(base=fhir_server.base_url, port=fhir_server.port)

    response = call_with_first_page(
        client, fhir_server, fhir.searchset(ivc, oedema, next_url=next_url)
    )

    assert response.status_code == 200
    assert "64%" in response.get_json()["cards"][0]["summary"]
    second = urlsplit(fhir_server.requested[1])
    assert (second.path, second.query) == (received_path, received_query)
    assert fhir_server.requests[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_read_relative_to_the_base_that_leaves_it_is_not_sent(fhir_server):
    client = FhirClient(pooled_session(1), timeouts=Timeouts(1.0, 1.0), max_pages=3)
    server = FhirServer(fhir_server.base_url, TOKEN)

    with pytest.raises(DataUnavailable, match="leaves"):
        client.read(server, "../admin/secret")

    assert fhir_server.requested == []
