"""The busiest API operations' URLs are tried first (nuanjia.api.FIRST_PATHS): moving them
to the front must not change where any request goes."""

from django.urls import resolve

from nuanjia.api import FIRST_PATHS, api


def test_the_first_paths_come_first_and_no_other_pattern_matches_them():
    patterns, _app, _namespace = api.urls
    assert [str(pattern.pattern) for pattern in patterns[: len(FIRST_PATHS)]] == list(FIRST_PATHS)
    for path in FIRST_PATHS:
        shadowed = [str(p.pattern) for p in patterns[len(FIRST_PATHS) :] if p.resolve(path)]
        assert shadowed == [], f"{path} is also matched by {shadowed}"


def test_the_public_intake_url_still_reaches_the_public_submit_operation():
    match = resolve("/api/v1/hotline/public/tickets")
    assert match.url_name == "public_submit"
    assert match.namespace == "api-1.0.0"
