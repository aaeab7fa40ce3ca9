"""pdf_engine's fast paths give WeasyPrint exactly what its slow paths would (issue 13 item 5)."""

from __future__ import annotations

import copy

from reportgen import evaluate_mapping
from reportgen.presentation.pdf import render_html
from reportgen.presentation.pdf_engine import _xml_tree


def _same_tree(a, b) -> bool:
    return (a.tag, a.attrib, a.text or "", a.tail or "", len(a)) == (
        b.tag,
        b.attrib,
        b.text or "",
        b.tail or "",
        len(b),
    ) and all(_same_tree(x, y) for x, y in zip(a, b, strict=True))


def test_reports_read_by_expat_into_the_tree_the_html_parser_builds(acme_tree):
    """pdf_engine reads a report's HTML with expat (40 times faster than tinyhtml5) only when that gives
    WeasyPrint the very tree its HTML parser would: the report templates (change part included) do;
    rows outside a row group, a block in a paragraph, an HTML entity or text in a table do not."""
    import tinyhtml5

    baseline = copy.deepcopy(acme_tree)
    baseline["training"]["pue"] = 1.3
    ev = evaluate_mapping(acme_tree)
    for html in (render_html(ev), render_html(ev, evaluate_mapping(baseline))):
        tree = _xml_tree(html)
        assert tree is not None and _same_tree(tree, tinyhtml5.parse(html, namespace_html_elements=False))
    head = "<html><head><title>x</title></head><body>"
    for body in (
        "<table><tr><td>1</td></tr></table>",
        "<p>a<div>b</div></p>",
        "<p>a&nbsp;b</p>",
        "<table><tbody>x<tr><td>1</td></tr></tbody></table>",
        "<p>unclosed",
    ):
        assert _xml_tree(f"{head}{body}</body></html>") is None, body
    assert _xml_tree(f"{head}<table><tbody><tr><td>1</td></tr></tbody></table></body></html>") is not None


def test_a_weasyprint_whose_document_keeps_its_tree_elsewhere_gets_the_html_itself(monkeypatch):
    """The expat path swaps the tree of a WeasyPrint HTML object (wrapper_element, etree_element, as
    WeasyPrint 62-70 keep it). A version that keeps it otherwise is given the HTML to parse, never an
    empty page with a tree it would not read."""
    import weasyprint

    from reportgen.presentation import pdf_engine

    class OtherHTML:
        def __init__(self, string: str, base_url: str, url_fetcher: object) -> None:
            self.string = string

    monkeypatch.setattr(weasyprint, "HTML", OtherHTML)
    html = "<html><head><title>x</title></head><body><p>1</p></body></html>"
    assert pdf_engine._xml_tree(html) is not None  # the expat path applies to this page
    assert pdf_engine._document(html, "file:///", None).string == html  # type: ignore[arg-type]
