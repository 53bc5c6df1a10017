"""Public-key encode/decode from 8 threads at once.

pyjwt_fast releases the GIL around RSA/ECDSA/EdDSA work and caches parsed keys
(content-addressed, bounded): these tests run 8 threads that sign and verify
concurrently with keys of every family (RSA PKCS#1 v1.5 and PSS, P-256, P-384,
P-521, secp256k1, Ed25519, Ed448), keys shared by all threads and keys private to
one thread, given as PEM strings / bytes and as cryptography key objects.

Every result is checked in the thread that produced it:
  * decoded claims equal the claims encoded (each token carries its thread, its
    index and a random nonce, so a result crossing threads is caught);
  * for a third of the tokens (chosen by thread and index), RS256 and EdDSA tokens
    equal PyJWT's token for the same input (deterministic signatures) and PS512 / ES*
    tokens verify with PyJWT;
  * a token decoded with another key of the same family raises
    InvalidSignatureError; with a key of another family, the exception PyJWT raises
    for that pair (computed beforehand, single-threaded, with PyJWT).
The switch interval is lowered to interleave threads often. Each test has a hard
time bound (20 s) and fails rather than hangs.

Sustained runs: with PJF_THREADS_SECONDS=S each worker keeps going, past its
usual rounds, until S seconds have passed (the time bound grows to S + 60 s),
checking every result as above:

    PJF_THREADS_SECONDS=600 python -m pytest -q tests/test_threads.py
"""

from __future__ import annotations

import os
import random
import re
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

import pyjwt_fast
import pyjwt_fast.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
KEYDIR = os.path.join(HERE, "keys")
N_THREADS = 8
SUSTAIN = float(os.environ.get("PJF_THREADS_SECONDS", "0") or 0)
TIME_LIMIT = 20.0 if SUSTAIN <= 0 else SUSTAIN + 60.0


def rounds(minimum: int) -> Iterator[int]:
    """0, 1, 2, ...: `minimum` rounds, then more until PJF_THREADS_SECONDS is up."""
    stop = time.perf_counter() + SUSTAIN
    i = 0
    while i < minimum or (SUSTAIN > 0 and time.perf_counter() < stop):
        yield i
        i += 1

# algorithm -> key family
ALG_FAMILY = {
    "RS256": "rsa",
    "PS512": "rsa",
    "ES256": "p256",
    "ES384": "p384",
    "ES512": "p521",
    "ES256K": "secp256k1",
    "EdDSA/ed25519": "ed25519",
    "EdDSA/ed448": "ed448",
}
DETERMINISTIC = {"RS256", "EdDSA/ed25519", "EdDSA/ed448"}
FILE_KEYS = {"rsa": "rsa2048", "p256": "p256", "p384": "p384", "p521": "p521", "secp256k1": "secp256k1",
             "ed25519": "ed25519", "ed448": "ed448"}
CURVES = {"p256": ec.SECP256R1, "p384": ec.SECP384R1, "p521": ec.SECP521R1, "secp256k1": ec.SECP256K1}


def alg_name(alg: str) -> str:
    return alg.split("/")[0]


class KeyPair:
    """One key in every representation the threads use."""

    def __init__(self, priv: Any) -> None:
        self.priv = priv
        self.pub = priv.public_key()
        self.priv_pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()
        self.pub_pem = self.pub.public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _from_file(name: str) -> KeyPair:
    with open(os.path.join(KEYDIR, f"{name}_priv_pkcs8.pem"), "rb") as fh:
        return KeyPair(serialization.load_pem_private_key(fh.read(), password=None))


def _generate(family: str) -> KeyPair:
    if family == "rsa":
        return KeyPair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    if family == "ed25519":
        return KeyPair(ed25519.Ed25519PrivateKey.generate())
    if family == "ed448":
        return KeyPair(ed448.Ed448PrivateKey.generate())
    return KeyPair(ec.generate_private_key(CURVES[family]()))


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    shared = {fam: _from_file(name) for fam, name in FILE_KEYS.items()}
    other = {fam: _from_file(name + "b") for fam, name in FILE_KEYS.items()}  # same family, another key
    own = [{fam: _generate(fam) for fam in FILE_KEYS} for _ in range(N_THREADS)]
    return {"shared": shared, "other": other, "own": own}


