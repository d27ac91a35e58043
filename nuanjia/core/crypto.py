"""Field encryption (AES-256-GCM) and blind indexes (keyed HMAC-SHA256) for ID and bank numbers.

Token (what a model stores in a text column), ASCII, 64 characters for an ID number:

    <key id>:<base64url without padding of: 12-byte random nonce + ciphertext + 16-byte GCM tag>

The key id is authenticated as associated data, so a token cannot be moved to another key.
It is plain text in front so a re-encryption job can find the rows still under an old key
in SQL (`exclude(column__startswith=f"{current_key_id()}:")`).

Keys come from the environment (or Django settings of the same name, which win):

- NUANJIA_FIELD_KEYS: comma-separated `id:base64 of 32 bytes`; the first is the current key,
  used for every new encryption; the others only decrypt. Key ids are 1–16 letters, digits or
  underscores. To rotate: put a new key first, keep the old ones after it, run a job that
  calls `rotate()` on every stored token, then drop the old key.
- NUANJIA_BLIND_INDEX_KEY: base64 of at least 32 bytes. It never rotates in place: changing it
  means recomputing every stored blind index, because equal values must hash equally.

With neither set (the embedded demo), both are generated once into settings.VAR_DIR/field_keys
(mode 0600), written in the same `NAME=value` syntax so an operator can move them to the
environment verbatim. Setting only one of the two is refused: it would silently pair a new
generated key with a real one. Losing the keys loses every encrypted value: back the file up,
apart from the database backups.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nuanjia.core.idnumbers import normalize_id_number
from nuanjia.core.phones import normalize_phone

FIELD_KEYS_VARIABLE = "NUANJIA_FIELD_KEYS"
BLIND_INDEX_KEY_VARIABLE = "NUANJIA_BLIND_INDEX_KEY"
KEY_FILE_NAME = "field_keys"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, random per encryption
TAG_BYTES = 16
KEY_ID = re.compile(r"[A-Za-z0-9_]{1,16}")

# Blind-index purposes: each has its own derived key, so equal digits in an ID column and a
# bank-account column do not produce equal indexes.
PURPOSE_ID_NUMBER = "id_number"
PURPOSE_BANK_ACCOUNT = "bank_account"
PURPOSE_PHONE = "phone"


class FieldCryptoError(Exception):
    """A stored token cannot be decrypted; an operator or data problem, not a user's."""


class UnknownKeyError(FieldCryptoError):
    """The token names a key id that is not configured."""


class InvalidTokenError(FieldCryptoError):
    """The token is malformed, altered, or was sealed under a different key of the same id."""


@dataclass(frozen=True, eq=False)
class Keyring:
    """The keys of one configuration, with the operations that use them.

    The module functions (`encrypt`, `blind_index`, …) look the keyring up on every call, so
    a change of settings or environment takes effect at once; that look-up costs about as
    much as the cryptography itself. Bulk work (an import of a million rows) takes the
    keyring once per chunk with `field_keyring()` and calls these methods instead.
    """

    current_key_id: str
    ciphers: dict[str, AESGCM]
    blind_index_key: bytes
    source: str  # where the keys came from, for error messages
    _index_hmacs: dict[str, "hmac.HMAC"] = field(default_factory=dict)

    def index_hmac(self, purpose: str) -> "hmac.HMAC":
        """A prepared HMAC under the purpose's derived key, to `.copy()` for each value."""
        prepared = self._index_hmacs.get(purpose)
        if prepared is None:
            label = b"nuanjia blind index\x00" + purpose.encode()
            derived = hmac.new(self.blind_index_key, label, hashlib.sha256).digest()
            prepared = self._index_hmacs[purpose] = hmac.new(derived, digestmod=hashlib.sha256)
        return prepared

    def encrypt(self, text: str) -> str:
        """Seal `text` under the current key (see the module function `encrypt`)."""
        key_id = self.current_key_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[key_id].encrypt(nonce, text.encode("utf-8"), key_id.encode("ascii"))
        return f"{key_id}:{base64.urlsafe_b64encode(nonce + sealed).rstrip(b'=').decode('ascii')}"

    def decrypt(self, token: str) -> str:
        """The text sealed in `token` (see the module function `decrypt`)."""
        key_id, payload = _split_token(token)
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            known = ", ".join(self.ciphers)
            raise UnknownKeyError(
                f"This value was encrypted under field key id {key_id!r}, which is not "
                f"configured in {FIELD_KEYS_VARIABLE} (from {self.source}; known ids: {known}). "
                "Add that key back after the current one to read it."
            )
        try:
            plaintext = cipher.decrypt(
                payload[:NONCE_BYTES], payload[NONCE_BYTES:], key_id.encode("ascii")
            )
        except InvalidTag:
            raise InvalidTokenError(
                f"An encrypted value under key id {key_id!r} failed authentication: it was "
                "altered, or sealed by another installation's key with the same id."
            ) from None
        return plaintext.decode("utf-8")

    def blind_index(self, text: str, *, purpose: str) -> str:
        """The blind index of `text` (see the module function `blind_index`)."""
        if not purpose:
            raise ValueError("blind_index needs a purpose, e.g. PURPOSE_ID_NUMBER")
        normalized = normalize_for_index(text, purpose)
        if not normalized:
            raise ValueError("an empty value has no blind index; store NULL instead")
        keyed = self.index_hmac(purpose).copy()
        keyed.update(normalized.encode("utf-8"))
        return keyed.hexdigest()


