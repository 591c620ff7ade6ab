"""The 3D view's page: library inlined, nothing fetched, frames present and bounded, data that cannot end its
<script> early. (That it draws is judged in headless Chromium: test/viewer/check.ts.)"""

import json
import re
from html.parser import HTMLParser

import pytest

from protein_steps.errors import StepError
from protein_steps.viewer import (LIBRARY, MAX_FRAMES, experimental_model, ion_names, library_js, pick_frames,
                                  split_models, viewer_fragment, viewer_page)


def atom(serial: int, name: str, resname: str, resid: int, x: float, record: str = "ATOM") -> str:
    return f"{record:<6}{serial:>5} {name:<4} {resname:<3} A{resid:>4}    {x:8.3f}{0.0:8.3f}{0.0:8.3f}  1.00  0.00"


def model(shift: float, residues: int = 3) -> str:
    lines = [atom(3 * i + k + 1, name, "ALA", i + 1, shift + i * 3.8 + k)
             for i in range(residues) for k, name in enumerate(("N", "CA", "C"))]
    lines += [atom(3 * residues + 1, "Na+", "Na+", residues + 1, 20.0),
              atom(3 * residues + 2, "Cl-", "Cl-", residues + 2, -20.0)]
    return "\n".join(lines) + "\nTER\n"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def page_of(frames: list[str], experimental: str = "") -> str:
    labels = [f"frame {i}" for i in range(len(frames))]
    return viewer_page("1AKI <3D>", viewer_fragment(frames, labels, experimental, "A note."))


def test_the_library_is_inlined_and_the_page_loads_nothing_from_anywhere():
    page = page_of([model(0), model(1)])
    assert LIBRARY.read_text(encoding="utf-8") in page
    assert "Copyright (c) 2014, University of Pittsburgh" in page  # the library's licence notice
    parser = Tags()
    parser.feed(page)
    loading = [(tag, attrs) for tag, attrs in parser.tags
               if tag in ("link", "img", "iframe", "object", "embed") or attrs.get("src") or attrs.get("href")]
    assert loading == []
    # The page's own markup and code (all but the library) names no URL at all.
    own = page.replace(library_js(), "")
    assert not re.search(r"https?:|//[a-z]", own, re.I)
    assert "localStorage" not in own and "sessionStorage" not in own and "document.cookie" not in own


def test_every_frame_and_label_is_in_the_page_data():
    frames = [model(0), model(5), model(9)]
    page = page_of(frames, experimental="ATOM ...\n")
    data = json.loads(re.search(r'<script type="application/json" id="molecule-data">(.*?)</script>', page, re.S)[1])
    assert data["frames"] == frames and data["labels"] == ["frame 0", "frame 1", "frame 2"]
    assert [ion["name"] for ion in data["ions"]] == ["Cl-", "Na+"]
    assert data["experimental"] == "ATOM ...\n" and 'id="molecule-experimental"' in page
    assert 'max="2"' in page and 'value="2"' in page  # the slider opens on the last frame, the final structure
    assert "<title>1AKI &lt;3D&gt;</title>" in page


def test_data_cannot_close_its_script_element():
    page = page_of([model(0) + "REMARK </script><script>alert(1)</script>\n"])
    assert page.count("</script>") == 3  # data, library, start-up code


def test_a_long_trajectory_is_cut_to_a_bounded_page():
    atoms_per_frame = 3 * 700  # about 1AKI's heavy atoms and ions, twice over
    frames = [model(i, residues=atoms_per_frame // 3) for i in range(500)]
    picked = pick_frames(len(frames))
    page = page_of([frames[i] for i in picked])
    assert len(picked) == MAX_FRAMES and picked[0] == 0 and picked[-1] == 499
    library = len(LIBRARY.read_bytes())
    assert len(page.encode()) < library + MAX_FRAMES * atoms_per_frame * 90  # about one PDB line per atom


@pytest.mark.parametrize("count,limit,expected", [(1, 20, [0]), (3, 20, [0, 1, 2]), (10, 4, [0, 3, 6, 9]),
                                                  (5, 1, [4])])
def test_frames_are_picked_evenly_with_the_first_and_the_last(count, limit, expected):
    assert pick_frames(count, limit) == expected


def test_models_are_split_on_model_records_or_read_as_one():
    two = f"MODEL        1\n{model(0)}ENDMDL\nMODEL        2\n{model(1)}ENDMDL\nEND\n"
    assert split_models(two) == [model(0), model(1)]
    assert split_models("REMARK x\n" + model(0) + "END\n") == [model(0)]
    assert split_models("REMARK nothing\n") == []


def test_ions_are_the_single_atom_residues_but_water():
    text = model(0) + atom(9, "O", "WAT", 9, 1.0) + "\n" + atom(10, "K+", "K+", 10, 2.0, "HETATM") + "\n"
    assert ion_names(text) == ["Cl-", "K+", "Na+"]


def test_the_experimental_model_leaves_water_out():
    text = model(0) + atom(20, "O", "HOH", 20, 1.0, "HETATM") + "\nEND\n"
    assert experimental_model(text) == model(0)


def test_a_view_needs_frames_with_labels():
    with pytest.raises(StepError, match="at least one frame"):
        viewer_fragment([], [], "", "")
    with pytest.raises(StepError, match="one label per frame"):
        viewer_fragment([model(0)], [], "", "")
