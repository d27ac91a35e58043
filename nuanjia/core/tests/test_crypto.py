"""ID and bank numbers are sealed with AES-GCM, found by a keyed blind index, and survive key rotation."""

import base64
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from nuanjia.core import crypto
from nuanjia.core.crypto import (
    PURPOSE_BANK_ACCOUNT,
    PURPOSE_ID_NUMBER,
    InvalidTokenError,
    UnknownKeyError,
    blind_index,
    current_key_id,
    decrypt,
    encrypt,
    generate_key,
    needs_rotation,
    rotate,
)

ID_NUMBER = "11010519491231002X"
KEY_ONE, KEY_TWO, INDEX_KEY = generate_key(), generate_key(), generate_key()


@pytest.fixture(autouse=True)
def generated_keys(settings, tmp_path, monkeypatch):
    """No key in the environment or settings: keys are generated into a fresh VAR_DIR."""
    monkeypatch.delenv(crypto.FIELD_KEYS_VARIABLE, raising=False)
    monkeypatch.delenv(crypto.BLIND_INDEX_KEY_VARIABLE, raising=False)
    settings.NUANJIA_FIELD_KEYS = ""
    settings.NUANJIA_BLIND_INDEX_KEY = ""
    settings.VAR_DIR = tmp_path
    return tmp_path / crypto.KEY_FILE_NAME


def test_a_value_decrypts_to_what_was_encrypted():
    for text in (ID_NUMBER, "6222021234567891234", "张三 身份证", ""):
        assert decrypt(encrypt(text)) == text


def test_two_encryptions_of_the_same_value_differ():
    assert encrypt(ID_NUMBER) != encrypt(ID_NUMBER)


def test_a_token_is_the_key_id_then_url_safe_base64():
    token = encrypt(ID_NUMBER)
    key_id, _, payload = token.partition(":")
    assert key_id == "1" == current_key_id()
    assert len(token) == 64
    assert set(payload) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_keys_are_generated_once_into_var_dir_readable_only_by_the_owner(generated_keys):
    token = encrypt(ID_NUMBER)
    assert stat.S_IMODE(generated_keys.stat().st_mode) == 0o600
    written = generated_keys.read_text()
    crypto._load_keyring.cache_clear()
    assert decrypt(token) == ID_NUMBER
    assert generated_keys.read_text() == written
    assert "NUANJIA_FIELD_KEYS=1:" in written and "NUANJIA_BLIND_INDEX_KEY=" in written


def test_a_second_process_creating_the_key_file_keeps_the_first_ones_keys(generated_keys):
    first = crypto._create_key_file(generated_keys)
    assert crypto._create_key_file(generated_keys) == first
    assert [path.name for path in generated_keys.parent.iterdir()] == [crypto.KEY_FILE_NAME]


def test_the_blind_index_is_equal_for_equal_normalized_values():
    index = blind_index(ID_NUMBER, purpose=PURPOSE_ID_NUMBER)
    assert len(index) == 64 and int(index, 16) >= 0
    assert blind_index("110105 19491231 002x", purpose=PURPOSE_ID_NUMBER) == index
    assert blind_index("１１０１０５１９４９１２３１００２Ｘ", purpose=PURPOSE_ID_NUMBER) == index
    assert blind_index("410105900101123", purpose=PURPOSE_ID_NUMBER) == blind_index(
        "410105199001011233", purpose=PURPOSE_ID_NUMBER
    )
    assert blind_index("410105199001011233", purpose=PURPOSE_ID_NUMBER) != index
    assert blind_index("6222 0212 3456", purpose=PURPOSE_BANK_ACCOUNT) == blind_index(
        "6222-0212-3456", purpose=PURPOSE_BANK_ACCOUNT
    )


def test_the_blind_index_differs_across_purposes_and_keys(settings):
    digits = "622202123456789123"
    assert blind_index(digits, purpose=PURPOSE_ID_NUMBER) != blind_index(
        digits, purpose=PURPOSE_BANK_ACCOUNT
    )
    before = blind_index(digits, purpose=PURPOSE_BANK_ACCOUNT)
    settings.NUANJIA_FIELD_KEYS = f"1:{KEY_ONE}"
    settings.NUANJIA_BLIND_INDEX_KEY = INDEX_KEY
    assert blind_index(digits, purpose=PURPOSE_BANK_ACCOUNT) != before


