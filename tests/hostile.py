"""What a hostile or careless user types, as Hypothesis strategies, for the fuzz tests (issue 10).

Text that breaks things downstream (NUL, other control characters, lone surrogates,
direction overrides, 100,000 characters), mixed scripts, days at the ends of the
calendar or not on it, amounts too small or too large for money, malformed ID
numbers and form versions that only look like numbers.  ``today`` is the day the
tests' clocks stand on, so that valid values around hostile ones get a command
through to the domain.
"""

from __future__ import annotations

from urllib.parse import quote_plus

from hypothesis import strategies as st

TODAY = "2026-03-02"

HUGE = ("x" * 100_000, "王" * 100_000, "\u202e" * 100_000)
CONTROL = (
    "\x00",
    "王\x00秀英",
    "\x07\x08",
    "\x1b[31m红\x1b[0m",
    "a\x7fb",
    "\x85",
    "\u2028\u2029",
    "\ufeff",
    "\t\t",
    " \r\n ",
    "\u3000",
    "\u200b",
)
SURROGATES = ("\ud800", "王\udfff秀英", "\udbff\udc00", "\udc80")
SCRIPTS = (
    "王秀英 Wang Xiùyīng Ванг وانغ",
    "Ǆ ﬁ 𝕏 ㊀ Ⅻ",
    "e\u0301 ä",  # not NFC
    "\u202e英秀王\u202c",  # a right-to-left override
    "\u200f\u2067שלום\u2069",
    "👨\u200d👩\u200d👧",
    "ＡＢＣ１２３",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example")',
    "{field}{0}%s%(x)s",
    "",
)
DATES = (
    "0001-01-01",
    "9999-12-31",
    "1900-01-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "20260302",
    "2026-3-2",
    "+10000-01-01",
    "2026-03-02T00:00:00",
    "２０２６-０３-０２",
    "昨天",
)
AMOUNTS = (
    "-1",
    "0",
    "-0",
    "1e309",
    "1e-309",
    "99999999999999999999",
    "9" * 400,
    "0.001",
    "1.005",
    "NaN",
    "inf",
    "-inf",
    "１２００",
    "1,200.50",
    "¥100",
    "100元",
)
ID_NUMBERS = (
    "1",
    "35010219850412131",
    "3501021985041213111",
    "35010219850412131X",
    "350102198502301311",
    "350102999904121311",
    "350102000101011311",
    "35010219850412131x",
    "３５０１０２１９８５０４１２１３１１",
    "350102 198504121311",
    "ABCDEFGHIJKLMNOPQR",
)
VERSIONS = (
    "",
    "0",
    "-1",
    "²",
    "٣",
    "9" * 5000,
    "1.0",
    "1e3",
    " 1",
    "0x1",
    "+1",
    "99999999999999999999",
)

CORNERS = (*CONTROL, *SURROGATES, *SCRIPTS, *DATES, *AMOUNTS, *ID_NUMBERS, *VERSIONS)


def hostile() -> st.SearchStrategy[str]:
    """A hostile value: one of the corners above, huge text, or text of unusual characters."""
    odd = st.characters(categories=["Cc", "Cf", "Cs", "Co", "Lo", "Mn", "Zs", "Nd", "No"])
    return st.one_of(
        st.sampled_from(CORNERS),
        st.sampled_from(HUGE),
        st.text(odd, max_size=30),
        st.text(max_size=30),
    )


def form_body(fields: dict[str, str]) -> bytes:
    """Fields urlencoded as a browser would, but lone surrogates sent as their bytes.

    A lone surrogate has no UTF-8; its "surrogatepass" bytes (``%ED%A0%80``) are
    what a broken client sends, and what no ordinary encoder writes.
    """
    return "&".join(
        f"{quote_plus(name)}={quote_plus(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    ).encode("ascii")
