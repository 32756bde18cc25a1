"""A read-only bucketed hash table of uint64 keys to uint8 values, probed with one vectorised gather.

Each key hashes to a bucket of eight slots (one 64-byte cache line); a lookup compares the whole bucket at
once, so a batch of keys costs a handful of numpy operations whatever the probe lengths. The few keys of
overfull buckets live in a small sorted stash. Zero marks an empty slot (no n-gram key is zero)."""

from __future__ import annotations

import numpy as np

_MULT = np.uint64(0x9E3779B97F4A7C15)
WIDTH = 8
_SLOT_NUMBERS = np.uint64(0x0001020304050607)  # byte k from the top holds k
_LITTLE = np.dtype("<u8")  # slot k of a bucket is byte k of a word read this way, on any machine


def _bits_for(count: int) -> int:
    """Buckets for an average load of about three keys in eight slots."""
    bits = 4
    while (1 << bits) * 3 < count:
        bits += 1
    return bits


def _bucket(keys: np.ndarray, bits: int) -> np.ndarray:
    return ((keys * _MULT) >> np.uint64(64 - bits)).astype(np.int64)


def build(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(slots, slot values, stash keys, stash values) for distinct non-zero keys."""
    bits = _bits_for(len(keys))
    buckets = _bucket(keys, bits)
    order = np.argsort(buckets, kind="stable")
    sorted_buckets = buckets[order]
    first = np.searchsorted(sorted_buckets, sorted_buckets, side="left")
    rank = np.arange(len(keys)) - first
    slots = np.zeros((1 << bits, WIDTH), dtype=np.uint64)
    vals = np.zeros((1 << bits, WIDTH), dtype=np.uint8)
    fits = rank < WIDTH
    slots[sorted_buckets[fits], rank[fits]] = keys[order[fits]]
    vals[sorted_buckets[fits], rank[fits]] = values[order[fits]]
    spill = order[~fits]
    stash_order = np.argsort(keys[spill])
    return slots.reshape(-1), vals.reshape(-1), keys[spill][stash_order], values[spill][stash_order]


def lookup(
    slots: np.ndarray, vals: np.ndarray, stash_keys: np.ndarray, stash_vals: np.ndarray, keys: np.ndarray
) -> np.ndarray:
    """The value of each key, 0 where absent."""
    if not len(keys):
        return np.zeros(0, dtype=np.uint8)
    buckets = len(slots) // WIDTH
    bits = buckets.bit_length() - 1
    rows = _bucket(keys, bits)
    # np.take along an axis is several times faster than fancy indexing of a 2-D array
    found = np.take(slots.reshape(buckets, WIDTH), rows, axis=0)
    # At most one slot of a bucket matches a (non-zero) key: read as one 64-bit word, the match mask has the
    # single byte 1 at that slot, and a multiplication moves the slot's number into the top byte. Only the
    # keys found read their value: a miss costs no second memory access.
    match = (found == keys[:, None]).view(_LITTLE)[:, 0]
    hit = np.flatnonzero(match)
    slot = (match[hit] * _SLOT_NUMBERS) >> np.uint64(56)
    out = np.zeros(len(keys), dtype=np.uint8)
    out[hit] = np.take(vals, rows[hit] * WIDTH + slot.astype(np.int64))
    if len(stash_keys):
        # only a key whose bucket is full can have spilled into the stash
        full = np.flatnonzero(found[:, WIDTH - 1] != 0)
        if len(full):
            at = np.minimum(np.searchsorted(stash_keys, keys[full]), len(stash_keys) - 1)
            stashed = stash_keys[at] == keys[full]
            out[full[stashed]] = stash_vals[at[stashed]]
    return out
