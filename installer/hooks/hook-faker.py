"""PyInstaller hook for Faker, used instead of the stock one: only the demo's locales.

The stock hook (pyinstaller-hooks-contrib) bundles every provider of every one of Faker's
~90 locales, 25 MB of source. The demo draws names and streets from es_ES, fr_FR, pt_PT
and en_GB; Faker falls back to the language (es, fr, pt, en) and then to en_US for a
provider a locale lacks, so those stay too, with Latin (la), the lorem provider's default.
"""

from faker.config import AVAILABLE_LOCALES
from PyInstaller.utils.hooks import collect_data_files, collect_submodules

KEEP = {"es_ES", "es", "fr_FR", "fr", "pt_PT", "pt", "en_GB", "en_US", "en", "la"}
_ALL = set(AVAILABLE_LOCALES) | {locale.split("_")[0] for locale in AVAILABLE_LOCALES}
DROP = _ALL - KEEP


def _wanted(name: str) -> bool:
    """Whether a module (``faker.providers.address.de_DE``) or folder belongs to a kept locale."""
    return not DROP.intersection(name.replace("\\", "/").replace("/", ".").split("."))


hiddenimports = [name for name in collect_submodules("faker.providers") if _wanted(name)]
# Faker lists a provider's locales by reading its folder, so the sources go along as files.
datas = collect_data_files("text_unidecode") + [
    (source, folder)
    for source, folder in collect_data_files("faker.providers", include_py_files=True)
    if _wanted(folder)
]
