"""Input checks and staging between KFP's extension-less artifact paths and a scratch directory."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import StepError


def require_input(path: str, flag: str) -> Path:
    """The input file at `path`, or a StepError naming the flag when it is missing or empty."""
    file = Path(path)
    if not file.is_file():
        raise StepError(f"{flag} {path}: input file does not exist (did the upstream step write it?)")
    if file.stat().st_size == 0:
        raise StepError(f"{flag} {path}: input file is empty (the upstream step produced no data)")
    return file


def stage(path: str, flag: str, scratch: Path, name: str) -> str:
    """Copy a checked input into the scratch dir under `name` (with the extension tools expect)."""
    target = scratch / name
    shutil.copyfile(require_input(path, flag), target)
    return str(target)


def deliver(produced: Path | str, path: str, what: str, allow_empty: bool = False) -> None:
    """Copy a produced file to the output path KFP chose, creating its parent directory."""
    source = Path(produced)
    if not source.is_file() or (source.stat().st_size == 0 and not allow_empty):
        raise StepError(f"the tool produced no {what} ({source.name} missing or empty)")
    destination = Path(path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)


def write_text(path: str, text: str) -> None:
    destination = Path(path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def scratch_dir(step: str) -> Iterator[Path]:
    """A fresh working directory, entered for the duration (biobb writes its logs into the cwd)."""
    keep = os.environ.get("PROTEIN_STEP_KEEP_SCRATCH") == "1"
    directory = Path(tempfile.mkdtemp(prefix=f"protein-step-{step}-"))
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield directory
    finally:
        os.chdir(previous)
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def tail(path: Path, lines: int = 25) -> str:
    if not path.is_file():
        return ""
    content = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(content[-lines:])
