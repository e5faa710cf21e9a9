"""Another issuer's web site, served over real HTTPS on this machine with its own certificate authority, and an
issuer publishing its DID document and status list there (used by tests and bench/certificates.py)."""

import datetime
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from laurel.certificates.credentials import did, jsonld, multikey, proofs, status_list


def _certificate(subject, issuer_name, public_key, signing_key, *, ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


class HttpsSite:
    """`routes` maps a path to (status, headers, body bytes, delay in seconds). The certificate is for
    `localhost` only, so asking for 127.0.0.1 by address fails the host name check."""

    def __init__(self, tmp_path):
        ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = _certificate("Test CA", "Test CA", ca_key.public_key(), ca_key, ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(
            "localhost", "Test CA", key.public_key(), ca_key, ca=False, names=[x509.DNSName("localhost")]
        )
        cert_file, key_file = tmp_path / "site.pem", tmp_path / "site.key"
        cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                status, headers, body, delay = site.routes.get(self.path, (404, {}, b"not found", 0))
                time.sleep(delay)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def did(self) -> str:
        return f"did:web:localhost%3A{self.port}"

    def url(self, path: str) -> str:
        return f"https://localhost:{self.port}{path}"

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this site's authority (and nothing else)."""
        context = ssl.create_default_context(cadata=self.ca.public_bytes(serialization.Encoding.PEM).decode())
        return context

    def serve_json(self, path: str, document, *, delay: float = 0, status: int = 200) -> None:
        body = json.dumps(document).encode()
        self.routes[path] = (status, {"Content-Type": "application/json"}, body, delay)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class OtherIssuer:
    def __init__(self, site, *, relative_ids=False):
        self.site = site
        self.key = Ed25519PrivateKey.generate()
        self.did = site.did
        self.method = f"{self.did}#key-1"
        method_id = "#key-1" if relative_ids else self.method
        site.serve_json(
            "/.well-known/did.json",
            {
                "@context": did.DID_CONTEXTS,
                "id": self.did,
                "verificationMethod": [
                    {
                        "id": method_id,
                        "type": "Multikey",
                        "controller": self.did,
                        "publicKeyMultibase": multikey.public_key_to_multikey(self.key.public_key()),
                    }
                ],
                "assertionMethod": [method_id],
            },
        )
        self.publish_status(set())

    def publish_status(self, revoked: set[int]):
        listed = {
            "@context": [jsonld.CREDENTIALS_V2],
            "id": self.site.url("/status/1"),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": self.site.url("/status/1#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": status_list.encode(revoked),
            },
        }
        self.site.serve_json("/status/1", proofs.sign(listed, private_key=self.key, verification_method=self.method))

    def credential(self, name="王䶮", *, index=7, key=None, model="2.0"):
        """An Open Badge with a status entry, in VC 2.0 or (as most issuers still sign) VC 1.1."""
        if model == "1.1":
            contexts = [
                jsonld.CREDENTIALS_V1,
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
                jsonld.DATA_INTEGRITY_V2,
                "https://www.w3.org/ns/credentials/status/v1",
            ]
            dated = {"issuanceDate": "2025-05-30T00:00:00Z"}
        else:
            contexts = [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3]
            dated = {"validFrom": "2025-05-30T00:00:00Z"}
        document = {
            "@context": contexts,
            "id": "urn:uuid:6f1f3a52-8c1e-4f43-9a0e-3c1e0f6b2a11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "省级优秀科技工作者",
            "issuer": {"id": self.did, "type": ["Profile"], "name": "云岭省科学技术协会"},
            **dated,
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": name,
                "achievement": {
                    "id": "urn:uuid:0b4c7c0e-2f5e-4d8e-9d0a-6d5f0a1e2b33",
                    "type": ["Achievement"],
                    "name": "省级优秀科技工作者",
                    "criteria": {"narrative": "在科研一线作出突出贡献。"},
                },
            },
            "credentialStatus": {
                "id": self.site.url(f"/status/1#{index}"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": self.site.url("/status/1"),
            },
        }
        return proofs.sign(document, private_key=key or self.key, verification_method=self.method)
