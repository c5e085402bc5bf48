"""The unmodified wechatpy `WeChatComponent`, pointed at a live Minihost: it receives the pushed
component_verify_ticket and authorization events on its own message URL (decrypting them with its own
crypto), gets the component token, sends a business admin to the authorization page and acts for them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter
from wechatpy.component import (
    ComponentAuthorizedMessage,
    ComponentUnauthorizedMessage,
    ComponentVerifyTicketMessage,
    WeChatComponent,
)
from wechatpy.exceptions import WeChatClientException

from minihost.context import Ctx
from tests.openplatform.helpers import authorize_on_page, business, third_party

WECHAT = "https://api.weixin.qq.com/"


class ToMinihost(HTTPAdapter):
    """The SDK's fixed api.weixin.qq.com URLs, sent to the live server instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, *args: object, **kwargs: object) -> requests.Response:
        assert request.url is not None
        request.url = self.base_url + request.url[len(WECHAT) :]
        return super().send(request, *args, **kwargs)  # type: ignore[arg-type]


@dataclass
class Received:
    query: dict[str, str]
    body: str


@dataclass
class Receiver:
    """The third-party platform's message URL: answers "success" and keeps what arrived."""

    url: str
    messages: list[Received] = field(default_factory=list)
    read: int = 0

    async def wait_for(self, component: WeChatComponent, kind: type[Any], seconds: float = 15) -> Any:
        """The next push of `kind` (pushes of other kinds before it are passed over), parsed by the SDK."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            while self.read < len(self.messages):
                m = self.messages[self.read]
                self.read += 1
                q = m.query
                if q.get("encrypt_type") != "aes":
                    continue
                content = component.crypto.decrypt_message(m.body, q["msg_signature"], q["timestamp"], q["nonce"])
                if f"<InfoType><![CDATA[{kind.type}]]></InfoType>" in content:
                    return component.parse_message(m.body, q["msg_signature"], q["timestamp"], q["nonce"])
            await asyncio.sleep(0.1)
        raise AssertionError(f"no {kind.type} push arrived within {seconds}s")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            got.append(Received(query, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"success")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/wechat/component?from=minihost", got)
    server.shutdown()
    thread.join(timeout=5)


async def test_wechatpy_component_flow(live_server: str, ctx: Ctx, receiver: Receiver, unique: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as web:
        tp = await third_party(ctx, web, unique, message_url=receiver.url)
        biz = await business(ctx, unique)

        component = WeChatComponent(tp.component_appid, tp.secret, tp.token, tp.aes_key)
        component.API_BASE_URL = f"{live_server}/cgi-bin"
        component.PRE_AUTH_URL = f"{live_server}/cgi-bin/componentloginpage"
        component._http.mount(WECHAT, ToMinihost(live_server))

        # The approval pushed a ticket to the message URL; the SDK decrypts it and keeps it.
        msg = await receiver.wait_for(component, ComponentVerifyTicketMessage)
        assert msg.appid == tp.component_appid
        assert component.component_verify_ticket == msg.verify_ticket
        token = component.fetch_access_token()
        assert token["expires_in"] == 7200 and component.access_token == token["component_access_token"]

        # The business admin follows the SDK's authorization link.
        link = component.get_pre_auth_url("https://platform.example/authorized")
        params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert link.startswith(component.PRE_AUTH_URL)
        await authorize_on_page(web, tp, biz, params["pre_auth_code"], [17, 18], params["redirect_uri"] + "?x=1")

        # The `authorized` event arrives; parsing it makes the SDK redeem the code (api_query_auth).
        event = await receiver.wait_for(component, ComponentAuthorizedMessage)
        assert event.authorizer_appid == biz.appid
        info = event.query_auth_result["authorization_info"]
        assert info["authorizer_appid"] == biz.appid
        assert {f["funcscope_category"]["id"] for f in info["func_info"]} == {17, 18}

        client = component.get_client_by_appid(biz.appid)
        client._http.mount(WECHAT, ToMinihost(live_server))
        domains = client.wxa.modify_domain("set", request_domain=["https://api.shop.example"])
        assert domains["requestdomain"] == ["api.shop.example"]

        refreshed = component.refresh_authorizer_token(biz.appid, info["authorizer_refresh_token"])
        assert refreshed["authorizer_access_token"] != info["authorizer_access_token"]
        about = component.get_authorizer_info(biz.appid)
        assert about["authorizer_info"]["user_name"] == biz.appid
        listing = component.get_authorizer_list()
        assert [a["authorizer_appid"] for a in listing["list"]] == [biz.appid]

        # The business revokes: the SDK is told, and its tokens stop working at once.
        r = await web.delete(
            f"/api/openplatform/authorizations/{tp.component_appid}/{biz.appid}", headers=biz.admin.headers
        )
        assert r.status_code == 204
        gone = await receiver.wait_for(component, ComponentUnauthorizedMessage)
        assert gone.authorizer_appid == biz.appid
        with pytest.raises(WeChatClientException) as err:
            client.wxa.modify_domain("get")
        # The SDK retries a refused token by refreshing it, which the revoked authorization refuses too.
        assert err.value.errcode == 61003

        # api_start_push_ticket: a fresh ticket, pushed at once.
        old = component.component_verify_ticket
        r2 = component._http.post(
            f"{live_server}/cgi-bin/component/api_start_push_ticket",
            json={"component_appid": tp.component_appid, "component_secret": tp.secret},
        )
        assert r2.json() == {"errcode": 0, "errmsg": "ok"}
        fresh = await receiver.wait_for(component, ComponentVerifyTicketMessage)
        assert fresh.verify_ticket != old and component.component_verify_ticket == fresh.verify_ticket
