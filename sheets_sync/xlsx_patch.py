"""Patching rows of an .xlsx workbook that Porch (openpyxl) wrote, without loading it.

openpyxl reads and writes a 100,000-row workbook in tens of seconds; a changed member must reach
the local tracker in a second or two. The worksheets inside the .xlsx zip are XML with one
`<row r="N">` element per row, so a changed row can be replaced, and a new one added before
`</sheetData>`, with byte searches over the file: the Python work is proportional to the rows
that changed, the rest is decompressing and compressing the zip at C speed.

This only works on a file exactly as Porch left it (the caller checks the file's size and
modification time against what it recorded after its own write), and only for what it knows:
anything unexpected raises Unpatchable and the caller rewrites the workbook in full, as before.
Cells of columns that are not Porch's (managers' notes) are kept as they are.

Links stay clickable: a row's link cell gets the "Hyperlink" cell style and, unless the cell
already has one, a `<hyperlink>` in the worksheet plus an external relationship in its .rels
part (created if the worksheet had none), as openpyxl writes them. Existing hyperlinks are left
as they are; one whose target would change makes the file Unpatchable.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from porch.sheets_sync.layout import EXCEL_FORMATS, SERIAL_EPOCH, Kind, column_letter, link_target

_CELL = re.compile(rb'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
_STYLE = re.compile(rb'\ss="(\d+)"')
_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb"<Relationship [^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')
_NUMFMT = re.compile(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"')
_XF = re.compile(rb"<xf ([^>]*?)/?>")
_HYPERLINK = re.compile(rb"<hyperlink [^>]*?/>")
_CELL_STYLE = re.compile(rb'<cellStyle [^>]*?name="Hyperlink"[^>]*?xfId="(\d+)"')
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EMPTY_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b"</Relationships>"
)
# Worksheet elements that must come after <hyperlinks> (ECMA-376 CT_Worksheet order).
_AFTER_HYPERLINKS = re.compile(
    rb"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties"
    rb"|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture"
    rb"|oleObjects|controls|webPublishItems|tableParts|extLst)[\s/>]|</worksheet>"
)
# Excel's built-in number formats that openpyxl maps ours to.
_BUILTIN_FORMATS = {"0": 1, "0.00": 2}


class Unpatchable(Exception):
    """The file is not one this module can patch safely; rewrite it in full instead."""


@dataclass
class SheetPatch:
    """Changes to one worksheet: rows to replace (by number) and rows to add at the end.

    Each row is {0-based column: (kind, Excel value)} for Porch's columns only.
    """

    title: str
    columns: Sequence[int]
    replace: dict[int, Mapping[int, tuple[Kind, Any]]] = field(default_factory=dict)
    append: list[Mapping[int, tuple[Kind, Any]]] = field(default_factory=list)
    last_row: int = 1


class Workbook:
    """The parts of an .xlsx zip, read once, patched in memory and written back atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as archive:
                self.infos = archive.infolist()
                self.parts = {info.filename: archive.read(info.filename) for info in self.infos}
        except (OSError, zipfile.BadZipFile, KeyError) as error:
            raise Unpatchable(f"cannot read {path} ({error})") from error
        self.sheet_parts = self._sheet_parts()
        self.styles = self._styles()
        self.link_style = self._link_style()

    def _sheet_parts(self) -> dict[str, tuple[int, str]]:
        """Worksheet title -> (its index in the workbook, its XML part in the zip)."""
        workbook = self.parts.get("xl/workbook.xml", b"")
        rels = self.parts.get("xl/_rels/workbook.xml.rels", b"")
        targets = {}
        for element in _REL.findall(rels):
            attrs = dict(_ATTRIBUTE.findall(element))
            target = attrs.get(b"Target", b"").decode().lstrip("/")
            targets[attrs.get(b"Id")] = target if target.startswith("xl/") else f"xl/{target}"
        found = {}
        for index, match in enumerate(_SHEET.finditer(workbook)):
            part = targets.get(match.group(2))
            if part is None or part not in self.parts:
                raise Unpatchable(f"worksheet {match.group(1)!r} has no part in the zip")
            found[_unescape(match.group(1).decode())] = (index, part)
        return found

    def _styles(self) -> dict[Kind, int]:
        """The cellXfs index Porch's cells of each formatted kind use (plain font and fill)."""
        styles = self.parts.get("xl/styles.xml", b"")
        ids = {code.decode(): int(num) for num, code in _NUMFMT.findall(styles)}
        ids |= _BUILTIN_FORMATS
        start = styles.find(b"<cellXfs")
        end = styles.find(b"</cellXfs>", start)
        xfs = [] if start < 0 else _XF.findall(styles, start, end)
        found: dict[Kind, int] = {}
        for kind, code in EXCEL_FORMATS.items():
            wanted = ids.get(code)
            for index, attributes in enumerate(xfs):
                attrs = dict(_ATTRIBUTE.findall(attributes))
                if (
                    wanted is not None
                    and attrs.get(b"numFmtId") == str(wanted).encode()
                    and attrs.get(b"fontId", b"0") == b"0"
                    and attrs.get(b"fillId", b"0") == b"0"
                ):
                    found[kind] = index
                    break
        return found

    def _link_style(self) -> int | None:
        """The cellXfs index of the "Hyperlink" cell style, if the workbook has one yet."""
        styles = self.parts.get("xl/styles.xml", b"")
        named = _CELL_STYLE.search(styles)
        if named is None:
            return None
        start = styles.find(b"<cellXfs")
        end = styles.find(b"</cellXfs>", start)
        xfs = [] if start < 0 else _XF.findall(styles, start, end)
        for index, attributes in enumerate(xfs):
            if dict(_ATTRIBUTE.findall(attributes)).get(b"xfId") == named.group(1):
                return index
        return None

    # ---- worksheets ------------------------------------------------------------------------

    def patch_sheet(self, patch: SheetPatch) -> int:
        """Apply one worksheet's changes; returns its new last row."""
        index, part = self._part(patch.title)
        xml = self.parts[part]
        wanted = set(patch.columns)
        pieces: list[bytes] = []
        position = 0
        links: dict[str, str] = {}
        for number in sorted(patch.replace):
            start = _find_row(xml, number, position)
            if start < 0:
                raise Unpatchable(f"{patch.title}: row {number} is not in the file")
            end = xml.find(b">", start)
            if xml[end - 1 : end] == b"/":
                kept: list[tuple[int, bytes]] = []
                end += 1
            else:
                end = xml.find(b"</row>", start)
                if end < 0:
                    raise Unpatchable(f"{patch.title}: row {number} never ends")
                body = xml[xml.find(b">", start) + 1 : end]
                end += len(b"</row>")
                kept = [
                    (_column_index(m.group(1)), m.group(0))
                    for m in _CELL.finditer(body)
                    if _column_index(m.group(1)) not in wanted
                ]
            pieces.append(xml[position:start])
            pieces.append(self._row(number, patch.replace[number], kept, links))
            position = end
        last = patch.last_row
        if patch.append:
            close = xml.rfind(b"</sheetData>")
            if close < position or _max_row(xml) > last:
                raise Unpatchable(f"{patch.title}: there is content below the table")
            pieces.append(xml[position:close])
            for values in patch.append:
                last += 1
                pieces.append(self._row(last, values, [], links))
            position = close
        pieces.append(xml[position:])
        xml = b"".join(pieces)
        if last != patch.last_row:
            xml = self._extend(xml, index, last)
        if links:
            xml = self._add_links(part, xml, links)
        self.parts[part] = xml
        return last

    def replace_cells(self, title: str, grid: Sequence[Sequence[tuple[Kind, Any]]]) -> None:
        """Rewrite a small worksheet that Porch owns (the Dashboard) cell by cell, keeping each
        cell's style."""
        _, part = self._part(title)
        xml = self.parts[part]
        start = xml.find(b"<sheetData")
        end = xml.find(b"</sheetData>")
        if start < 0 or end < 0:
            raise Unpatchable(f"{title}: no cells to replace")
        styles: dict[tuple[int, int], bytes] = {}
        for row in re.finditer(rb'<row r="(\d+)"[^>]*>(.*?)</row>', xml[start:end], re.DOTALL):
            for cell in _CELL.finditer(row.group(2)):
                style = _STYLE.search(cell.group(0)[: cell.group(0).find(b">")])
                if style:
                    styles[(int(row.group(1)), _column_index(cell.group(1)))] = style.group(1)
        rows = []
        for r, cells in enumerate(grid, start=1):
            body = b"".join(
                _cell(f"{column_letter(c)}{r}", value, styles.get((r, c)))
                for c, (_, value) in enumerate(cells)
            )
            rows.append(b'<row r="%d">%s</row>' % (r, body))
        self.parts[part] = xml[:start] + b"<sheetData>" + b"".join(rows) + xml[end:]

    def _part(self, title: str) -> tuple[int, str]:
        try:
            return self.sheet_parts[title]
        except KeyError:
            raise Unpatchable(f"the workbook has no {title!r} worksheet") from None

    def _row(
        self,
        number: int,
        values: Mapping[int, tuple[Kind, Any]],
        kept: list[tuple[int, bytes]],
        links: dict[str, str],
    ) -> bytes:
        cells = list(kept)
        for col, (kind, value) in values.items():
            style = None
            url = link_target(kind, value)
            if url:
                if self.link_style is None:
                    raise Unpatchable("no Hyperlink cell style yet")
                style = str(self.link_style).encode()
                links[f"{column_letter(col)}{number}"] = url
            elif kind in EXCEL_FORMATS and not isinstance(value, str):
                if kind not in self.styles:
                    raise Unpatchable(f"no cell style for {kind} values yet")
                style = str(self.styles[kind]).encode()
            cells.append((col, _cell(f"{column_letter(col)}{number}", value, style)))
        cells.sort(key=lambda item: item[0])
        return b'<row r="%d">%s</row>' % (number, b"".join(cell for _, cell in cells))

    def _add_links(self, part: str, xml: bytes, links: dict[str, str]) -> bytes:
        """Hyperlinks for the cells in `links` ({"F12": url}) that have none yet."""
        folder, name = part.rsplit("/", 1)
        rels_part = f"{folder}/_rels/{name}.rels"
        rels = self.parts.get(rels_part, EMPTY_RELS)
        targets = {}
        for element in _REL.findall(rels):
            attrs = dict(_ATTRIBUTE.findall(element))
            targets[attrs.get(b"Id", b"").decode()] = _unescape(attrs.get(b"Target", b"").decode())
        existing = {}
        for element in _HYPERLINK.findall(xml):
            attrs = dict(re.findall(rb'([\w:]+)="([^"]*)"', element))
            existing[attrs.get(b"ref", b"").decode()] = attrs.get(b"r:id", b"").decode()
        numbers = [int(i[3:]) for i in targets if i.startswith("rId") and i[3:].isdigit()]
        next_id = max(numbers, default=0) + 1
        new_links: list[bytes] = []
        new_rels: list[bytes] = []
        for ref, url in links.items():
            if ref in existing:
                if targets.get(existing[ref]) != url:
                    raise Unpatchable(f"the link in {ref} points elsewhere")
                continue
            rel_id = f"rId{next_id}"
            next_id += 1
            new_rels.append(
                f'<Relationship Type="{HYPERLINK_TYPE}" Target="{escape(url, {chr(34): "&quot;"})}"'
                f' TargetMode="External" Id="{rel_id}"/>'.encode()
            )
            new_links.append(
                f'<hyperlink xmlns:r="{RELATIONSHIPS_NS}" ref="{ref}" r:id="{rel_id}"/>'.encode()
            )
        if not new_links:
            return xml
        close = rels.rfind(b"</Relationships>")
        if close < 0:
            raise Unpatchable(f"{rels_part} is not a relationships part")
        if rels_part not in self.parts:
            self.infos.append(zipfile.ZipInfo(rels_part, date_time=self.infos[0].date_time))
        self.parts[rels_part] = rels[:close] + b"".join(new_rels) + rels[close:]
        end = xml.find(b"</hyperlinks>")
        if end >= 0:
            return xml[:end] + b"".join(new_links) + xml[end:]
        if b"<hyperlinks/>" in xml or b"<hyperlinks />" in xml:
            raise Unpatchable("an empty hyperlinks element")
        after = _AFTER_HYPERLINKS.search(xml, max(xml.find(b"</sheetData>"), 0))
        if after is None:
            raise Unpatchable("the worksheet never ends")
        at = after.start()
        return xml[:at] + b"<hyperlinks>" + b"".join(new_links) + b"</hyperlinks>" + xml[at:]

    def _extend(self, xml: bytes, index: int, last: int) -> bytes:
        """Stretch the worksheet's dimension, filter and filter name down to row `last`."""

        def rows(match: re.Match[bytes]) -> bytes:
            return match.group(1) + str(max(int(match.group(2)), last)).encode() + match.group(3)

        xml = re.sub(rb'(<dimension ref="[A-Z]+\d+:[A-Z]+)(\d+)(")', rows, xml, count=1)
        xml = re.sub(rb'(<autoFilter ref="[A-Z]+\d+:[A-Z]+)(\d+)(")', rows, xml, count=1)
        name = re.compile(
            rb'(<definedName name="_xlnm._FilterDatabase" localSheetId="%d"[^>]*>[^<]*\$)(\d+)'
            rb"(</definedName>)" % index
        )
        self.parts["xl/workbook.xml"] = name.sub(rows, self.parts["xl/workbook.xml"], count=1)
        return xml

    # ---- writing ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write the zip next to the file and rename it over it, so a crash leaves the old one."""
        temporary = self.path.parent / f".{self.path.name}.{uuid.uuid4().hex}.tmp"
        try:
            with zipfile.ZipFile(
                temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as archive:
                for info in self.infos:
                    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.external_attr = info.external_attr
                    archive.writestr(entry, self.parts[info.filename])
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def _find_row(xml: bytes, number: int, start: int) -> int:
    needle = b'<row r="%d"' % number
    found = xml.find(needle, start)
    if found < 0 and start:
        found = xml.find(needle)  # rows are in order, but be safe
    return found


def _max_row(xml: bytes) -> int:
    match = re.search(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', xml)
    if match is None:
        raise Unpatchable("the worksheet has no dimension")
    return int(match.group(1) or 1)


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _cell(ref: str, value: Any, style: bytes | None) -> bytes:
    s = b' s="%s"' % style if style else b""
    reference = ref.encode()
    if value is None:
        return b'<c r="%s"%s/>' % (reference, s) if style else b""
    if isinstance(value, dt.datetime):
        days = (value - SERIAL_EPOCH).total_seconds() / 86400
        return b'<c r="%s"%s t="n"><v>%s</v></c>' % (reference, s, repr(days).encode())
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return b'<c r="%s"%s t="n"><v>%s</v></c>' % (reference, s, repr(value).encode())
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (
        reference,
        s,
        space.encode(),
        escape(text).encode(),
    )


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def stamp(path: Path) -> list[int]:
    """What tells Porch whether a file is still the one it wrote: size and modification time."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]
