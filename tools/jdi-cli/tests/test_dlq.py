"""`jdi dlq`'s selection, listing and replay records, on dead letters built in memory; the commands on the real
broker are tested in tests/integration/test_cli_dlq.py."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from jdi_cli.dlq import (
    REPLAY_HEADER,
    LetterLookupError,
    age,
    describe,
    parse_since,
    read_letters,
    render_list,
    replay,
    select,
)
from jdi_cli.main import main
from jdi_contracts.events import DeadLetter, DeadLettered

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def letter(letter_id: str, topic: str, minutes_ago: int, key: str = "doc-1") -> DeadLettered:
    data = DeadLetter(
        original_topic=topic,
        partition=2,
        offset=40,
        key=key,
        headers={"ce_id": "s-1", "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"},
        value_base64=base64.b64encode(b'{"id": "s-1"}').decode(),
        error_type="ConnectionRefusedError",
        error_message="ConnectionRefusedError: [Errno 111] Connect call failed",
        attempts=3,
    )
    return DeadLettered(id=letter_id, source="/jdi/ingestion", time=NOW - timedelta(minutes=minutes_ago), data=data)


LETTERS = [
    letter("11111111-aaaa", "p.jdi.documents.submitted.v1", minutes_ago=90),
    letter("22222222-bbbb", "p.jdi.documents.parsed.v1", minutes_ago=20, key="doc-2"),
    letter("22223333-cccc", "p.jdi.documents.submitted.v1", minutes_ago=5, key="doc-3"),
]


def test_records_that_are_not_dead_letters_are_counted_apart() -> None:
    read = read_letters([LETTERS[0].to_bytes(), b"not json", None])
    assert ([found.id for found in read.letters], read.unreadable) == (["11111111-aaaa"], 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("2h", NOW - timedelta(hours=2)),
        ("1d", NOW - timedelta(days=1)),
        ("2025-06-01T11:00:00", datetime(2025, 6, 1, 11, 0, tzinfo=UTC)),
        ("2025-06-01T11:00:00+02:00", datetime(2025, 6, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_since_is_a_duration_ago_or_a_time(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_a_since_that_is_neither_is_refused() -> None:
    with pytest.raises(ValueError, match="neither a duration"):
        parse_since("yesterday", NOW)


def test_letters_are_selected_by_id_prefix_topic_and_age() -> None:
    def ids(letters: list[DeadLettered]) -> list[str]:
        return [found.id for found in letters]

    assert ids(select(LETTERS, ids=["1111"])) == ["11111111-aaaa"]
    assert ids(select(LETTERS, topic="jdi.documents.submitted.v1", topic_prefix="p.")) == [
        "11111111-aaaa",
        "22223333-cccc",
    ]
    assert ids(select(LETTERS, topic="p.jdi.documents.parsed.v1")) == ["22222222-bbbb"]
    assert ids(select(LETTERS, since=NOW - timedelta(minutes=30))) == ["22222222-bbbb", "22223333-cccc"]
    assert select(LETTERS, topic="jdi.documents.parsed.v1", topic_prefix="other.") == []
    with pytest.raises(LetterLookupError) as ambiguous:
        select(LETTERS, ids=["2222"])
    assert ambiguous.value.code == "ambiguous_letter_id"
    with pytest.raises(LetterLookupError) as unknown:
        select(LETTERS, ids=["9"])
    assert unknown.value.code == "letter_not_found"


def test_the_list_shows_id_age_topic_key_attempts_and_error() -> None:
    header, first, *_ = render_list(LETTERS, NOW)

    assert header.split() == ["ID", "AGE", "TOPIC", "KEY", "ATTEMPTS", "ERROR"]
    assert first.split()[:6] == [
        "11111111-aaaa",
        "1h",
        "p.jdi.documents.submitted.v1",
        "doc-1",
        "3",
        "ConnectionRefusedError:",
    ]
    assert [age(timedelta(seconds=s)) for s in (5, 61, 7200, 90_000)] == ["5s", "1m", "2h", "1d"]


def test_show_describes_the_value_without_printing_it() -> None:
    shown = describe(LETTERS[0], NOW)
    assert shown["value_bytes"] == len(b'{"id": "s-1"}')
    assert '{"id": "s-1"}' not in json.dumps(shown)
    assert (shown["original_topic"], shown["partition"], shown["offset"], shown["age"]) == (
        "p.jdi.documents.submitted.v1",
        2,
        40,
        "1h",
    )


class RecordingProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes | None, dict[str, bytes]]] = []

    async def send_and_wait(self, topic, value, key, headers) -> None:
        self.sent.append((topic, value, key, dict(headers)))


async def test_a_replay_is_the_original_record_with_a_header_naming_the_letter() -> None:
    producer = RecordingProducer()

    assert await replay(producer, LETTERS[:2]) == {"p.jdi.documents.submitted.v1": 1, "p.jdi.documents.parsed.v1": 1}

    topic, value, key, headers = producer.sent[0]
    assert (topic, value, key) == ("p.jdi.documents.submitted.v1", b'{"id": "s-1"}', b"doc-1")
    assert headers[REPLAY_HEADER] == b"11111111-aaaa"
    assert headers["traceparent"].startswith(b"00-aaaa")  # the document's trace goes on


def test_replay_wants_to_be_told_which_letters(capsys) -> None:
    assert main(["dlq", "replay"]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["reason"] == "nothing_selected"
