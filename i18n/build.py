"""`python -m i18n.build extract|compile|check`: the translation build (see i18n/__init__.py)."""

import glob
import io
import os
import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "i18n", "babel.cfg")
TEMPLATE = os.path.join(ROOT, "i18n", "messages.pot")
SOURCES = os.path.join(ROOT, "web", "i18n")
BUILD = os.path.join(ROOT, "build", "translations")
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
SKIP = ("workflow/migrations/",)


def extract():
    """Return the catalogue of every message in the code and templates, by msgid."""
    with open(CONFIG, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, CONFIG)
    catalog = Catalog(project="dongqian", charset="utf-8")
    for path, line, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        if path.startswith(SKIP):
            continue
        catalog.add(message, locations=[(path, line)], auto_comments=comments, context=context)
    return catalog


def template_text(catalog):
    """The .pot as committed: no dates, no line numbers (they churn on every edit)."""
    out = io.BytesIO()
    write_po(out, catalog, omit_header=True, include_lineno=False, sort_output=True)
    return out.getvalue().decode("utf-8")


def translations(language):
    """Return {msgid: msgstr} of one language's .po files, and where each came from."""
    found, origin = {}, {}
    for path in sorted(glob.glob(os.path.join(SOURCES, language, "*.po"))):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    found[message.id] = message.string
                    origin[message.id] = os.path.relpath(path, ROOT)
    return found, origin


def languages():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(SOURCES, "*")) if os.path.isdir(p))


def problems(catalog=None):
    """Return (missing, stale): messages with no translation, translations nothing uses."""
    catalog = catalog or extract()
    wanted = {m.id for m in catalog if m.id}
    missing, stale = [], []
    for language in languages():
        found, origin = translations(language)
        for msgid in sorted(wanted, key=str):
            text = msgid[0] if isinstance(msgid, tuple) else msgid
            if not found.get(text):
                missing.append((language, text))
        for text in sorted(set(found) - {m[0] if isinstance(m, tuple) else m for m in wanted}):
            stale.append((language, origin[text], text))
    return missing, stale


def compile_all(target=BUILD):
    """Compile each language's .po files into one messages.mo under target."""
    for language in languages():
        found, _origin = translations(language)
        catalog = Catalog(locale=language)
        for msgid, msgstr in found.items():
            if msgstr:
                catalog.add(msgid, msgstr)
        path = os.path.join(target, language, "LC_MESSAGES", "messages.mo")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            write_mo(handle, catalog)
        os.replace(partial, path)  # atomic: a running server never reads half a file


def main(argv):
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "extract":
        with open(TEMPLATE, "w", encoding="utf-8") as handle:
            handle.write(template_text(extract()))
    elif command == "compile":
        compile_all()
    elif command == "check":
        missing, stale = problems()
        for language, text in missing:
            print(f"missing {language}: {text}")
        for language, path, text in stale:
            print(f"stale {language} ({path}): {text}")
        return 1 if missing or stale else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
