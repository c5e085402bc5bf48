"""HTTP of marketing.

- `/v3/marketing/...` (WeChat Pay v3 shape, signed by the merchant, answers signed by the platform, errors
  `{"code","message"}`; pay's `PayRoute` and signature check are reused): coupon stocks
  (`POST /v3/marketing/favor/coupon-stocks`, `POST /v3/marketing/favor/stocks/{stock_id}/start`,
  `GET /v3/marketing/favor/stocks/{stock_id}`), gift cards (`POST /v3/marketing/gift-cards`, Minihost's own).
- `/host/api/marketing/...`: the signed-in user's coupons, membership and gift cards, and the pay sheet's
  confirm with a coupon and gift cards.
- `/api/marketing/cards`: an organisation admin makes the merchant's membership card.

This router is listed before pay's in web/app.py: pay answers any other `/v3/...` path with 404.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Response
from pydantic import BaseModel, Field

from minihost.context import Ctx
from minihost.errors import ApiError
from minihost.marketing import checkout, coupons, giftcards, members
from minihost.pay import ledger, merchants, payments
from minihost.pay.routes import PayRoute, Signed, signed_request
from minihost.pay.signing import rfc3339
from minihost.web.auth import CurrentUser, require_org_role
from minihost.web.deps import CtxDep


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Sweeps expired gift cards once a minute while the app runs (every worker; a sweep is exactly-once)."""
    ctx: Ctx = app.state.ctx
    stop = asyncio.Event()

    async def sweep() -> None:
        while not stop.is_set():
            try:
                await giftcards.expire_due(ctx)
            except Exception:  # a database hiccup must not end the loop
                log.exception("gift card expiry sweep failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=SWEEP_SECONDS)

    task = asyncio.create_task(sweep(), name="marketing-gift-card-expiry")
    try:
        yield
    finally:
        stop.set()
        with suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)


router = APIRouter(lifespan=lifespan)
v3 = APIRouter(route_class=PayRoute, tags=["marketing v3"])
SignedDep = Annotated[Signed, Depends(signed_request)]
log = logging.getLogger("minihost.marketing")
SWEEP_SECONDS = 60.0


# ------------------------------------------------------------------------------------------------ /v3


@v3.post("/v3/marketing/favor/coupon-stocks")
async def create_stock(signed: SignedDep) -> Response:
    stock = await coupons.create_stock(signed.ctx, signed.merchant, signed.json())
    return await signed.answer({"stock_id": stock.stock_id, "create_time": rfc3339(stock.begin)})


@v3.post("/v3/marketing/favor/stocks/{stock_id}/start")
async def start_stock(stock_id: str, signed: SignedDep) -> Response:
    if signed.json().get("stock_creator_mchid") != signed.merchant.mchid:
        raise ApiError(400, "param_error", "stock_creator_mchid must be the mchid that signed the request")
    stock = await coupons.start_stock(signed.ctx, signed.merchant.mchid, stock_id)
    return await signed.answer({"stock_id": stock.stock_id, "start_time": rfc3339(stock.begin)})


@v3.get("/v3/marketing/favor/stocks/{stock_id}")
async def get_stock(stock_id: str, signed: SignedDep, stock_creator_mchid: str = "") -> Response:
    stock = await coupons.get_stock(signed.ctx, stock_id)
    if stock is None or stock.mchid != signed.merchant.mchid or stock_creator_mchid != stock.mchid:
        raise ApiError(404, "resource_not_exists", "No coupon stock with this stock_id for this merchant.")
    out = coupons.stock_resource(stock)
    out["budget_balance"] = await coupons.budget_balance(signed.ctx, stock.stock_id)
    return await signed.answer(out)


def _card_out(card: giftcards.GiftCardInfo, viewer: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "card_no": card.card_no,
        "mchid": card.mchid,
        "face_value": card.face_value,
        "balance": card.balance,
        "status": card.status,
        "expires_at": rfc3339(card.expires_at),
        "expiry_rule": card.expiry_rule,
        "claimed": card.claimed_at is not None,
        "claimed_at": rfc3339(card.claimed_at) if card.claimed_at else None,
        "message": card.message,
    }
    if viewer is not None:
        out["mine"] = card.owner_user_id == viewer
        out["given"] = card.buyer_user_id == viewer and card.owner_user_id != viewer
    return out


@v3.post("/v3/marketing/gift-cards")
async def issue_gift_card(signed: SignedDep) -> Response:
    body = signed.json()
    no = body.get("out_trade_no")
    if not isinstance(no, str) or not no:
        raise ApiError(400, "param_error", "out_trade_no of the paid order that buys the card is required")
    card = await giftcards.issue_for_order(
        signed.ctx,
        signed.merchant.mchid,
        no,
        valid_days=body.get("valid_days", 365),
        expiry_rule=body.get("expiry_rule", "merchant"),
    )
    return await signed.answer(_card_out(card))


# ------------------------------------------------------------------------------------------------ host


