"""Property-based run of the API against its own OpenAPI schema (schemathesis), in-process.

Every operation gets a bounded, deterministic set of generated requests (valid and invalid), sent as a
signed-in policy officer (token auth) through Django's test request handler, so the test database's
transaction stays open. Each response must: not be a server error; use a documented status code and
content type; match the documented response schema; reject schema-invalid input; and the operation must
refuse the same request without credentials.

The schema is built at collection time by the generator that serves /api/schema/ (one test per operation);
`test_schema_is_the_live_one` checks that the live endpoint serves exactly that schema. (schemathesis's lazy
`from_fixture` loader, which could fetch it inside a test, does not work with pytest 9.2: it sets
`Node._nodeid`, which pytest no longer has.)
"""

import json

import pytest
import schemathesis
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hoso.records import services

EXAMPLES = 25
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # a fixed key, so the schema's config can send it
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection, ignored_auth]
EXISTING: dict[str, dict] = {}  # path template → path parameters of an object that exists (set per test)


def build_schema() -> dict:
    """The schema exactly as /api/schema/?format=json serves it (same generator, JSON-ready)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def django_wsgi_app():
    """A WSGI callable over Django's test handler (which keeps the test's database connection open)."""
    handler = ClientHandler()

    def app(environ, start_response):
        response = handler(environ)
        headers = [*response.items(), *(("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values())]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]

    return app


RAW_SCHEMA = build_schema()
schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
schema.app = django_wsgi_app()
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, with_security_parameters=False)


@schema.auth()
class OfficerToken:
    """The officer's API token (created by the `token` fixture), sent on every generated request."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half of the generated paths name an object that exists, so found items are exercised too."""
    existing = EXISTING.get(context.operation.path)
    return st.sampled_from([path_parameters, existing]) if existing else st.just(path_parameters)


@pytest.fixture
def token(officer):
    return Token.objects.create(user=officer, key=TOKEN).key


@pytest.fixture
def existing(martyr_dossier, actor):
    relative = services.create_person(actor=actor, full_name="Nguyễn Thị Mẹ", birth_date="1925")
    services.link_relative(actor=actor, dossier=martyr_dossier, person=relative, relationship="me")
    document = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử",
                                     issued_on="12/05/1972")
    EXISTING.update({"/api/dossiers/{number}/": {"number": martyr_dossier.number},
                     "/api/people/{id}/": {"id": relative.pk}, "/api/documents/{id}/": {"id": document.pk}})
    yield EXISTING
    EXISTING.clear()


def test_schema_is_the_live_one(officer):
    client = APIClient()
    client.force_authenticate(officer)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == RAW_SCHEMA


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token, existing):
    case.call_and_validate(checks=CHECKS)
