"""Group commit for one meeting's changes: no Flask, no database.

Every change to a meeting is serialised by the meeting's row lock, and each
transaction costs round trips and a commit (an fsync on PostgreSQL) whatever it
holds. When hundreds of residents join within a second, running their changes
one transaction at a time makes each wait for all the commits before it. Here the
changes that arrive while a batch is running wait in memory and are applied
together, in arrival order, by the next batch: one lock, one commit, one
broadcast for all of them, and every caller still gets its own result.

There is no leader thread: the first caller with nothing running runs the batch
itself, and when its own change is done it hands the next batch to the oldest
waiting caller, so nobody's answer waits for other people's later batches.
(threading's primitives are green ones once the server's async mode has patched
the standard library.)
"""
import threading
import time
from collections import deque

MAX_BATCH = 64


class _Slot:
    __slots__ = ("work", "done", "result", "error", "lead")

    def __init__(self, work):
        self.work = work
        self.done = threading.Event()
        self.result = None
        self.error = None
        self.lead = False


class Batcher:
    """`submit(key, work)` returns what `run_batch(key, works)` gave for `work`.

    `run_batch(key, works)` must return one `(result, error)` pair per work, in
    order; an error is raised to that work's caller only.
    """

    def __init__(self, run_batch, *, max_batch=MAX_BATCH):
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._guard = threading.Lock()
        self._waiting = {}      # key -> deque of slots not yet taken by a batch
        self._running = set()   # keys with a batch in progress (or handed over)

    def submit(self, key, work):
        slot = _Slot(work)
        with self._guard:
            self._waiting.setdefault(key, deque()).append(slot)
            lead = key not in self._running
            if lead:
                self._running.add(key)
        if not lead:
            slot.done.wait()
            if not slot.lead:
                return self._outcome(slot)
        # This caller runs batches until its own change has been applied. Yielding
        # once first lets the events already read from the network join the batch:
        # under load they are the ones that would otherwise wait a whole batch.
        while not slot.done.is_set() or slot.lead:
            slot.lead = False
            time.sleep(0)
            self._run_next(key)
        self._hand_over(key)
        return self._outcome(slot)

    def _run_next(self, key):
        with self._guard:
            waiting = self._waiting.get(key) or deque()
            batch = [waiting.popleft() for _ in range(min(self._max_batch, len(waiting)))]
        if not batch:
            return
        try:
            outcomes = self._run_batch(key, [slot.work for slot in batch])
        except BaseException as error:  # noqa: BLE001 - every caller must get an answer
            outcomes = [(None, error)] * len(batch)
        for slot, (result, error) in zip(batch, outcomes, strict=True):
            slot.result, slot.error = result, error
            slot.done.set()

    def _hand_over(self, key):
        """Give the next batch to the oldest waiting caller, or stand down."""
        with self._guard:
            waiting = self._waiting.get(key)
            if waiting:
                successor = waiting[0]
                successor.lead = True
                successor.done.set()
            else:
                self._waiting.pop(key, None)
                self._running.discard(key)

    @staticmethod
    def _outcome(slot):
        if slot.error is not None:
            raise slot.error
        return slot.result

    def busy(self, key):
        with self._guard:
            return key in self._running
