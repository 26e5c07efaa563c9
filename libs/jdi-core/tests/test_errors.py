"""Which failures are a dependency's outage (wait for it) and which are the message's own (retry, then the DLQ).
The errors real clients raise against unreachable servers are checked in tests/integration/test_outage_errors.py."""

import asyncpg
import httpx
import pytest
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from jdi_core.errors import is_infrastructure_error


class Model(BaseModel):
    version: int


def validation_error() -> ValidationError:
    try:
        Model.model_validate({"version": "x"})
    except ValidationError as error:
        return error
    raise AssertionError("no validation error")


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


def raised_during(error: BaseException, context: BaseException) -> BaseException:
    error.__context__ = context
    return error


class ClientError(Exception):
    """A client's own error keeping the transport's error as `source` (as the Qdrant client does)."""

    def __init__(self, source: Exception) -> None:
        self.source = source


class HttpAnswer(Exception):
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


class GrpcCode:
    def __init__(self, name: str) -> None:
        self.name = name


class RpcError(Exception):
    def __init__(self, code: str) -> None:
        self._code = GrpcCode(code)

    def code(self) -> GrpcCode:
        return self._code


OUTAGES = [
    ConnectionRefusedError(111, "Connect call failed"),
    TimeoutError(),
    OSError(28, "No space left on device"),
    KafkaConnectionError(),
    KafkaTimeoutError(),
    OperationalError("SELECT 1", {}, ConnectionResetError()),
    PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached"),
    DBAPIError("SELECT 1", {}, Exception("connection is closed"), connection_invalidated=True),
    raised_from(DBAPIError("SELECT 1", {}, Exception()), asyncpg.AdminShutdownError()),
    asyncpg.CannotConnectNowError(),
    asyncpg.TooManyConnectionsError(),
    raised_during(RuntimeError("wrapper"), raised_from(RuntimeError("transport"), ConnectionResetError())),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ClientError(httpx.ReadTimeout("timed out")),
    HttpAnswer(503),
    RpcError("UNAVAILABLE"),
]

OWN_FAILURES = [
    ValueError("version 0"),
    validation_error(),
    FileNotFoundError("taxonomy.json"),
    MessageSizeTooLargeError(),
    IntegrityError("INSERT", {}, asyncpg.UniqueViolationError()),
    raised_from(DBAPIError("SELECT", {}, Exception()), asyncpg.InvalidTextRepresentationError()),
    asyncpg.QueryCanceledError(),  # a statement timeout: this statement, not the server
    HttpAnswer(400),
    ClientError(ValueError("unexpected answer")),
    RpcError("INVALID_ARGUMENT"),
    raised_from(RuntimeError("bad payload"), ValueError("version 0")),
]


@pytest.mark.parametrize("error", OUTAGES, ids=lambda error: type(error).__name__)
def test_an_unreachable_dependency_is_an_outage(error: BaseException) -> None:
    assert is_infrastructure_error(error)


@pytest.mark.parametrize("error", OWN_FAILURES, ids=lambda error: type(error).__name__)
def test_a_failure_of_the_message_itself_is_not(error: BaseException) -> None:
    assert not is_infrastructure_error(error)


def test_an_outage_hidden_by_raise_from_none_is_not_followed() -> None:
    error = ValueError("bad payload")
    error.__context__ = ConnectionResetError()
    error.__suppress_context__ = True
    assert not is_infrastructure_error(error)
