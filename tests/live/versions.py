"""What every /live client may rely on about `state` versions, checked on real clients' records."""


def assert_nothing_missed(clients, final):
    """Versions only go up and end at `final`; each broadcast's `previous_version` is at
    most what the client already held (a gathered gap, not a lost message); and every
    client saw the same broadcasts in the same order from the moment all were connected."""
    for client in clients:
        versions, previous = client["versions"], client["previous"]
        assert versions == sorted(set(versions)), (client["name"], versions)
        assert versions[-1] == final, (client["name"], versions)
        for held, before in zip(versions, previous[1:]):
            assert before is not None and before <= held, (client["name"], versions, previous)
    start = max(client["versions"][0] for client in clients)
    seen = [[v for v in client["versions"] if v > start] for client in clients]
    assert all(sequence == seen[0] for sequence in seen), seen
