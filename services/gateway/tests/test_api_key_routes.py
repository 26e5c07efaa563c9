"""/v1/api-keys: a minted key works at once with its scopes, is listed without its secret, and revokes."""


async def test_a_minted_key_authorises_its_scopes_until_revoked(api, fakes) -> None:
    created = await api.post("/v1/api-keys", json={"name": "reader", "scopes": ["documents:read"]})
    assert created.status_code == 201
    key = created.json()
    reader = {"X-API-Key": key["secret"]}
    assert (await api.get("/v1/stats", headers=reader)).status_code == 200
    assert (await api.get("/v1/search", params={"q": "x"}, headers=reader)).status_code == 403

    listed = (await api.get("/v1/api-keys")).json()
    assert {"key_id": key["key_id"], "name": "reader", "scopes": ["documents:read"], "revoked": False} in listed
    assert key["secret"] not in str(listed)

    assert (await api.delete(f"/v1/api-keys/{key['key_id']}")).status_code == 204
    assert (await api.get("/v1/stats", headers=reader)).status_code == 401
    again = await api.delete(f"/v1/api-keys/{key['key_id']}")
    assert (again.status_code, again.json()["code"]) == (404, "not_found")
    assert [entry[:2] for entry in fakes.audit_log.entries] == [
        ("admin-key", "api_key.created"),
        ("admin-key", "api_key.revoked"),
    ]


async def test_a_key_needs_a_name_and_a_known_scope(api) -> None:
    unnamed = await api.post("/v1/api-keys", json={"name": "", "scopes": ["search"]})
    unknown = await api.post("/v1/api-keys", json={"name": "x", "scopes": ["everything"]})
    assert [(r.status_code, r.json()["code"]) for r in (unnamed, unknown)] == [(422, "invalid_request")] * 2
