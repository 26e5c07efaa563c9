"""The `jdi` command and its composition root: the only place that builds analyzers and Kafka producers.

Each command imports its libraries when it runs: Kafka, ONNX and the taxonomy take seconds to
import, and `jdi traces` or `jdi parse` should not wait for them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jdi_cli.files import InputFile, expand_paths
from jdi_cli.gateway_api import DEFAULT_GATEWAY_URL

if TYPE_CHECKING:
    from jdi_cli.kafka import KafkaSettings
    from jdi_cli.submit import SubmitOptions
    from jdi_cli.traces import SpanRecord
    from jdi_contracts.events import DeadLettered

TELEMETRY_SERVICE_NAME = "jdi-cli"


class CommandError(Exception):
    """A command cannot do what was asked; `reason` is machine-readable."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CommandError as error:
        return _fail(error.reason, str(error))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jdi", description="Work with job descriptions from the command line.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="parse files (directories are walked) and print JSON per file")
    parse.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    parse.add_argument("paths", nargs="+", metavar="PATH")
    parse.set_defaults(run=_run_parse)

    analyze = commands.add_parser("analyze", help="parse and analyse files; print the analysed data per file")
    analyze.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    analyze.add_argument(
        "--no-embeddings", action="store_true", help="exact and alias skill matches only (no ONNX model)"
    )
    analyze.add_argument("paths", nargs="+", metavar="PATH")
    analyze.set_defaults(run=_run_analyze)

    submit = commands.add_parser("submit", help="publish files to jdi.documents.submitted.v1")
    submit.add_argument("paths", nargs="+", metavar="PATH")
    _add_kafka_options(submit)
    submit.add_argument("--source-system", default="cli", help="source system named in the event and the id")
    submit.add_argument("--submitted-by", default="jdi-cli", help="who submits, recorded in the event")
    submit.set_defaults(run=_run_submit)

    dlq = commands.add_parser("dlq", help="list, show and replay the dead letters of jdi.dlq.v1")
    dlq_actions = dlq.add_subparsers(required=True, metavar="ACTION")
    dlq_list = dlq_actions.add_parser("list", help="one line per dead letter: id, age, topic, key, attempts, error")
    _add_letter_filters(dlq_list)
    dlq_list.set_defaults(run=_run_dlq_list)
    dlq_show = dlq_actions.add_parser("show", help="one dead letter as JSON (its headers, error, value size)")
    dlq_show.add_argument("letter_id", metavar="ID", help="a dead letter's id or a unique prefix of one")
    dlq_show.add_argument("--value", action="store_true", help="print the original record's value instead")
    dlq_show.set_defaults(run=_run_dlq_show)
    dlq_replay = dlq_actions.add_parser(
        "replay", help="republish dead letters to their original topics (with a jdi-replay-of header)"
    )
    dlq_replay.add_argument("letter_ids", nargs="*", metavar="ID", help="dead letters' ids or unique prefixes")
    _add_letter_filters(dlq_replay)
    dlq_replay.add_argument("--all", action="store_true", help="every dead letter, when no ID or filter is given")
    dlq_replay.set_defaults(run=_run_dlq_replay)
    for action in (dlq_list, dlq_show, dlq_replay):
        _add_kafka_options(action)

    keys = commands.add_parser(
        "keys", help="create, list and revoke the gateway's API keys ($JDI_API_KEY: an admin key)"
    )
    keys_actions = keys.add_subparsers(required=True, metavar="ACTION")
    keys_create = keys_actions.add_parser("create", help="mint a key; its secret is printed this once")
    keys_create.add_argument("name", help="what the key is for, e.g. 'hr-archive import'")
    keys_create.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        required=True,
        choices=["documents:read", "documents:write", "search", "admin"],
        help="a scope the key holds (repeat for several)",
    )
    keys_create.set_defaults(run=_run_keys_create)
    keys_list = keys_actions.add_parser("list", help="every key, revoked ones too: id, name, scopes")
    keys_list.set_defaults(run=_run_keys_list)
    keys_revoke = keys_actions.add_parser("revoke", help="revoke a key by its id")
    keys_revoke.add_argument("key_id", metavar="KEY_ID")
    keys_revoke.set_defaults(run=_run_keys_revoke)
    for action in (keys_create, keys_list, keys_revoke):
        action.add_argument("--gateway", help=f"the gateway's URL (default: $JDI_GATEWAY_URL or {DEFAULT_GATEWAY_URL})")

    replay = commands.add_parser("replay", help="rebuild a service's state from the topics")
    replay_targets = replay.add_subparsers(required=True, metavar="SERVICE")
    replay_gateway = replay_targets.add_parser(
        "gateway",
        help="rebuild the gateway's read model from offset 0 into a fresh schema and switch over; keys and logs "
        "are kept ($JDI_API_KEY: an admin key)",
    )
    replay_gateway.add_argument(
        "--gateway", help=f"the gateway's URL (default: $JDI_GATEWAY_URL or {DEFAULT_GATEWAY_URL})"
    )
    replay_gateway.set_defaults(run=_run_replay_gateway)

    traces = commands.add_parser("traces", help="list recent traces, or show one trace's span tree")
    traces.add_argument("trace_id", nargs="?", metavar="TRACE_ID", help="a trace id or a unique prefix of one")
    source = traces.add_mutually_exclusive_group()
    source.add_argument(
        "--dir",
        type=Path,
        help="folder of <service>.jsonl span files (default: $JDI_TRACES_DIR or .work/traces)",
    )
    source.add_argument(
        "--zipkin",
        metavar="URL",
        help="read from this Zipkin (e.g. http://127.0.0.1:19411) instead of span files, and print the trace's UI URL",
    )
    traces.add_argument("--limit", type=_positive_int, default=20, help="how many recent traces to list")
    traces.set_defaults(run=_run_traces)
    return parser