@contextmanager
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_threads(worker: Callable[[int], None], progress: Callable[[], Any] | None = None) -> float:
    """Start N_THREADS workers together; re-raise the first failure; bounded time."""
    errors: list[tuple[int, BaseException]] = []
    barrier = threading.Barrier(N_THREADS)

    def body(tid: int) -> None:
        try:
            barrier.wait(timeout=TIME_LIMIT)
            worker(tid)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append((tid, exc))

    threads = [threading.Thread(target=body, args=(i,), name=f"pjf-{i}", daemon=True) for i in range(N_THREADS)]
    start = time.perf_counter()
    with fast_switching():
        for t in threads:
            t.start()
        deadline = start + TIME_LIMIT
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - start
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, (
        f"threads still running after {TIME_LIMIT} s: {alive}"
        + (f"; work done per thread so far: {progress()}" if progress else "")
        + (f"; failures so far: {errors[:3]!r}" if errors else "")
    )
    if errors:
        tid, exc = errors[0]
        raise AssertionError(f"{len(errors)} thread(s) failed; thread {tid}: {exc!r}") from exc
    assert elapsed < TIME_LIMIT, elapsed
    return elapsed


_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")


def _exc_signature(fn: Callable[[], Any]) -> tuple[str, str] | None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return (type(exc).__name__, _ADDR.sub(" at 0x?", str(exc)))
    return None


