"""Embedding's one composition function: real adapters by default, any of them replaceable.

With `previous_model_id` set, two models run: the previous one serves search and keeps its
collection current; the new one replays `parsed` into its own collection and takes over once it
has caught up (see reembedding.py). Without it, a model whose collection is not the active one
(an id changed in place) takes over the same way; search answers 409 until then.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import BatchSubscriber

from jdi_contracts.events import Topic
from jdi_core.batch_consumer import subscribe_batch
from jdi_core.broker import Publish, event_publisher
from jdi_embedder import Embedder, OnnxEmbedder
from jdi_embedding.handlers import SOURCE, EmbeddingBatchHandler
from jdi_embedding.reembedding import GroupLag, SwitchOver, model_group_id
from jdi_embedding.search import HybridSearch
from jdi_embedding.settings import EmbeddingSettings
from jdi_embedding.vectors.port import VectorStore
from jdi_embedding.vectors.qdrant_store import open_vector_store

TOPICS = (Topic.PARSED, Topic.DELETED)

LoadEmbedder = Callable[[str], Embedder]


@dataclass(frozen=True)
class Wiring:
    store: VectorStore
    serving: Embedder  # the previous model while re-embedding, else `model_id`'s
    search: HybridSearch
    # One consumer group per model, `model_id`'s first, each feeding its model's collection.
    subscriptions: list[BatchSubscriber]
    lag: GroupLag
    switch_over: SwitchOver


async def _nothing() -> None:
    return None


def wire(
    settings: EmbeddingSettings,
    *,
    broker: KafkaBroker,
    load_embedder: LoadEmbedder | None = None,
    store: VectorStore | None = None,
    publish: Publish | None = None,
) -> Wiring:
    """`load_embedder` maps a model id to its embedder. The batch subscriptions are made on `broker`
    here, not by the caller, because the switch-over stops the previous model's consumer. Nothing
    connects here but an embedded Qdrant store, which opens its files."""
    load = load_embedder or (lambda model_id: OnnxEmbedder.load(settings.model_cache_dir, model_id=model_id))
    embedder = load(settings.model_id)
    if store is None:
        store = open_vector_store(settings.qdrant)
    if publish is None:
        publish = event_publisher(broker, settings.kafka)

    def consume_into_collection(model_embedder: Embedder) -> BatchSubscriber:
        return subscribe_batch(
            broker,
            settings.kafka,
            model_group_id(settings.group_id, model_embedder.model_id),
            TOPICS,
            EmbeddingBatchHandler(store, model_embedder, publish, settings.kafka.topic(Topic.PARSED)),
            source=SOURCE,
            max_records=settings.batch_max_records,
            batch_timeout_ms=settings.batch_timeout_ms,
        )

    subscriptions = [consume_into_collection(embedder)]
    previous = None
    stop_previous_consumer: Callable[[], Awaitable[None]] = _nothing
    if settings.previous_model_id and settings.previous_model_id != settings.model_id:
        previous = load(settings.previous_model_id)
        subscriptions.append(consume_into_collection(previous))
        stop_previous_consumer = subscriptions[-1].stop

    serving = previous or embedder
    lag = GroupLag(
        settings.kafka.bootstrap_servers,
        model_group_id(settings.group_id, settings.model_id),
        [settings.kafka.topic(topic) for topic in TOPICS],
    )
    return Wiring(
        store=store,
        serving=serving,
        search=HybridSearch(serving, store, [embedder] if previous else []),
        subscriptions=subscriptions,
        lag=lag,
        switch_over=SwitchOver(
            store, embedder.model_id, embedder.dimension, lag, stop_previous_consumer, settings.switch_check_interval_s
        ),
    )
