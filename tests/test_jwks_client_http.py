"""PyJWKClient against a real HTTP(S) server on 127.0.0.1, PyJWT 2.15.1 as the oracle.

No mocks: a ThreadingHTTPServer in a thread (ephemeral port, 127.0.0.1 only)
serves JWK Sets built from keys generated here (RSA, EC, OKP, oct, exported
with pyjwt_fast's to_jwk), and records every request it gets.

What is checked
  * end to end: a token signed with a served private key decodes with
    pyjwt_fast.decode and get_signing_key_from_jwt(token).key, for every key
    type, over http and https (ssl_context with a self-signed certificate);
  * caching: the JWK Set cache and its lifespan, key rotation (an unknown kid
    refetches, subject to the cooldown), the signing key LRU (no expiry,
    eviction), a failed refresh keeping the cached set, cache_jwk_set=False,
    concurrent lookups sharing one request;
  * failures: timeouts (before the headers and in the middle of the body),
    HTTP errors, truncated bodies, refused connections, bodies that are not
    JSON or not an object, empty sets, sets without usable or signing keys,
    tokens that are not decodable (no request made);
  * redirects are refused without contacting the target; only http(s) URIs
    are accepted; custom headers reach the server.

Wherever cheap, PyJWT's own jwt.PyJWKClient runs the same scenario against the
same server and must give the same result: the same exception class (by name,
and pyjwt_fast.exceptions' class) and message, the same number of requests.

Each test gets its own server, shut down in the fixture's finalizer; a fixture
checks that no thread and no socket outlives the test. The sleeps are short and
bounded (lifespans and cooldowns of a few tenths of a second); the whole file
runs in a few seconds.
"""

from __future__ import annotations

import datetime
import gc
import ipaddress
import json
import socket
import ssl
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

import jwt as pyjwt
import pyjwt_fast
from conftest import Outcome, assert_same_outcome, outcome
from pyjwt_fast.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm
from pyjwt_fast.api_jwk import PyJWK, PyJWKSet
from pyjwt_fast.exceptions import InvalidTokenError, PyJWKClientConnectionError, PyJWKClientError
from pyjwt_fast.jwks_client import PyJWKClient

# A socket left open (an HTTPError not closed, a response not read to the end)
# warns when collected; make that a failure of the test that leaked it.
pytestmark = [
    pytest.mark.filterwarnings("error::ResourceWarning"),
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]

CLIENTS = {"fast": PyJWKClient, "pyjwt": pyjwt.PyJWKClient}

# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------


@dataclass
class Reply:
    """One canned response. The delays wait on the server's stop event, so a
    finalizer never waits for them to run out."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_before_headers: float = 0.0
    # Send the first half of the body, wait, then the rest.
    delay_mid_body: float = 0.0
    # Announce more bytes than are sent, then close the connection.
    truncate: bool = False


def json_reply(obj: Any, **kwargs: Any) -> Reply:
    return Reply(body=json.dumps(obj).encode(), headers={"Content-Type": "application/json"}, **kwargs)


@dataclass
class Seen:
    method: str
    path: str  # with the query string
    headers: list[tuple[str, str]]


class JWKSServer(ThreadingHTTPServer):
    """Serves ``routes`` (path without the query -> Reply) and records each
    request in ``seen``."""

    daemon_threads = True  # a bug must not hang the interpreter at exit
    block_on_close = True  # but server_close() joins the handler threads

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tls = tls
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.server_port}"
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> JWKSServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()  # wake handlers sleeping in a delay
        self.shutdown()
        self.server_close()  # joins the handler threads (block_on_close)
        self._thread.join(timeout=5)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if self.tls is not None:
            # The handshake runs in the handler's thread (see _Handler.setup),
            # so a client that never completes it cannot block accept().
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up makes the handler's late write
        # fail; that is expected here, so it is recorded instead of printed.
        self.errors.append(sys.exc_info()[1])  # type: ignore[arg-type]

    # -- helpers for the tests --

    def url(self, path: str = "/jwks", client: str = "fast") -> str:
        """The URL one client uses; the query tells the two clients' requests apart."""
        return f"{self.base_url}{path}?c={client}"

    def serve(self, path: str, reply: Reply | dict[str, Any]) -> None:
        with self.lock:
            self.routes[path] = json_reply(reply) if isinstance(reply, dict) else reply

    def hits(self, path: str = "/jwks", client: str = "fast") -> int:
        with self.lock:
            return sum(1 for s in self.seen if s.path == f"{path}?c={client}")

    def requests_to(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path.split("?", 1)[0] == path]


