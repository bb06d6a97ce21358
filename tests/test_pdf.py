"""``handbook pdf``: the packets of the fixture project printed by Chromium, as a user runs it.

The printing tests run the command twice on a copy of the fixture project (the default
selection, then visits named on the command line) and read every PDF back: pages, paper,
text (pypdf), the header and footer on every page, no heading left at a page's foot
(pdftotext's word boxes) and no blank page (pdftoppm's pixels). They need Debian's Chromium,
a Chinese font and poppler-utils, which .ci/run installs; each skips saying which is missing.
The messages for what is missing are tested without them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
from browsing import HAVE_CHROMIUM, NO_CHROMIUM
from conftest import FIXTURE_PROJECT, ROOT, TODAY, fixture_visits
from sitebuild import copy_project

from generator import cli, pdf
from generator.i18n import load_catalogue
from generator.project import Paths, load_project
from generator.yamlload import load_yaml

STEMS = [path.stem for path in fixture_visits()]
# As of TODAY: the visits index lists these as upcoming (2026-10-20-bosphorus-tr is over,
# 2026-12-02-andes-br is confidential), so they are what `handbook pdf` prints by default.
UPCOMING = ["2026-12-14-lumina-it", "2027-01-12-oasis-ae", "2027-02-03-southern-cross-au"]
LANGS = ("zh", "en")
MAX_PAGES = 3                      # the target: an example packet on two or three A4 pages
A4 = (595.3, 841.9)                # points
MM = 72 / 25.4
HEADER, FOOTER = 15 * MM, 14 * MM  # pdf.MARGIN: where the header and the footer print
CATALOGUE = load_catalogue(ROOT / "theme" / "messages.yml")


def handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def said(run: subprocess.CompletedProcess[str]) -> str:
    """What a run printed besides MkDocs' INFO lines."""
    return "\n".join(line for line in (run.stdout + run.stderr).splitlines()
                     if not line.startswith("INFO"))


