"""Who the demo's customers are: countries, towns, names, streets, phones, groups, sizes.

Customers' names, addresses, contacts and job titles are in each customer's own language;
people's names and streets come from Faker's locales, drawn once per demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# and job titles are in each customer's own language.

# Real towns and the start of their postcodes: Faker's fr_FR and en_GB towns are invented,
# and a postcode should match its town.
TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ES": (
        ("Madrid", "28"), ("Barcelona", "08"), ("Valencia", "46"), ("Sevilla", "41"),
        ("Zaragoza", "50"), ("Málaga", "29"), ("Murcia", "30"), ("Palma", "07"),
        ("Bilbao", "48"), ("Alicante", "03"), ("Córdoba", "14"), ("Valladolid", "47"),
        ("Vigo", "36"), ("Gijón", "33"), ("A Coruña", "15"), ("Granada", "18"),
        ("Vitoria-Gasteiz", "01"), ("Elche", "03"), ("Oviedo", "33"), ("Pamplona", "31"),
        ("Santander", "39"), ("San Sebastián", "20"), ("Salamanca", "37"), ("Burgos", "09"),
        ("Albacete", "02"), ("Logroño", "26"), ("Badajoz", "06"), ("Huelva", "21"),
        ("Tarragona", "43"), ("León", "24"), ("Cádiz", "11"), ("Lleida", "25"),
        ("Girona", "17"), ("Jaén", "23"), ("Almería", "04"), ("Castellón de la Plana", "12"),
        ("Toledo", "45"), ("Cáceres", "10"), ("Lugo", "27"), ("Ourense", "32"),
    ),
    "FR": (
        ("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Toulouse", "31"),
        ("Nice", "06"), ("Nantes", "44"), ("Strasbourg", "67"), ("Montpellier", "34"),
        ("Bordeaux", "33"), ("Lille", "59"), ("Rennes", "35"), ("Reims", "51"),
        ("Le Havre", "76"), ("Saint-Étienne", "42"), ("Toulon", "83"), ("Grenoble", "38"),
        ("Dijon", "21"), ("Angers", "49"), ("Nîmes", "30"), ("Villeurbanne", "69"),
        ("Clermont-Ferrand", "63"), ("Le Mans", "72"), ("Aix-en-Provence", "13"),
        ("Brest", "29"), ("Tours", "37"), ("Amiens", "80"), ("Limoges", "87"),
        ("Annecy", "74"), ("Perpignan", "66"), ("Metz", "57"), ("Besançon", "25"),
        ("Orléans", "45"), ("Rouen", "76"), ("Mulhouse", "68"), ("Caen", "14"),
        ("Nancy", "54"), ("Poitiers", "86"), ("Pau", "64"), ("La Rochelle", "17"),
        ("Avignon", "84"),
    ),
    "PT": (
        ("Lisboa", "1"), ("Porto", "4"), ("Braga", "47"), ("Coimbra", "30"), ("Faro", "80"),
        ("Aveiro", "38"), ("Setúbal", "29"), ("Leiria", "24"), ("Viseu", "35"),
        ("Funchal", "90"), ("Évora", "70"), ("Guimarães", "48"), ("Viana do Castelo", "49"),
        ("Vila Nova de Gaia", "44"), ("Matosinhos", "445"), ("Amadora", "27"),
        ("Sintra", "27"), ("Cascais", "275"), ("Almada", "28"), ("Santarém", "20"),
        ("Ponta Delgada", "95"), ("Castelo Branco", "60"), ("Bragança", "53"),
        ("Vila Real", "50"), ("Portimão", "85"), ("Barreiro", "283"),
    ),
    "GB": (
        ("London", "SE"), ("Birmingham", "B"), ("Manchester", "M"), ("Leeds", "LS"),
        ("Glasgow", "G"), ("Sheffield", "S"), ("Bristol", "BS"), ("Liverpool", "L"),
        ("Edinburgh", "EH"), ("Leicester", "LE"), ("Coventry", "CV"), ("Nottingham", "NG"),
        ("Newcastle upon Tyne", "NE"), ("Cardiff", "CF"), ("Belfast", "BT"),
        ("Southampton", "SO"), ("Portsmouth", "PO"), ("Brighton", "BN"), ("Reading", "RG"),
        ("Plymouth", "PL"), ("Derby", "DE"), ("Stoke-on-Trent", "ST"), ("Norwich", "NR"),
        ("York", "YO"), ("Oxford", "OX"), ("Cambridge", "CB"), ("Exeter", "EX"),
        ("Aberdeen", "AB"), ("Bath", "BA"), ("Swansea", "SA"), ("Milton Keynes", "MK"),
        ("Peterborough", "PE"), ("Preston", "PR"), ("Ipswich", "IP"),
    ),
}  # fmt: skip

COUNTRIES = (("ES", 36), ("FR", 27), ("PT", 14), ("GB", 23))
LOCALES = {"ES": "es_ES", "FR": "fr_FR", "PT": "pt_PT", "GB": "en_GB"}
LANGUAGE = {"ES": "es", "FR": "fr", "PT": "pt", "GB": "en"}
CURRENCY = {"ES": "EUR", "FR": "EUR", "PT": "EUR", "GB": "GBP"}
POOL_OF_COUNTRY = {"ES": 0, "PT": 0, "FR": 1, "GB": 1}

GROUPS = (("Retail", 52), ("Wholesale", 36), ("Public sector", 12))
CREDIT_GROUPS = {
    "Retail": (("A", 45), ("B", 38), ("C", 17)),
    "Wholesale": (("A", 55), ("B", 33), ("C", 12)),
    "Public sector": (("A", 60), ("B", 35), ("C", 5)),
}
TERMS = {"Retail": (30, 30, 45), "Wholesale": (30, 45, 45, 60), "Public sector": (60,)}
INVOICES_A_YEAR = {"Retail": 9, "Wholesale": 17, "Public sector": 8}
TYPICAL_CENTS = {"Retail": 42_000, "Wholesale": 310_000, "Public sector": 560_000}
SIZE_PERCENT = (25, 40, 55, 70, 85, 100, 100, 120, 150, 190, 250, 340)
BUSINESS_NAMES = {
    "ES": (
        "{last} {last2}, S.L.", "Hermanos {last}, S.A.", "Distribuciones {last}, S.L.",
        "Comercial {town}, S.L.", "{last} y Asociados, S.L.", "Talleres {last}, S.L.",
        "Suministros {last} {last2}, S.L.", "Ferretería {last}", "Construcciones {last}, S.A.",
        "Transportes {last}, S.L.", "Electricidad {last}, S.L.", "Farmacia {last} {last2}",
    ),
    "FR": (
        "{last} SARL", "{last} et Fils", "Établissements {last}", "{last} & {last2} SAS",
        "Boulangerie {last}", "Transports {last}", "Garage {last}", "Distribution {town} SA",
        "Quincaillerie {last}", "Menuiserie {last} SARL", "Électricité {last} SAS",
        "Pharmacie {last}",
    ),
    "PT": (
        "{last} & {last2}, Lda.", "{last} e Filhos, Lda.", "Comercial {town}, Lda.",
        "Transportes {last}, S.A.", "Farmácia {last}", "Construções {last}, Lda.",
        "Ferragens {last} {last2}, Lda.", "Distribuidora {last}, S.A.",
        "Serralharia {last}, Lda.", "Eletricidade {last} & {last2}, Lda.",
    ),
    "GB": (
        "{last} & {last2} Ltd", "{last} Trading Ltd", "{town} Supplies Ltd",
        "{last} Brothers Ltd", "{last} Engineering plc", "{last} & Sons",
        "{last} Logistics Ltd", "{last} Building Services Ltd", "{last} Electrical Ltd",
        "{last} Hardware", "{last} Pharmacy",
    ),
}  # fmt: skip
PUBLIC_NAMES = {
    "ES": ("Ayuntamiento de {town}", "Hospital Universitario de {town}",
           "Diputación Provincial de {town}", "Universidad de {town}",
           "Instituto de Educación Secundaria {last}"),
    "FR": ("Mairie de {town}", "Centre hospitalier de {town}", "Lycée {last} de {town}",
           "Conseil départemental de {town}", "Université de {town}"),
    "PT": ("Câmara Municipal de {town}", "Hospital de {town}", "Universidade de {town}",
           "Escola Secundária {last}", "Junta de Freguesia de {town}"),
    "GB": ("{town} City Council", "{town} NHS Foundation Trust", "University of {town}",
           "{last} Academy, {town}", "{town} Borough Council"),
}  # fmt: skip
LEGAL_WORDS = frozenset(
    ("sl", "sa", "lda", "ltd", "plc", "sarl", "sas", "y", "e", "et", "de", "da", "do", "des",
     "du", "la", "le", "and", "the")
)  # fmt: skip
COMPANY_MAILBOX = {
    "es": "administracion", "fr": "comptabilite", "pt": "contabilidade", "en": "accounts",
}  # fmt: skip
JOB_TITLES = {
    "es": ("Responsable de cuentas a pagar", "Director financiero", "Gerente"),
    "fr": ("Comptable fournisseurs", "Directeur administratif et financier", "Gérant"),
    "pt": ("Responsável de contas a pagar", "Diretor financeiro", "Sócio-gerente"),
    "en": ("Accounts payable clerk", "Finance director", "Managing director"),
}
_GB_STREETS = (
    "Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Gardens", "Crescent",
    "Place", "Terrace",
)  # fmt: skip
_GB_FIXED_STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Lane", "Park Road", "Victoria Road",
    "Queen Street", "King Street", "Bridge Street",
)  # fmt: skip
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Place:
    """One country's pools of people's names, streets and towns."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[tuple[str, str], ...]


