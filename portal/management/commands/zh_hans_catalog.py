"""Rebuild the zh-hans catalog: every Chinese source string translated to itself.

The interface's source strings are Chinese (zh-hans is the first language), so in zh-hans
`{% translate "检索" %}` needs no translation. Without a catalog entry, though, Django looks
the string up in every catalog it has merged for zh-hans and then walks the chain of
fallback catalogs that third-party apps' `zh` locales add (eleven here), about 6 µs a string:
base.html alone has thirteen, and they were a third of its drawing time
(bench/README.md, bench_pages). An entry that gives the string back unchanged is found at the
first lookup, and shows exactly what a miss shows.

Only strings with Chinese characters get an entry: an English msgid in our code (one Django
or Wagtail translates, such as "Save") must still reach their translation. Plural entries
are left out (Chinese has one form, so an identity entry could not keep both).

    DJANGO_DEBUG=1 .venv/bin/python manage.py zh_hans_catalog   # after changing UI strings

It runs `makemessages` for zh_Hans over the project's own code, fills the entries, and
compiles the .mo with `msgfmt` (Debian's gettext package); commit both files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

CJK = re.compile(r"[\u3400-\u9fff]")
IGNORED = [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*", "*.egg-info/*"]
HEADER = """\
# zh-hans catalog of the portal: each Chinese source string translated to itself, so that
# Django finds it at the first lookup (portal/management/commands/zh_hans_catalog.py).
# Generated: rebuild with `manage.py zh_hans_catalog`, do not edit by hand.
"""


def identity_entries(po_text: str) -> str:
    """The .po text with every singular Chinese msgid's msgstr set to the msgid."""
    blocks = po_text.split("\n\n")
    filled = []
    for block in blocks:
        if "msgid_plural" not in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            # every msgstr is set again, not only the empty ones: makemessages merges the
            # previous catalog, and gives a new string the msgstr of an old one it resembles
            # (a "fuzzy" match), which would show the old string in its place
            match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)\Z', block, flags=re.M)
            if match and CJK.search(match.group(1)):
                block = (block[:match.start()] + f"msgid {match.group(1)}"
                         + f"msgstr {match.group(1).rstrip()}"
                         + ("\n" if block.endswith("\n") else ""))
        filled.append(block)
    text = "\n\n".join(filled)
    text = re.sub(r"\A(#.*\n)+", "", text)  # makemessages' template header
    # an identity translation is never a guess: no fuzzy flags, no previous msgids
    text = re.sub(r"^#, fuzzy\n", "", text, flags=re.M)
    text = re.sub(r"^#, fuzzy, ", "#, ", text, flags=re.M)
    text = re.sub(r"^#\| .*\n", "", text, flags=re.M)
    return HEADER + re.sub(r'"Language: \\n"', r'"Language: zh_Hans\\n"', text, count=1)


class Command(BaseCommand):
    help = "Rebuild portal/locale/zh_Hans: Chinese source strings translated to themselves."

    def handle(self, *args, **options):
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise CommandError("msgfmt not found: apt-get install gettext")
        folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORED,
                     no_obsolete=True, no_location=True, verbosity=0)
        po = folder / "django.po"
        po.write_text(identity_entries(po.read_text(encoding="utf-8")), encoding="utf-8")
        subprocess.run([msgfmt, "-o", str(folder / "django.mo"), str(po)], check=True)
        count = sum(1 for line in po.read_text(encoding="utf-8").splitlines()
                    if line.startswith("msgid ")) - 1  # the header's
        self.stdout.write(f"{po}: {count} entries")