def _add_kafka_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap-servers", help="Kafka servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
    parser.add_argument("--topic-prefix", help="topic name prefix (default: $KAFKA_TOPIC_PREFIX)")


def _add_letter_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", help="only letters of this original topic (e.g. jdi.documents.submitted.v1)")
    parser.add_argument("--since", help="only letters dead-lettered since: 30m, 2h, 1d ago, or an ISO 8601 time")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def _run_parse(args: argparse.Namespace) -> int:
    from jdi_cli.parse_output import write_parse_output

    return write_parse_output(args.paths, sys.stdout, jsonl=args.jsonl)


def _run_analyze(args: argparse.Namespace) -> int:
    from jdi_analyzer.analyzer import AnalysisSettings, Analyzer
    from jdi_analyzer.skills.matcher import SkillMatcherSettings
    from jdi_analyzer.skills.taxonomy import SkillTaxonomy
    from jdi_cli.analyze_output import write_analyze_output
    from jdi_embedder import ModelFilesMissing, OnnxEmbedder
    from jdi_embedder.embedder import default_cache_dir

    embedder = None
    if not args.no_embeddings:
        try:
            embedder = OnnxEmbedder.load()
        except ModelFilesMissing as error:
            return _fail("embedding_model_missing", f"{error}; use --no-embeddings to skip similarity matching")
    # ESCO label vectors are computed once per model and taxonomy, then read from this cache.
    settings = AnalysisSettings(skills=SkillMatcherSettings(cache_dir=default_cache_dir()))
    analyzer = Analyzer(settings, SkillTaxonomy.load(), embedder)
    return write_analyze_output(args.paths, sys.stdout, analyzer, jsonl=args.jsonl)


def _kafka_settings(args: argparse.Namespace) -> KafkaSettings:
    from jdi_cli.kafka import KafkaSettings

    overrides = {"bootstrap_servers": args.bootstrap_servers, "topic_prefix": args.topic_prefix}
    return KafkaSettings(**{name: value for name, value in overrides.items() if value is not None})


def _run_submit(args: argparse.Namespace) -> int:
    from jdi_cli.submit import SubmitOptions

    options = SubmitOptions(source_system=args.source_system, submitted_by=args.submitted_by)
    return asyncio.run(_submit(list(expand_paths(args.paths)), _kafka_settings(args), options))


