"""A text file's decompressed bytes in chunks of whole lines (the edge-list readers')."""

import bz2
import gzip
import lzma
from pathlib import Path

OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
BOM = b"\xef\xbb\xbf"
BLOCK = 1 << 20  # bytes read from the (decompressed) file at a time
MAX_LINE = 1 << 24  # a longer line is not an edge list (and would exhaust memory)


class LineError(Exception):
    """A line found bad while reading (before parsing): its number and the rule broken."""

    def __init__(self, number, problem, text=b""):
        super().__init__(problem)
        self.number, self.problem, self.text = number, problem, text


def terminators(data):
    """Line ends in `data`: ``\\n``, ``\\r\\n`` and a lone ``\\r`` (as pandas splits lines)."""
    n = data.count(b"\n")
    return n + data.count(b"\r") - data.count(b"\r\n") if b"\r" in data else n


class Lines:
    """A file's decompressed bytes in chunks of whole lines, counting the lines.

    Leading byte-order marks are dropped; a NUL byte or a line longer than `MAX_LINE`
    raises `LineError` at once (a decompression bomb of zeros stops at its first block).
    A `bar` (tqdm) advances by the bytes read from the file on disk (compressed or not).
    """

    def __init__(self, path, bar=None):
        self._raw = open(path, "rb")  # closed by __exit__
        opener = OPENERS.get(Path(path).suffix)
        try:
            self._fh = self._raw if opener is None else opener(self._raw, "rb")
        except BaseException:
            self._raw.close()
            raise
        self._bar, self._done = bar, 0
        self._carry, self._start, self._eof, self.n_lines = b"", True, False, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._fh.close()
        self._raw.close()

    def _advance(self):
        if self._bar is not None:
            at = self._raw.tell()
            self._bar.update(at - self._done)
            self._done = at

    def __iter__(self):
        return self

    def __next__(self):
        while not self._eof:
            block = self._fh.read(BLOCK)
            self._advance()
            if not block:
                self._eof = True
                break
            if b"\x00" in block:
                before = self._carry + block[: block.index(b"\x00")]
                number, line = self.n_lines + terminators(before) + 1, before.splitlines()
                text = (line[-1] if line and before[-1:] not in b"\r\n" else b"") + b"\x00"
                raise LineError(number, "a NUL byte: binary data, not text", text)
            buf = self._carry + block
            if self._start:
                if len(buf) < len(BOM):
                    self._carry = buf
                    continue
                while buf.startswith(BOM):
                    buf = buf[len(BOM) :]
                self._start = False
            # Cut after the last line end; never between the \r and \n of a CRLF.
            cut = buf.rfind(b"\n") + 1
            lone_cr = buf.rfind(b"\r", cut, len(buf) - 1)
            cut = lone_cr + 1 if lone_cr >= 0 else cut
            self._carry = buf[cut:]
            if len(self._carry) > MAX_LINE:
                problem = f"longer than {MAX_LINE:,} bytes: not an edge list"
                number = self.n_lines + terminators(buf[:cut]) + 1
                raise LineError(number, problem, self._carry[:120])
            if cut:
                chunk = buf[:cut]
                self.n_lines += terminators(chunk)
                return chunk
        if self._carry:
            chunk, self._carry = self._carry, b""
            if self._start and chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
            self.n_lines += terminators(chunk) + (chunk[-1:] not in (b"\n", b"\r", b""))
            return chunk
        raise StopIteration
