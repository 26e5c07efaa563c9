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
    assert [entry[:2] for entry in fakes.audit_log.recorded] == [
        ("admin-key", "api_key.created"),
        ("admin-key", "api_key.revoked"),
    ]


async def test_a_key_needs_a_name_and_a_known_scope(api) -> None:
    unnamed = await api.post("/v1/api-keys", json={"name": "", "scopes": ["search"]})
    unknown = await api.post("/v1/api-keys", json={"name": "x", "scopes": ["everything"]})
    assert [(r.status_code, r.json()["code"]) for r in (unnamed, unknown)] == [(422, "invalid_request")] * 2


async def test_admins_read_the_audit_log_newest_first_by_pages_and_filters(api, fakes) -> None:
    for number in range(3):
        await fakes.audit_log.record("k1", "document.submitted", f"d{number}", {"file_name": f"{number}.txt"})
    await fakes.audit_log.record("k2", "api_key.created", None, {"key_id": "k9"})

    first = (await api.get("/v1/audit", params={"limit": 3})).json()
    second = (await api.get("/v1/audit", params={"limit": 3, "cursor": first["next_cursor"]})).json()
    of_k2 = (await api.get("/v1/audit", params={"key_id": "k2"})).json()
    submissions = (await api.get("/v1/audit", params={"action": "document.submitted", "document_id": "d1"})).json()

    assert [entry["action"] for entry in first["items"]] == ["api_key.created"] + ["document.submitted"] * 2
    assert [entry["document_id"] for entry in second["items"]] == ["d0"]
    assert second["next_cursor"] is None
    assert [entry["detail"] for entry in of_k2["items"]] == [{"key_id": "k9"}]
    assert [entry["detail"]["file_name"] for entry in submissions["items"]] == ["1.txt"]
