import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings

_current_request: ContextVar = ContextVar("bi18_current_request", default=None)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def set_request(request):
    return _current_request.set(request)


def reset_request(token) -> None:
    _current_request.reset(token)


def current_request():
    return _current_request.get()


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # settings.py has validated the entries; strict=False accepts "10.0.0.1/8".
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 client.
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


def _trusted(ip, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def client_ip(request) -> str | None:
    """The client's address for the audit log and the log-in lock-out.

    X-Forwarded-For is believed only when the request comes from one of
    settings.TRUSTED_PROXIES, and then read from the right: each proxy appends the
    address it received the request from, so the right-most address that is not
    itself a trusted proxy is the client. Anything to the left of that was written by
    the client and may be forged. An entry that is not an IP address ends the walk
    (the last good address is used): a malformed header never fails a request.
    """
    if request is None:
        return None
    remote = _parse_ip(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    client = remote
    if networks and _trusted(remote, networks):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
        for entry in reversed(forwarded.split(",")[-20:]):
            ip = _parse_ip(entry)
            if ip is None:
                break
            client = ip
            if not _trusted(ip, networks):
                break
    return str(client)
