"""What a step tells its log: stdout, which KFP's Logs tab (the pod's `main` container) and the local
runner's log.txt show. Plain lines: what runs, key facts of the inputs and outputs, MD progress
while sander runs, and the reason with the tool's tail when it fails."""

from __future__ import annotations

import math
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable

from .mdout import Record, parse_log

AMBER_CHARGE_UNIT = 18.2223  # prmtop charges are in units of e * 18.2223 (Amber file format)
WATER = {"WAT", "HOH", "TIP3", "T3P", "SOL"}


def say(message: str) -> None:
    print(message, flush=True)


def clock(seconds: float) -> str:
    """H:MM:SS (or M:SS under an hour) for elapsed times and ETAs."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def prmtop_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("%FLAG"):
            current = sections.setdefault(line.split()[1], [])
        elif line.startswith("%"):
            continue
        elif current is not None:
            current.append(line)
    return sections


def fixed_fields(lines: list[str], width: int) -> list[str]:
    return [line[i : i + width].strip() for line in lines for i in range(0, len(line.rstrip()), width)]


def _residue_mix(names: list[str]) -> str:
    counts = Counter(names)
    water = sum(counts[name] for name in WATER)
    ions = {name: n for name, n in counts.items() if name.endswith(("+", "-")) or name in {"NA", "CL", "K"}}
    parts = [f"{water} water"] if water else []
    parts += [f"{n} {name}" for name, n in sorted(ions.items())]
    return f" ({', '.join(parts)})" if parts else ""


def describe_prmtop(text: str) -> str:
    sections = prmtop_sections(text)
    pointers = [int(value) for value in fixed_fields(sections.get("POINTERS", []), 8) if value]
    if len(pointers) < 12:
        return "Amber topology (no POINTERS section)"
    labels = fixed_fields(sections.get("RESIDUE_LABEL", []), 4)
    charges = [float(value) for value in fixed_fields(sections.get("CHARGE", []), 16) if value]
    summary = f"Amber topology: {pointers[0]} atoms, {pointers[11]} residues{_residue_mix(labels)}"
    if charges:
        summary += f", net charge {sum(charges) / AMBER_CHARGE_UNIT:+.2f} e"
    box = [float(value) for value in fixed_fields(sections.get("BOX_DIMENSIONS", []), 16) if value]
    summary += f", box {box[1]:.1f} x {box[2]:.1f} x {box[3]:.1f} A" if len(box) == 4 else ", no periodic box"
    return summary


def describe_pdb(text: str) -> str:
    atoms, residues, chains, names = 0, set(), set(), []
    box = ""
    for line in text.splitlines():
        if line.startswith(("ATOM", "HETATM")):
            atoms += 1
            key = (line[21:22], line[22:27], line[17:20].strip())
            if key not in residues:
                residues.add(key)
                names.append(key[2])
            chains.add(line[21:22].strip() or "-")
        elif line.startswith("CRYST1"):
            box = f", cell {line[6:15].strip()} x {line[15:24].strip()} x {line[24:33].strip()} A"
    return f"PDB: {atoms} atoms, {len(residues)} residues{_residue_mix(names)} in {len(chains)} chain(s){box}"


def describe_restart(text: str) -> str:
    lines = text.splitlines()
    fields = lines[1].split() if len(lines) > 1 else []
    summary = f"Amber coordinates: {fields[0]} atoms" if fields else "Amber coordinates"
    if len(fields) > 1:
        summary += f" at {float(fields[1]):.2f} ps"
    return summary


def describe(path: str | Path) -> str:
    """A one-line summary of a step's input or output file, by its content (KFP paths have no extension)."""
    file = Path(path)
    if not file.is_file():
        return "missing"
    size = file.stat().st_size
    with file.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"CDF") or head.startswith(b"\x89HDF"):
        return f"NetCDF ({size} bytes)"
    text_head = head.decode("utf-8", errors="replace")
    if size > 200_000_000:
        return f"{size} bytes"
    if text_head.startswith("%VERSION") or "%FLAG POINTERS" in text_head:
        return describe_prmtop(file.read_text(errors="replace"))
    if re.search(r"^(ATOM  |HETATM|CRYST1)", text_head, re.MULTILINE):
        return describe_pdb(file.read_text(errors="replace"))
    if "Amber" in text_head and ("SANDER" in text_head or "PMEMD" in text_head):
        return f"sander log ({size} bytes)"
    lines = text_head.splitlines()
    if len(lines) > 1 and re.fullmatch(r"\s*\d+(\s+[-+\d.Ee]+)?\s*", lines[1]):
        return describe_restart(text_head)
    return f"{size} bytes"