def test_eight_threads_every_family(keys: dict[str, Any]) -> None:
    shared, other, own = keys["shared"], keys["other"], keys["own"]
    algs = list(ALG_FAMILY)
    families = list(FILE_KEYS)

    # PyJWT's verdict, single-threaded, for a token of each algorithm decoded with a
    # public key of each other family (as a PEM string and as an object)
    cross: dict[tuple[str, str, str], tuple[str, str] | None] = {}
    for alg in algs:
        fam = ALG_FAMILY[alg]
        tok = pyjwt.encode({"x": 1}, shared[fam].priv, algorithm=alg_name(alg))
        for ofam in families:
            if ofam == fam:
                continue
            for form in ("pem", "obj"):
                key = shared[ofam].pub_pem if form == "pem" else shared[ofam].pub
                verdict = _exc_signature(lambda: pyjwt.decode(tok, key, algorithms=[alg_name(alg)]))
                assert verdict is not None, (alg, ofam, form)  # PyJWT refuses every cross-family key
                cross[(alg, ofam, form)] = verdict

    iterations = 10  # x 8 algorithms: 80 tokens encoded and ~300 decodes per thread
    counts = [0] * N_THREADS

    def worker(tid: int) -> None:
        rng = random.Random(tid)
        for i in rounds(iterations):
            for j, alg in enumerate(algs):
                fam = ALG_FAMILY[alg]
                name = alg_name(alg)
                mine = (i + j + tid) % 2 == 0
                kp = own[tid][fam] if mine else shared[fam]
                # RSA private PEMs are the costly form for PyJWT as the stand-in (~35 ms
                # a load): one RSA token in five; half of the others
                use_pem = (i + tid) % 2 == 0 if fam != "rsa" else (i + tid) % 5 == 0
                priv = (kp.priv_pem if j % 2 else kp.priv_pem.encode()) if use_pem else kp.priv
                pub = kp.pub_pem if (i + j) % 2 else kp.pub
                claims = {"tid": tid, "i": i, "alg": alg, "nonce": rng.getrandbits(64), "shared": not mine}
                headers = {"kid": f"{tid}-{i}-{j}"}
                token = pyjwt_fast.encode(claims, priv, algorithm=name, headers=headers)
                assert isinstance(token, str)
                if (i + j + tid) % 3 == 0:
                    # PyJWT on a third of the tokens (it costs as much as pyjwt_fast's own work)
                    if alg in DETERMINISTIC:
                        assert token == pyjwt.encode(claims, kp.priv, algorithm=name, headers=headers), (tid, i, alg)
                    else:
                        assert pyjwt.decode(token, kp.pub, algorithms=[name]) == claims, (tid, i, alg)
                assert pyjwt_fast.get_unverified_header(token)["kid"] == headers["kid"]
                got = pyjwt_fast.decode(token, pub, algorithms=[name])
                assert got == claims, (tid, i, alg, got)
                full = pyjwt_fast.decode_complete(token, kp.pub_pem.encode(), algorithms=[name])
                assert full["payload"] == claims and full["header"]["kid"] == headers["kid"]
                # another key of the same family: InvalidSignatureError
                wrong = other[fam] if mine else own[(tid + 1) % N_THREADS][fam]
                wrong_key = wrong.pub_pem if i % 2 else wrong.pub
                try:
                    pyjwt_fast.decode(token, wrong_key, algorithms=[name])
                except pyjwt_fast.exceptions.InvalidSignatureError as exc:
                    assert str(exc) == "Signature verification failed"
                else:
                    raise AssertionError(f"token verified with the wrong key: {tid} {i} {alg}")
                # a key of another family: PyJWT's exception for that pair
                if i % 3 == 0:
                    ofam = families[(families.index(fam) + 1 + i + tid) % len(families)]
                    if ofam == fam:
                        ofam = families[(families.index(fam) + 1) % len(families)]
                    form = "pem" if (i + tid) % 2 else "obj"
                    okey = shared[ofam].pub_pem if form == "pem" else shared[ofam].pub
                    verdict = _exc_signature(lambda: pyjwt_fast.decode(token, okey, algorithms=[name]))
                    assert verdict == cross[(alg, ofam, form)], (tid, i, alg, ofam, form, verdict)
                counts[tid] += 1

    elapsed = run_threads(worker, progress=lambda: f"{list(counts)} of {iterations * len(algs)} tokens")
    if SUSTAIN > 0:
        assert all(c >= iterations * len(algs) for c in counts), counts
    else:
        assert counts == [iterations * len(algs)] * N_THREADS
    print(f"{sum(counts)} tokens in {elapsed:.2f} s")


def test_eight_threads_decode_shared_tokens_with_pem_strings(keys: dict[str, Any]) -> None:
    """Many threads verifying the same tokens with the same PEM strings (one cache
    entry hammered from all threads), interleaved with tampered copies."""
    shared = keys["shared"]
    tokens = []
    for k, alg in enumerate(ALG_FAMILY):
        fam = ALG_FAMILY[alg]
        for n in range(6):
            claims = {"k": k, "n": n, "alg": alg}
            tok = pyjwt.encode(claims, shared[fam].priv, algorithm=alg_name(alg))
            h, p, s = tok.split(".")
            bad = f"{h}.{p}.{s[:-4]}{'AAAA' if s[-4:] != 'AAAA' else 'BBBB'}"
            tokens.append((alg, fam, tok, bad, claims))

    def worker(tid: int) -> None:
        order = list(range(len(tokens)))
        random.Random(tid).shuffle(order)
        for _round in rounds(2):
            for idx in order:
                alg, fam, tok, bad, claims = tokens[idx]
                pem = shared[fam].pub_pem if (idx + tid) % 2 else shared[fam].pub_pem.encode()
                assert pyjwt_fast.decode(tok, pem, algorithms=[alg_name(alg)]) == claims
                try:
                    pyjwt_fast.decode(bad, pem, algorithms=[alg_name(alg)])
                except pyjwt_fast.exceptions.InvalidSignatureError:
                    pass
                else:
                    raise AssertionError(f"tampered token accepted: {alg} {idx}")

    run_threads(worker)


