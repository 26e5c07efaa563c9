"""The errors real clients raise when their server is unreachable or goes away are outages
(`is_infrastructure_error`), so consumers wait for the server instead of dead-lettering."""

import socket

import pytest
from qdrant_client import AsyncQdrantClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from jdi_core.errors import is_infrastructure_error

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def error_of(url: str, statement: str) -> BaseException:
    """What executing `statement` on a new connection to `url` raises."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    except Exception as error:  # noqa: BLE001 - whatever the driver raises is the point
        return error
    finally:
        await engine.dispose()
    raise AssertionError(f"{statement} did not fail")


async def test_a_database_that_refuses_connections(database_url: str) -> None:
    closed = database_url.replace(database_url.rsplit("@", 1)[1], f"127.0.0.1:{closed_port()}/jdi")
    error = await error_of(closed, "SELECT 1")
    assert is_infrastructure_error(error), repr(error)


async def test_a_database_connection_terminated_by_the_server(database_url: str) -> None:
    """What a handler sees when PostgreSQL shuts down under it (57P01, the connection then gone)."""
    error = await error_of(database_url, "SELECT pg_terminate_backend(pg_backend_pid())")
    assert is_infrastructure_error(error), repr(error)


async def test_a_database_error_of_the_statement_is_not_an_outage(database_url: str) -> None:
    error = await error_of(database_url, "SELECT CAST('x' AS integer)")
    assert not is_infrastructure_error(error), repr(error)


@pytest.mark.parametrize("prefer_grpc", [False, True], ids=["rest", "grpc"])
async def test_a_vector_store_server_that_refuses_connections(prefer_grpc: bool) -> None:
    port = closed_port()
    client = AsyncQdrantClient(
        url=f"http://127.0.0.1:{port}", grpc_port=port, prefer_grpc=prefer_grpc, check_compatibility=False, timeout=5
    )
    with pytest.raises(Exception) as caught:
        await client.get_collections()
    await client.close()
    assert is_infrastructure_error(caught.value), repr(caught.value)
