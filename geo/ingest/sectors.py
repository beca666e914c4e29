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

Registers from other systems describe the business in other columns. An OpenStreetMap extract
carries tags (:data:`OSM_TAG_SECTORS`, read by :func:`classify_osm_tags`):

======================  ===================================================================
sector                  OSM tags (``key=value``)
======================  ===================================================================
kuliner                 amenity=restaurant, cafe, fast_food, food_court, ice_cream, bar, pub,
                        biergarten; shop=bakery, pastry, confectionery, coffee, tea,
                        beverages, deli, butcher, seafood, cheese, chocolate, frozen_food,
                        dairy, spices; craft=caterer, confectionery, brewery; ``cuisine=*``
                        (any value: a cuisine is food)
fesyen                  shop=clothes, tailor, fashion, boutique, shoes, bag, fabric,
                        jewelry, fashion_accessories, leather, watches; craft=tailor,
                        dressmaker, shoemaker, jeweller
kriya                   shop=craft, gift, art, pottery, frame, antiques; craft=handicraft,
                        pottery, basket_maker, woodcarver, carver, glassblower, sculptor,
                        painter, weaver
jasa                    shop=hairdresser, beauty, laundry, dry_cleaning, massage, tattoo,
                        car_repair, motorcycle_repair, bicycle, repair, travel_agency, copyshop,
                        rental; amenity=car_wash, dentist, clinic, driving_school, language_school;
                        craft=shoe_repair, electronics_repair, key_cutter
perdagangan             shop=convenience, supermarket, general, kiosk, variety_store,
                        greengrocer, grocery, mobile_phone, electronics, hardware,
                        doityourself, stationery, chemist, cosmetics, books, toys, sports,
                        motorcycle, car_parts, wholesale, department_store, mall; amenity=
                        marketplace, pharmacy
agribisnis              shop=florist, garden_centre, agrarian, farm, pet, animal_feed;
                        craft=beekeeper, gardener
industri_pengolahan     shop=furniture; craft=carpenter, cabinet_maker, metal_construction,
                        blacksmith, printer, upholsterer, soap_maker, builder
digital_kreatif         shop=computer, photo, music, video_games; craft=photographer,
                        photographic_laboratory; office=it, advertising_agency
======================  ===================================================================

A value lists several tags with ``;`` (``restaurant;cafe``): the first known one decides.
Values the table does not list fall back to the keyword rule above (``shop=batik`` is fesyen
by the keyword "batik"). A "KBLI" column (Klasifikasi Baku Lapangan Usaha Indonesia 2020) is
read by its two-digit division (:data:`KBLI_DIVISIONS`, :func:`classify_kbli`): 10-11
kuliner, 13-15 fesyen, 01-03 agribisnis, 56 kuliner, 45-47 perdagangan, ...
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from rapidfuzz import fuzz, process

from geo.core.register import SECTORS

__all__ = [
    "GENERIC_KEYWORDS",
    "KBLI_DIVISIONS",
    "OSM_KEYS",
    "OSM_TAG_SECTORS",
    "SECTOR_KEYWORDS",
    "classify_business_types",
    "classify_kbli",
    "classify_osm_tags",
]

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
    return _frame([cache[u] for u in text.tolist()], texts=texts)


# --- Other systems: OpenStreetMap tags and KBLI codes -----------------------------------------

_OSM_TEXT: dict[str, dict[str, str]] = {
    "amenity": {
        "kuliner": "restaurant, cafe, fast_food, food_court, ice_cream, bar, pub, biergarten",
        "jasa": "car_wash, dentist, clinic, driving_school, language_school",
        "perdagangan": "marketplace, pharmacy",
    },
    "shop": {
        "kuliner": (
            "bakery, pastry, confectionery, coffee, tea, beverages, deli, butcher, seafood, "
            "cheese, chocolate, frozen_food, dairy, spices"
        ),
        "fesyen": (
            "clothes, tailor, fashion, boutique, shoes, bag, fabric, jewelry, "
            "fashion_accessories, leather, watches"
        ),
        "kriya": "craft, gift, art, pottery, frame, antiques",
        "jasa": (
            "hairdresser, beauty, laundry, dry_cleaning, massage, tattoo, car_repair, "
            "motorcycle_repair, bicycle, repair, travel_agency, copyshop, rental"
        ),
        "perdagangan": (
            "convenience, supermarket, general, kiosk, variety_store, greengrocer, grocery, "
            "mobile_phone, electronics, hardware, doityourself, stationery, chemist, cosmetics, "
            "books, toys, sports, motorcycle, car_parts, wholesale, department_store, mall"
        ),
        "agribisnis": "florist, garden_centre, agrarian, farm, pet, animal_feed",
        "industri_pengolahan": "furniture",
        "digital_kreatif": "computer, photo, music, video_games",
    },
    "craft": {
        "kuliner": "caterer, confectionery, brewery",
        "fesyen": "tailor, dressmaker, shoemaker, jeweller",
        "kriya": (
            "handicraft, pottery, basket_maker, woodcarver, carver, glassblower, sculptor, "
            "painter, weaver"
        ),
        "jasa": "shoe_repair, electronics_repair, key_cutter",
        "agribisnis": "beekeeper, gardener",
        "industri_pengolahan": (
            "carpenter, cabinet_maker, metal_construction, blacksmith, printer, upholsterer, "
            "soap_maker, builder"
        ),
        "digital_kreatif": "photographer, photographic_laboratory",
    },
    "office": {"digital_kreatif": "it, advertising_agency"},
}

