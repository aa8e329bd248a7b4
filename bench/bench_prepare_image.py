"""Benchmark: preparing a 24-megapixel phone photo with `prepare_image` against `Image.thumbnail()` with draft mode.

Run from the repository root: ``.venv/bin/python bench/bench_prepare_image.py [--repeat N]``.

Builds a 6000×4000 JPEG in memory (gradients plus noise, so it does not compress to nothing) and
prepares it for upload (longest side 1920, JPEG quality 90) three ways, timed in this process
(median of several runs, in alternating order) and each measured for peak memory in a fresh child
process (the rise of the kernel's peak resident memory over the child's state just before the call;
Pillow's pixel buffers are invisible to tracemalloc, so it is not used):

  prepare_image   the studio's path (checks, draft decode, resize, EXIF stripped, JPEG encode)
  peer            what a competent engineer writes: ``im.draft("RGB", box)`` then ``im.thumbnail(box)``
                  and the same JPEG encode. ``thumbnail`` calls ``draft`` itself, but asks for twice
                  the box (its ``reducing_gap``), which for a 1920 box on a 6000×4000 photo decodes
                  every pixel; the explicit ``draft`` is what makes it decode at 1/2 scale.
  floor           the draft-mode decode alone (open, draft, load): no resize, no encode

Quality: each output is decoded and compared with a reference made from every pixel (full decode,
Lanczos resize to the same size, not encoded): PSNR in dB (higher is closer) and the mean absolute
difference per channel; the same PSNR is printed for a second photo of thin lines (fine detail).
The ratios to the peer and the floor are printed last. No network.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageDraw, ImageStat  # noqa: E402

from heygen.studio.media import prepare_image  # noqa: E402
from heygen.studio.media.images import JPEG_QUALITY  # noqa: E402

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


MAX_SIDE = 1920
SAME_MB = 1.0  # peaks this close count as the same: the kernel's peak moves by about this much run to run
ENCODE = {"quality": JPEG_QUALITY}  # the studio's JPEG settings, given to the peer too


def make_lines_jpeg() -> bytes:
    """A 6000×4000 JPEG of thin slanted lines: fine detail that shows any softening by the resize."""
    im = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    draw = ImageDraw.Draw(im)
    for x in range(0, WIDTH, 7):
        draw.line([(x, 0), (x + 800, HEIGHT)], fill=(200, 40, 40), width=2)
    for y in range(0, HEIGHT, 11):
        draw.line([(0, y), (WIDTH, y + 300)], fill=(20, 40, 200), width=1)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92)
    return out.getvalue()


def ours(data: bytes) -> bytes:
    return prepare_image(data, "photo.jpg", max_side=MAX_SIDE).data


def peer(data: bytes) -> bytes:
    """``draft`` + ``thumbnail`` (its default bicubic filter), then the same JPEG encode."""
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", (MAX_SIDE, MAX_SIDE))
    im.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    im.convert("RGB").save(out, "JPEG", **ENCODE)
    return out.getvalue()


def floor(data: bytes) -> bytes:
    """The draft-mode decode alone: what no way of preparing the photo can skip."""
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", (MAX_SIDE, MAX_SIDE))
    im.load()
    return b""


VARIANTS = {
    "prepare_image": ours,
    "peer: draft + thumbnail": peer,
    "floor: draft decode alone": floor,
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


def reference(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Every pixel decoded, then a Lanczos resize to ``size``: the closest to the photo at that size."""
    im = Image.open(io.BytesIO(data))
    im.load()
    return im.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def quality(output: bytes, ref: Image.Image) -> tuple[float, float]:
    """(PSNR in dB, mean absolute difference per channel 0–255) of a prepared JPEG against ``ref``."""
    im = Image.open(io.BytesIO(output)).convert("RGB")
    assert im.size == ref.size, (im.size, ref.size)
    diff = ImageChops.difference(im, ref)
    stat = ImageStat.Stat(diff)
    mse = sum(rms ** 2 for rms in stat.rms) / 3
    psnr = 10 * math.log10(255 ** 2 / mse) if mse else math.inf
    return psnr, sum(stat.mean) / 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    data = make_photo_jpeg()
    print(f"input: {WIDTH}×{HEIGHT} JPEG, {len(data) / 1024 / 1024:.1f} MB; longest side {MAX_SIDE}; "
          f"median of {args.repeat} runs, alternating order; load average {os.getloadavg()[0]:.1f}")
    for fn in VARIANTS.values():  # warm-up: first-use costs (plugin imports, allocator) out of the timings
        fn(data)

    names = list(VARIANTS)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(args.repeat):
        for name in names if r % 2 == 0 else names[::-1]:
            started = time.perf_counter()
            VARIANTS[name](data)
            times[name].append(time.perf_counter() - started)
    seconds = {name: statistics.median(t) for name, t in times.items()}
    memory = {name: peak_memory_mb(name, data) for name in names}
    outputs = {name: VARIANTS[name](data) for name in names[:2]}
    size = Image.open(io.BytesIO(outputs[names[0]])).size
    ref = reference(data, size)

    print(f"{'variant':28} {'median':>9} {'peak memory':>12} {'output':>10} {'PSNR':>8} {'mean diff':>10}")
    for name in names:
        line = f"{name:28} {seconds[name]:8.3f}s {memory[name]:9.0f} MB"
        if name in outputs:
            psnr, diff = quality(outputs[name], ref)
            out_size = Image.open(io.BytesIO(outputs[name])).size
            line += f" {len(outputs[name]) / 1024:7.0f} KB {psnr:6.1f}dB {diff:7.2f}/255  {out_size[0]}×{out_size[1]}"
        print(line)

    lines = make_lines_jpeg()
    lines_ref = reference(lines, size)
    print("fine-detail check (thin lines, same size): " + ", ".join(
        f"{name} PSNR {quality(VARIANTS[name](lines), lines_ref)[0]:.1f} dB" for name in names[:2]))

    ours_name, peer_name, floor_name = names
    t_ratio = seconds[ours_name] / seconds[peer_name]
    m_ratio = memory[ours_name] / max(memory[peer_name], 1)
    f_ratio = seconds[ours_name] / seconds[floor_name]
    same_memory = memory[ours_name] <= memory[peer_name] + SAME_MB
    print(f"goals: time <= 0.9x the peer's ({'met' if t_ratio <= 0.9 else 'MISSED'}), memory <= the peer's, within "
          f"{SAME_MB:g} MB ({'met' if same_memory else 'MISSED'}), <= 1.5x the floor "
          f"({'met' if f_ratio <= 1.5 else 'MISSED'})")
    print(f"floor: {seconds[floor_name]:.3f} s; prepare_image / floor: {f_ratio:.2f}x")
    print(f"peer: {seconds[peer_name]:.3f} s, {memory[peer_name]:.0f} MB peak; "
          f"prepare_image / peer: {t_ratio:.2f}x time, {m_ratio:.2f}x peak memory")


if __name__ == "__main__":
    main()
