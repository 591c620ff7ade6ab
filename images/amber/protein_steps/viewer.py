"""The molecule in 3D: the free MD's frames (protein as cartoon, ions as spheres), superposed on the experimental
structure when its C-alpha atoms match, as one HTML fragment with the viewer library (3Dmol.js) inlined, so the
page fetches nothing when it opens. It runs in KFP 2.17.0's HTML viewer, an iframe with `sandbox="allow-scripts"`
and the page as `srcdoc` (an opaque origin: no storage, no cookies, no parent access), and from disk."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .errors import StepError

LIBRARY = Path(__file__).parent / "data" / "viewer" / "3Dmol-min.js"
NOTICE = LIBRARY.parent / "LICENSE-3Dmol.txt"  # BSD-3-Clause: the notice travels with every copy
LIBRARY_NAME = "3Dmol.js (npm package 3dmol, BSD-3-Clause; pinned in package.json)"
MAX_FRAMES = 20  # keeps the page (and KFP's iframe, which reads the whole artifact) to a few MB
ION_COLOURS = {"Na+": "#ab5cf2", "K+": "#8f40d4", "Cl-": "#1ff01f", "Mg2+": "#8aff00", "Ca2+": "#3dff00"}
OTHER_ION_COLOUR = "#888888"


def library_js() -> str:
    """The viewer library staged by `npm ci` (tools/stage-viewer-lib.js) beside the step runner's data, after
    its licence notice in a comment."""
    if not LIBRARY.is_file() or not NOTICE.is_file():
        raise StepError(f"the 3D viewer library is missing ({LIBRARY}): run `npm ci` in the repository, which "
                        "stages the pinned 3dmol package's build there (the image build copies it in)")
    notice = NOTICE.read_text(encoding="utf-8").replace("*/", "* /")
    return f"/* {LIBRARY_NAME}\n{notice}*/\n{LIBRARY.read_text(encoding='utf-8')}"


def split_models(pdb_text: str) -> list[str]:
    """A multi-model PDB (MODEL … ENDMDL) as one text per model, coordinates and TER records only."""
    models: list[list[str]] = []
    current: list[str] | None = None
    for line in pdb_text.splitlines():
        if line.startswith("MODEL"):
            current = []
            models.append(current)
        elif line.startswith("ENDMDL"):
            current = None
        elif line.startswith(("ATOM", "HETATM", "TER")):
            if current is None:  # a single-model file without MODEL records
                current = []
                models.append(current)
            current.append(line.rstrip())
    return ["\n".join(model) + "\n" for model in models if model]


def pick_frames(count: int, limit: int = MAX_FRAMES) -> list[int]:
    """At most `limit` indexes from 0..count-1, evenly spaced, always the first and the last (the final structure)."""
    if count <= limit:
        return list(range(count))
    if limit < 2:
        return [count - 1]
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def ion_names(model: str) -> list[str]:
    """Residue names of single-atom residues other than water: the ions."""
    atoms: dict[tuple[str, str, str], int] = {}
    for line in model.splitlines():
        if line.startswith(("ATOM", "HETATM")):
            key = (line[17:21].strip(), line[21:22], line[22:27])
            atoms[key] = atoms.get(key, 0) + 1
    return sorted({name for (name, _, _), n in atoms.items() if n == 1 and name not in ("WAT", "HOH")})


def experimental_model(pdb_text: str) -> str:
    """The experimental structure's atoms without waters, for a reference cartoon."""
    lines = [line.rstrip() for line in pdb_text.splitlines()
             if line.startswith(("ATOM", "HETATM", "TER")) and line[17:20] not in ("HOH", "WAT")]
    return "\n".join(lines) + "\n" if lines else ""


def _json_for_script(value: object) -> str:
    # Inside <script> only "</" could end the element early; \u003c keeps the JSON equal.
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


INIT_JS = """
(function () {
  var data = JSON.parse(document.getElementById("molecule-data").textContent);
  var element = document.getElementById("molecule-view");
  var slider = document.getElementById("molecule-frame");
  var label = document.getElementById("molecule-label");
  var play = document.getElementById("molecule-play");
  var showExperimental = document.getElementById("molecule-experimental");
  var viewer = $3Dmol.createViewer(element, { backgroundColor: "white" });
  if (!viewer) {
    element.textContent = "This browser gives the page no WebGL, so the 3D view cannot be drawn.";
    return;
  }
  var models = data.frames.map(function (frame, i) { return "MODEL " + (i + 1) + "\\n" + frame + "ENDMDL\\n"; });
  var md = viewer.addModelsAsFrames(models.join(""), "pdb");
  md.setStyle({}, { cartoon: { color: "spectrum" } });
  data.ions.forEach(function (ion) {
    md.setStyle({ resn: ion.name }, { sphere: { color: ion.colour, radius: 1.2 } });
  });
  var experimentalStyle = { cartoon: { color: "#999999", opacity: 0.5 } };
  var experimental = null;
  if (data.experimental) {
    experimental = viewer.addModel(data.experimental, "pdb");
    experimental.setStyle({}, experimentalStyle);
  }
  function styleExperimental() {
    if (!experimental) return;
    experimental.setStyle({}, showExperimental.checked ? experimentalStyle : {});
    viewer.render();
  }
  function show(index) {
    slider.value = String(index);
    label.textContent = data.labels[index];
    Promise.resolve(viewer.setFrame(index)).then(function () { viewer.render(); });
  }
  var timer = null;
  play.addEventListener("click", function () {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
      play.textContent = "Play";
      return;
    }
    play.textContent = "Pause";
    timer = setInterval(function () { show((Number(slider.value) + 1) % data.frames.length); }, 400);
  });
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  if (showExperimental) showExperimental.addEventListener("change", styleExperimental);
  viewer.zoomTo({ model: md });
  show(data.frames.length - 1);
})();
"""


def viewer_fragment(frames: list[str], frame_labels: list[str], experimental: str, note: str) -> str:
    """The 3D view as an HTML fragment (one per page: its element ids are fixed), library included."""
    if not frames or len(frames) != len(frame_labels):
        raise StepError("the 3D view needs at least one frame and one label per frame")
    ions = [{"name": name, "colour": ION_COLOURS.get(name, OTHER_ION_COLOUR)} for name in ion_names(frames[-1])]
    data = {"frames": frames, "labels": frame_labels, "ions": ions, "experimental": experimental}
    toggle = ('<label><input type="checkbox" id="molecule-experimental" checked> experimental structure '
              "(grey)</label>") if experimental else ""
    legend = ", ".join(f'<span style="color:{ion["colour"]}">●</span> {html.escape(ion["name"])}' for ion in ions)
    return (
        '<div class="molecule">'
        f'<p class="note">{html.escape(note)} Ions: {legend or "none"}. Drag to rotate, scroll to zoom.</p>'
        '<div id="molecule-view" style="position:relative;width:100%;height:460px;border:1px solid #ccc"></div>'
        '<p><button type="button" id="molecule-play">Play</button> '
        f'<input type="range" id="molecule-frame" min="0" max="{len(frames) - 1}" step="1" '
        f'value="{len(frames) - 1}" style="width:20em;vertical-align:middle"> '
        f'<span id="molecule-label"></span> {toggle}</p>'
        f'<script type="application/json" id="molecule-data">{_json_for_script(data)}</script>'
        f"<script>{library_js()}\n</script>"
        f"<script>{INIT_JS}</script>"
        "</div>"
    )


def viewer_page(title: str, fragment: str) -> str:
    """The standalone page: the fragment and nothing else."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:1em}.note{color:#555}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{fragment}</body></html>\n"
    )
