import pytest

from minihost.apps.domains import DomainError, normalise_entry, url_key


@pytest.mark.parametrize(
    ("entry", "stored"),
    [
        ("api.example.com", "api.example.com"),
        ("https://API.Example.com/", "api.example.com"),
        ("https://api.example.com:443", "api.example.com"),
        ("api.example.com:8443", "api.example.com:8443"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("api.example.com.", "api.example.com"),
    ],
)
def test_entries_are_stored_normalised(entry: str, stored: str) -> None:
    assert normalise_entry(entry, "request") == stored


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("http://api.example.com", "https://"),
        ("ftp://api.example.com", "https://"),
        ("1.2.3.4", "IP"),
        ("https://[::1]", "IP"),
        ("::1", "IP"),
        ("*.example.com", "wildcard"),
        ("https://api.example.com/v1", "path"),
        ("https://api.example.com?x=1", "path"),
        ("https://user:pw@api.example.com", "user"),
        ("localhost", "full host name"),
        ("api.example.com:99999", "port"),
        ("api.example.com:", "port"),
        ("api .example.com", "spaces"),
        ("-bad-.example.com", "letters"),
        ("a" * 64 + ".com", "letters"),
        ("", "empty"),
    ],
)
def test_bad_entries_say_why(entry: str, why: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalise_entry(entry, "request")
    assert why in str(caught.value)


def test_socket_domains_use_wss() -> None:
    assert normalise_entry("wss://ws.example.com", "socket") == "ws.example.com"
    with pytest.raises(DomainError):
        normalise_entry("https://ws.example.com", "socket")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://api.example.com/v1/items?x=1", "api.example.com"),
        ("https://API.example.com:443/", "api.example.com"),
        ("https://api.example.com:8443/x", "api.example.com:8443"),
        ("http://api.example.com/", None),
        ("https://evil.com\\@api.example.com/", None),
        ("https://u@api.example.com/", None),
        ("https://127.0.0.1/", None),
        ("https://api.example.com:notaport/", None),
        ("not a url", None),
    ],
)
def test_url_keys(url: str, key: str | None) -> None:
    assert url_key(url, "request") == key
