"""Re-embedding with a new model: its consumer group replays `parsed` from offset 0 into the new
model's collection while search keeps serving the active (old) collection; once the group has
caught up (lag 0 over its topics), the active pointer switches to the new collection and the old
model's consumer stops."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from jdi_core.broker import existing_partitions
from jdi_embedding.vectors.naming import collection_name
from jdi_embedding.vectors.port import VectorStore

logger = logging.getLogger(__name__)


def model_group_id(base_group_id: str, model_id: str) -> str:
    """Each model's collection is built by a consumer group of its own."""
    return f"{base_group_id}.{collection_name(model_id)}"


class GroupLag:
    """Records of `topics` not yet committed by a consumer group, read from the broker."""

    def __init__(self, bootstrap_servers: str, group_id: str, topics: Sequence[str]) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._group_id = group_id
        self._topics = list(topics)
        self._clients: tuple[AIOKafkaAdminClient, AIOKafkaConsumer] | None = None

    async def start(self) -> None:
        """Connect; aiokafka clients belong to the running event loop, so they are made here."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap_servers)
        offsets = AIOKafkaConsumer(bootstrap_servers=self._bootstrap_servers, enable_auto_commit=False)
        await admin.start()
        await offsets.start()
        self._clients = (admin, offsets)

    async def stop(self) -> None:
        if self._clients:
            admin, offsets = self._clients
            self._clients = None
            await offsets.stop()
            await admin.close()

    async def __call__(self) -> int:
        if self._clients is None:
            raise RuntimeError("GroupLag used before start()")
        admin, offsets = self._clients
        partitions = await existing_partitions(admin, self._topics)
        if not partitions:
            return 0
        ends = await offsets.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(self._group_id, partitions=partitions)
        lag = 0
        for partition in partitions:
            # No committed offset (absent or -1): the group has handled nothing of this partition.
            handled = max(committed[partition].offset, 0) if partition in committed else 0
            lag += max(ends[partition] - handled, 0)
        return lag


class SwitchOver:
    """Poll the new model's lag; at 0, make its collection the active one, then call `on_switched`."""

    def __init__(
        self,
        store: VectorStore,
        model_id: str,
        dimension: int,
        lag: Callable[[], Awaitable[int]],
        on_switched: Callable[[], Awaitable[None]],
        interval_s: float,
    ) -> None:
        self._store = store
        self._model_id = model_id
        self._dimension = dimension
        self._lag = lag
        self._on_switched = on_switched
        self._interval_s = interval_s

    async def is_done(self) -> bool:
        return await self._store.active_collection() == collection_name(self._model_id)

    async def check(self) -> bool:
        """Switch if the new model has caught up; True once its collection is the active one."""
        if await self.is_done():
            return True
        lag = await self._lag()
        if lag:
            logger.info("re-embedding in progress", extra={"model_id": self._model_id, "lag": lag})
            return False
        await self._store.ensure_collection(self._model_id, self._dimension)
        await self._store.set_active(self._model_id)
        logger.info("active collection switched", extra={"collection": collection_name(self._model_id)})
        return True

    async def run(self) -> None:
        while True:
            try:
                if await self.check():
                    await self._on_switched()
                    return
            except Exception as error:  # noqa: BLE001 - a broker hiccup must not end the watch
                logger.warning("switch-over check failed", extra={"error": repr(error)})
            await asyncio.sleep(self._interval_s)
