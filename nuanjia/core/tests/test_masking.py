"""Masked personal data keeps only what lets staff tell people apart."""

import pytest

from nuanjia.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone


def test_an_id_number_keeps_its_first_and_last_four():
    assert mask_id_number("410105199001011234") == "4101**********1234"
    assert mask_id_number("41010519900101123x") == "4101**********123X"
    assert mask_id_number("410105900101123") == "4101**********1233"  # legacy, converted first


def test_a_phone_keeps_its_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("0371-65551234") == "0371-****1234"
    assert mask_phone("0371-12351") == "0371-*2351"


def test_a_bank_account_shows_only_its_last_four_in_groups():
    assert mask_bank_account("6222 0212 3456 7891 234") == "**** **** **** 1234"
    assert mask_bank_account("6217-0000-1234") == "**** **** **** 1234"
    assert mask_bank_account("123") == "**** **** **** ****"


def test_a_name_keeps_its_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("买买提·艾力") == "买**·**"
    assert mask_name("王") == "王"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_bank_account, mask_name])
def test_empty_values_mask_to_empty(mask):
    assert mask(None) == ""
    assert mask("") == ""


def test_unparseable_values_are_masked_not_shown():
    assert mask_id_number("4101") == "****"
    assert mask_id_number("not-an-id-number") == "NOT-********MBER"
    assert mask_phone("12351") == "*2351"
    assert mask_phone("555") == "***"