def test_a_blind_index_needs_a_purpose_and_a_value():
    with pytest.raises(ValueError):
        blind_index(ID_NUMBER, purpose="")
    with pytest.raises(ValueError):
        blind_index("  ", purpose=PURPOSE_BANK_ACCOUNT)


def test_rotation_keeps_old_tokens_readable_and_reseals_them_under_the_new_key(settings):
    settings.NUANJIA_BLIND_INDEX_KEY = INDEX_KEY
    settings.NUANJIA_FIELD_KEYS = f"1:{KEY_ONE}"
    old_token = encrypt(ID_NUMBER)
    assert not needs_rotation(old_token)

    settings.NUANJIA_FIELD_KEYS = f"2:{KEY_TWO},1:{KEY_ONE}"
    assert decrypt(old_token) == ID_NUMBER
    assert needs_rotation(old_token)
    new_token = rotate(old_token)
    assert new_token.startswith("2:") and not needs_rotation(new_token)
    assert decrypt(new_token) == ID_NUMBER
    assert rotate(new_token) == new_token
    assert encrypt(ID_NUMBER).startswith("2:")

    settings.NUANJIA_FIELD_KEYS = f"2:{KEY_TWO}"
    assert decrypt(new_token) == ID_NUMBER
    with pytest.raises(UnknownKeyError, match="key id '1'"):
        decrypt(old_token)


def test_keys_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(crypto.FIELD_KEYS_VARIABLE, f"k2026:{KEY_ONE}")
    monkeypatch.setenv(crypto.BLIND_INDEX_KEY_VARIABLE, INDEX_KEY)
    assert encrypt(ID_NUMBER).startswith("k2026:")


def _flip(token: str, position: int) -> str:
    key_id, _, encoded = token.partition(":")
    raw = bytearray(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    raw[position] ^= 0x01
    return f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def test_tampered_or_malformed_tokens_raise(settings):
    token = encrypt(ID_NUMBER)
    for position in (0, 12, 20, -1):  # nonce, ciphertext, tag
        with pytest.raises(InvalidTokenError):
            decrypt(_flip(token, position))
    for broken in (
        "hello",
        "1:",
        "1:!!!!",
        token[:30],
        ":" + token,
        "1:" + token.partition(":")[2][:-8],
    ):
        with pytest.raises(InvalidTokenError):
            decrypt(broken)
    settings.NUANJIA_BLIND_INDEX_KEY = INDEX_KEY
    settings.NUANJIA_FIELD_KEYS = f"2:{KEY_TWO},1:{KEY_ONE}"
    sealed_under_one = encrypt(ID_NUMBER).replace("2:", "1:", 1)
    with pytest.raises(InvalidTokenError):  # the key id is authenticated: it cannot be swapped
        decrypt(sealed_under_one)


def test_a_token_from_another_installation_does_not_decrypt(settings):
    token = encrypt(ID_NUMBER)  # under the generated key "1"
    settings.NUANJIA_FIELD_KEYS = f"1:{KEY_ONE}"
    settings.NUANJIA_BLIND_INDEX_KEY = INDEX_KEY
    with pytest.raises(InvalidTokenError):
        decrypt(token)


@pytest.mark.parametrize(
    ("field_keys", "index_key"),
    [
        (f"1:{KEY_ONE}", ""),
        ("", INDEX_KEY),
        ("1:not base64!", INDEX_KEY),
        (f"1:{base64.b64encode(b'short').decode()}", INDEX_KEY),
        (f"1:{KEY_ONE},1:{KEY_TWO}", INDEX_KEY),
        (KEY_ONE, INDEX_KEY),
        (f"1:{KEY_ONE}", base64.b64encode(b"too short").decode()),
    ],
)
def test_misconfigured_keys_are_an_operator_error(settings, field_keys, index_key):
    settings.NUANJIA_FIELD_KEYS = field_keys
    settings.NUANJIA_BLIND_INDEX_KEY = index_key
    with pytest.raises(ImproperlyConfigured):
        encrypt(ID_NUMBER)