def field_keyring() -> Keyring:
    """The keyring of the current settings, for bulk work: take it once per chunk of rows.

    It reflects the settings and environment of the moment it is taken, so it must not be
    kept beyond the piece of work it was taken for.
    """
    return _keyring()


def encrypt(text: str) -> str:
    """Seal `text` under the current key; two encryptions of the same text differ."""
    return _keyring().encrypt(text)


def decrypt(token: str) -> str:
    """The text sealed in `token`, under whichever configured key it names."""
    return _keyring().decrypt(token)


def blind_index(text: str, *, purpose: str) -> str:
    """64 hex characters, equal for equal values of one purpose: for exact lookup and de-duplication.

    The value is normalized first (an ID number by `normalize_id_number`, so a 15-digit old
    number and its 18-digit form index the same; a phone by `normalize_phone`; anything else
    NFKC-folded with spaces and dashes removed, upper-cased), so typing variants collide as
    they should. The key is secret, so the index cannot be reversed by hashing all ID numbers.
    """
    return _keyring().blind_index(text, purpose=purpose)


def normalize_for_index(text: str, purpose: str) -> str:
    """The canonical form of a value before it is hashed into a blind index."""
    if purpose == PURPOSE_ID_NUMBER:
        return normalize_id_number(text)
    if purpose == PURPOSE_PHONE:
        return normalize_phone(text)
    return "".join(unicodedata.normalize("NFKC", text or "").split()).replace("-", "").upper()


def token_key_id(token: str) -> str:
    """The key id a token was sealed under."""
    return _split_token(token)[0]


def current_key_id() -> str:
    return _keyring().current_key_id


def needs_rotation(token: str) -> bool:
    """Whether `token` is sealed under a key other than the current one."""
    return token_key_id(token) != _keyring().current_key_id


def rotate(token: str) -> str:
    """`token` re-sealed under the current key (unchanged when it already is)."""
    return encrypt(decrypt(token)) if needs_rotation(token) else token


