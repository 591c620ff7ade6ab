import re

from protein_steps.plots import data_table, html_page, line_chart_svg


def test_html_plot_is_self_contained():
    svg = line_chart_svg([0, 1, 2], {"TEMP": [0.0, 150.0, 300.0]}, "TIME_PS", "Heat <1>")
    page = html_page("Heat <1>", svg, {"mean_temp": 150.0})
    assert page.count("<svg") == 1 and "<path" in page
    assert "Heat &lt;1&gt;" in page and "<td>150</td>" in page
    # nothing is fetched when the page renders: no scripts, stylesheets, images or fonts by URL
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"(src|href)\s*=\s*\"(?!#)", page)  # only in-document references (#id)
    assert "@import" not in page and "url(http" not in page


def test_data_table_has_a_header_and_one_row_per_point():
    table = data_table("FRAME", [1, 2], {"RMSD_A": [0.0, 0.5]})
    lines = table.splitlines()
    assert lines[0].lstrip("#").split() == ["FRAME", "RMSD_A"]
    assert [float(v) for v in lines[2].split()] == [2.0, 0.5]
