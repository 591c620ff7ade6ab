"""fetch-pdb: a PDB entry from RCSB (biobb_io.api.pdb, needs network) or from a local directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import StepError
from ..files import scratch_dir, write_text
from ..tools import biobb_properties, run_biobb

# biobb_io.api.pdb's default filter (the protein chains, no waters or ligands) plus the entry's
# HEADER and TITLE, which the run report shows (every tool downstream skips them).
KEPT_RECORDS = ("HEADER", "TITLE", "ATOM", "MODEL", "ENDMDL")


def filter_records(pdb_text: str, kept: tuple[str, ...] = KEPT_RECORDS) -> str:
    lines = [line for line in pdb_text.splitlines() if line[:6].strip() in kept]
    return "\n".join(lines + ["END"]) + "\n"


def find_local_entry(directory: Path, code: str) -> Path:
    if not directory.is_dir():
        raise StepError(f"--source {directory}: not a directory; give 'rcsb' or a directory holding {code}.pdb")
    for candidate in sorted(directory.iterdir()):
        if candidate.name.lower() in (f"{code}.pdb", f"pdb{code}.ent"):
            return candidate
    available = sorted(p.stem for p in directory.glob("*.pdb"))
    raise StepError(
        f"unknown PDB code {code!r}: no {code}.pdb in {directory} (available: {', '.join(available) or 'none'})"
    )


def fetch_pdb(args: argparse.Namespace) -> None:
    code = args.pdb_code
    if args.source == "rcsb":
        text = _download(code)
    else:
        text = find_local_entry(Path(args.source), code).read_text(encoding="utf-8", errors="replace")
    filtered = filter_records(text)
    if not any(line.startswith("ATOM") for line in filtered.splitlines()):
        raise StepError(f"PDB entry {code} has no ATOM records: is it a protein structure in PDB format?")
    write_text(args.output_pdb, filtered)


def _download(code: str) -> str:
    from biobb_io.api.pdb import pdb

    with scratch_dir("fetch-pdb") as scratch:
        target = scratch / f"{code}.pdb"
        properties = biobb_properties(scratch, pdb_code=code, api_id="rcsb", filter=False)
        run_biobb(
            f"downloading PDB entry {code} from RCSB (unknown code, or no network?)",
            lambda: pdb(output_pdb_path=str(target), properties=properties),
            scratch,
            needs_amber=False,
        )
        if not target.is_file() or target.stat().st_size == 0:
            raise StepError(f"unknown PDB code {code!r}: RCSB returned no structure (check the code or the network)")
        return target.read_text(encoding="utf-8", errors="replace")