def places(seed: int) -> dict[str, Place]:
    """Draw Faker's names and streets once per locale; the seeded RNG combines them later.

    Faker takes microseconds per call; a hundred thousand customers would spend most of
    their time in it. Sorted sets make the pools independent of drawing order.
    """
    from faker import Faker  # only the demo needs Faker, and it is slow to import

    found = {}
    for country, locale in LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        first = tuple(sorted({fake.first_name() for _n in range(400)}))
        last = tuple(sorted({fake.last_name() for _n in range(600)}))
        if country == "GB":
            # en_GB's street suffixes are American ("Forks", "Mission"): build British ones.
            built = {f"{fake.last_name()} {_GB_STREETS[i % len(_GB_STREETS)]}" for i in range(300)}
            streets = tuple(sorted(built | set(_GB_FIXED_STREETS)))
        else:
            streets = tuple(sorted({fake.street_name() for _n in range(400)}))
        found[country] = Place(first, last, streets, TOWNS[country])
    return found


def postcode(rng: random.Random, country: str, code: str) -> str:
    """A postcode of the right shape that starts like the town's."""
    r = rng.randint
    if country == "ES":
        return f"{code}{r(0, 99) * 10 + r(0, 1) + 1:03d}"
    if country == "FR":
        return f"750{r(1, 20):02d}" if code == "75" else f"{code}{r(0, 9)}{r(0, 9)}0"
    if country == "PT":
        digits = 4 - len(code)
        return f"{code}{r(0, 10**digits - 1):0{digits}d}-{r(0, 999):03d}"
    letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    return f"{code}{r(1, 20)} {r(1, 9)}{letters}"


def phone(rng: random.Random, country: str) -> str:
    """A phone number as the country writes them."""
    r = rng.randint
    if country == "ES":
        lead = "6" if rng.random() < 0.4 else "9"
        return f"+34 {lead}{r(10, 99)} {r(0, 999):03d} {r(0, 999):03d}"
    if country == "FR":
        lead = rng.choice("12345" if rng.random() < 0.6 else "67")
        return f"+33 {lead} {r(10, 99)} {r(0, 99):02d} {r(0, 99):02d} {r(0, 99):02d}"
    if country == "PT":
        lead = rng.choice(("21", "22", "23", "25", "91", "93", "96"))
        return f"+351 {lead}{r(0, 9)} {r(0, 999):03d} {r(0, 999):03d}"
    # Ofcom's ranges kept for drama: realistic, and nobody is ever rung by mistake.
    area = rng.choice(("20 7946 0", "161 496 0", "121 496 0", "7700 900"))
    return f"+44 {area}{r(0, 999):03d}"