async def _submit(files: list[InputFile], settings: KafkaSettings, options: SubmitOptions) -> int:
    from aiokafka.errors import KafkaError
    from tqdm import tqdm

    from jdi_cli.kafka import EventPublisher, make_producer
    from jdi_cli.submit import Problem, submit_files
    from jdi_cli.telemetry import tracer

    with tracer(TELEMETRY_SERVICE_NAME) as cli_tracer:
        producer = make_producer(settings)
        try:
            await producer.start()
        except KafkaError as error:
            await producer.stop()
            return _fail("broker_unavailable", f"cannot reach Kafka at {settings.bootstrap_servers}: {error}")
        try:
            with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None) as progress:

                def file_done(file: InputFile, problem: Problem | None) -> None:
                    if problem is not None:
                        progress.write(f"{problem.reason}: {problem.source}: {problem.message}", file=sys.stderr)
                    progress.update()

                publisher = EventPublisher(producer, cli_tracer, settings)
                summary = await submit_files(publisher, files, options, file_done)
        finally:
            await producer.stop()
    print(summary.model_dump_json())
    return 0 if summary.failed == 0 else 1


def _run_dlq_list(args: argparse.Namespace) -> int:
    from jdi_cli.dlq import render_list

    letters = _selected_letters(_kafka_settings(args), topic=args.topic, since=args.since)
    print("\n".join(render_list(letters, datetime.now(UTC))))
    return 0


def _run_dlq_show(args: argparse.Namespace) -> int:
    from jdi_cli.dlq import describe, original_value

    [letter] = _selected_letters(_kafka_settings(args), ids=(args.letter_id,))
    if args.value:
        sys.stdout.buffer.write(original_value(letter))
    else:
        print(json.dumps(describe(letter, datetime.now(UTC)), indent=2))
    return 0


def _run_dlq_replay(args: argparse.Namespace) -> int:
    if not (args.letter_ids or args.topic or args.since or args.all):
        raise CommandError("nothing_selected", "say which dead letters to replay: IDs, --topic, --since, or --all")
    settings = _kafka_settings(args)
    letters = _selected_letters(settings, ids=args.letter_ids, topic=args.topic, since=args.since)
    return asyncio.run(_replay(letters, settings))


async def _replay(letters: list[DeadLettered], settings: KafkaSettings) -> int:
    from aiokafka.errors import KafkaError

    from jdi_cli.dlq import replay
    from jdi_cli.kafka import make_producer

    producer = make_producer(settings)
    try:
        await producer.start()
        replayed = await replay(producer, letters)
    except KafkaError as error:
        # Some letters may have gone out already: replaying them again is harmless (the consumers are idempotent).
        message = f"cannot replay through Kafka at {settings.bootstrap_servers}: {error}"
        raise CommandError("broker_unavailable", message) from None
    finally:
        await producer.stop()
    print(json.dumps({"replayed": sum(replayed.values()), "topics": replayed}))
    return 0


def _selected_letters(
    settings: KafkaSettings, ids: Sequence[str] = (), topic: str | None = None, since: str | None = None
) -> list[DeadLettered]:
    """The dead letters of the DLQ that match every filter given (see `jdi_cli.dlq.select`)."""
    from aiokafka.errors import KafkaError

    from jdi_cli.dlq import LetterLookupError, parse_since, read_letters, select
    from jdi_cli.kafka import read_topic
    from jdi_contracts.events import Topic

    try:
        since_time = parse_since(since, datetime.now(UTC)) if since else None
    except ValueError as error:
        raise CommandError("invalid_since", str(error)) from None
    try:
        records = asyncio.run(read_topic(settings, settings.topic(Topic.DLQ)))
    except (KafkaError, TimeoutError) as error:
        message = f"cannot read the DLQ from Kafka at {settings.bootstrap_servers}: {error!r}"
        raise CommandError("broker_unavailable", message) from None
    letters = read_letters([record.value for record in records])
    if letters.unreadable:
        print(f"skipped {letters.unreadable} records that are not dead letters", file=sys.stderr)
    try:
        return select(letters.letters, ids=ids, topic=topic, topic_prefix=settings.topic_prefix, since=since_time)
    except LetterLookupError as error:
        raise CommandError(error.code, str(error)) from None