@router.get("/host/api/marketing/stocks/{stock_id}")
async def stock_for_users(stock_id: str, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    stock = await coupons.get_stock(ctx, stock_id)
    if stock is None:
        raise ApiError(404, "stock_not_found", "No coupon stock with this stock_id.")
    return coupons.stock_resource(stock)


class ClaimBody(BaseModel):
    stock_id: str = Field(max_length=20)
    out_request_no: str = Field(default="", max_length=128)


def _coupon_out(c: coupons.CouponInfo) -> dict[str, Any]:
    return {
        "coupon_id": c.coupon_id,
        "stock_id": c.stock_id,
        "status": c.status,
        "used_transaction_id": c.used_transaction_id,
        "discount": c.discount,
    }


@router.post("/host/api/marketing/coupons/claim")
async def claim_coupon(body: ClaimBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return _coupon_out(await coupons.claim(ctx, body.stock_id, user.id, body.out_request_no))


@router.get("/host/api/marketing/coupons")
async def my_coupons(user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return {"coupons": [_coupon_out(c) for c in await coupons.coupons_of(ctx, user.id)]}


def _member_out(m: members.MemberInfo) -> dict[str, Any]:
    return {
        "card_id": m.card_id,
        "code": m.code,
        "points": m.points,
        "lifetime_points": m.lifetime_points,
        "level": m.level.name,
        "price_percent": m.level.price_percent,
    }


@router.post("/host/api/marketing/cards/{card_id}/activate")
async def activate(card_id: str, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return _member_out(await members.activate(ctx, card_id, user.id))


@router.get("/host/api/marketing/cards/{card_id}/me")
async def me(card_id: str, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    found = await members.member(ctx, card_id, user.id)
    if found is None:
        raise ApiError(404, "not_a_member", "Activate this membership card first.")
    return _member_out(found)


@router.get("/host/api/marketing/cards/{card_id}/price")
async def price(card_id: str, amount: int, user: CurrentUser, ctx: CtxDep) -> dict[str, int]:
    return {"price": amount, "member_price": await members.member_price(ctx, card_id, user.id, amount)}


class RedeemBody(BaseModel):
    points: int
    request_no: str = Field(max_length=64)


@router.post("/host/api/marketing/cards/{card_id}/points/redeem")
async def redeem_points(card_id: str, body: RedeemBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return _member_out(await members.redeem_points(ctx, card_id, user.id, body.points, body.request_no))


class ShareBody(BaseModel):
    message: str = Field(default="", max_length=200)


@router.post("/host/api/marketing/gift-cards/{card_no}/share")
async def share(card_no: str, body: ShareBody, user: CurrentUser, ctx: CtxDep) -> dict[str, str]:
    token = await giftcards.share(ctx, card_no, user.id, body.message)
    return {"token": token, "claim_path": f"/host/api/marketing/gift-cards/claim?token={token}"}


class TokenBody(BaseModel):
    token: str = Field(max_length=64)


@router.post("/host/api/marketing/gift-cards/claim")
async def claim_gift(body: TokenBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return _card_out(await giftcards.claim(ctx, body.token, user.id), user.id)


@router.get("/host/api/marketing/gift-cards")
async def my_gift_cards(user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    return {"cards": [_card_out(c, user.id) for c in await giftcards.cards_of(ctx, user.id)]}


class GiftSpend(BaseModel):
    card_no: str = Field(max_length=32)
    amount: int


class ConfirmBody(BaseModel):
    appid: str = Field(max_length=32)
    timeStamp: str = Field(max_length=20)
    nonceStr: str = Field(max_length=64)
    package: str = Field(max_length=128)
    signType: str = Field(max_length=16)
    paySign: str = Field(max_length=1024)
    pin: str = Field(max_length=16)
    coupon_id: str | None = Field(default=None, max_length=32)
    gift_cards: list[GiftSpend] = Field(default_factory=list, max_length=checkout.MAX_CARDS)


@router.post("/host/api/marketing/pay/confirm")
async def confirm(body: ConfirmBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    """The pay sheet's confirm with a coupon and/or gift cards (the plain one is /host/api/pay/confirm)."""
    params = payments.PaymentParams(
        body.appid, body.timeStamp, body.nonceStr, body.package, body.signType, body.paySign
    )
    result = await checkout.confirm(
        ctx,
        params,
        user.id,
        pin=body.pin,
        coupon_id=body.coupon_id,
        gift_cards=[(g.card_no, g.amount) for g in body.gift_cards],
    )
    return {
        "transaction_id": result.transaction_id,
        "out_trade_no": result.out_trade_no,
        "total": result.total,
        "already_paid": result.already_paid,
        "balance": await ledger.wallet_balance(ctx, user.id),
    }


# --------------------------------------------------------------------------------------------- console


class CardBody(BaseModel):
    mchid: str = Field(max_length=32)
    title: str = Field(max_length=64)
    fen_per_point: int
    levels: list[dict[str, Any]] = Field(max_length=20)


@router.post("/api/marketing/cards", status_code=201)
async def create_card(body: CardBody, user: CurrentUser, ctx: CtxDep) -> dict[str, Any]:
    merchant = await merchants.get_merchant(ctx, body.mchid)
    if merchant is None:
        raise ApiError(404, "merchant_not_found", f"No merchant {body.mchid!r}.")
    await require_org_role(ctx, user, merchant.org_id, "admin")
    card = await members.create_card(ctx, body.mchid, body.title, body.fen_per_point, body.levels)
    return {"card_id": card.card_id, "title": card.title, "fen_per_point": card.fen_per_point}


router.include_router(v3)
