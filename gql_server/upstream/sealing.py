"""Stored tokens encrypted at rest with GQL_STATE_KEY (Fernet: AES-128-CBC with HMAC-SHA256)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

KEY_HELP = (
    "should be a Fernet key: 32 random bytes in URL-safe base64, such as "
    '`python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
    "prints"
)


def check_key(key: str) -> None:
    """ValueError (naming no part of the key) when `key` is not a Fernet key."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise ValueError(KEY_HELP) from None


class FernetSealer:
    """Seals what goes into the vault; opens it again only with the same key."""

    def __init__(self, key: str) -> None:
        check_key(key)
        self._fernet = Fernet(key.encode())

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, data: bytes) -> bytes:
        """The stored bytes; a pair stored in clear before the key was set is read as is (and
        sealed at the next refresh). ValueError when another key sealed them."""
        if data.lstrip().startswith(b"{"):
            return data
        try:
            return self._fernet.decrypt(data)
        except InvalidToken:
            raise ValueError("sealed with another GQL_STATE_KEY") from None
