"""Errors as logs and the DLQ may carry them, and which of them are a dependency's outage.

A pydantic error quotes its input and a database driver's error quotes the values bound to the
statement (and PostgreSQL's DETAIL quotes key values); all of those can be document text or personal
data, so they are described by field, statement and error class instead.
"""

from collections.abc import Iterator

from aiokafka.errors import KafkaError, KafkaTimeoutError
from pydantic import ValidationError
from sqlalchemy import exc as sqlalchemy_errors
from sqlalchemy.exc import StatementError


def describe_error(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        problems = [f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors()[:5]]
        return f"{type(error).__name__}: {error.error_count()} problem(s): " + "; ".join(problems)
    if isinstance(error, StatementError):
        # SQLAlchemy wraps the driver's exception, and its async adapter wraps it once more.
        cause = error.orig if error.orig is not None else error
        cause = cause.__cause__ or cause
        sqlstate = getattr(cause, "sqlstate", None)
        statement = " ".join((error.statement or "").split())[:200]
        return f"{type(cause).__name__}" + (f" (SQLSTATE {sqlstate})" if sqlstate else "") + f" in: {statement}"
    return f"{type(error).__name__}: {error}"


# Errors of a file the handler itself names: the same on every attempt, so not an outage.
_FILE_ERRORS = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)
_SQLALCHEMY_OUTAGES = (
    sqlalchemy_errors.OperationalError,
    sqlalchemy_errors.InterfaceError,
    sqlalchemy_errors.DisconnectionError,
    sqlalchemy_errors.TimeoutError,  # no connection free in the pool
)
# SQLSTATE classes and codes of a server that is unreachable, starting, stopping or out of resources
# (connection_exception, insufficient_resources, admin/crash shutdown, cannot_connect_now).
_OUTAGE_SQLSTATE_PREFIXES = ("08", "53", "57P01", "57P02", "57P03")
# The transport errors of httpx (the Qdrant REST client's), named as classes of their hierarchy.
_HTTP_TRANSPORT_ERRORS = {("httpx", "TransportError"), ("httpcore", "NetworkError"), ("httpcore", "TimeoutException")}
# HTTP answers of a server that is down or overloaded behind a proxy (the Qdrant REST client raises them).
_OUTAGE_HTTP_STATUSES = {429, 502, 503, 504}
# gRPC status codes of the same (the Qdrant gRPC client's AioRpcError).
_OUTAGE_GRPC_CODES = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"}


def is_infrastructure_error(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, says a dependency is unreachable (the database, the
    vector store, the broker) rather than that this message cannot be handled: retrying later will work.

    The vector store's clients (httpx, gRPC) are not jdi-core's dependencies: their transport errors are
    recognised by class name, by an HTTP status or by a gRPC status code, without importing them."""
    return any(_is_outage(link) for link in _error_chain(error))


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, OSError):  # refused, reset, timed out, no route, name not resolved, disk full
        return not isinstance(error, _FILE_ERRORS)
    if isinstance(error, KafkaError):
        return isinstance(error, KafkaTimeoutError) or bool(error.retriable)
    if isinstance(error, _SQLALCHEMY_OUTAGES):
        return True
    if any((cls.__module__, cls.__name__) in _HTTP_TRANSPORT_ERRORS for cls in type(error).__mro__):
        return True
    if isinstance(error, sqlalchemy_errors.DBAPIError) and error.connection_invalidated:
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_OUTAGE_SQLSTATE_PREFIXES):
        return True
    if getattr(error, "status_code", None) in _OUTAGE_HTTP_STATUSES:
        return True
    code = getattr(error, "code", None)
    if not callable(code):
        return False
    try:
        name = getattr(code(), "name", None)
    except TypeError:  # a `code` method of another signature: not a gRPC error
        return False
    return name in _OUTAGE_GRPC_CODES


def _error_chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what it was raised from or during (as a traceback shows them), and the driver error a
    wrapper keeps as `orig` (SQLAlchemy) or `source` (the Qdrant client)."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, getattr(current, "orig", None), getattr(current, "source", None)]
        if not current.__suppress_context__:
            linked.append(current.__context__)
        pending.extend(link for link in linked if isinstance(link, BaseException))
