"""Compares two local runs of the same inputs, parameters and seed: every structure and every MD energy
series must be identical. What cannot be identical is excluded by rule, for every file alike:
- a sander log is compared by its energy records (step, time and every term), not its text: its
  header carries the date, host and timings;
- an Amber topology is compared line by line but for its %VERSION line (leap stamps the date there);
- PDB files by their ATOM/HETATM records (names and coordinates); NetCDF restarts and trajectories,
  leap's coordinates, mdin files and analysis tables (.dat, metrics) byte for byte;
- HTML pages, logs (log.txt) and summary.json are views with dates and wall times: not compared.

Usage: python images/amber/tests/compare_runs.py DIR_A DIR_B   (each the --out of `npm run pipeline:local`)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from protein_steps.mdout import parse_log  # noqa: E402

NOT_COMPARED = re.compile(r"(\.html?|log\.txt|summary\.json|\.local-cache\.json|executor_output\.json)$|output_html")


def kind(path: Path) -> str:
    head = path.read_bytes()[:4096]
    if head.startswith((b"CDF", b"\x89HDF")):
        return "binary"
    text = head.decode("utf-8", errors="replace")
    if text.startswith("%VERSION"):
        return "topology"
    if "SANDER" in text and "Amber" in text:
        return "sander log"
    if re.search(r"^(ATOM|HETATM)  ", text, re.M):
        return "pdb"
    return "text"


def comparable(path: Path, what: str):
    if what == "binary":
        return path.read_bytes()
    text = path.read_text(encoding="utf-8", errors="replace")
    if what == "topology":
        return [line for line in text.splitlines() if not line.startswith("%VERSION")]
    if what == "sander log":
        log_kind = "minout" if re.search(r"^\s*imin\s*=\s*1\b", text, re.M) else "mdout"
        return parse_log(log_kind, text)
    if what == "pdb":
        return [line[:54] for line in text.splitlines() if line.startswith(("ATOM", "HETATM"))]
    return text


def differences(first: Path, second: Path) -> tuple[list[str], dict[str, int]]:
    found: list[str] = []
    compared: dict[str, int] = {}
    names = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    names |= {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    for name in sorted(names):
        if NOT_COMPARED.search(str(name)):
            continue
        a, b = first / name, second / name
        if not (a.is_file() and b.is_file()):
            found.append(f"{name}: only in {first if a.is_file() else second}")
            continue
        what = kind(a)
        compared[what] = compared.get(what, 0) + 1
        if comparable(a, what) != comparable(b, what):
            found.append(f"{name} ({what}) differs")
    return found, compared


def main() -> int:
    first, second = Path(sys.argv[1]), Path(sys.argv[2])
    found, compared = differences(first, second)
    for problem in found:
        print(f"compare_runs: {problem}", file=sys.stderr)
    if found:
        return 1
    if not compared.get("sander log") or not compared.get("topology"):
        print(f"compare_runs: no sander logs or topologies under {first}: not a pipeline run", file=sys.stderr)
        return 1
    print("compare_runs: identical: " + ", ".join(f"{n} {what}" for what, n in sorted(compared.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
