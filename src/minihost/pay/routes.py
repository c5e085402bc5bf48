"""HTTP of payments.

- `/v3/...`: WeChat Pay API v3 for merchants' servers. Requests are verified (signature, timestamp,
  nonce), answers are signed by the platform key and errors are WeChat Pay's own
  `{"code", "message"}` with its HTTP status (the `PayRoute` class below; other paths keep Minihost's shape).
- `/host/api/pay/...`: the signed-in user's wallet, payment PIN and the pay sheet's confirm.
- `/api/pay/...`: merchants (organisation admins), top-ups (operators), the platform public key.

The router's lifespan starts the notification worker with the app (FastAPI merges a router's lifespan
into the app's, after the app has made its context).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from minihost.accounts import service as accounts
from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.pay import bills, ledger, merchants, orders, payments, refunds, sql
from minihost.pay.errors import PayError, sign_error
from minihost.pay.merchants import MerchantInfo
from minihost.pay.notify import run_worker
from minihost.pay.signing import (
    aes_encrypt,
    parse_authorization,
    platform_key,
    platform_keys,
    rfc3339,
    signed_headers,
    verify_request,
)
from minihost.web.auth import CurrentUser, require_org_role
from minihost.web.deps import CtxDep, get_ctx

log = logging.getLogger("minihost.pay")


def _json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _error_response(exc: PayError) -> Response:
    return Response(_json({"code": exc.code, "message": exc.message}), exc.status, media_type="application/json")


class PayRoute(APIRoute):
    """Answers errors of /v3/ routes in WeChat Pay's shape instead of Minihost's."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except PayError as exc:
                return _error_response(exc)
            except RequestValidationError as exc:
                where = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()[:5]
                )
                return _error_response(PayError(400, "PARAM_ERROR", f"参数错误: {where}"))
            except ApiError as exc:
                return _error_response(PayError(exc.status, exc.code.upper(), exc.message))
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.url.path)
                return _error_response(PayError(500, "SYSTEM_ERROR", "系统错误: retry the same request"))

        return route


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    ctx: Ctx = app.state.ctx
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(ctx, stop), name="pay-notify-worker")
    try:
        yield
    finally:
        stop.set()
        with suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)
        await sql.close(ctx)


router = APIRouter(lifespan=lifespan)
v3 = APIRouter(route_class=PayRoute, tags=["pay v3"])


# ------------------------------------------------------------------------------------------- /v3 auth


class Signed:
    """A verified merchant request: who sent it, its body and how it names the platform key."""

    def __init__(self, ctx: Ctx, merchant: MerchantInfo, body: str, public_key_mode: bool) -> None:
        self.ctx = ctx
        self.merchant = merchant
        self.body = body
        self.public_key_mode = public_key_mode

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or "null")
        except ValueError:
            raise PayError(400, "PARAM_ERROR", "The body is not JSON.") from None
        if not isinstance(data, dict):
            raise PayError(400, "PARAM_ERROR", "The body is a JSON object.")
        return data

    async def answer(self, payload: Any | None, status: int = 200) -> Response:
        body = "" if payload is None else _json(payload)
        key = await platform_key(self.ctx)
        headers = signed_headers(key, body, public_key_mode=self.public_key_mode)
        media = "application/json" if payload is not None else None
        return Response(body.encode() if body else None, status, headers=headers, media_type=media)


async def signed_request(request: Request, ctx: Annotated[Ctx, Depends(get_ctx)]) -> Signed:
    raw = await request.body()
    try:
        body = raw.decode()
    except UnicodeDecodeError:
        raise PayError(400, "PARAM_ERROR", "The body is not UTF-8.") from None
    header = request.headers.get("authorization")
    if not header:
        raise sign_error("Authorization is missing; sign every request (WECHATPAY2-SHA256-RSA2048).")
    auth = parse_authorization(header)
    merchant = await merchants.get_merchant(ctx, auth.mchid)
    if merchant is None:
        raise PayError(400, "MCH_NOT_EXISTS", "商户号不存在: no merchant with this mchid")
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    url = raw_path.decode("latin-1")
    if request.scope.get("query_string"):
        url += "?" + request.scope["query_string"].decode("latin-1")
    await verify_request(
        ctx,
        auth,
        public_key_pem=merchant.cert_public_key_pem,
        cert_serial_no=merchant.cert_serial_no,
        method=request.method,
        url=url,
        body=body,
    )
    serial = request.headers.get("wechatpay-serial", "")
    public_key_mode = serial.startswith("PUB_KEY_ID_")
    if serial:
        known = await platform_keys(ctx)
        if not any(serial in (k.public_key_id, k.serial_no) for k in known):
            raise PayError(400, "PARAM_ERROR", "Wechatpay-Serial names no platform key or certificate of ours.")
    return Signed(ctx, merchant, body, public_key_mode)


