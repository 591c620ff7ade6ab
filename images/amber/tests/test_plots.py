import re

from protein_steps.plots import data_table, format_metric, html_page, line_chart_svg
from protein_steps.report import tidy


def test_html_plot_is_self_contained():
    svg = line_chart_svg([0, 1, 2], {"TEMP": [0.0, 150.0, 300.0]}, "TIME_PS", "Heat <1>")
    page = html_page("Heat <1>", svg, {"mean_temp": 150.0})
    assert page.count("<svg") == 1 and "<path" in page
    assert "Heat &lt;1&gt;" in page and "<td>150.0 K</td>" in page
    # nothing is fetched when the page renders: no scripts, stylesheets, images or fonts by URL
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"(src|href)\s*=\s*\"(?!#)", page)  # only in-document references (#id)
    assert "@import" not in page and "url(http" not in page


def test_data_table_has_a_header_and_one_row_per_point():
    table = data_table("FRAME", [1, 2], {"RMSD_A": [0.0, 0.5]})
    lines = table.splitlines()
    assert lines[0].lstrip("#").split() == ["FRAME", "RMSD_A"]
    assert [float(v) for v in lines[2].split()] == [2.0, 0.5]


def test_one_heading_per_plot_and_the_same_data_draws_the_same_svg():
    svg = line_chart_svg([0, 1], {"TEMP": [1.0, 2.0]}, "Time (ps)", "Heating", {"TEMP": "Temperature (K)"})
    page = html_page("Heating", svg, {})
    assert page.count("Heating") == 2  # <title> and the one <h1>; the figure has no title of its own
    assert line_chart_svg([0, 1], {"TEMP": [1.0, 2.0]}, "Time (ps)", "Heating", {"TEMP": "Temperature (K)"}) == svg


def test_metric_values_keep_six_significant_digits_and_no_negative_zero():
    assert tidy(0.36985999999999997) == 0.36986 and tidy(0.8897400000000001) == 0.88974
    assert tidy(-56703.14159) == -56703.1 and tidy(13.85470001) == 13.8547
    assert str(tidy(-0.0)) == "0.0" and str(tidy(-1e-9)) == "-1e-09"


def test_metrics_show_units_and_the_precision_of_their_quantity():
    assert format_metric("mean_density", 0.8897400000000001) == "0.890 g/cm³"
    assert format_metric("final_energy", -0.0004) == "0.0 kcal/mol"
    assert format_metric("mean_temp", 299.96) == "300.0 K"
    assert format_metric("mean_rmsd_experimental", 0.61234) == "0.61 Å"
    assert format_metric("mean_pres", -1234.56) == "-1235 bar"
