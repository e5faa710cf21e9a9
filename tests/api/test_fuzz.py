"""Fuzz every operation of the OpenAPI schema: no request may make a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from laurel.wsgi import application
from tests.factories.people import OrganizationFactory, PersonFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db, staff, keep_connection):
    from laurel.people.services import create_api_token

    OrganizationFactory.create_batch(2)
    PersonFactory.create_batch(2)
    return {"authorization": f"Bearer {create_api_token(user=staff, name='fuzz', scope='write')}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case, api_data):
    case.call_and_validate(headers=api_data, checks=[not_a_server_error])
