"""A recording stream for the streaming tests (a helper module, not a test file)."""


class RecordingStream:
    """A binary stream over ``data`` (repeated forever when ``endless``) that records its reads."""

    def __init__(self, data: bytes, endless: bool = False):
        self.data, self.endless = data, endless
        self.pos = 0
        self.reads: list[int] = []  # the size asked for by each read

    def read(self, n: int) -> bytes:
        self.reads.append(n)
        if self.endless:
            return (self.data * (n // len(self.data) + 1))[:n]
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    @property
    def consumed(self) -> int:
        return sum(self.reads) if self.endless else self.pos
