"""A progress bar: tqdm when installed (`pip install -e ".[bench]"`), else a plain one."""

import sys
import time
from contextlib import contextmanager


class _Plain:
    def __init__(self, total: int, desc: str, unit: str):
        self.total, self.desc, self.unit, self.done = total, desc, unit, 0
        self.started = self.shown = time.monotonic()

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown >= 2 or self.done >= self.total:
            self.shown = now
            rate = self.done / max(now - self.started, 1e-9)
            print(
                f"{self.desc}: {self.done:,}/{self.total:,} {self.unit} "
                f"({rate:,.0f} {self.unit}/s)",
                file=sys.stderr,
                flush=True,
            )


@contextmanager
def progress(total: int, desc: str, unit: str = "it"):
    try:
        from tqdm import tqdm
    except ImportError:
        yield _Plain(total, desc, unit)
        return
    with tqdm(
        total=total, desc=desc, unit=unit, unit_scale=True, mininterval=1, file=sys.stderr
    ) as bar:
        yield bar
