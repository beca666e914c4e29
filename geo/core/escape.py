"""Make text inert for the context it lands in: HTML, JavaScript template literals, spreadsheets.

Every text that comes from data (business and sentra names, addresses, notes, user names)
reaches a page, a map or a spreadsheet through one of these functions:

- :func:`html_text` for text inside HTML that may itself end up inside a JavaScript template
  literal (folium writes tooltips and popups as ```...``` strings into the map's script, where
  ``${...}`` runs as code and a backtick ends the string);
- :func:`inert_markup` for HTML that was built from escaped parts and goes into such a literal;
- :func:`spreadsheet_cell` for text cells of CSV and XLSX files (a leading ``=``, ``+``, ``-``
  or ``@`` would be read as a formula by a spreadsheet program).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

__all__ = [
    "FORMULA_PREFIXES",
    "html_text",
    "inert_markup",
    "markdown_text",
    "script_json",
    "spreadsheet_cell",
    "spreadsheet_frame",
    "xlsx_text_cells",
]

#: The characters that make a spreadsheet program read a cell as a formula (OWASP's list:
#: ``=``, ``+``, ``-``, ``@``, and tab and carriage return, which some programs strip first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters that HTML ignores but a JavaScript template literal does not: the backtick ends
# the literal, "${" starts an expression and a backslash starts an escape sequence. Braces:
# folium and branca compile every rendered script a second time as a Jinja template, so
# "{{ ... }}" in a name would run as Python on the server (server-side template injection) and
# "{%" would break the map. As HTML character references they display the same and mean
# nothing to JavaScript or Jinja.
_TEMPLATE_LITERAL = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)
# In JSON text, "{" followed by "{", "%" or "#" can only occur inside a string (an object
# starts with '"' or '}'): written as \u007b it decodes to the same text and starts no Jinja.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
# ASCII punctuation that CommonMark lets a backslash escape (all of it is, here).
_MARKDOWN_SPECIAL = re.compile(r"[!-/:-@\[-`{-~]")


def html_text(value: Any) -> str:
    """Escape a value for HTML text or a quoted attribute, inert in a template literal too.

    Parameters
    ----------
    value
        Any value; ``None`` gives ``""``, everything else is converted with ``str``.

    Returns
    -------
    str
        Text without ``<``, ``>``, ``&`` (other than in references), quotes, backticks,
        ``$`` or backslashes; ``html.unescape`` gives the original text back.
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)


def inert_markup(markup: str) -> str:
    """Neutralise JavaScript template-literal syntax in HTML built from escaped parts.

    The HTML keeps its tags; backticks, ``$`` and backslashes become character references, so
    the markup can sit between backticks in a script (as folium's tooltips and popups do)
    without ending the literal or running ``${...}``.

    Parameters
    ----------
    markup
        HTML whose data parts were escaped with :func:`html_text` or ``html.escape``.

    Returns
    -------
    str
        The same HTML, displaying the same text.
    """
    return str(markup).translate(_TEMPLATE_LITERAL)


def markdown_text(value: Any) -> str:
    """Escape data for Streamlit Markdown (``st.markdown``, ``st.caption``): shown as typed.

    Every ASCII punctuation character that Markdown or Streamlit's extensions give a meaning
    (links and images ``[x](u)`` ``![x](u)``, emphasis, headings, lists, tables, code,
    ``:material/icon:`` and ``:blue[colour]`` directives, ``$`` maths, HTML and entities) gets a
    backslash, and line breaks become spaces, so a sentra named ``![x](http://host/img.png)``
    makes no browser fetch anything and ``[tautan](...)`` renders as text.

    Parameters
    ----------
    value
        Any value; ``None`` gives ``""``.

    Returns
    -------
    str
        Markdown source that displays the original text (on one line).
    """
    if value is None:
        return ""
    text = " ".join(str(value).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)


def script_json(obj: Any) -> str:
    """Serialise data as JSON that is inert inside a ``<script>`` of a folium map.

    No ``<``, ``>`` or ``&`` (a name cannot close the script element), no raw line or
    paragraph separators, and no ``{{``, ``{%`` or ``{#`` (branca renders a map's script as a
    Jinja template a second time). ``json.loads`` of the result gives ``obj`` back.

    Parameters
    ----------
    obj
        JSON-serialisable data (NaN is refused).

    Returns
    -------
    str
        Compact JSON text.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _JINJA_OPEN.sub(r"\\u007b", text)


def spreadsheet_cell(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet program would read as a formula.

    Text starting with one of :data:`FORMULA_PREFIXES` gets a leading apostrophe (the
    spreadsheet convention for "this is text"), unless the whole text is a signed plain
    number such as ``-12.5`` or a phone ``+6281234567`` (nothing there can run). Values that
    are not text (numbers, dates, missing) are returned unchanged: numbers stay numbers.

    Parameters
    ----------
    value
        A cell value.

    Returns
    -------
    Any
        The value, or the text with a leading ``'``.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if value[0] in "+-" and _is_plain_number(value):
        return value
    return "'" + value


def _is_plain_number(text: str) -> bool:
    """Tell whether text is a signed plain number such as ``-12`` or ``-0.5`` (nothing runs)."""
    body = text[1:]
    if not body or body.count(".") > 1:
        return False
    return body.replace(".", "", 1).isdigit() and body.isascii()


def spreadsheet_frame(frame: Any) -> Any:
    """Apply :func:`spreadsheet_cell` to every text cell of a DataFrame (a copy).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; numeric, boolean and date columns are left as they are.

    Returns
    -------
    pandas.DataFrame
        A copy whose text cells cannot be read as formulas.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or str(series.dtype) in ("string", "str"):
            out[column] = series.map(spreadsheet_cell)
    return out


def xlsx_text_cells(sheet: Any) -> int:
    """Store every text cell of an openpyxl sheet that starts with ``=`` as text, not formula.

    openpyxl writes a string starting with ``=`` as a live formula. In an XLSX file a cell of
    text type is never evaluated, whatever it starts with, so the text stays exactly as
    written (no apostrophe added, unlike CSV).

    Parameters
    ----------
    sheet : openpyxl.worksheet.worksheet.Worksheet
        A sheet in normal (not write-only) mode.

    Returns
    -------
    int
        The number of cells changed from formula to text.
    """
    changed = 0
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
                changed += 1
    return changed
