"""A small OpenID Connect provider for misper's single sign-on tests and demo (``misper devidp``): a real process on 127.0.0.1 with
discovery, JWKS, a sign-in page, and authorisation code, token and userinfo endpoints (RS256 ID tokens,
PKCE S256, one-time codes, exact redirect URIs, client secret by POST body or Basic).

    python -m misper.accounts.devidp CONFIG.json      # prints "PORT <n>" once it listens on 127.0.0.1:<n>

CONFIG: ``{"tenants": {"a": {"clients": {ID: {"secret": S, "redirect_uris": [...]}}, "users": {NAME:
{claims}}}}}``; tenant ``a`` has the issuer ``http://127.0.0.1:<n>/a`` and its own signing key.

Written here rather than taken from an OpenID provider library because the tests need a provider that
misbehaves on purpose, once, when told to (``POST /_control``): an ID token for another audience, signed
with an unpublished key or by HS256 with the client secret, expired, from another tenant's issuer and key,
carrying an earlier sign-in's nonce, or none. For tests and the demo only (it refuses to start in
production): anyone may sign in as any of its accounts, which are synthetic, with made-up secrets.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CODE_SECONDS = 60
TOKEN_SECONDS = 300


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Tenant:
    def __init__(self, name: str, config: dict[str, Any], base: str) -> None:
        self.name = name
        self.issuer = f"{base}/{name}"
        self.clients: dict[str, dict[str, Any]] = config["clients"]
        self.users: dict[str, dict[str, Any]] = config["users"]
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"{name}-key-1"
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, str] = {}
        self.tamper = ""
        self.last_nonce = ""

    def jwks(self) -> dict[str, Any]:
        pub = self.key.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64(pub.n),
            "e": _b64(pub.e),
        }
        return {"keys": [jwk]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "authorization_response_iss_parameter_supported": True,
        }


class Provider:
    def __init__(self, config: dict[str, Any], base: str) -> None:
        self.tenants = {name: Tenant(name, t, base) for name, t in config["tenants"].items()}
        self.lock = threading.Lock()

    def id_token(self, tenant: Tenant, client_id: str, grant: dict[str, Any]) -> str:
        now = int(time.time())
        user = tenant.users[grant["user"]]
        claims = {
            **{k: v for k, v in user.items() if k != "userinfo_only"},
            "iss": tenant.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": now,
            "nonce": grant["nonce"],
        }
        key: Any = tenant.key
        headers = {"kid": tenant.kid}
        mode, tenant.tamper = tenant.tamper, ""
        if mode == "wrong_audience":
            claims["aud"] = "another-service"
        elif mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif mode == "replayed_nonce":
            claims["nonce"] = tenant.last_nonce
        elif mode == "no_nonce":
            del claims["nonce"]
        elif mode == "bad_signature":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif mode.startswith("issuer_of:"):
            other = self.tenants[mode.split(":", 1)[1]]
            claims["iss"], key, headers = other.issuer, other.key, {"kid": other.kid}
        elif mode.startswith("claimed_issuer:"):
            claims["iss"] = self.tenants[mode.split(":", 1)[1]].issuer  # signed with this tenant's key
        elif mode == "hs256_with_client_secret":
            return jwt.encode(claims, tenant.clients[client_id]["secret"], algorithm="HS256", headers=headers)
        tenant.last_nonce = grant["nonce"]
        return jwt.encode(claims, key, algorithm="RS256", headers=headers)


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self, status: int, body: Any, content_type: str = "application/json", headers: Any = ()
    ) -> None:
        data = (
            body
            if isinstance(body, bytes)
            else (json.dumps(body) if content_type == "application/json" else body).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> tuple[Tenant | None, str, dict[str, str]]:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/", 1)
        tenant = self.server.provider.tenants.get(parts[0])
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        return tenant, (parts[1] if len(parts) > 1 else ""), query

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(body or "{}")  # type: ignore[no-any-return]
        return {k: v[0] for k, v in parse_qs(body).items()}

    def do_GET(self) -> None:
        tenant, path, query = self._route()
        if tenant is None:
            return self._send(404, {"error": "not_found"})
        if path == ".well-known/openid-configuration":
            return self._send(200, tenant.discovery())
        if path == "jwks":
            return self._send(200, tenant.jwks())
        if path == "authorize":
            return self._authorize_page(tenant, query)
        if path == "userinfo":
            return self._userinfo(tenant)
        return self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        if self.path == "/_control":
            return self._control(self._form())
        tenant, path, _ = self._route()
        if tenant is None:
            return self._send(404, {"error": "not_found"})
        if path == "authorize":
            return self._authorize(tenant, self._form())
        if path == "token":
            return self._token(tenant, self._form())
        return self._send(404, {"error": "not_found"})

    def _request_error(self, tenant: Tenant, params: dict[str, str]) -> str:
        client = tenant.clients.get(params.get("client_id", ""))
        if client is None:
            return "unknown client"
        if params.get("redirect_uri") not in client["redirect_uris"]:
            return "redirect_uri not registered"
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return "only the code flow with the openid scope"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE S256 required"
        return ""

    def _authorize_page(self, tenant: Tenant, params: dict[str, str]) -> None:
        error = self._request_error(tenant, params)
        if error:
            return self._send(400, f"<p>{html.escape(error)}</p>", "text/html")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        options = "".join(f'<option value="{html.escape(u)}">{html.escape(u)}</option>' for u in tenant.users)
        page = (
            f"<!doctype html><html lang='en'><head><title>Test provider {tenant.name}</title></head><body>"
            f"<main><h1>Test identity provider {html.escape(tenant.name)}</h1>"
            f"<form method='post' action='/{tenant.name}/authorize'>{hidden}"
            f"<label for='user'>Account</label><select id='user' name='user'>{options}</select>"
            f"<button type='submit' name='decision' value='allow'>Continue</button>"
            f"<button type='submit' name='decision' value='deny'>Cancel</button></form></main></body></html>"
        )
        return self._send(200, page, "text/html; charset=utf-8")

    def _authorize(self, tenant: Tenant, form: dict[str, str]) -> None:
        error = self._request_error(tenant, form)
        if error or form.get("user") not in tenant.users:
            return self._send(400, f"<p>{html.escape(error or 'unknown account')}</p>", "text/html")
        back: dict[str, str] = {"state": form.get("state", ""), "iss": tenant.issuer}
        if form.get("decision") == "deny":
            back["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            with self.server.provider.lock:
                tenant.codes[code] = {**form, "at": time.time(), "used": False}
            back["code"] = code
        return self._send(302, b"", "text/plain", [("Location", f"{form['redirect_uri']}?{urlencode(back)}")])

    def _client(self, tenant: Tenant, form: dict[str, str]) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        client = tenant.clients.get(client_id)
        ok = client is not None and secrets.compare_digest(client["secret"], secret)
        return client_id if ok else ""

    def _token(self, tenant: Tenant, form: dict[str, str]) -> None:
        client_id = self._client(tenant, form)
        if not client_id:
            return self._send(401, {"error": "invalid_client"})
        with self.server.provider.lock:
            grant = tenant.codes.get(form.get("code", ""))
            fresh = grant is not None and not grant["used"] and time.time() - grant["at"] < CODE_SECONDS
            if grant is not None:
                grant["used"] = True
        if not fresh or grant is None or grant["client_id"] != client_id:
            return self._send(400, {"error": "invalid_grant"})
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return self._send(400, {"error": "invalid_grant", "error_description": "redirect_uri differs"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["code_challenge"]:
            return self._send(400, {"error": "invalid_grant", "error_description": "PKCE verifier"})
        access = secrets.token_urlsafe(24)
        with self.server.provider.lock:
            tenant.access_tokens[access] = grant["user"]
            id_token = self.server.provider.id_token(tenant, client_id, grant)
        body = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "id_token": id_token,
        }
        return self._send(200, body)

    def _userinfo(self, tenant: Tenant) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        name = tenant.access_tokens.get(token)
        if name is None:
            return self._send(401, {"error": "invalid_token"})
        user = tenant.users[name]
        return self._send(
            200, {**user.get("userinfo_only", {}), "sub": user["sub"], "email": user.get("email")}
        )

    def _control(self, body: dict[str, Any]) -> None:
        """Test control: change a tenant's users' claims, register a redirect URI, or make the next ID
        token misbehave (``tamper``)."""
        tenant = self.server.provider.tenants[body["tenant"]]
        with self.server.provider.lock:
            for name, claims in body.get("users", {}).items():
                tenant.users[name] = claims
            if "tamper" in body:
                tenant.tamper = body["tamper"]
            if "redirect_uri" in body:
                for client in tenant.clients.values():
                    client["redirect_uris"].append(body["redirect_uri"])
        return self._send(200, {"issuer": tenant.issuer})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: Provider


def serve(config: dict[str, Any], port: int = 0) -> None:
    """Listen on 127.0.0.1:``port`` (0: a free one), print ``PORT <n>``, and serve until stopped. Never
    in production: it signs anyone in as any of its accounts."""
    if os.environ.get("MISPER_ENV", "demo") == "production":
        raise SystemExit("The demo identity provider does not run in production.")
    server = Server(("127.0.0.1", port), Handler)
    server.provider = Provider(config, f"http://127.0.0.1:{server.server_address[1]}")
    if port == 0:  # a free port was taken: say which (the tests read it)
        sys.stdout.write(f"PORT {server.server_address[1]}\n")
        sys.stdout.flush()
    server.serve_forever()


def main() -> None:
    with open(sys.argv[1]) as f:
        serve(json.load(f))


if __name__ == "__main__":
    main()
