"""Type stub of the compiled tokenizer ``ectraverse._tok`` (ext/_tok.pyx): private API."""

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

def set_attach(codepoints: Iterable[int]) -> None: ...
def classes(cp: int) -> int: ...
def spans(text: str, mode: int) -> npt.NDArray[np.int64]: ...

class StrIndex:
    indexed: int
    def __init__(self) -> None: ...
    def sync(self, tokens: list[object]) -> None: ...
    def text_ids(self, text: str, mode: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def resolve(
        self,
        text: str,
        missed: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int64],
        lookup_locked: Callable[[str], int],
        tokens: list[object],
    ) -> None: ...