class _Handler(BaseHTTPRequestHandler):
    server: JWKSServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        if self.server.tls is not None:
            self.request.settimeout(5)
            self.request.do_handshake()
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib handler API
        srv = self.server
        with srv.lock:
            srv.seen.append(Seen(self.command, self.path, list(self.headers.items())))
            route = srv.routes.get(self.path.split("?", 1)[0])
        reply = route if route is not None else Reply(status=404, body=b"no such route")

        if reply.delay_before_headers and srv.stop.wait(reply.delay_before_headers):
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        length = len(reply.body) + (10 if reply.truncate else 0)
        self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        half = len(reply.body) // 2
        self.wfile.write(reply.body[:half])
        self.wfile.flush()
        if reply.delay_mid_body and srv.stop.wait(reply.delay_mid_body):
            return
        self.wfile.write(reply.body[half:])
        self.close_connection = True


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """No thread and no unclosed socket may outlive a test (this fixture is set
    up first, so it checks after every other fixture's finalizer ran)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    extra = [t for t in threading.enumerate() if t not in before]
    while extra and time.monotonic() < deadline:
        for t in extra:
            t.join(timeout=0.05)
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not extra, f"threads left running: {extra}"
    # Most sockets are freed (and warn, failing the test: see pytestmark) as
    # soon as their last reference goes; this catches those caught in a cycle.
    # The young generations only: a full collection per test costs more than
    # the test.
    _assert_collected_without_resource_warnings(generation=1)


@pytest.fixture(scope="module", autouse=True)
def no_leaks_at_all() -> Iterator[None]:
    yield
    _assert_collected_without_resource_warnings(generation=2)


def _assert_collected_without_resource_warnings(generation: int) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect(generation)
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, f"unclosed resources: {leaked}"


@pytest.fixture
def server() -> Iterator[JWKSServer]:
    srv = JWKSServer().start()
    try:
        yield srv
    finally:
        srv.close()


# --------------------------------------------------------------------------
# keys, sets and tokens
# --------------------------------------------------------------------------


@dataclass
class Key:
    kid: str
    alg: str
    private: Any  # what encode() signs with
    jwk: dict[str, Any]  # the public JWK, as served


def _jwk(algorithm: Any, public: Any, kid: str, **extra: Any) -> dict[str, Any]:
    jwk = algorithm.to_jwk(public, as_dict=True)
    jwk.update(kid=kid, **extra)
    return jwk


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    """One key per type (two RSA keys, for rotation), generated for this run."""
    rsa1 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    secret = b"s" * 32
    found = {
        "rsa1": Key("rsa-1", "RS256", rsa1, _jwk(RSAAlgorithm, rsa1.public_key(), "rsa-1", use="sig")),
        "rsa2": Key("rsa-2", "RS256", rsa2, _jwk(RSAAlgorithm, rsa2.public_key(), "rsa-2", use="sig")),
        "ps": Key("ps-1", "PS256", rsa1, _jwk(RSAAlgorithm, rsa1.public_key(), "ps-1", alg="PS256")),
        "p256": Key("ec-256", "ES256", p256, _jwk(ECAlgorithm, p256.public_key(), "ec-256")),
        "p384": Key("ec-384", "ES384", p384, _jwk(ECAlgorithm, p384.public_key(), "ec-384")),
        "ed25519": Key("okp-1", "EdDSA", ed, _jwk(OKPAlgorithm, ed.public_key(), "okp-1")),
        "oct": Key("oct-1", "HS256", secret, _jwk(HMACAlgorithm, secret, "oct-1", use="sig")),
    }
    # The served JWKs are what PyJWT would export too.
    assert found["rsa1"].jwk == _jwk(pyjwt.algorithms.RSAAlgorithm, rsa1.public_key(), "rsa-1", use="sig")
    assert found["p256"].jwk == _jwk(pyjwt.algorithms.ECAlgorithm, p256.public_key(), "ec-256")
    assert found["ed25519"].jwk == _jwk(pyjwt.algorithms.OKPAlgorithm, ed.public_key(), "okp-1")
    return found


def jwks(*keys: Key, **overrides: Any) -> dict[str, Any]:
    return {"keys": [dict(k.jwk, **overrides) for k in keys]}


def token_for(key: Key, claims: dict[str, Any] | None = None, kid: Any = "from-key") -> str:
    headers = {} if kid is None else {"kid": key.kid if kid == "from-key" else kid}
    return pyjwt_fast.encode(claims or {"sub": "alice"}, key.private, algorithm=key.alg, headers=headers)


def both(server: JWKSServer, path: str = "/jwks", **kwargs: Any) -> dict[str, Any]:
    """A pyjwt_fast client and a PyJWT client, same arguments, same server and
    path (told apart by the query string)."""
    return {name: cls(server.url(path, name), **kwargs) for name, cls in CLIENTS.items()}


def assert_same(outcomes: dict[str, Outcome], what: str = "") -> Outcome:
    assert_same_outcome(outcomes["pyjwt"], outcomes["fast"], what)
    return outcomes["fast"]


def error(o: Outcome) -> tuple[str, str]:
    """(class name, message) of a failed outcome."""
    assert not o.ok, o
    return o.result[1], o.result[2]


def raised(o: Outcome) -> BaseException:
    """The exception of a failed outcome."""
    assert o.exc is not None, o
    return o.exc


# --------------------------------------------------------------------------
# end to end
# --------------------------------------------------------------------------


KEY_NAMES = ["rsa1", "ps", "p256", "p384", "ed25519", "oct"]


def test_every_key_type_end_to_end(server: JWKSServer, keys: dict[str, Key]) -> None:
    served = [keys[name] for name in KEY_NAMES]
    server.serve("/jwks", jwks(*served))
    clients = both(server)

    for key in served:
        token = token_for(key, {"sub": "alice", "kid-was": key.kid})
        found = {name: c.get_signing_key_from_jwt(token) for name, c in clients.items()}

        signing_key = found["fast"]
        assert isinstance(signing_key, PyJWK)
        assert (signing_key.key_id, signing_key.key_type, signing_key.algorithm_name) == (
            found["pyjwt"].key_id,
            found["pyjwt"].key_type,
            found["pyjwt"].algorithm_name,
        ) == (key.kid, key.jwk["kty"], key.alg)
        assert pyjwt_fast.decode(token, signing_key.key, algorithms=[key.alg]) == {
            "sub": "alice",
            "kid-was": key.kid,
        }
        # The PyJWK itself works as the key too (its algorithm is then implied).
        assert pyjwt_fast.decode(token, signing_key)["kid-was"] == key.kid

    # One request per client: every lookup after the first hit the set cache.
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1


def test_wrong_key_does_not_verify(server: JWKSServer, keys: dict[str, Key]) -> None:
    # A token signed by rsa-2 but claiming kid rsa-1: the served key is found,
    # and the signature check fails as it must.
    server.serve("/jwks", jwks(keys["rsa1"]))
    client = PyJWKClient(server.url())
    forged = token_for(keys["rsa2"], kid="rsa-1")
    signing_key = client.get_signing_key_from_jwt(forged)
    with pytest.raises(pyjwt_fast.InvalidSignatureError, match="Signature verification failed"):
        pyjwt_fast.decode(forged, signing_key.key, algorithms=["RS256"])


def test_get_jwk_set_and_signing_keys(server: JWKSServer, keys: dict[str, Key]) -> None:
    unusable = {"kty": "EC", "crv": "P-999", "x": "AA", "y": "AA", "kid": "bad-curve"}
    enc_key = dict(keys["rsa2"].jwk, use="enc")
    no_kid = {k: v for k, v in keys["p256"].jwk.items() if k != "kid"}
    server.serve("/jwks", {"keys": [keys["rsa1"].jwk, unusable, enc_key, no_kid, keys["oct"].jwk]})

    for name, client in both(server).items():
        jwk_set = client.get_jwk_set()
        # The unusable key is skipped; the others are all in the set.
        assert [k.key_id for k in jwk_set.keys] == ["rsa-1", "rsa-2", None, "oct-1"], name
        # Signing keys: a kid, and use "sig" or no use.
        assert [k.key_id for k in client.get_signing_keys()] == ["rsa-1", "oct-1"], name
        assert client.get_signing_key("oct-1").key == b"s" * 32
    assert isinstance(both(server)["fast"].get_jwk_set(), PyJWKSet)


# --------------------------------------------------------------------------
# caching and rotation
# --------------------------------------------------------------------------


def test_set_cache_lifespan(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, lifespan=0.5)

    for c in clients.values():
        c.get_signing_key("rsa-1")
        c.get_signing_key("rsa-1")
        c.get_jwk_set()
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1

    time.sleep(0.6)  # past the lifespan
    for c in clients.values():
        c.get_signing_key("rsa-1")
        c.get_signing_key("rsa-1")
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2

    # refresh=True always goes to the endpoint.
    for c in clients.values():
        c.get_jwk_set(refresh=True)
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 3


def test_rotation_unknown_kid_refetches(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, cooldown_duration=0)
    for c in clients.values():
        assert c.get_signing_key("rsa-1").key_id == "rsa-1"

    # The endpoint rotates to rsa-2; the cached set (lifespan 300 s) lacks it.
    server.serve("/jwks", jwks(keys["rsa2"]))
    token = token_for(keys["rsa2"])
    for c in clients.values():
        signing_key = c.get_signing_key_from_jwt(token)
        assert pyjwt_fast.decode(token, signing_key.key, algorithms=["RS256"]) == {"sub": "alice"}
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2

    # The refetched set replaced the cached one: rsa-1 is gone, and asking for
    # it refetches once more before failing.
    o = assert_same({n: outcome(c.get_signing_key, "rsa-1") for n, c in clients.items()})
    assert error(o) == ("PyJWKClientError", 'Unable to find a signing key that matches: "rsa-1"')
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 3


def test_rotation_waits_for_the_cooldown(server: JWKSServer, keys: dict[str, Key]) -> None:
    # Every successful fetch starts the cooldown, the first one included: a key
    # rotated in right after it is not fetched until the cooldown has passed.
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, cooldown_duration=0.5)
    for c in clients.values():
        c.get_signing_key("rsa-1")
    server.serve("/jwks", jwks(keys["rsa1"], keys["rsa2"]))

    o = assert_same({n: outcome(c.get_signing_key, "rsa-2") for n, c in clients.items()})
    assert error(o) == ("PyJWKClientError", 'Unable to find a signing key that matches: "rsa-2"')
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1  # no refetch

    time.sleep(0.55)  # past the cooldown
    for c in clients.values():
        assert c.get_signing_key("rsa-2").key_id == "rsa-2"
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2


def test_unknown_kid_storm_makes_one_request(server: JWKSServer, keys: dict[str, Key]) -> None:
    # With the default cooldown, tokens with made-up kids cannot make every
    # lookup reach the endpoint.
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server)
    for name, c in clients.items():
        for i in range(5):
            o = outcome(c.get_signing_key, f"made-up-{i}")
            assert error(o) == (
                "PyJWKClientError",
                f'Unable to find a signing key that matches: "made-up-{i}"',
            ), name
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1


def test_cache_disabled_fetches_every_time(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, cache_jwk_set=False, cooldown_duration=30)
    for c in clients.values():
        assert c.jwk_set_cache is None
        c.get_signing_key("rsa-1")
        c.get_signing_key("rsa-1")
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2

    # A miss refetches at once: without the set cache there is no cooldown.
    o = assert_same({n: outcome(c.get_signing_key, "nope") for n, c in clients.items()})
    assert error(o)[0] == "PyJWKClientError"
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 4


def test_signing_key_lru_never_expires(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, cache_keys=True, lifespan=0.2)
    for c in clients.values():
        c.get_signing_key("rsa-1")

    # rsa-1 leaves the endpoint and the set cache expires; the LRU still
    # answers, without a request.
    server.serve("/jwks", jwks(keys["rsa2"]))
    time.sleep(0.3)
    for c in clients.values():
        assert c.get_signing_key("rsa-1").key_id == "rsa-1"
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1
    # Only lookups through the LRU are spared: the set itself did expire.
    for c in clients.values():
        assert [k.key_id for k in c.get_signing_keys()] == ["rsa-2"]
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2


def test_signing_key_lru_evicts(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"], keys["rsa2"]))
    clients = both(server, cache_keys=True, max_cached_keys=1, cache_jwk_set=False)
    for kid, expected_hits in [("rsa-1", 1), ("rsa-1", 1), ("rsa-2", 2), ("rsa-1", 3)]:
        for c in clients.values():
            assert c.get_signing_key(kid).key_id == kid
        assert server.hits(client="fast") == server.hits(client="pyjwt") == expected_hits, kid
    # functools.lru_cache, as in PyJWT.
    assert clients["fast"].get_signing_key.cache_info().maxsize == 1


def test_failed_refresh_keeps_the_cached_set(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server)
    for c in clients.values():
        c.get_jwk_set()

    server.serve("/jwks", Reply(status=503, body=b"down"))
    o = assert_same({n: outcome(c.get_jwk_set, refresh=True) for n, c in clients.items()})
    assert error(o) == (
        "PyJWKClientConnectionError",
        'Fail to fetch data from the url, err: "HTTP Error 503: Service Unavailable"',
    )
    for c in clients.values():
        assert [k.key_id for k in c.get_jwk_set().keys] == ["rsa-1"]
        assert c.get_signing_key("rsa-1").key_id == "rsa-1"
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2


def test_concurrent_lookups_share_one_request(server: JWKSServer, keys: dict[str, Key]) -> None:
    # A slow endpoint and 8 threads at once: the client lock makes the first
    # lookup fetch and the others use its result; for an unknown kid the
    # cooldown stops each thread from refetching.
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), delay_before_headers=0.1))
    for kid, ok in [("rsa-1", True), ("unknown", False)]:
        client = PyJWKClient(server.url(client=kid))
        start = threading.Barrier(8)
        results: list[Any] = []

        def lookup() -> None:
            start.wait(timeout=5)
            try:
                results.append(client.get_signing_key(kid).key_id)
            except PyJWKClientError as e:
                results.append(str(e))

        threads = [threading.Thread(target=lookup) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=5)
        expected = kid if ok else f'Unable to find a signing key that matches: "{kid}"'
        assert results == [expected] * 8
        assert server.hits(client=kid) == 1


# --------------------------------------------------------------------------
# tokens that cannot be read: no request at all
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token, message",
    [
        ("not-a-token", "Not enough segments"),
        # header {"alg":"RS256","kid":"rsa-1"}, payload "not json"
        ("eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.bm90IGpzb24.c2ln",
         "Invalid payload string: Expecting value: line 1 column 1 (char 0)"),
        # payload [1]: JSON, but not an object
        ("eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.WzFd.c2ln", "Invalid payload string: must be a json object"),
        # kid 1: not a string (InvalidTokenError, not a DecodeError)
        ("eyJhbGciOiJSUzI1NiIsImtpZCI6MX0.e30.c2ln", "Key ID header parameter must be a string"),
        # b64=false with crit: a detached payload, which this call cannot be given
        ("eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIiwiYjY0IjpmYWxzZSwiY3JpdCI6WyJiNjQiXX0..c2ln",
         'It is required that you pass in a value for the "detached_payload" argument to decode '
         "a message having the b64 header set to false."),
    ],
)
def test_undecodable_token_is_refused_before_any_request(
    server: JWKSServer, keys: dict[str, Key], token: str, message: str
) -> None:
    # PyJWT reads the whole token, payload included, before looking for its
    # key: a token whose header alone is fine still fails here.
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server)
    o = assert_same({n: outcome(c.get_signing_key_from_jwt, token) for n, c in clients.items()})
    assert error(o)[1] == message
    assert isinstance(raised(o), InvalidTokenError)
    assert server.seen == []


def test_token_without_kid(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    clients = both(server, cooldown_duration=0)
    token = token_for(keys["rsa1"], kid=None)
    o = assert_same({n: outcome(c.get_signing_key_from_jwt, token) for n, c in clients.items()})
    assert error(o) == ("PyJWKClientError", 'Unable to find a signing key that matches: "None"')
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2  # fetch + refetch


# --------------------------------------------------------------------------
# slow, failing and malformed responses
# --------------------------------------------------------------------------


def test_slow_headers_time_out(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), delay_before_headers=5))
    clients = both(server, timeout=0.2)
    started = time.monotonic()
    o = assert_same({n: outcome(c.get_jwk_set) for n, c in clients.items()})
    assert time.monotonic() - started < 2  # two timeouts of 0.2 s, not the 5 s delay
    # urllib wraps errors of sending the request in URLError, but not those of
    # reading the response: the TimeoutError comes through as is.
    assert error(o) == ("PyJWKClientConnectionError", 'Fail to fetch data from the url, err: "timed out"')
    assert isinstance(raised(o), PyJWKClientConnectionError)
    assert isinstance(raised(o).__cause__, TimeoutError)


def test_slow_body_times_out(server: JWKSServer, keys: dict[str, Key]) -> None:
    # The headers arrive, then the body stalls: the timeout applies to each
    # read, and json.load's read raises TimeoutError, unwrapped by urllib.
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), delay_mid_body=5))
    clients = both(server, timeout=0.2)
    o = assert_same({n: outcome(c.get_jwk_set) for n, c in clients.items()})
    assert error(o) == ("PyJWKClientConnectionError", 'Fail to fetch data from the url, err: "timed out"')
    assert isinstance(raised(o).__cause__, TimeoutError)


def test_slow_but_within_timeout(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), delay_before_headers=0.1, delay_mid_body=0.1))
    client = PyJWKClient(server.url(), timeout=2)
    assert client.get_signing_key("rsa-1").key_id == "rsa-1"


@pytest.mark.parametrize(
    "status, reason",
    [(400, "Bad Request"), (401, "Unauthorized"), (404, "Not Found"), (500, "Internal Server Error")],
)
def test_http_error_status(server: JWKSServer, keys: dict[str, Key], status: int, reason: str) -> None:
    # Even with a valid JWK Set in the body, an error status is a failure.
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), status=status))
    o = assert_same({n: outcome(c.get_signing_key, "rsa-1") for n, c in both(server).items()})
    assert error(o) == (
        "PyJWKClientConnectionError",
        f'Fail to fetch data from the url, err: "HTTP Error {status}: {reason}"',
    )


def test_truncated_body(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", json_reply(jwks(keys["rsa1"]), truncate=True))
    o = assert_same({n: outcome(c.get_jwk_set) for n, c in both(server).items()})
    cls, message = error(o)
    assert cls == "PyJWKClientConnectionError"
    assert message.startswith('Fail to fetch data from the url, err: "IncompleteRead(')


def test_connection_refused() -> None:
    # A port that was just free: nothing listens there.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/jwks"
    o = assert_same({n: outcome(cls(url).get_jwk_set) for n, cls in CLIENTS.items()})
    cls, message = error(o)
    assert cls == "PyJWKClientConnectionError"
    assert message.startswith('Fail to fetch data from the url, err: "<urlopen error [Errno ')
    assert "refused" in message


@pytest.mark.parametrize(
    "body, exc_name, message",
    [
        # Not JSON: PyJWT lets json.JSONDecodeError through, unwrapped.
        (b"<html>oops</html>", "JSONDecodeError", "Expecting value: line 1 column 1 (char 0)"),
        (b"", "JSONDecodeError", "Expecting value: line 1 column 1 (char 0)"),
        (b'{"keys": [', "JSONDecodeError", "Expecting value: line 1 column 11 (char 10)"),
        (b"[]", "PyJWKClientError", "The JWKS endpoint did not return a JSON object"),
        (b'"keys"', "PyJWKClientError", "The JWKS endpoint did not return a JSON object"),
        (b"{}", "PyJWKSetError", "The JWK Set did not contain any keys"),
        (b'{"keys": []}', "PyJWKSetError", "The JWK Set did not contain any keys"),
        (b'{"keys": {"kty": "oct"}}', "PyJWKSetError", "Invalid JWK Set value"),
        (b'{"keys": [{"kty": "XYZ", "kid": "a"}, 1, {"kid": "b"}]}', "PyJWKSetError",
         "The JWK Set did not contain any usable keys. Perhaps 'cryptography' is not installed?"),
    ],
)
@pytest.mark.parametrize("cache_jwk_set", [True, False])
def test_malformed_body(
    server: JWKSServer, body: bytes, exc_name: str, message: str, cache_jwk_set: bool
) -> None:
    server.serve("/jwks", Reply(body=body))
    clients = both(server, cache_jwk_set=cache_jwk_set)
    o = assert_same({n: outcome(c.get_signing_key, "a") for n, c in clients.items()})
    assert error(o) == (exc_name, message)
    if exc_name == "JSONDecodeError":
        assert type(raised(o)) is json.JSONDecodeError
        assert not isinstance(raised(o), pyjwt_fast.PyJWTError)
    # Nothing was cached: the next call asks again.
    for c in clients.values():
        outcome(c.get_jwk_set)
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 2


@pytest.mark.parametrize(
    "keyset",
    [
        pytest.param(lambda k: jwks(k["rsa1"], k["p256"], use="enc"), id="only-enc"),
        pytest.param(lambda k: {"keys": [{x: v for x, v in k["rsa1"].jwk.items() if x != "kid"}]}, id="no-kid"),
        pytest.param(lambda k: jwks(k["rsa1"], kid=""), id="empty-kid"),
    ],
)
def test_set_without_signing_keys(
    server: JWKSServer, keys: dict[str, Key], keyset: Callable[[dict[str, Key]], dict]
) -> None:
    server.serve("/jwks", keyset(keys))
    clients = both(server)
    for method, args in [("get_signing_keys", ()), ("get_signing_key", ("rsa-1",))]:
        o = assert_same({n: outcome(getattr(c, method), *args) for n, c in clients.items()}, method)
        assert error(o) == ("PyJWKClientError", "The JWKS endpoint did not contain any signing keys")
    # The set itself was usable, so it is cached.
    assert server.hits(client="fast") == server.hits(client="pyjwt") == 1


# --------------------------------------------------------------------------
# redirects, schemes, headers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, reason, target",
    [
        (301, "Moved Permanently", "/elsewhere"),
        (302, "Found", "/elsewhere"),
        (303, "See Other", "/elsewhere"),
        (307, "Temporary Redirect", "/elsewhere"),
        (308, "Permanent Redirect", "/elsewhere"),
        (302, "Found - Redirection to url 'file:///etc/passwd' is not allowed", "file:///etc/passwd"),
    ],
)
def test_redirect_refused(
    server: JWKSServer, keys: dict[str, Key], status: int, reason: str, target: str
) -> None:
    location = server.base_url + target if target.startswith("/") else target
    server.serve("/jwks", Reply(status=status, headers={"Location": location}))
    server.serve("/elsewhere", jwks(keys["rsa1"]))
    clients = both(server, headers={"Authorization": "Bearer s3cret"})
    o = assert_same({n: outcome(c.get_signing_key, "rsa-1") for n, c in clients.items()})
    assert error(o) == (
        "PyJWKClientConnectionError",
        f'Fail to fetch data from the url, err: "HTTP Error {status}: {reason}"',
    )
    # The target was never contacted, so the credentials never went there.
    assert server.requests_to("/elsewhere") == []
    assert len(server.requests_to("/jwks")) == 2


@pytest.mark.parametrize(
    "uri",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/jwks.json",
        'data:application/json,{"keys":[]}',
        "ws://127.0.0.1/jwks",
        "javascript:alert(1)",
        "/jwks.json",
        "127.0.0.1:8080/jwks",  # no scheme: a host cannot start with a digit...
        "localhost:8080/jwks",  # ...but this reads as scheme "localhost"
        "",
    ],
)
def test_non_http_scheme_refused(uri: str) -> None:
    o = assert_same({n: outcome(cls, uri) for n, cls in CLIENTS.items()})
    cls, message = error(o)
    assert cls == "PyJWKClientError"
    assert message.startswith("Invalid JWKS URI scheme ")
    assert message.endswith(": only 'http' and 'https' are supported.")


def test_scheme_is_case_insensitive(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    client = PyJWKClient(server.url().replace("http://", "HTTP://"))
    assert client.get_signing_key("rsa-1").key_id == "rsa-1"


def test_custom_headers_reach_the_server(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    custom = {"Authorization": "Bearer s3cret", "X-Request-Id": "abc-123", "User-Agent": "my-agent/1.0"}
    clients = both(server, headers=custom)
    for c in clients.values():
        c.get_jwk_set()

    seen = {s.path.split("c=", 1)[1]: s for s in server.requests_to("/jwks")}
    for name in CLIENTS:
        assert seen[name].method == "GET"
        received = dict(seen[name].headers)
        assert received["Authorization"] == "Bearer s3cret"
        assert received["User-Agent"] == "my-agent/1.0"  # replaces urllib's own
        # urllib sends header names title()d, whatever the dict's spelling.
        assert received["X-Request-Id"] == "abc-123"
    # Byte for byte the request PyJWT sends, up to the Host port.
    assert seen["fast"].headers == seen["pyjwt"].headers

    # The dict is kept, not copied: changing it changes later requests, as in PyJWT.
    for c in clients.values():
        c.headers["X-Later"] = "1"
        c.get_jwk_set(refresh=True)
    assert all(("X-Later", "1") in s.headers for s in server.requests_to("/jwks")[2:])


def test_default_headers(server: JWKSServer, keys: dict[str, Key]) -> None:
    server.serve("/jwks", jwks(keys["rsa1"]))
    for c in both(server).values():
        c.get_jwk_set()
    fast, ref = (dict(s.headers) for s in server.requests_to("/jwks"))
    assert fast == ref
    assert fast["User-Agent"].startswith("Python-urllib/")
    assert "Authorization" not in fast


# --------------------------------------------------------------------------
# https and ssl_context
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it): a self-signed certificate
    for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (directory / "cert.pem").write_bytes(cert_pem)
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    client_ctx = ssl.create_default_context(cadata=cert_pem.decode())
    return server_ctx, client_ctx


@pytest.fixture
def tls_server(tls_material: tuple[ssl.SSLContext, ssl.SSLContext]) -> Iterator[JWKSServer]:
    srv = JWKSServer(tls=tls_material[0]).start()
    try:
        yield srv
    finally:
        srv.close()


def test_https_with_ssl_context(
    tls_server: JWKSServer, tls_material: tuple[ssl.SSLContext, ssl.SSLContext], keys: dict[str, Key]
) -> None:
    tls_server.serve("/jwks", jwks(keys["p256"]))
    token = token_for(keys["p256"])
    for c in both(tls_server, ssl_context=tls_material[1]).values():
        signing_key = c.get_signing_key_from_jwt(token)
        assert pyjwt_fast.decode(token, signing_key.key, algorithms=["ES256"]) == {"sub": "alice"}
    assert tls_server.hits(client="fast") == tls_server.hits(client="pyjwt") == 1


def test_https_untrusted_certificate(tls_server: JWKSServer, keys: dict[str, Key]) -> None:
    # Without the context that trusts it, the self-signed certificate is refused.
    tls_server.serve("/jwks", jwks(keys["p256"]))
    o = assert_same({n: outcome(c.get_jwk_set) for n, c in both(tls_server).items()})
    cls, message = error(o)
    assert cls == "PyJWKClientConnectionError"
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert tls_server.seen == []
