"""A failed statement is described by its statement and error class, never by the values bound to it."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jdi_core.db import make_engine
from jdi_core.errors import describe_error
from jdi_core.settings import DatabaseSettings

pytestmark = pytest.mark.integration


async def test_bound_values_stay_out_of_database_errors(database_url: str, db_schema_prefix: str) -> None:
    engine = make_engine(DatabaseSettings(url=database_url, schema_prefix=db_schema_prefix), "ingestion")
    personal_text = "Incumbent Jeanne Tremblay"
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as caught:
                await connection.execute(text("SELECT CAST(:value AS integer)"), {"value": personal_text})
    finally:
        await engine.dispose()
    described = describe_error(caught.value)
    assert "SELECT CAST($1 AS integer)" in described
    assert "DataError" in described
    assert personal_text not in described