def flat(text: str) -> str:
    """Text as compared: NFKC, without any white space. In Noto Sans CJK, Chromium's PDFs
    carry some ideographs as their radical look-alikes (用 as ⽤, 页 as ⻚); NFKC folds the
    Kangxi radicals back (not those of the supplement, ⻚). With WenQuanYi Micro Hei, which
    print.css prefers, there are none: see test_chinese_copies_as_typed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def title(stem: str, lang: str) -> str:
    data = load_yaml((FIXTURE_PROJECT / "visits" / f"{stem}.yml").read_text(encoding="utf-8")).data
    title = data.get("title")
    if isinstance(title, dict):  # second edition: the packet's own language, else the other
        title = title.get(lang) or next(iter(title.values()))
    return str(title or f"{data['client']['company']} {CATALOGUE.t(lang, 'visit')}")


# ---------------------------------------------------------------------------------------------
# What is missing: one message each, exit 1, no traceback (no browser needed)


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = copy_project(tmp_path / "p")
    monkeypatch.chdir(project)
    return project


def test_without_playwright_says_what_to_install(
        in_project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    assert cli.main(["pdf", "--today", TODAY.isoformat()]) == 1
    out, err = capsys.readouterr()
    assert "pip install 'reception-handbook[pdf]'" in err
    assert "Traceback" not in err and out == ""
    assert not (in_project / "pdf").exists()


def test_without_chromium_says_what_to_install(
        in_project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("playwright.sync_api")
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", str(in_project / "no-chromium"))
    monkeypatch.setenv("PATH", str(in_project / "empty-bin"))   # no chromium on the PATH
    monkeypatch.setattr(pdf, "bundled_browser", lambda: None)   # nor playwright's own
    assert cli.main(["pdf", "--today", TODAY.isoformat()]) == 1
    out, err = capsys.readouterr()
    assert "apt-get install chromium" in err and "playwright install chromium" in err
    assert "Traceback" not in err and out == ""
    assert len(err.strip().splitlines()) == 1
    assert not (in_project / "pdf").exists()


def _fake_fc_list(folder: Path, output: str) -> None:
    folder.mkdir(exist_ok=True)
    script = folder / "fc-list"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n", encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script plays fc-list")
def test_warns_when_no_chinese_font_is_installed(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert pdf.font_warning() is None               # no fontconfig to ask: no warning
    _fake_fc_list(tmp_path / "bin", "")
    warning = pdf.font_warning()
    assert warning is not None
    assert "fonts-noto-cjk" in warning and "empty boxes" in warning
    _fake_fc_list(tmp_path / "bin", "Noto Sans CJK SC\n")
    assert pdf.font_warning() is None


def test_unknown_visit_is_named(in_project: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pdf, "find_browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "font_warning", lambda: None)
    assert cli.main(["pdf", "--today", TODAY.isoformat(), "2026-12-14-lumina-it",
                     "visits/1999-01-01-nobody.yml"]) == 2
    err = capsys.readouterr().err
    assert "no such visit: visits/1999-01-01-nobody.yml" in err
    assert "2026-12-14-lumina-it" in err  # the list of the visits there are
    assert not (in_project / "pdf").exists()


def test_which_visits_are_printed(tmp_path: Path) -> None:
    result = load_project(Paths(copy_project(tmp_path / "p")), today=TODAY, history=False)
    assert not result.errors, [p.format() for p in result.errors]
    assert [f.stem for f in pdf.choose(result, [])] == UPCOMING
    named = pdf.choose(result, ["visits/2026-12-02-andes-br.yml", "2026-10-20-bosphorus-tr",
                                "2026-12-02-andes-br"])
    assert [f.stem for f in named] == ["2026-12-02-andes-br", "2026-10-20-bosphorus-tr"]
    with pytest.raises(pdf.UnknownVisit, match="nobody"):
        pdf.choose(result, ["nobody"])
    assert [p.file_name for p in pdf.packets(named[:1])] == [
        "2026-12-02-andes-br.zh.pdf", "2026-12-02-andes-br.en.pdf"]
    assert [p.url_path for p in pdf.packets(named[:1])] == [
        "visits/2026-12-02-andes-br/", "en/visits/2026-12-02-andes-br/"]


def test_header_and_footer_escape_the_title() -> None:
    packet = pdf.Packet("x", "en", confidential=True, default=False)
    header = pdf.header_template('<img src=x onerror="alert(1)"> & Co', packet)
    assert "<img" not in header and "&lt;img" in header and "&amp; Co" in header
    assert "Confidential" in header and "Internal use only" in header
    footer = pdf.footer_template(packet, dt.date(2026, 11, 23))
    assert pdf.PAGE_NUMBER in footer and pdf.TOTAL_PAGES in footer and "2026-11-23" in footer


# ---------------------------------------------------------------------------------------------
# The PDFs themselves


def _has_chinese_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


printing = pytest.mark.skipif(not HAVE_CHROMIUM, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every fixture packet in both languages: `handbook pdf` as of TODAY (the upcoming
    visits), then the other two named, one by its file and one by its name."""
    pytest.importorskip("playwright.sync_api")
    if not _has_chinese_font():
        pytest.skip("no Chinese font is installed (apt-get install fonts-noto-cjk); "
                    ".ci/run installs it")
    project = copy_project(tmp_path_factory.mktemp("pdf"))
    out = project / "out"
    first = handbook("pdf", "--today", TODAY.isoformat(), "-o", "out", cwd=project)
    assert first.returncode == 0, said(first)
    assert "Traceback" not in first.stderr and "warning: no Chinese font" not in first.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}.{lang}.pdf" for stem in UPCOMING for lang in LANGS)
    assert f"wrote {Path('out') / f'{UPCOMING[0]}.zh.pdf'}" in first.stdout
    second = handbook("pdf", "--today", TODAY.isoformat(), "-o", str(out),
                      "visits/2026-10-20-bosphorus-tr.yml", "2026-12-02-andes-br", cwd=project)
    assert second.returncode == 0, said(second)
    files = {(stem, lang): out / f"{stem}.{lang}.pdf" for stem in STEMS for lang in LANGS}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files.values())
    assert not (project / "pdf").exists()  # -o was followed
    return files


CASES = [(stem, lang) for stem in STEMS for lang in LANGS]


@printing
@pytest.mark.browser
@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_packet_pdf(printed: dict[tuple[str, str], Path], stem: str, lang: str) -> None:
    reader = pypdf.PdfReader(printed[stem, lang])
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert 1 <= len(pages) <= MAX_PAGES, f"{stem}.{lang}: {len(pages)} pages"
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
    name = flat(title(stem, lang))
    for number, text in enumerate(pages, start=1):
        where = f"{stem}.{lang} page {number}"
        assert "内部" in text and "Internaluseonly" in text, where
        assert name in text, where
        page_number = (f"第{number}/{len(pages)}" if lang == "zh"  # 页 may be ⻚, see flat()
                       else f"Page{number}of{len(pages)}")
        assert page_number in text, where
        assert "\ufffd" not in text, where
    # Chinese is there as text (a search, a copy and paste find it), not only as pictures
    first = pages[0]
    if lang == "zh":
        assert all(flat(CATALOGUE.t("zh", key)) in "".join(pages)
                   for key in ("schedule", "visitors_table", "hosts_table"))
        assert len(re.findall(r"[\u4e00-\u9fff]", "".join(pages))) > 200
    else:
        assert "Schedule" in "".join(pages) and "Visitors" in "".join(pages)
    assert flat(CATALOGUE.t(lang, "company")) in first
    if stem == "2026-12-02-andes-br":
        assert flat(pdf.WORDS[lang]["confidential"]) in first