SignedDep = Annotated[Signed, Depends(signed_request)]


def _same_mchid(signed: Signed, mchid: str | None) -> None:
    if mchid != signed.merchant.mchid:
        raise PayError(400, "PARAM_ERROR", "mchid must be the mchid that signed the request")


# ------------------------------------------------------------------------------------------- /v3 routes


@v3.post("/v3/pay/transactions/jsapi")
async def jsapi(signed: SignedDep) -> Response:
    prepay_id = await orders.create_jsapi(signed.ctx, signed.merchant, signed.json())
    return await signed.answer({"prepay_id": prepay_id})


@v3.get("/v3/pay/transactions/out-trade-no/{out_trade_no}")
async def query_by_out_trade_no(out_trade_no: str, signed: SignedDep, mchid: str | None = None) -> Response:
    _same_mchid(signed, mchid)
    order = await orders.find_order(signed.ctx, signed.merchant.mchid, out_trade_no=out_trade_no)
    if order is None:
        raise orders.order_not_exist()
    return await signed.answer(orders.transaction_resource(order))


@v3.get("/v3/pay/transactions/id/{transaction_id}")
async def query_by_transaction_id(transaction_id: str, signed: SignedDep, mchid: str | None = None) -> Response:
    _same_mchid(signed, mchid)
    order = await orders.find_order(signed.ctx, signed.merchant.mchid, transaction_id=transaction_id)
    if order is None:
        raise orders.order_not_exist()
    return await signed.answer(orders.transaction_resource(order))


@v3.post("/v3/pay/transactions/out-trade-no/{out_trade_no}/close")
async def close(out_trade_no: str, signed: SignedDep) -> Response:
    _same_mchid(signed, signed.json().get("mchid"))
    await orders.close_order(signed.ctx, signed.merchant.mchid, out_trade_no)
    return await signed.answer(None, 204)


@v3.post("/v3/refund/domestic/refunds")
async def refund(signed: SignedDep) -> Response:
    info = await refunds.create_refund(signed.ctx, signed.merchant, signed.json())
    return await signed.answer(refunds.refund_resource(info))


@v3.get("/v3/refund/domestic/refunds/{out_refund_no}")
async def query_refund(out_refund_no: str, signed: SignedDep) -> Response:
    info = await refunds.get_refund(signed.ctx, signed.merchant.mchid, out_refund_no)
    if info is None:
        raise refunds.refund_not_found()
    return await signed.answer(refunds.refund_resource(info))


@v3.get("/v3/certificates")
async def certificates(signed: SignedDep) -> Response:
    data = []
    for key in await platform_keys(signed.ctx):
        nonce, ciphertext = aes_encrypt(signed.merchant.apiv3_key, key.certificate_pem, "certificate")
        data.append(
            {
                "serial_no": key.serial_no,
                "effective_time": rfc3339(key.not_before),
                "expire_time": rfc3339(key.not_after),
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": "certificate",
                    "ciphertext": ciphertext,
                },
            }
        )
    return await signed.answer({"data": data})


@v3.get("/v3/bill/tradebill")
async def tradebill(
    request: Request, signed: SignedDep, bill_date: str = "", bill_type: str = "ALL", tar_type: str = ""
) -> Response:
    answer = await bills.request_bill(
        signed.ctx, signed.merchant.mchid, bill_date, bill_type, tar_type, str(request.base_url)
    )
    return await signed.answer(answer)


@v3.get("/v3/billdownload/file")
async def billdownload(signed: SignedDep, token: str = "") -> Response:
    bill = await bills.download_bill(signed.ctx, signed.merchant.mchid, token)
    return Response(bill.content, 200, media_type="application/octet-stream")