def _run_keys_create(args: argparse.Namespace) -> int:
    from jdi_cli import keys
    from jdi_cli.gateway_api import GatewayError, admin_key, gateway_url

    try:
        created = keys.create_key(gateway_url(args.gateway), admin_key(), args.name, args.scopes)
    except GatewayError as error:
        return _fail(error.code, str(error))
    print(json.dumps(created, indent=2))
    print("The secret is shown this once: store it now.", file=sys.stderr)
    return 0


def _run_keys_list(args: argparse.Namespace) -> int:
    from jdi_cli import keys
    from jdi_cli.gateway_api import GatewayError, admin_key, gateway_url

    try:
        listed = keys.list_keys(gateway_url(args.gateway), admin_key())
    except GatewayError as error:
        return _fail(error.code, str(error))
    print("\n".join(keys.render_keys(listed)))
    return 0


def _run_keys_revoke(args: argparse.Namespace) -> int:
    from jdi_cli import keys
    from jdi_cli.gateway_api import GatewayError, admin_key, gateway_url

    try:
        keys.revoke_key(gateway_url(args.gateway), admin_key(), args.key_id)
    except GatewayError as error:
        return _fail(error.code, str(error))
    print(f"revoked {args.key_id}")
    return 0


def _run_replay_gateway(args: argparse.Namespace) -> int:
    from jdi_cli.gateway_api import GatewayError, admin_key, gateway_url
    from jdi_cli.replay import describe, replay_gateway

    try:
        done = replay_gateway(
            gateway_url(args.gateway), admin_key(), lambda rebuild: print(describe(rebuild), file=sys.stderr)
        )
    except GatewayError as error:
        return _fail(error.code, str(error))
    print(json.dumps(done, indent=2))
    return 0 if done["state"] == "switched" else 1


def _run_traces(args: argparse.Namespace) -> int:
    from jdi_cli.traces import TraceLookupError, render_span_tree, render_trace_list, spans_of_trace, summarise_traces

    if args.zipkin:
        return _run_zipkin_traces(args)
    spans = _spans_from_files(args.dir)
    if spans is None:
        return 1
    if args.trace_id is None:
        lines = render_trace_list(summarise_traces(spans)[: args.limit])
    else:
        try:
            lines = render_span_tree(spans_of_trace(spans, args.trace_id))
        except TraceLookupError as error:
            return _fail(error.code, str(error))
    print("\n".join(lines))
    return 0


def _spans_from_files(folder: Path | None) -> list[SpanRecord] | None:
    from jdi_cli.telemetry import traces_dir as default_traces_dir
    from jdi_cli.traces import read_span_files

    traces_dir = folder or default_traces_dir()
    if not traces_dir.is_dir():
        _fail("traces_dir_missing", f"{traces_dir} is not a folder of span files")
        return None
    span_files = read_span_files(traces_dir)
    if span_files.skipped_lines:
        print(f"skipped {span_files.skipped_lines} lines that are not spans", file=sys.stderr)
    return span_files.spans


def _run_zipkin_traces(args: argparse.Namespace) -> int:
    from urllib.error import URLError

    from jdi_cli.traces import TraceLookupError, render_span_tree, render_trace_list, summarise_traces
    from jdi_cli.zipkin import fetch_recent, fetch_trace, ui_url

    try:
        if args.trace_id is None:
            lines = render_trace_list(summarise_traces(fetch_recent(args.zipkin, args.limit)))
            lines.append(f"open one in the UI: {ui_url(args.zipkin, '<TRACE ID>')}")
        else:
            lines = [*render_span_tree(fetch_trace(args.zipkin, args.trace_id)), ui_url(args.zipkin, args.trace_id)]
    except TraceLookupError as error:
        return _fail(error.code, str(error))
    except (URLError, OSError, ValueError) as error:
        return _fail("zipkin_unreachable", f"cannot read traces from {args.zipkin}: {error}")
    print("\n".join(lines))
    return 0


def _fail(reason: str, message: str) -> int:
    """Command-level errors go to stderr as one JSON object, with exit code 1."""
    print(json.dumps({"error": {"reason": reason, "message": message}}), file=sys.stderr)
    return 1
