"""How many updates a second the playground streams: a 2-8-8-1 network on 500 points.

One update is what a playing tab gets each time: one epoch of training (``Network.fit``'s
own loop), then a frame — one batched forward pass of the G × G grid (the boundary and
every hidden unit's map), the full-batch gradient norms, the weights, packed and sent over
the WebSocket — and the page's acknowledgement.

Two measurements:

* **frame alone**: the median time to build one frame (no training, no socket);
* **end to end**: a real server (uvicorn, in a thread) and ``--tabs`` WebSocket clients
  (Python's ``websockets``, standing in for the browser; drawing is not counted), each
  playing at one epoch per frame with no frame-rate cap, for ``--seconds``;
* **in the browser** (``--browser``): the page itself in headless Chromium (Playwright,
  ``/usr/bin/chromium``), drawing every frame before acknowledging it.

    python benchmarks/playground_rate.py [--seconds 10] [--tabs 1] [--grid 100] [--browser]
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe
from threadpoolctl import threadpool_limits
from websockets.sync.client import connect

from nndl.playground import Options, start
from nndl.playground.frames import FrameBuilder
from nndl.playground.spec import build, parse_setup

SETUP = {
    "data": "flower",
    "points": 500,
    "test": 0.0,
    "hidden": [8, 8],
    "activations": ["tanh", "tanh"],
    "optimizer": "adam",
    "lr": 0.01,
    "batch": 50,
    "init": "xavier",
}


def frame_alone(grid: int, repeats: int = 200) -> float:
    """Median seconds to build one frame of the 2-8-8-1 network."""
    problem = build(parse_setup(SETUP))
    frames = FrameBuilder(problem, size=grid)
    net = problem.network
    logs = {"cost": 0.5}
    times = []
    with threadpool_limits(limits=1, user_api="blas"):  # as the server runs
        for _ in range(repeats):
            start_time = time.perf_counter()
            frames.build(net, 1, logs, [], {})
            times.append(time.perf_counter() - start_time)
    return statistics.median(times)


def one_tab(url: str, seconds: float, speed: int, out: list[tuple[int, float, int]]) -> None:
    """Play for ``seconds``; append (frames, seconds, last epoch)."""
    with connect(url.replace("http", "ws") + "ws", max_size=None) as ws:
        ws.send(json.dumps({"type": "speed", "epochs_per_frame": speed}))
        ws.send(json.dumps({"type": "setup", "setup": SETUP}))
        run = None
        while True:  # the setup, then the first frame
            message = ws.recv()
            if isinstance(message, str):
                reply = json.loads(message)
                if reply["type"] == "error":
                    raise RuntimeError(reply["message"])
                run = reply.get("run", run)
            else:
                break
        ws.send(json.dumps({"type": "ack", "run": run}))
        ws.send(json.dumps({"type": "play"}))
        frames, epoch = 0, 0
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            message = ws.recv()
            if isinstance(message, str):
                continue
            (n,) = struct.unpack_from("<I", message)
            header = json.loads(message[4 : 4 + n])
            if header["type"] != "frame":
                continue
            ws.send(json.dumps({"type": "ack", "run": header["run"]}))
            frames += 1
            epoch = header["epoch"]
        out.append((frames, time.perf_counter() - began, epoch))
        ws.send(json.dumps({"type": "pause"}))


def in_browser(url: str, seconds: float) -> tuple[int, float]:
    """Epochs (one per frame) the page plays in ``seconds`` in headless Chromium."""
    from playwright.sync_api import sync_playwright

    query = (
        "#data=flower&points=500&test=0&hidden=8,8&activations=tanh,tanh&optimizer=adam"
        "&lr=0.01&batch=50&init=xavier&speed=1"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url + query)
        page.wait_for_function("window.nndlPlayground && window.nndlPlayground.epoch === 0")
        page.click("#play")
        began = time.perf_counter()
        time.sleep(seconds)
        epochs = int(page.evaluate("window.nndlPlayground.epoch"))
        elapsed = time.perf_counter() - began
        stats = page.evaluate("window.nndlPlayground.stats")
        print(f"drawing in the page: {stats['drawMs'] / max(stats['frames'], 1):.1f} ms a frame")
        if page.locator("#rate").count():  # the rate the page shows (its last two seconds)
            print(f"the page shows: {page.inner_text('#rate')}")
        browser.close()
    return epochs, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each tab plays")
    parser.add_argument("--tabs", type=int, default=1, help="tabs playing at once")
    parser.add_argument("--grid", type=int, default=100, help="the maps' grid side G")
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    args = parser.parse_args()
    print(describe())
    print("network 2-8-8-1 tanh, flower data, 500 training points, Adam, batch 50")
    alone = frame_alone(args.grid)
    print(f"frame alone ({args.grid}x{args.grid} grid, one forward pass): {alone * 1e3:.2f} ms")

    server = start(Options(max_fps=None, grid=args.grid))
    try:
        results: list[tuple[int, float, int]] = []
        tabs = [
            threading.Thread(target=one_tab, args=(server.url, args.seconds, 1, results))
            for _ in range(args.tabs)
        ]
        for t in tabs:
            t.start()
        for t in tabs:
            t.join()
        for k, (frames, seconds, epoch) in enumerate(results, start=1):
            print(
                f"tab {k}: {frames} updates in {seconds:.1f} s = {frames / seconds:.1f} "
                f"updates/s (epoch {epoch})"
            )
        rates = [frames / seconds for frames, seconds, _ in results]
        print(f"updates/s per tab: min {min(rates):.1f}, total {sum(rates):.1f} (target >= 30)")
        if args.browser:
            epochs, seconds = in_browser(server.url, args.seconds)
            print(
                f"headless Chromium, drawing included: {epochs} updates in {seconds:.1f} s = "
                f"{epochs / seconds:.1f} updates/s"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
