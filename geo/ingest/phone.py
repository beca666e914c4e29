"""Indonesian phone numbers normalised to the international form ``+62…``.

Sahabat UMKM write numbers as ``0812-3456-7890``, ``0812 3456 7890``, ``62812…``,
``+62 812…``, ``(0341) 551234`` or, after a spreadsheet dropped the leading zero,
``81234567890``; a cell may hold two numbers (``"0812… / 0857…"``). :func:`normalise_phones`
turns each into ``+62`` followed by the national significant number (area or mobile prefix
without the trunk ``0``), keeps the first of several numbers, and names what it could not use.

A national significant number has 8 to 12 digits and does not start with 0 or 1 (mobile
numbers start with 8; Malang's area code is 341). Anything else is not a phone number: it is
reported and dropped, not guessed.

A number of that shape is then checked against the Indonesian numbering plan with the
`phonenumbers <https://pypi.org/project/phonenumbers/>`_ library (region ``ID``): a number
that cannot exist there (``"+62 41 595158"``: no area code 41) is *kept as written* and
flagged (``tidak_mungkin``), never reformatted into a plausible-looking ``+62…`` that nobody
answers. The officer sees the warning and corrects the cell.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import phonenumbers

__all__ = ["REGION", "is_possible_id_number", "normalise_phones"]

#: Region whose numbering plan numbers without a country code are read in.
REGION = "ID"

_SEPARATORS = re.compile(r"[ \t]*(?:/|;|,| [dD][aA][nN] | [aA][tT][aA][uU] |&|\|)[ \t]*")
_NON_DIGIT = re.compile(r"[^0-9+]")


@functools.lru_cache(maxsize=65536)
def is_possible_id_number(e164: str) -> bool:
    """Whether a number can exist in the Indonesian numbering plan (``phonenumbers``).

    Parameters
    ----------
    e164
        The number, ``"+62…"``.

    Returns
    -------
    bool
        True for a valid Indonesian number (area or mobile prefix and length that exist);
        False otherwise, also for text ``phonenumbers`` cannot parse.

    Examples
    --------
    >>> is_possible_id_number("+62341551234"), is_possible_id_number("+6241595158")
    (True, False)
    """
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number_for_region(number, REGION))


def normalise_phones(values: pd.Series) -> pd.DataFrame:
    """Normalise a column of phone numbers to ``+62…``.

    Parameters
    ----------
    values
        Cells as text (or numbers, as spreadsheets store phone numbers).

    Returns
    -------
    pandas.DataFrame
        Same index: ``telepon`` (``"+628123456789"``; the first number as written where it
        is ``tidak_mungkin``; missing where empty or unusable), ``tidak_valid`` (bool: a
        number was written but is not a phone number at all; dropped), ``tidak_mungkin``
        (bool: shaped like an Indonesian number but impossible in the numbering plan; kept as
        written) and ``lebih_dari_satu`` (bool: the cell held several numbers; the first is
        kept).
    """
    text = values.astype("string").str.strip().replace("", pd.NA)
    # A spreadsheet's number cell read as text: "81234567890.0".
    text = text.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)
    first = text.copy()
    second = pd.Series(pd.NA, index=values.index, dtype="string")
    split = text.str.contains(_SEPARATORS.pattern, regex=True).fillna(False)
    if split.any():  # only the few cells with a separator go through the (Python) split
        parts = text[split].str.extract(rf"^(.*?){_SEPARATORS.pattern}(.*)$")
        first[split] = parts[0].astype("string").str.strip()
        second[split] = parts[1].astype("string").str.strip()
    several = (second.str.replace(r"[^0-9]", "", regex=True).str.len() >= 6).fillna(False)
    digits = first.str.replace(_NON_DIGIT.pattern, "", regex=True)
    plus = digits.str.startswith("+").fillna(False)
    digits = digits.str.replace("+", "", regex=False)
    nsn = pd.Series(pd.NA, index=values.index, dtype="string")
    intl = digits.str.startswith("62").fillna(False)
    trunk = (~intl & digits.str.startswith("0")).fillna(False)
    bare = (~intl & ~trunk & ~plus & digits.str.match(r"^[2-9]")).fillna(False)
    nsn[intl] = digits[intl].str.slice(2)
    nsn[trunk] = digits[trunk].str.slice(1)
    nsn[bare] = digits[bare]
    nsn = nsn.str.replace(r"^0", "", regex=True)  # "+62 0812…"
    length = nsn.str.len()
    ok = (nsn.str.match(r"^[2-9]") & (length >= 8) & (length <= 12)).fillna(False)
    telepon = ("+62" + nsn).where(ok, pd.NA).astype("string")
    distinct = telepon.dropna().unique()
    possible = pd.Series([is_possible_id_number(str(t)) for t in distinct], index=distinct)
    impossible = (ok & ~telepon.map(possible).fillna(True).astype(bool)).astype(bool)
    telepon = telepon.mask(impossible, first.str.strip())
    written = text.notna().to_numpy()
    return pd.DataFrame(
        {
            "telepon": telepon,
            "tidak_valid": written & ~ok.to_numpy(dtype=bool),
            "tidak_mungkin": impossible.to_numpy(dtype=bool),
            "lebih_dari_satu": several.to_numpy(dtype=bool) & written,
        },
        index=values.index,
    ).astype({"tidak_valid": bool, "tidak_mungkin": bool, "lebih_dari_satu": np.bool_})
