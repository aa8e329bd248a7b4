"""Sandbox: API key checks, account endpoint, unknown paths and wrong methods."""

import requests

AUTH_BODY = {
    "error": {
        "code": "authentication_failed",
        "message": "Invalid or expired API key. Verify your x-api-key header.",
        "param": None,
        "doc_url": None,
    }
}


def test_missing_and_wrong_key_get_the_v3_401(sandbox):
    for headers in ({}, {"X-Api-Key": "wrong"}, {"X-Api-Key": ""}):
        response = requests.get(sandbox.base_url + "/v3/users/me", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.json() == AUTH_BODY


def test_every_endpoint_needs_the_key(sandbox):
    paths = [("GET", "/v3/avatars/looks"), ("GET", "/v3/avatars"), ("GET", "/v3/voices"),
             ("POST", "/v3/assets"), ("POST", "/v3/videos"), ("GET", "/v3/videos"),
             ("GET", "/v3/videos/v_x"), ("DELETE", "/v3/videos/v_x"),
             ("POST", "/v3/video-agents"), ("GET", "/v3/video-agents/styles"),
             ("GET", "/v3/nothing-here")]
    for method, path in paths:
        response = requests.request(method, sandbox.base_url + path, timeout=10)
        assert response.status_code == 401, (method, path, response.status_code)


def test_key_header_name_is_case_insensitive(sandbox):
    response = requests.get(sandbox.base_url + "/v3/users/me",
                            headers={"x-api-key": sandbox.api_key}, timeout=10)
    assert response.status_code == 200


def test_key_is_never_echoed(sandbox, api):
    secret = "sk-very-secret-value"
    from heygen.sandbox import Sandbox
    with Sandbox(api_key=secret) as other:
        bad = requests.get(other.base_url + "/v3/users/me", headers={"X-Api-Key": secret + "x"}, timeout=10)
        good = requests.get(other.base_url + "/v3/users/me?api_key=" + secret,
                            headers={"X-Api-Key": secret}, timeout=10)
        assert good.status_code == 200
        assert secret not in bad.text and secret not in good.text
        assert secret not in repr(other)
        assert secret not in str(other.requests_log())


def test_users_me_is_a_wallet_account(api):
    response = api.get("/v3/users/me")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["username"] == "sandbox"
    assert {"email", "first_name", "last_name"} <= set(data)
    assert data["billing_type"] == "wallet"
    assert data["wallet"]["currency"] == "usd"
    assert data["wallet"]["remaining_balance"] == 120.0
    assert data["subscription"] is None and data["usage_based"] is None


def test_balance_is_configurable_and_videos_cost_nothing(sandbox, api):
    sandbox.configure(balance=7.5)
    assert api.create_video().status_code == 200
    assert api.get("/v3/users/me").json()["data"]["wallet"]["remaining_balance"] == 7.5


def test_unknown_path_is_404_and_wrong_method_405(api, v3_error):
    v3_error(api.get("/v3/does-not-exist"), 404, "not_found")
    error = v3_error(api.delete("/v3/voices"), 405, "method_not_allowed")
    assert "GET" in error["message"]
    for path in ("/", "/favicon.ico", "/v2/video/generate"):
        v3_error(requests.get(api.url(path), timeout=10), 404, "not_found")
    response = api.session.put(api.url("/v3/videos/abc"), timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET"
