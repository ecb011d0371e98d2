"""Personal text in the read models, sealed with the store's key when there is one.

With ``TRACKER_CIPHER_KEY`` set, the library encrypts the stored events; the
read models sit in the same database, so the names, summaries, reasons and
audit values they hold are sealed too: AES-GCM with the same key (the
library's cipher), opened when a query reads them.  What a query must compare
cannot be sealed at random, so the search index holds keyed hashes
(HMAC-SHA256 under a key derived from the cipher key) of the text's
character n-grams instead of the n-grams: equal text gives equal tokens, and
neither the file nor the table shows the text.  Without a key every method
returns its input, and the read models are as before.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b64decode, b64encode

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

PREFIX = "sealed:"
TOKEN_LENGTH = 20  # hex digits of the keyed hash: 80 bits, no collision in any real index
TOKENS_KEPT = 200_000


class Sealer:
    def __init__(self, cipher_key: str | None) -> None:
        self._cipher: AESCipher | None = None
        self._mac_key = b""
        self._tokens: dict[str, str] = {}  # few distinct characters, pairs and triples: kept
        if cipher_key:
            self._cipher = AESCipher(Environment(env={AESCipher.CIPHER_KEY: cipher_key}))
            secret = b64decode(cipher_key)
            self._mac_key = hmac.new(secret, b"tracker read-model tokens", hashlib.sha256).digest()

    @property
    def sealed(self) -> bool:
        return self._cipher is not None

    def seal(self, text: str) -> str:
        if self._cipher is None:
            return text
        return PREFIX + b64encode(self._cipher.encrypt(text.encode())).decode()

    def seal_optional(self, text: str | None) -> str | None:
        return None if text is None else self.seal(text)

    def open(self, text: str) -> str:
        """The text a row holds, opened.

        Decided by the store, not by the value: without a key nothing is sealed
        (text that happens to look sealed is a user's text), and with one every
        value is (the library refuses to read a store's events under another key,
        so its read models were built under this one).
        """
        if self._cipher is None:
            return text
        if not text.startswith(PREFIX):
            raise ClearTextUnderKey("a read model holds clear text under a cipher key")
        return self._cipher.decrypt(b64decode(text[len(PREFIX) :])).decode()

    def open_optional(self, text: str | None) -> str | None:
        return None if text is None else self.open(text)

    def token(self, text: str) -> str:
        """What an index holds for ``text``: a keyed hash when sealed, else the text itself."""
        if self._cipher is None:
            return text
        token = self._tokens.get(text)
        if token is None:
            digest = hmac.new(self._mac_key, text.encode(), hashlib.sha256).hexdigest()
            token = digest[:TOKEN_LENGTH]
            if len(self._tokens) < TOKENS_KEPT:
                self._tokens[text] = token
        return token


class ClearTextUnderKey(RuntimeError):
    """A read model holds clear text though the store has a key: rebuild it under the key."""
