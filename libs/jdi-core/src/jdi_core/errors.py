"""Errors as logs and the DLQ may carry them: what failed and where, never the document text.

A pydantic error quotes its input and a database driver's error quotes the values bound to the
statement (and PostgreSQL's DETAIL quotes key values); all of those can be document text or personal
data, so they are described by field, statement and error class instead.
"""

from pydantic import ValidationError
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
