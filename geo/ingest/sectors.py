"""Free-text business types ("jenis usaha") mapped to the sector taxonomy.

Sahabat UMKM describe a business in their own words: "warung makan", "katering",
"keripik tempe", "konveksi daster", "kerajinan rotan", "jual pulsa". :data:`SECTOR_KEYWORDS`
lists, per sector of :data:`geo.core.register.SECTORS`, the words that decide it; the table is the
one place to extend when a new word turns up in a real register (the importer's report lists
every text it could not map, with "lainnya" as the sector it was given).

Matching (:func:`classify_business_types`), on a text lowered and stripped of punctuation:

1. the sector's own code or label ("Kuliner", "fesyen", "Industri pengolahan") decides;
2. otherwise every keyword found as whole words counts, and the longest wins ("keripik tempe"
   over "tempe", "mebel kayu" over "mebel"); generic outlet words ("toko", "warung", "jual")
   count only when no product word is found, so "toko kue" is kuliner and "toko" alone
   perdagangan;
3. otherwise a single word within a small typo of a keyword ("konveski", "katring") is taken,
   and said so;
4. otherwise the text is unmapped and the sector is "lainnya".
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from rapidfuzz import fuzz, process

from geo.core.register import SECTORS

__all__ = ["GENERIC_KEYWORDS", "SECTOR_KEYWORDS", "classify_business_types"]

# Keywords per sector, comma-separated (whole words, lower case).
_KEYWORD_TEXT: dict[str, str] = {
    "kuliner": (
        "makanan, minuman, kuliner, warung makan, rumah makan, depot, warteg, katering, "
        "catering, keripik, kripik, keripik tempe, tempe, tahu, bolen, arem arem, kue, kue "
        "basah, kue kering, roti, bakery, jajanan, snack, camilan, cemilan, sambal, bakso, "
        "mie, mi ayam, nasi, pecel, rawon, soto, sate, gorengan, martabak, kopi, warung kopi, "
        "kedai kopi, cafe, kafe, es, jus, minuman kemasan, jamu, frozen food, makanan beku, "
        "olahan pangan, marning, kerupuk, krupuk, rengginang, dodol, sari apel, apel, "
        "brownies, cake, cokelat, coklat, madu, susu, yogurt, pangsit, dimsum, angkringan, "
        "lalapan, penyetan, ayam goreng, geprek, seblak, cilok, batagor, siomay, rujak, tempe "
        "mendoan, abon, bumbu, rempah, puding, kolak, wedang, teh, minuman herbal, kuliner "
        "malam, pentol"
    ),
    "fesyen": (
        "fesyen, fashion, busana, pakaian, baju, konveksi, garmen, daster, batik, bordir, "
        "sablon, kaos, jilbab, hijab, kerudung, mukena, sepatu, sandal, tas, dompet, sarung, "
        "tenun, rajut, kebaya, seragam, celana, gamis, aksesoris, aksesori, perhiasan, topi"
    ),
    "kriya": (
        "kriya, kerajinan, kerajinan tangan, handicraft, rotan, anyaman, bambu, keramik, "
        "gerabah, tembikar, raket, shuttlecock, mebel kayu, ukir, ukiran, ukir kayu, "
        "souvenir, suvenir, cinderamata, topeng, topeng malangan, lukisan, kaligrafi, "
        "miniatur, manik manik, batu akik, kerajinan kulit, kerajinan logam, dekorasi"
    ),
    "jasa": (
        "jasa, laundry, binatu, salon, barbershop, pangkas rambut, potong rambut, rias, make "
        "up, makeup, spa, pijat, bengkel, tambal ban, cuci motor, cuci mobil, penjahit, "
        "jahit, servis, service, reparasi, les, kursus, bimbel, penitipan, ekspedisi, kurir, "
        "ojek, rental, sewa, travel, fotokopi, foto copy, print, sol sepatu, kos, kost, "
        "homestay, penginapan, event organizer, wedding, dekorasi pernikahan, cleaning, "
        "tukang, servis elektronik, servis hp, konsultan"
    ),
    "perdagangan": (
        "perdagangan, dagang, pedagang, toko kelontong, kelontong, pracangan, peracangan, "
        "sembako, toko sembako, grosir, eceran, retail, minimarket, pulsa, konter, counter, "
        "toko pakaian, distributor, agen, reseller, dropship, toko bangunan, material, toko "
        "online, olshop, pasar, sayur, buah, toko buah, pedagang sayur, toko obat, apotek, "
        "toko, warung, kios, jual, jual beli, penjual, lapak, toko elektronik, onderdil, "
        "sparepart, atk, alat tulis"
    ),
    "agribisnis": (
        "agribisnis, pertanian, tanaman, tanaman hias, bunga, florist, bibit, hidroponik, "
        "sayuran hidroponik, kebun, perkebunan, peternakan, ternak, ayam petelur, telur, "
        "kambing, sapi, bebek, lele, ikan, perikanan, budidaya, budidaya ikan, ikan hias, "
        "jamur, madu lebah, pupuk, kompos, maggot, burung"
    ),
    "industri_pengolahan": (
        "industri, pabrik, manufaktur, mebel, meubel, furniture, furnitur, sabun, deterjen, "
        "percetakan, cetak, kemasan, packaging, plastik, logam, las, bengkel las, pandai "
        "besi, kertas, kimia, parfum, kosmetik, lilin, batako, paving, genteng, bata, "
        "konstruksi baja, kayu olahan, pengolahan"
    ),
    "digital_kreatif": (
        "digital, ekonomi kreatif, kreatif, desain, desain grafis, design, fotografi, foto, "
        "studio foto, videografi, video, film, animasi, aplikasi, software, perangkat lunak, "
        "website, web, it, teknologi, konten, content creator, youtuber, influencer, digital "
        "marketing, periklanan, iklan, musik, game, penerbitan, penerbit, podcast"
    ),
}

#: Sector code -> words (lower case, whole words) that put a business in it.
SECTOR_KEYWORDS: dict[str, tuple[str, ...]] = {
    code: tuple(w.strip() for w in text.split(",")) for code, text in _KEYWORD_TEXT.items()
}

#: Outlet words that say how a business sells, not what: used only when nothing else matches.
GENERIC_KEYWORDS: frozenset[str] = frozenset(
    {"toko", "warung", "kios", "jual", "penjual", "lapak", "dagang", "pedagang", "usaha"}
)

# Typos are accepted for single words of at least this length, at this rapidfuzz ratio.
_TYPO_MIN_LENGTH = 5
_TYPO_MIN_SCORE = 85.0


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " dan ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _build_tables() -> tuple[dict[str, str], list[tuple[str, str, re.Pattern[str]]]]:
    exact: dict[str, str] = {}
    for code, sector in SECTORS.items():
        for name in (code, sector.label_id, sector.label_en, code.replace("_", " ")):
            exact[_key(name)] = code
    exact[_key("industri pengolahan")] = "industri_pengolahan"
    exact[_key("digital dan kreatif")] = "digital_kreatif"
    keywords = []
    for code, words in SECTOR_KEYWORDS.items():
        for word in words:
            key = _key(word)
            keywords.append((key, code, re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])")))
    # Longest first: the first hit among specific words is the most specific one.
    keywords.sort(key=lambda item: -len(item[0]))
    return exact, keywords


_EXACT, _KEYWORDS = _build_tables()
_SINGLE_WORDS = sorted({k for k, _, _ in _KEYWORDS if " " not in k and len(k) >= _TYPO_MIN_LENGTH})
_WORD_SECTOR = {k: c for k, c, _ in _KEYWORDS}


def _classify(text: str) -> tuple[str, str | None, str]:
    """Return (sector, keyword, how) with how in "kode", "kata", "mirip", "tidak"."""
    key = _key(text)
    if not key:
        return "lainnya", None, "kosong"
    if key in _EXACT:
        return _EXACT[key], None, "kode"
    generic_hit = None
    for word, code, pattern in _KEYWORDS:
        if pattern.search(key):
            if word in GENERIC_KEYWORDS:
                generic_hit = generic_hit or (code, word)
                continue
            return code, word, "kata"
    for token in key.split():
        if len(token) < _TYPO_MIN_LENGTH or token in GENERIC_KEYWORDS:
            continue
        best = process.extractOne(token, _SINGLE_WORDS, scorer=fuzz.ratio)
        if best is not None and best[1] >= _TYPO_MIN_SCORE:
            return _WORD_SECTOR[best[0]], best[0], "mirip"
    if generic_hit is not None:
        return generic_hit[0], generic_hit[1], "kata"
    return "lainnya", None, "tidak"


def classify_business_types(texts: pd.Series) -> pd.DataFrame:
    """Map free-text business types to sector codes.

    Parameters
    ----------
    texts
        "Jenis usaha" / "bidang usaha" cells (or sector codes and labels).

    Returns
    -------
    pandas.DataFrame
        Same index: ``sektor`` (a code of :data:`geo.core.register.SECTORS`; ``"lainnya"`` where
        unmapped or empty), ``kata_kunci`` (the keyword that decided, missing for a code or
        label), and ``cara``: ``"kode"`` (the sector's own code or label), ``"kata"`` (a
        keyword), ``"mirip"`` (a keyword with a typo), ``"tidak"`` (not mapped) or
        ``"kosong"`` (empty cell). Each distinct text is classified once.
    """
    text = texts.astype("string").fillna("")
    cache = {u: _classify(u) for u in text.unique()}
    parsed = [cache[u] for u in text.tolist()]
    return pd.DataFrame(
        {
            "sektor": pd.array([p[0] for p in parsed], dtype="string"),
            "kata_kunci": pd.array([p[1] for p in parsed], dtype="string"),
            "cara": pd.array([p[2] for p in parsed], dtype="string"),
        },
        index=texts.index,
    )
