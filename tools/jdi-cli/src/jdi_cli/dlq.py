"""`jdi dlq`: the dead letters of `jdi.dlq.v1`, listed, shown and replayed onto their original topics.

A dead letter is a `jdi.dlq.v1` event (`DeadLettered`) holding the original record: topic, partition, offset,
key, headers, value, and the error and attempts it failed after. Its id is the event's id. Replaying republishes
the original record (key, value, headers) to the original topic with a `jdi-replay-of` header naming the dead
letter; the consumers are idempotent, so replaying a letter twice changes nothing downstream. The DLQ itself is
left as it is: a letter replayed stays listed.
"""

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from jdi_cli.kafka import Producer
from jdi_contracts.events import DeadLettered

REPLAY_HEADER = "jdi-replay-of"
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class LetterLookupError(LookupError):
    """No single letter matches the requested id; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ReplayRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True)
class Letters:
    letters: list[DeadLettered]
    unreadable: int
    """Records of the DLQ topic that are not dead-letter events."""


def read_letters(values: Sequence[bytes | None]) -> Letters:
    letters: list[DeadLettered] = []
    unreadable = 0
    for value in values:
        try:
            letters.append(DeadLettered.from_bytes(value or b""))
        except ValidationError:
            unreadable += 1
    return Letters(letters, unreadable)


def parse_since(text: str, now: datetime) -> datetime:
    """`30m`, `2h`, `1d`, `90s` ago, or an ISO 8601 time (UTC unless it says otherwise)."""
    if match := _DURATION.match(text.strip()):
        return now - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is neither a duration (30m, 2h, 1d) nor an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def select(
    letters: Sequence[DeadLettered],
    *,
    ids: Sequence[str] = (),
    topic: str | None = None,
    topic_prefix: str = "",
    since: datetime | None = None,
) -> list[DeadLettered]:
    """The letters matching every filter given: one of `ids` (or a unique prefix of it), the original topic
    (its logical name or with the deployment's prefix), dead-lettered at or after `since`."""
    chosen = list(letters)
    if ids:
        chosen = [find(chosen, letter_id) for letter_id in ids]
    if topic is not None:
        chosen = [letter for letter in chosen if letter.data.original_topic in {topic, f"{topic_prefix}{topic}"}]
    if since is not None:
        chosen = [letter for letter in chosen if letter.time >= since]
    return chosen


def find(letters: Sequence[DeadLettered], letter_id: str) -> DeadLettered:
    matching = [letter for letter in letters if letter.id.startswith(letter_id)]
    exact = [letter for letter in matching if letter.id == letter_id]
    if exact:
        return exact[0]
    if not matching:
        raise LetterLookupError("letter_not_found", f"no dead letter with id {letter_id!r}")
    if len(matching) > 1:
        raise LetterLookupError("ambiguous_letter_id", f"{letter_id!r} starts {len(matching)} letter ids")
    return matching[0]


def render_list(letters: Sequence[DeadLettered], now: datetime) -> list[str]:
    lines = [f"{'ID':36}  {'AGE':>6}  {'TOPIC':40}  {'KEY':36}  {'ATTEMPTS':>8}  ERROR"]
    for letter in letters:
        data = letter.data
        error = f"{data.error_type}: {data.error_message}".replace("\n", " ")
        lines.append(
            f"{letter.id:36}  {age(now - letter.time):>6}  {data.original_topic:40}  {data.key or '-':36}  "
            f"{data.attempts:>8}  {error[:120]}"
        )
    return lines


def describe(letter: DeadLettered, now: datetime) -> dict[str, Any]:
    """What `jdi dlq show` prints: everything but the value itself, which `--value` prints."""
    data = letter.data
    value = base64.b64decode(data.value_base64)
    return {
        "id": letter.id,
        "dead_lettered_at": letter.time.isoformat(),
        "age": age(now - letter.time),
        "source": letter.source,
        "original_topic": data.original_topic,
        "partition": data.partition,
        "offset": data.offset,
        "key": data.key,
        "attempts": data.attempts,
        "error_type": data.error_type,
        "error_message": data.error_message,
        "headers": data.headers,
        "value_bytes": len(value),
        "value_sha256": hashlib.sha256(value).hexdigest(),
    }


def original_value(letter: DeadLettered) -> bytes:
    return base64.b64decode(letter.data.value_base64)


def replay_record(letter: DeadLettered) -> ReplayRecord:
    """The original record again, with the header recording this replay."""
    data = letter.data
    headers = {**data.headers, REPLAY_HEADER: letter.id}
    return ReplayRecord(
        topic=data.original_topic,
        key=data.key.encode() if data.key is not None else None,
        value=original_value(letter),
        headers=[(name, value.encode()) for name, value in headers.items()],
    )


def age(elapsed: timedelta) -> str:
    seconds = max(int(elapsed.total_seconds()), 0)
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


async def replay(producer: Producer, letters: Sequence[DeadLettered]) -> dict[str, int]:
    """Republish each letter's record, in the order given; returns how many went to each topic."""
    replayed: dict[str, int] = {}
    for letter in letters:
        record = replay_record(letter)
        await producer.send_and_wait(record.topic, value=record.value, key=record.key, headers=record.headers)
        replayed[record.topic] = replayed.get(record.topic, 0) + 1
    return replayed