def generate_key() -> str:
    """A fresh random 32-byte key in base64, for NUANJIA_FIELD_KEYS or NUANJIA_BLIND_INDEX_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _split_token(token: str) -> tuple[str, bytes]:
    key_id, separator, encoded = str(token).partition(":")
    if not separator or not KEY_ID.fullmatch(key_id):
        raise InvalidTokenError("Not an encrypted-field token (expected '<key id>:<base64>').")
    try:
        payload = base64.b64decode(
            encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True
        )
    except (binascii.Error, ValueError):
        raise InvalidTokenError(
            f"An encrypted value under key id {key_id!r} is not valid base64."
        ) from None
    if len(payload) < NONCE_BYTES + TAG_BYTES:
        raise InvalidTokenError(f"An encrypted value under key id {key_id!r} is truncated.")
    return key_id, payload


def _keyring() -> Keyring:
    """The configured keys, read lazily so tests can override settings and VAR_DIR."""
    return _load_keyring(
        _configured(FIELD_KEYS_VARIABLE),
        _configured(BLIND_INDEX_KEY_VARIABLE),
        str(settings.VAR_DIR),
    )


def _configured(name: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, "")).strip()


@lru_cache(maxsize=16)
def _load_keyring(field_keys: str, blind_index_key: str, var_dir: str) -> Keyring:
    if field_keys or blind_index_key:
        if not (field_keys and blind_index_key):
            raise ImproperlyConfigured(
                f"Set both {FIELD_KEYS_VARIABLE} and {BLIND_INDEX_KEY_VARIABLE}, or neither "
                f"(then both are generated into {Path(var_dir) / KEY_FILE_NAME})."
            )
        source = "the environment"
    else:
        path = Path(var_dir) / KEY_FILE_NAME
        values = _read_key_file(path) if path.exists() else _create_key_file(path)
        field_keys = values.get(FIELD_KEYS_VARIABLE, "")
        blind_index_key = values.get(BLIND_INDEX_KEY_VARIABLE, "")
        source = str(path)
    current_key_id, keys = _parse_field_keys(field_keys, source)
    return Keyring(
        current_key_id=current_key_id,
        ciphers={key_id: AESGCM(key) for key_id, key in keys.items()},
        blind_index_key=_decode_key(blind_index_key, BLIND_INDEX_KEY_VARIABLE, source, exact=False),
        source=source,
    )


def _parse_field_keys(spec: str, source: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    for entry in (item.strip() for item in spec.split(",")):
        if not entry:
            continue
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{FIELD_KEYS_VARIABLE} (from {source}) must be comma-separated 'id:base64key' "
                "entries; ids are 1-16 letters, digits or underscores."
            )
        if key_id in keys:
            raise ImproperlyConfigured(
                f"{FIELD_KEYS_VARIABLE} (from {source}) lists key id {key_id!r} twice."
            )
        keys[key_id] = _decode_key(
            encoded, f"{FIELD_KEYS_VARIABLE} key {key_id!r}", source, exact=True
        )
    if not keys:
        raise ImproperlyConfigured(f"{FIELD_KEYS_VARIABLE} (from {source}) holds no key.")
    return next(iter(keys)), keys


def _decode_key(encoded: str, name: str, source: str, *, exact: bool) -> bytes:
    try:
        key = base64.b64decode(encoded.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name} (from {source}) is not valid base64.") from None
    if (exact and len(key) != KEY_BYTES) or len(key) < KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name} (from {source}) must decode to {'exactly' if exact else 'at least'} {KEY_BYTES} bytes, not {len(key)}."
        )
    return key


def _read_key_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="ascii").splitlines():
        name, separator, value = line.partition("=")
        if separator and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip()
    return values


def _create_key_file(path: Path) -> dict[str, str]:
    """Generate both keys into `path` (mode 0600) exactly once, even with racing processes.

    The file is written whole under a temporary name and hard-linked into place; the link
    fails if another process got there first, and then its keys are the ones everybody uses.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# nuanjia field-encryption keys, generated on first use. Without this file every\n"
        "# encrypted ID and bank number is lost: back it up, apart from the database backups.\n"
        "# The same lines work as environment variables.\n"
        f"{FIELD_KEYS_VARIABLE}=1:{generate_key()}\n"
        f"{BLIND_INDEX_KEY_VARIABLE}={generate_key()}\n"
    )
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{KEY_FILE_NAME}."
    )  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: use its keys
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return _read_key_file(path)


SEALED_SUFFIX = ".sealed"


def seal_file(path: Path) -> Path:
    """Encrypt a file kept on disk (an upload waiting to be retried) under the current key,
    replace it with `<path>.sealed` (0600) and return the new path; the clear copy is gone."""
    keyring = _keyring()
    key_id = keyring.current_key_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = keyring.ciphers[key_id].encrypt(nonce, path.read_bytes(), key_id.encode("ascii"))
    target = path.with_name(path.name + SEALED_SUFFIX)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_id.encode("ascii") + b":" + nonce + sealed)
    path.unlink()
    return target


def unseal_file(path: Path) -> Path:
    """The reverse of `seal_file`: the clear file (0600) beside it; the sealed one is removed."""
    key_id, _colon, payload = path.read_bytes().partition(b":")
    cipher = _keyring().ciphers.get(key_id.decode("ascii"))
    if cipher is None:
        raise UnknownKeyError(f"No key {key_id!r} to unseal {path.name}.")
    clear = cipher.decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:], key_id)
    target = path.with_name(path.name.removesuffix(SEALED_SUFFIX))
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(clear)
    path.unlink()
    return target
