"""The bucketed hash table agrees with a dictionary, overfull buckets (the stash) included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.detection.typo import hashtable


@settings(max_examples=30)
@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=0, max_value=2**32))
def test_lookup_agrees_with_a_dictionary(count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(1, 2**62, count, dtype=np.uint64))
    values = rng.integers(1, 256, len(keys)).astype(np.uint8)
    table = hashtable.build(keys, values)
    absent = rng.integers(1, 2**62, 500, dtype=np.uint64)
    absent = absent[~np.isin(absent, keys)]
    probe = np.concatenate([keys, absent])
    rng.shuffle(probe)
    expected = dict(zip(keys.tolist(), values.tolist(), strict=True))
    got = hashtable.lookup(*table, probe)
    assert got.tolist() == [expected.get(k, 0) for k in probe.tolist()]


def test_keys_of_overfull_buckets_are_found_in_the_stash() -> None:
    rng = np.random.default_rng(7)
    pool = np.unique(rng.integers(1, 2**62, 20_000, dtype=np.uint64))
    bits = hashtable._bits_for(100)
    same_bucket = pool[hashtable._bucket(pool, bits) == 0][:20]
    others = pool[hashtable._bucket(pool, bits) != 0][:80]
    keys = np.concatenate([same_bucket, others])
    assert len(same_bucket) == 20 and hashtable._bits_for(len(keys)) == bits
    values = (np.arange(len(keys)) % 250 + 1).astype(np.uint8)
    slots, vals, stash_keys, stash_values = hashtable.build(keys, values)
    assert len(stash_keys) == 20 - hashtable.WIDTH
    assert hashtable.lookup(slots, vals, stash_keys, stash_values, keys).tolist() == values.tolist()