class MdProgress:
    """Follows a growing sander output log and says, every `every` steps, where the run is:
    step, simulated time, energy, temperature, elapsed and ETA. `find` returns the log's current
    path (biobb runs sander in a sandbox directory and copies the log out only at the end)."""

    def __init__(self, label: str, kind: str, total_steps: int, find: Callable[[], Path | None],
                 every: int | None = None, poll_seconds: float = 2.0, out: Callable[[str], None] = say) -> None:
        self.label, self.kind, self.total = label, kind, total_steps
        self.find, self.every, self.poll = find, every or max(1, total_steps // 20), poll_seconds
        self.out = out
        self.next_step = 0
        self.lines = 0
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="md-progress", daemon=True)

    def __enter__(self) -> "MdProgress":
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.check()  # the final log holds steps printed after the last poll

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            self.check()

    def check(self) -> None:
        path = self.find()
        if path is None or not path.is_file():
            return
        try:
            records = parse_log(self.kind, path.read_text(errors="replace"))
        except Exception:  # noqa: BLE001 - a half-written log parses next time
            return
        for record in records:
            step = int(record.get("NSTEP", -1))
            if step >= self.next_step and (step > 0 or self.kind == "minout"):
                self.out(self.line(record, time.monotonic() - self.started))
                self.lines += 1
                self.next_step = (step // self.every + 1) * self.every

    def line(self, record: Record, elapsed: float) -> str:
        step = int(record.get("NSTEP", 0))
        fraction = min(1.0, step / self.total) if self.total else 1.0
        parts = [f"{self.label}: step {step}/{self.total} ({fraction:.0%})"]
        if "TIME" in record:
            parts.append(f"{record['TIME']:.2f} ps")
        energy = record.get("ETOT", record.get("ENERGY"))
        if energy is not None and math.isfinite(energy):
            parts.append(f"E {energy:.1f} kcal/mol")
        if "TEMP" in record:
            parts.append(f"T {record['TEMP']:.1f} K")
        parts.append(f"elapsed {clock(elapsed)}")
        if 0 < fraction < 1:
            parts.append(f"ETA {clock(elapsed / fraction - elapsed)}")
        return ", ".join(parts)


def sandbox_log(scratch: Path, name: str) -> Callable[[], Path | None]:
    """Where sander writes `name` while biobb runs it (a sandbox under scratch), or the copied-out file."""

    def find() -> Path | None:
        direct = scratch / name
        if direct.is_file():
            return direct
        return next(iter(sorted(scratch.glob(f"*/{name}"))), None)

    return find


def report_failure(step: str, reason: str, log_tail: str, elapsed: float) -> None:
    """The one-line reason on stdout; the reason and the tool's own last lines on stderr, as the
    CLI always printed them (KFP's Logs tab and log.txt show both streams)."""
    say(f"protein-step {step}: FAILED after {clock(elapsed)}: {reason}")
    print(f"protein-step {step}: {reason}", file=sys.stderr, flush=True)
    if log_tail:
        print(f"--- last {len(log_tail.splitlines())} lines of the tool's log ---", file=sys.stderr)
        print(log_tail, file=sys.stderr, flush=True)
