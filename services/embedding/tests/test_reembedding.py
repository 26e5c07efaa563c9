"""Switch-over to a re-embedded collection, and search following the active collection's model."""

from pathlib import Path

from jdi_embedder import INT8_MODEL_ID, OnnxEmbedder
from jdi_embedding.reembedding import SwitchOver, model_group_id
from jdi_embedding.search import HybridSearch, SearchQuery
from jdi_embedding.vectors import EdgeVectorStore, collection_name
from jdi_embedding.vectors.indexing import index_document

from .conftest import meta, section


class Lag:
    def __init__(self, *values: int) -> None:
        self.values = list(values)
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        return self.values.pop(0)


def test_each_model_has_its_own_consumer_group() -> None:
    assert model_group_id("jdi-embedding", "a/b") != model_group_id("jdi-embedding", "a/c")
    assert model_group_id("jdi-embedding", "a/b").startswith("jdi-embedding.")


async def test_switches_only_once_the_new_model_has_caught_up(tmp_path: Path) -> None:
    store = EdgeVectorStore(tmp_path)
    await store.ensure_collection("old/model", 4)
    await store.set_active("old/model")
    switched: list[bool] = []

    async def on_switched() -> None:
        switched.append(True)

    lag = Lag(7, 0)
    switch = SwitchOver(store, "new/model", 4, lag, on_switched, interval_s=0.01)

    assert await switch.check() is False
    assert await store.active_collection() == collection_name("old/model")
    await switch.run()
    assert await store.active_collection() == collection_name("new/model")
    assert switched == [True]
    # After a restart the switch is already done: no lag query needed.
    assert await switch.check() is True
    assert lag.calls == 2
    await store.close()


async def test_search_uses_the_embedder_of_the_active_collection(
    tmp_path: Path, embedder: OnnxEmbedder, int8_embedder: OnnxEmbedder
) -> None:
    store = EdgeVectorStore(tmp_path)
    sections = [section("general_accountability", "General Accountability", "Leads labour relations and staffing.")]
    for model in (embedder, int8_embedder):
        await index_document(store, model, meta("hr"), sections)
    search = HybridSearch(embedder, store, [int8_embedder])
    query = SearchQuery(query="labour relations")

    assert (await search.search(query)).model_id == embedder.model_id  # nothing active: the first embedder
    await store.set_active(INT8_MODEL_ID)
    page = await search.search(query)
    assert page.model_id == INT8_MODEL_ID
    assert page.collection == collection_name(INT8_MODEL_ID)
    assert [result.document_id for result in page.results] == ["hr"]
    await store.close()
