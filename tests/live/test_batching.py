"""Group commit (app.live.batching) with real threads: batches form under load, every
caller gets its own answer, and one caller's error stays its own."""
import threading
import time

import pytest

from app.live.batching import Batcher


class Recorder:
    def __init__(self, delay=0.0):
        self.batches = []
        self.delay = delay
        self.running = 0
        self.overlap = False

    def run(self, key, works):
        self.running += 1
        self.overlap = self.overlap or self.running > 1
        time.sleep(self.delay)
        self.batches.append((key, list(works)))
        self.running -= 1
        return [(None, ValueError(w)) if w == "bad" else (f"done {w}", None) for w in works]


def submit_all(batcher, key, works):
    results = {}

    def one(work):
        try:
            results[work] = batcher.submit(key, work)
        except ValueError as error:
            results[work] = error

    threads = [threading.Thread(target=one, args=(w,)) for w in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


def test_a_lone_change_is_applied_at_once_in_its_own_batch():
    recorder = Recorder()
    batcher = Batcher(recorder.run)
    assert batcher.submit("m1", "a") == "done a"
    assert recorder.batches == [("m1", ["a"])]
    assert not batcher.busy("m1")


def test_changes_arriving_during_a_batch_are_applied_together_in_arrival_order():
    recorder = Recorder(delay=0.05)
    batcher = Batcher(recorder.run)
    results = submit_all(batcher, "m1", [f"w{n}" for n in range(40)])
    assert results == {f"w{n}": f"done w{n}" for n in range(40)}
    applied = [w for _, works in recorder.batches for w in works]
    assert sorted(applied) == sorted(results) and len(applied) == 40  # none lost, none twice
    assert len(recorder.batches) < 40  # batches formed
    assert not recorder.overlap  # one batch at a time per meeting
    assert not batcher.busy("m1")


def test_an_error_reaches_only_its_own_caller():
    recorder = Recorder(delay=0.02)
    batcher = Batcher(recorder.run)
    results = submit_all(batcher, "m1", ["a", "bad", "c", "d"])
    assert isinstance(results["bad"], ValueError)
    assert {results[w] for w in "acd"} == {"done a", "done c", "done d"}


def test_a_crashing_batch_answers_every_caller_and_the_next_batch_still_runs():
    calls = []

    def run(key, works):
        calls.append(works)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return [(w, None) for w in works]

    batcher = Batcher(run)
    with pytest.raises(RuntimeError):
        batcher.submit("m1", "a")
    assert batcher.submit("m1", "b") == "b"


def test_meetings_do_not_wait_for_each_other():
    started = threading.Event()
    release = threading.Event()

    def run(key, works):
        if key == "slow":
            started.set()
            release.wait(5)
        return [(w, None) for w in works]

    batcher = Batcher(run)
    slow = threading.Thread(target=batcher.submit, args=("slow", "x"))
    slow.start()
    assert started.wait(5)
    assert batcher.submit("fast", "y") == "y"  # while "slow" is still running
    release.set()
    slow.join(5)


def test_batches_are_capped():
    recorder = Recorder(delay=0.05)
    batcher = Batcher(recorder.run, max_batch=5)
    submit_all(batcher, "m1", [f"w{n}" for n in range(30)])
    assert max(len(works) for _, works in recorder.batches) <= 5

