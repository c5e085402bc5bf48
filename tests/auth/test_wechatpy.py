"""The unmodified wechatpy SDK, pointed at a live Minihost, signs a user in end to end."""

from __future__ import annotations

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from minihost.context import Ctx
from tests.auth.helpers import new_app, new_org, signed_in_user

WECHAT = "https://api.weixin.qq.com/"


class ToMinihost(HTTPAdapter):
    """Sends whatever the SDK addresses to api.weixin.qq.com (its token URL is fixed) to our server."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, *args: object, **kwargs: object) -> requests.Response:
        assert request.url is not None
        request.url = self.base_url + request.url[len(WECHAT) :]
        return super().send(request, *args, **kwargs)  # type: ignore[arg-type]


def _sdk_client(live_server: str, appid: str, secret: str) -> WeChatClient:
    client = WeChatClient(appid, secret)
    client.API_BASE_URL = f"{live_server}/cgi-bin/"
    client.wxa.API_BASE_URL = f"{live_server}/"
    client._http.mount(WECHAT, ToMinihost(live_server))
    return client


async def test_wechatpy_gets_a_token_and_completes_code_to_session(live_server: str, ctx: Ctx, unique: str) -> None:
    user = await signed_in_user(ctx, f"sdk_{unique}")
    app = await new_app(ctx, await new_org(ctx, user.id, f"SDK {unique}"))
    async with httpx.AsyncClient(base_url=live_server) as host:
        r = await host.post(f"/host/api/apps/{app.appid}/login", headers=user.headers)
        assert r.status_code == 200, r.text
        code = r.json()["code"]

    client = _sdk_client(live_server, app.appid, app.secret)
    token = client.fetch_access_token()
    assert token["expires_in"] == 7200 and client.access_token == token["access_token"]
    session = client.wxa.code_to_session(code)
    assert set(session) == {"openid", "session_key", "unionid"} and len(session["openid"]) == 28
    assert client.misc.get_wechat_ips()  # a protected endpoint, with the token the SDK fetched

    with pytest.raises(WeChatClientException) as reused:
        client.wxa.code_to_session(code)
    assert reused.value.errcode == 40163


async def test_wechatpy_sees_a_wrong_secret(live_server: str, ctx: Ctx, unique: str) -> None:
    user = await signed_in_user(ctx, f"sdk2_{unique}")
    app = await new_app(ctx, await new_org(ctx, user.id, f"SDK2 {unique}"))
    client = _sdk_client(live_server, app.appid, "0" * 32)
    with pytest.raises(WeChatClientException) as err:
        client.fetch_access_token()
    assert err.value.errcode == 40125