@v3.api_route("/v3/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def unknown_v3(rest: str) -> Response:
    raise PayError(404, "NOT_FOUND", f"No WeChat Pay API /v3/{rest[:80]} here.")


# ------------------------------------------------------------------------------------ host and console


class ConfirmBody(BaseModel):
    appid: str = Field(max_length=32)
    timeStamp: str = Field(max_length=20)
    nonceStr: str = Field(max_length=64)
    package: str = Field(max_length=128)
    signType: str = Field(max_length=16)
    paySign: str = Field(max_length=1024)
    pin: str = Field(max_length=16)


@router.post("/host/api/pay/confirm")
async def confirm(body: ConfirmBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    params = payments.PaymentParams(
        body.appid, body.timeStamp, body.nonceStr, body.package, body.signType, body.paySign
    )
    result = await payments.confirm_payment(ctx, params, user.id, pin=body.pin)
    return {
        "transaction_id": result.transaction_id,
        "out_trade_no": result.out_trade_no,
        "total": result.total,
        "already_paid": result.already_paid,
        "balance": await ledger.wallet_balance(ctx, user.id),
    }


@router.get("/host/api/pay/wallet")
async def wallet(user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return {"balance": await ledger.wallet_balance(ctx, user.id), "has_pin": await payments.has_pin(ctx, user.id)}


class PinBody(BaseModel):
    pin: str = Field(max_length=16)
    old_pin: str | None = Field(default=None, max_length=16)


@router.put("/host/api/pay/pin", status_code=204)
async def set_pin(body: PinBody, user: CurrentUser, ctx: CtxDep) -> Response:
    await payments.set_pin(ctx, user.id, body.pin, old_pin=body.old_pin)
    return Response(status_code=204)


class TopUpBody(BaseModel):
    user_id: int
    amount: int = Field(gt=0, le=10**10)
    ref: str = Field(min_length=1, max_length=64)


@router.post("/api/pay/wallets/topup")
async def top_up(body: TopUpBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    if not user.is_operator:
        raise ApiError(403, "forbidden", "Only operators can top up wallets.")
    if await accounts.get_user(ctx, body.user_id) is None:
        raise ApiError(404, "user_not_found", f"No user with id {body.user_id}.")
    balance = await ledger.top_up(ctx, body.user_id, body.amount, f"operator:{user.id}:{body.ref}")
    return {"user_id": body.user_id, "balance": balance}


class MerchantBody(BaseModel):
    org_id: int
    name: str = Field(max_length=64)
    public_key_pem: str = Field(max_length=8192)
    serial_no: str = Field(default="", max_length=64)
    platform_mode: str = Field(default="certificate", max_length=16)


@router.post("/api/pay/merchants", status_code=201)
async def create_merchant(body: MerchantBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    await require_org_role(ctx, user, body.org_id, "admin")
    made = await merchants.register_merchant(
        ctx,
        body.org_id,
        body.name,
        public_key_pem=body.public_key_pem,
        serial_no=body.serial_no,
        platform_mode=body.platform_mode,
    )
    key = await platform_key(ctx)
    return {
        "mchid": made.merchant.mchid,
        "apiv3_key": made.apiv3_key,
        "platform_public_key_id": key.public_key_id,
        "platform_public_key": key.public_key_pem,
    }


class BindBody(BaseModel):
    appid: str = Field(max_length=32)


@router.post("/api/pay/merchants/{mchid}/apps", status_code=204)
async def bind(mchid: str, body: BindBody, user: CurrentUser, ctx: CtxDep) -> Response:
    merchant = await merchants.get_merchant(ctx, mchid)
    if merchant is None:
        raise ApiError(404, "merchant_not_found", f"No merchant {mchid[:32]!r}.")
    await require_org_role(ctx, user, merchant.org_id, "admin")
    await merchants.bind_app(ctx, mchid, body.appid)
    return Response(status_code=204)


@router.get("/api/pay/platform-public-key")
async def platform_public_key(ctx: CtxDep) -> dict[str, str]:
    key = await platform_key(ctx)
    return {"public_key_id": key.public_key_id, "public_key": key.public_key_pem, "serial_no": key.serial_no}


router.include_router(v3)