#: OpenStreetMap key -> tag value -> sector code (see the table in the module docstring).
OSM_TAG_SECTORS: dict[str, dict[str, str]] = {
    key: {
        value.strip(): code
        for code, values in by_sector.items()
        for value in values.split(",")
        if value.strip()
    }
    for key, by_sector in _OSM_TEXT.items()
}
#: OpenStreetMap keys read for the sector; ``cuisine`` (any value) means kuliner.
OSM_KEYS: tuple[str, ...] = ("amenity", "shop", "craft", "office", "cuisine")

#: KBLI 2020 two-digit division -> sector code (divisions not listed: the keyword rule).
KBLI_DIVISIONS: dict[str, str] = {
    **dict.fromkeys(("01", "02", "03"), "agribisnis"),
    **dict.fromkeys(("10", "11", "56"), "kuliner"),
    **dict.fromkeys(("13", "14", "15"), "fesyen"),
    **dict.fromkeys(("16", "31", "32"), "kriya"),
    **dict.fromkeys(("17", "18", "20", "22", "23", "25"), "industri_pengolahan"),
    **dict.fromkeys(("45", "46", "47"), "perdagangan"),
    **dict.fromkeys(("58", "59", "60", "62", "63", "73", "74", "90"), "digital_kreatif"),
    **dict.fromkeys(("49", "53", "55", "77", "79", "85", "95", "96"), "jasa"),
}


def _osm_one(key: str, value: str) -> tuple[str, str | None, str]:
    """Return (sector, tag, how) of one OSM tag value (``how`` as in :func:`_classify`)."""
    if not value.strip():
        return "lainnya", None, "kosong"
    table = OSM_TAG_SECTORS.get(key, {})
    for part in value.split(";"):
        tag = part.strip().lower().replace(" ", "_")
        if key == "cuisine" and tag:
            return "kuliner", f"cuisine={tag}", "tag"
        if tag in table:
            return table[tag], f"{key}={tag}", "tag"
    return _classify(value.replace("_", " ").replace(";", " "))


def classify_osm_tags(key: str, values: pd.Series) -> pd.DataFrame:
    """Map the values of one OpenStreetMap tag to sector codes (:data:`OSM_TAG_SECTORS`).

    Parameters
    ----------
    key
        The tag key, lower case: ``amenity``, ``shop``, ``craft``, ``office`` or ``cuisine``.
    values
        Its values (``"restaurant"``, ``"restaurant;cafe"``), missing where the tag is absent.

    Returns
    -------
    pandas.DataFrame
        As :func:`classify_business_types`, where ``cara`` is ``"tag"`` for a value of the
        table (``kata_kunci`` is then the tag, ``"amenity=restaurant"``); other values go
        through the keyword rule.

    Examples
    --------
    >>> classify_osm_tags("amenity", pd.Series(["fast_food", "cafe;bar"]))["sektor"].tolist()
    ['kuliner', 'kuliner']
    """
    text = values.astype("string").fillna("")
    cache = {u: _osm_one(key, u) for u in text.unique()}
    return _frame([cache[u] for u in text.tolist()], texts=values)


def classify_kbli(values: pd.Series) -> pd.DataFrame:
    """Map KBLI codes (``"56101"``, ``"47111 - Perdagangan eceran"``) to sector codes.

    The first two digits name the division (:data:`KBLI_DIVISIONS`); a division not listed, or
    a cell without a code, goes through the keyword rule (:func:`classify_business_types`).

    Returns
    -------
    pandas.DataFrame
        As :func:`classify_business_types`; ``cara`` is ``"kbli"`` where the division decided
        (``kata_kunci`` is then ``"KBLI 56"``).
    """
    text = values.astype("string").fillna("")

    def one(cell: str) -> tuple[str, str | None, str]:
        match = re.match(r"\s*(\d{2})\d{0,3}\b", cell)
        if match and match[1] in KBLI_DIVISIONS:
            return KBLI_DIVISIONS[match[1]], f"KBLI {match[1]}", "kbli"
        return _classify(cell)

    cache = {u: one(u) for u in text.unique()}
    return _frame([cache[u] for u in text.tolist()], texts=values)


def _frame(parsed: list[tuple[str, str | None, str]], *, texts: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sektor": pd.array([p[0] for p in parsed], dtype="string"),
            "kata_kunci": pd.array([p[1] for p in parsed], dtype="string"),
            "cara": pd.array([p[2] for p in parsed], dtype="string"),
        },
        index=texts.index,
    )
