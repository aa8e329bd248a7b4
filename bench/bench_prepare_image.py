"""Benchmark: preparing a 24-megapixel phone photo with `prepare_image` against a naive full decode.

Run from the repository root: ``python bench/bench_prepare_image.py [--repeat N]``.

Builds a 6000×4000 JPEG in memory (gradients plus noise, so it does not compress to nothing),
times both ways in this process (median of several runs), and measures each one's peak memory in
a fresh child process (the rise of peak resident memory over the child's state just before the
call, read from /proc; Pillow's pixel buffers are invisible to tracemalloc, so it is not used). No network.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageStat  # noqa: E402

from heygen.studio.media import prepare_image
from heygen.studio.media.images import JPEG_QUALITY

WIDTH, HEIGHT = 6000, 4000


def make_photo_jpeg() -> bytes:
    """A 24-megapixel JPEG at phone-camera quality."""
    noise = Image.effect_noise((WIDTH, HEIGHT), 24)
    horizontal = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    vertical = Image.linear_gradient("L").rotate(90).resize((WIDTH, HEIGHT))
    mixed = ImageChops.add(ImageChops.multiply(horizontal, vertical), noise, scale=1.6)
    im = Image.merge("RGB", (horizontal, mixed, ImageChops.blend(vertical, noise, 0.3)))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92)
    return out.getvalue()


def naive(data: bytes, max_side: int = 1920) -> bytes:
    """The baseline: decode every pixel, then shrink and re-encode."""
    im = Image.open(io.BytesIO(data))
    im.load()
    im = im.convert("RGB")
    scale = max_side / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


VARIANTS = {
    "prepare_image (1080p, max side 1920)": lambda data: prepare_image(data, "photo.jpg", max_side=1920).data,
    "naive full decode (to 1920)": lambda data: naive(data, 1920),
    "prepare_image (4k, max side 3840)": lambda data: prepare_image(data, "photo.jpg", max_side=3840).data,
    "naive full decode (to 3840)": lambda data: naive(data, 3840),
}


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(variant: str) -> None:
    """Run one variant once on the JPEG read from stdin; print the rise of peak memory in KiB.

    getrusage's peak is carried over from the parent across exec, so the kernel's per-process
    high-water mark (VmHWM) is used, reset to the current size just before the call."""
    data = sys.stdin.buffer.read()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    except OSError:
        pass
    before = _status_kib("VmRSS")
    VARIANTS[variant](data)
    print(_status_kib("VmHWM") - before)


def peak_memory_mb(variant: str, data: bytes) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--child", variant],
        input=data,
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return int(result.stdout.decode().strip()) / 1024


def median_seconds(fn, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mean_difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference per channel (0–255) between two decoded JPEGs of the same size."""
    first, second = Image.open(io.BytesIO(a)).convert("RGB"), Image.open(io.BytesIO(b)).convert("RGB")
    assert first.size == second.size, (first.size, second.size)
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean) / 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    data = make_photo_jpeg()
    print(f"input: {WIDTH}×{HEIGHT} JPEG, {len(data) / 1024 / 1024:.1f} MB; median of {args.repeat} runs")
    for fn in VARIANTS.values():  # warm-up: first-use costs (plugin imports, allocator) out of the timings
        fn(data)

    results = {}
    for name, fn in VARIANTS.items():
        results[name] = (median_seconds(fn, data, args.repeat), peak_memory_mb(name, data), fn(data))

    print(f"{'variant':40} {'median':>9} {'peak memory':>12}")
    for name, (seconds, memory, _) in results.items():
        print(f"{name:40} {seconds:8.3f}s {memory:9.0f} MB")

    names = list(results)
    for ours, baseline in ((names[0], names[1]), (names[2], names[3])):
        (t_ours, m_ours, out_ours), (t_base, m_base, out_base) = results[ours], results[baseline]
        print(
            f"{ours}: {t_ours:.2f} s, {m_ours:.0f} MB peak; {baseline}: {t_base:.2f} s, {m_base:.0f} MB peak; "
            f"speed ×{t_base / t_ours:.1f}, memory ×{m_base / max(m_ours, 1):.1f}; "
            f"mean pixel difference {mean_difference(out_ours, out_base):.2f}/255"
        )


if __name__ == "__main__":
    main()