def test_eight_threads_key_cache_churn() -> None:
    """Many distinct keys (more than a small cache holds), visited by every thread in
    a different order: each token verifies with its own key's PEM and never with
    its neighbour's, however the cache is being evicted and refilled."""
    pool: list[tuple[str, KeyPair]] = []
    for _ in range(96):
        pool.append(("ES256", KeyPair(ec.generate_private_key(ec.SECP256R1()))))
    for _ in range(48):
        pool.append(("EdDSA", KeyPair(ed25519.Ed25519PrivateKey.generate())))
    for _ in range(16):
        pool.append(("ES384", KeyPair(ec.generate_private_key(ec.SECP384R1()))))
    tokens = [pyjwt.encode({"key": i}, kp.priv, algorithm=alg) for i, (alg, kp) in enumerate(pool)]

    def worker(tid: int) -> None:
        rng = random.Random(1000 + tid)
        order = list(range(len(pool)))
        for _round in rounds(2):
            rng.shuffle(order)
            for i in order:
                alg, kp = pool[i]
                assert pyjwt_fast.decode(tokens[i], kp.pub_pem, algorithms=[alg]) == {"key": i}
                # its neighbour of the same algorithm: refused
                j = i + 1 if i + 1 < len(pool) and pool[i + 1][0] == alg else i - 1
                try:
                    pyjwt_fast.decode(tokens[i], pool[j][1].pub_pem, algorithms=[alg])
                except pyjwt_fast.exceptions.InvalidSignatureError:
                    pass
                else:
                    raise AssertionError(f"token {i} verified with key {j}")
                if i % 8 == tid:
                    # signing with the private PEM, verified by PyJWT
                    tok = pyjwt_fast.encode({"t": tid, "i": i}, kp.priv_pem, algorithm=alg)
                    assert pyjwt.decode(tok, kp.pub, algorithms=[alg]) == {"t": tid, "i": i}

    run_threads(worker)


def test_eight_threads_hmac_shared_and_distinct_secrets() -> None:
    """HS256/384/512 from 8 threads: one secret shared by all threads and one
    per thread, as str and bytes, with a pool of extra secrets larger than the
    HMAC state cache so entries are evicted while other threads use them. Every
    token must equal PyJWT's and decode to its own claims; a neighbour's secret
    must be refused."""
    # 64 bytes or more: no key-length warnings for any of the three hashes
    shared = "s" * 64
    own = [os.urandom(64 + tid) for tid in range(N_THREADS)]
    pool = [f"pool-secret-{n:03d}-" + "x" * 64 for n in range(64)]
    algs = ["HS256", "HS384", "HS512"]
    counts = [0] * N_THREADS

    def worker(tid: int) -> None:
        rng = random.Random(2000 + tid)
        for i in rounds(60):
            alg = algs[(i + tid) % 3]
            choice = i % 4
            key: Any = shared if choice == 0 else own[tid] if choice == 1 else pool[rng.randrange(len(pool))]
            if choice == 0 and i % 8 == 0:
                key = key.encode()
            claims = {"tid": tid, "i": i, "n": rng.getrandbits(48)}
            token = pyjwt_fast.encode(claims, key, algorithm=alg, headers={"kid": str(i)} if i % 5 == 0 else None)
            if i % 7 == 0:
                assert token == pyjwt.encode(claims, key, algorithm=alg,
                                             headers={"kid": str(i)} if i % 5 == 0 else None), (tid, i)
            assert pyjwt_fast.decode(token, key, algorithms=[alg]) == claims, (tid, i)
            wrong = own[(tid + 1) % N_THREADS]
            try:
                pyjwt_fast.decode(token, wrong, algorithms=[alg])
            except pyjwt_fast.exceptions.InvalidSignatureError:
                pass
            else:
                raise AssertionError(f"token verified with another thread's secret: {tid} {i}")
            counts[tid] += 1

    run_threads(worker, progress=lambda: f"{list(counts)} tokens")
    assert all(c >= 60 for c in counts), counts