def _has_font(family: str) -> bool:
    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, f":family={family}", "family"], capture_output=True,
                           text=True) if fc_list else None
    return bool(found and found.stdout.strip())


@printing
@pytest.mark.browser
@pytest.mark.skipif(not _has_font("WenQuanYi Micro Hei"),
                    reason="WenQuanYi Micro Hei is not installed (apt-get install "
                           "fonts-wqy-microhei); .ci/run installs it")
@pytest.mark.parametrize("stem", STEMS)
def test_chinese_copies_as_typed(printed: dict[tuple[str, str], Path], stem: str) -> None:
    """The Chinese PDF's text is the characters of the page, not radical look-alikes."""
    text = "".join(page.extract_text() for page in pypdf.PdfReader(printed[stem, "zh"]).pages)
    radicals = sorted({c for c in text if 0x2E80 <= ord(c) <= 0x2FDF})
    assert not radicals, f"{stem}.zh: radicals in place of ideographs: {radicals}"
    for key in ("dietary", "hosts_table", "visitors_table", "schedule"):
        assert CATALOGUE.t("zh", key) in text
    assert re.search(r"第\s*1\s*/\s*\d\s*页", text)
    assert "仅供内部使用" in text


def _words(file: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's words as (bottom, left, text), from pdftotext's word boxes."""
    xml = subprocess.run(["pdftotext", "-bbox", str(file), "-"], capture_output=True,
                         text=True, check=True).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in ET.fromstring(xml).iterfind(".//x:page", ns):
        pages.append([(float(w.get("yMax", 0)), float(w.get("xMin", 0)), w.text or "")
                      for w in page.iterfind("x:word", ns)])
    return pages


def _headings(lang: str) -> tuple[set[str], re.Pattern[str]]:
    """The packet's headings in *lang*: the section titles, and the day and due-day lines."""
    keys = ("background", "schedule", "visitors_table", "hosts_table", "dietary",
            "country_tips", "checklist", "gifts", "notes_section", "phase_before",
            "phase_during", "phase_after", "at_a_glance", "dietary_for_restaurant")
    titles = {flat(CATALOGUE.t(lang, key)) for key in keys}
    weekdays = "|".join(CATALOGUE.t(lang, f"weekday_{n}") for n in range(7))
    day = flat(CATALOGUE.t(lang, "day_n", n=999)).replace("999", r"\d+")
    if lang == "zh":
        date = rf"\d+月\d+日[(（](?:{weekdays})[)）]"
    else:
        date = rf"(?:{weekdays})\d+[A-Z][a-z]{{2}}"
    return titles, re.compile(rf"(?:{date}(?:·{day})?|.*·{day})")


@printing
@pytest.mark.browser
@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                    reason="poppler-utils is not installed (apt-get install poppler-utils); "
                           ".ci/run installs it")
@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_packet_pages_are_laid_out(printed: dict[tuple[str, str], Path], tmp_path: Path,
                                   stem: str, lang: str) -> None:
    """No page is blank below its header, and none ends with a heading."""
    file = printed[stem, lang]
    height = A4[1]
    titles, dated = _headings(lang)
    for number, words in enumerate(_words(file), start=1):
        where = f"{stem}.{lang} page {number}"
        body = [(bottom, left, text) for bottom, left, text in words
                if HEADER < bottom < height - FOOTER]
        assert body, f"{where}: no text between the header and the footer"
        last_line = max(bottom for bottom, _, _ in body)
        line = flat("".join(text for bottom, _, text in sorted(body, key=lambda w: w[1])
                            if abs(bottom - last_line) < 3))
        assert line not in titles and not dated.fullmatch(line), (
            f"{where} ends with the heading {line!r}")
    # the pixels: ink on every page between the header and the footer (a line of text is
    # 3 or 4 rows of pixels at 30 dpi)
    dpi = 30
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(file), str(tmp_path / "p")],
                   check=True, timeout=120)
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == len(pypdf.PdfReader(file).pages)
    for image in images:
        cols, rows, pixels = _pgm(image)
        top, bottom = int(HEADER / 72 * dpi), rows - int(FOOTER / 72 * dpi)
        inked = [row for row in range(top, bottom)
                 if min(pixels[row * cols:(row + 1) * cols]) < 128]
        assert len(inked) >= 3, f"{image.name} of {file.name} is blank below its header"


def _pgm(path: Path) -> tuple[int, int, bytes]:
    """A binary PGM (P5) image: width, height and one byte per pixel."""
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields is not None, path
    cols, rows = int(fields[1]), int(fields[2])
    return cols, rows, data[fields.end():fields.end() + cols * rows]
