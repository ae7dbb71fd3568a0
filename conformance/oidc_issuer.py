#!/usr/bin/env python3
"""A minimal OIDC issuer for the s3-tests webidentity_test group (test tooling, not for production).

    oidc_issuer.py --realm REALM --conf OUT.conf [--port 8080] [--ready FILE]

The suite hard-codes its issuer as http://localhost:8080/auth/realms/<KC_REALM> (Keycloak's URL
shape), so this serves, over plain HTTP on 127.0.0.1:PORT:
  /auth/realms/REALM/.well-known/openid-configuration   (issuer, jwks_uri)
  /auth/realms/REALM/protocol/openid-connect/certs      (the JWKS: one RSA key, made at start)
It signs two RS256 ID tokens (valid 2 h) and writes the suite's [webidentity] section to OUT.conf:
  token       iss/aud/sub/azp only (the trust-policy claim tests, session policy tests);
  user_token  the same plus the session-tags claim https://aws.amazon.com/tags with principal_tags
              Department: [Engineering] and transitive_tag_keys [Department]. One value, as AWS
              takes session tags; RGW's CI token has Department: [Engineering, Marketing], which
              only test_assume_role_with_web_identity_for_all_values_deny needs (see
              known-webidentity-failures.txt).
The thumbprint is the SHA-1 of a self-signed certificate of the key (tokengate does not check
thumbprints; the suite only passes it to CreateOpenIDConnectProvider). Then it serves until killed.
Exit status 2 if the port is taken.
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import json
import os
import socket
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

AUD = "s3tests-client"
AZP = "s3tests-client"
SUB = "s3tests-subject-0001"
LIFETIME = 7200
KID = "s3tests-key-1"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n):
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def sign(key, claims):
    header = {"alg": "RS256", "typ": "JWT", "kid": KID}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def thumbprint(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(seconds=LIFETIME)).sign(key, hashes.SHA256()))
    return hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--realm", required=True)
    ap.add_argument("--conf", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--ready", help="file written once the server listens")
    args = ap.parse_args()

    probe = socket.socket()
    # As the server will: a previous run's TIME_WAIT connections do not make the port taken.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", args.port))
    except OSError as e:
        print(f"oidc_issuer: 127.0.0.1:{args.port} is taken ({e}); the suite needs its issuer at "
              f"http://localhost:{args.port}/auth/realms/{args.realm}. Stop what listens there first.",
              file=sys.stderr)
        return 2
    finally:
        probe.close()

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = key.public_key().public_numbers()
    issuer = f"http://localhost:{args.port}/auth/realms/{args.realm}"
    jwks = {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": uint(pub.n), "e": uint(pub.e)}]}
    discovery = {"issuer": issuer, "jwks_uri": issuer + "/protocol/openid-connect/certs",
                 "id_token_signing_alg_values_supported": ["RS256"], "response_types_supported": ["id_token"],
                 "subject_types_supported": ["public"]}
    now = int(time.time())
    base = {"iss": issuer, "aud": AUD, "sub": SUB, "azp": AZP, "iat": now, "nbf": now, "exp": now + LIFETIME}
    user = dict(base, **{"https://aws.amazon.com/tags": {
        "principal_tags": {"Department": ["Engineering"]},
        "transitive_tag_keys": ["Department"]}})
    with open(args.conf, "w") as f:
        f.write("[webidentity]\n")
        f.write(f"token = {sign(key, base)}\n")
        f.write(f"user_token = {sign(key, user)}\n")
        f.write(f"aud = {AUD}\nazp = {AZP}\nsub = {SUB}\n")
        f.write(f"thumbprint = {thumbprint(key)}\n")
        f.write(f"KC_REALM = {args.realm}\n")

    routes = {
        f"/auth/realms/{args.realm}/.well-known/openid-configuration": json.dumps(discovery).encode(),
        f"/auth/realms/{args.realm}/protocol/openid-connect/certs": json.dumps(jwks).encode(),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = routes.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b'{"error":"not found"}'
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *a):
            sys.stderr.write("oidc_issuer: " + (fmt % a) + "\n")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write(issuer + "\n")
        os.replace(args.ready + ".tmp", args.ready)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
