"""A small client for Cairn's JSON admin API (docs/admin-api.md), signed with SigV4 through the
harness's raw request helper, for test_admin.py and test_iam.py."""

from __future__ import annotations

import json

from harness import CairnServer, RawResponse

BASE = "/cairn/admin/v1/"


class AdminResponse:
    def __init__(self, raw: RawResponse):
        self.raw = raw
        self.status = raw.status
        self.text = raw.body.decode("utf-8", "replace")
        self.json = json.loads(raw.body) if raw.body else None

    @property
    def code(self) -> str | None:
        return self.json.get("Code") if isinstance(self.json, dict) else None

    def __repr__(self) -> str:
        return f"<AdminResponse {self.status} {self.text[:400]}>"


class AdminClient:
    """Calls the admin API as one identity (the root user unless keys are given)."""

    def __init__(self, server: CairnServer, access_key: str | None = None,
                 secret_key: str | None = None):
        self.server = server
        self.access_key = access_key or server.access_key
        self.secret_key = secret_key or server.secret_key

    def call(self, method: str, name: str, query=None, body=None, raw_body: bytes | None = None,
             **kwargs) -> AdminResponse:
        data = raw_body if raw_body is not None else (
            b"" if body is None else json.dumps(body).encode())
        headers = {"Content-Type": "application/json"} if data else {}
        raw = self.server.request(method, BASE + name, query=query, body=data, headers=headers,
                                  access_key=self.access_key, secret_key=self.secret_key, **kwargs)
        return AdminResponse(raw)

    def ok(self, method: str, name: str, query=None, body=None, **kwargs):
        """Calls and insists on success; returns the JSON reply (None for 204)."""
        r = self.call(method, name, query, body, **kwargs)
        if r.status not in (200, 204):
            raise AssertionError(f"{method} {name} {query or ''}: {r!r}")
        return r.json

    # -- shortcuts used by the IAM tests --------------------------------------------------------

    def add_user(self, name: str, secret: str, policies=()):
        self.ok("PUT", "user", {"accessKey": name}, {"secretKey": secret})
        if policies:
            self.attach(list(policies), user=name)

    def put_policy(self, name: str, document: dict):
        return self.ok("PUT", "policy", {"name": name}, document)

    def attach(self, policies, user: str | None = None, group: str | None = None):
        body = {"policies": list(policies)}
        body.update({"user": user} if user else {"group": group})
        return self.ok("POST", "policy-attach", body=body)

    def set_user_status(self, name: str, status: str):
        return self.ok("PUT", "user-status", {"accessKey": name, "status": status})
