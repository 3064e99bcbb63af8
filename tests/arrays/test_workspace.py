"""nndl.arrays.workspace: a buffer is handed out again only once nothing refers to it."""

from __future__ import annotations

import threading

import numpy as np

from nndl.arrays import workspace

F64 = np.dtype(np.float64)


def test_a_dropped_buffer_is_handed_out_again():
    a = workspace.empty((3, 5, 7), F64)
    address = a.__array_interface__["data"][0]
    del a
    b = workspace.empty((3, 5, 7), F64)
    assert b.__array_interface__["data"][0] == address
    assert b.shape == (3, 5, 7) and b.dtype == F64 and b.flags.c_contiguous


def test_a_held_buffer_or_a_view_of_it_is_never_handed_out():
    a = workspace.empty((4, 6, 11), F64)
    b = workspace.empty((4, 6, 11), F64)
    assert not np.shares_memory(a, b)
    view = a[1:3]
    del a
    c = workspace.empty((4, 6, 11), F64)  # a is alive through its view
    assert not np.shares_memory(view, c) and not np.shares_memory(b, c)
    held = {"cache": c}
    del c
    d = workspace.empty((4, 6, 11), F64)  # c is alive in the dict
    assert not np.shares_memory(held["cache"], d)


def test_writing_a_new_buffer_leaves_the_held_ones_alone():
    kept = [workspace.empty((2, 9, 13), F64) for _ in range(3)]
    for i, k in enumerate(kept):
        k[...] = i
    fresh = workspace.empty((2, 9, 13), F64)
    fresh[...] = -1.0
    for i, k in enumerate(kept):
        np.testing.assert_array_equal(k, np.full((2, 9, 13), float(i)))


def test_shapes_and_dtypes_are_kept_apart():
    a = workspace.empty((5, 17), F64)
    del a
    b = workspace.empty((5, 17), np.dtype(np.float32))
    assert b.dtype == np.float32
    c = workspace.empty((17, 5), F64)
    assert c.shape == (17, 5)


def test_each_thread_has_its_own_buffers():
    mine = workspace.empty((7, 19, 3), F64)
    address = mine.__array_interface__["data"][0]
    del mine
    seen: list[int] = []

    def other() -> None:
        seen.append(workspace.empty((7, 19, 3), F64).__array_interface__["data"][0])

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen and seen[0] != address


def test_no_more_than_the_limit_is_kept(monkeypatch):
    monkeypatch.setattr(workspace, "LIMIT_BYTES", 0)
    kept: list[int] = []

    def other() -> None:  # a fresh thread: nothing kept yet
        a = workspace.empty((8, 23), F64)
        del a
        spares = workspace._local.__dict__.get("spares", {})
        kept.append(len(spares.get(((8, 23), F64.str), [])))

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert kept == [0]
