"""JSAPI orders: place, query, close. The rules WeChat Pay v3 applies, answered in its error shape."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from minihost.context import Ctx
from minihost.db import aware, utcnow
from minihost.pay import sql
from minihost.pay.errors import PayError, invalid_request, param_error
from minihost.pay.merchants import MerchantInfo, app_bound
from minihost.pay.models import Order
from minihost.pay.signing import rfc3339

OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")
PREPAY_TTL = timedelta(hours=2)
MAX_TOTAL = 10**10  # 100 million yuan: far above any real order, far below BigInteger
STATE_DESC = {
    "SUCCESS": "支付成功",
    "NOTPAY": "未支付",
    "CLOSED": "已关闭",
    "REFUND": "转入退款",
}


def order_not_exist() -> PayError:
    return PayError(404, "ORDER_NOT_EXIST", "订单不存在 (no such order for this mchid)")


def new_transaction_id(now: datetime) -> str:
    return "4200" + now.strftime("%Y%m%d") + "".join(secrets.choice(string.digits) for _ in range(16))


def new_prepay_id(now: datetime) -> str:
    return "wx" + now.strftime("%d%H%M%S") + secrets.token_hex(14)


def _str(body: dict[str, Any], key: str, lo: int, hi: int, *, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not lo <= len(value) <= hi:
        raise param_error(
            f"{key} is required: a string of {lo} to {hi} characters"
            if required
            else f"{key} is a string of at most {hi} characters"
        )
    return value


def amount_fen(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise param_error(f"{key} is a whole number of fen")
    if value <= 0:
        raise param_error(f"{key} must be greater than 0 fen")
    if value > MAX_TOTAL:
        raise param_error(f"{key} is too large")
    return value


def _parse_time(value: str, key: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise param_error(f"{key} is an RFC 3339 time like 2018-06-08T10:34:56+08:00") from None
    if parsed.tzinfo is None:
        raise param_error(f"{key} needs a time zone offset")
    return parsed


@dataclass(frozen=True)
class JsapiRequest:
    appid: str
    mchid: str
    description: str
    out_trade_no: str
    notify_url: str
    total: int
    currency: str
    openid: str
    attach: str
    time_expire: datetime | None

    def digest(self) -> str:
        fields = [
            self.appid,
            self.description,
            self.notify_url,
            str(self.total),
            self.currency,
            self.openid,
            self.attach,
        ]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def parse_jsapi(body: dict[str, Any]) -> JsapiRequest:
    appid = _str(body, "appid", 1, 32)
    mchid = _str(body, "mchid", 1, 32)
    description = _str(body, "description", 1, 127)
    out_trade_no = _str(body, "out_trade_no", 6, 32)
    if not OUT_TRADE_NO.match(out_trade_no):
        raise param_error("out_trade_no is 6 to 32 of digits, letters and _-|*")
    notify_url = _str(body, "notify_url", 8, 256)
    if not notify_url.startswith(("https://", "http://")) or "?" in notify_url:
        raise param_error("notify_url is an http(s) URL without query parameters")
    attach = _str(body, "attach", 0, 128, required=False)
    amount = body.get("amount")
    if not isinstance(amount, dict):
        raise param_error('amount is required: {"total": fen, "currency": "CNY"}')
    total = amount_fen(amount.get("total"), "amount.total")
    currency = amount.get("currency", "CNY")
    if currency != "CNY":
        raise param_error("amount.currency must be CNY")
    payer = body.get("payer")
    if not isinstance(payer, dict):
        raise param_error('payer is required for JSAPI: {"openid": ...}')
    openid = _str(payer, "openid", 1, 128)
    time_expire = body.get("time_expire")
    expire = None
    if time_expire is not None:
        if not isinstance(time_expire, str):
            raise param_error("time_expire is an RFC 3339 time")
        expire = _parse_time(time_expire, "time_expire")
    return JsapiRequest(appid, mchid, description, out_trade_no, notify_url, total, currency, openid, attach, expire)


async def create_jsapi(ctx: Ctx, merchant: MerchantInfo, body: dict[str, Any]) -> str:
    """Place a JSAPI/mini program order; returns its prepay_id (the same one for an identical repeat)."""
    req = parse_jsapi(body)
    if req.mchid != merchant.mchid:
        raise param_error("mchid in the body is not the mchid that signed the request")
    if not await app_bound(ctx, merchant.mchid, req.appid):
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配 (bind this appid to the merchant first)")
    now = utcnow()
    expire = req.time_expire or now + PREPAY_TTL
    if expire <= now:
        raise param_error("time_expire is in the past")
    # One statement, one round trip: a repeated out_trade_no inserts nothing and falls through below.
    placed = await sql.one(
        ctx,
        "INSERT INTO pay_orders (transaction_id, prepay_id, mchid, appid, out_trade_no, description, attach, "
        "notify_url, total, currency, payer_openid, params_digest, trade_state, refunded, time_expire, created_at) "
        "VALUES (:transaction_id, :prepay_id, :mchid, :appid, :out_trade_no, :description, :attach, :notify_url, "
        ":total, :currency, :payer_openid, :params_digest, 'NOTPAY', 0, :time_expire, :created_at) "
        "ON CONFLICT (mchid, out_trade_no) DO NOTHING RETURNING prepay_id",
        transaction_id=new_transaction_id(now),
        prepay_id=new_prepay_id(now),
        mchid=merchant.mchid,
        appid=req.appid,
        out_trade_no=req.out_trade_no,
        description=req.description,
        attach=req.attach,
        notify_url=req.notify_url,
        total=req.total,
        currency=req.currency,
        payer_openid=req.openid,
        params_digest=req.digest(),
        time_expire=expire,
        created_at=now,
    )
    if placed is not None:
        return str(placed[0])
    existing = await find_order(ctx, merchant.mchid, out_trade_no=req.out_trade_no)
    if existing is None:
        raise PayError(500, "SYSTEM_ERROR", "系统错误, please retry with the same out_trade_no")
    if existing.trade_state in ("SUCCESS", "REFUND"):
        raise PayError(400, "ORDERPAID", "该订单已支付 (this out_trade_no is paid)")
    if existing.trade_state == "CLOSED":
        raise PayError(400, "ORDER_CLOSED", "订单已关闭 (this out_trade_no is closed; use a new one)")
    if existing.params_digest != req.digest():
        raise invalid_request("商户订单号重复: out_trade_no was used with different parameters")
    return existing.prepay_id


@dataclass(frozen=True)
class OrderInfo:
    id: int
    transaction_id: str
    prepay_id: str
    mchid: str
    appid: str
    out_trade_no: str
    description: str
    attach: str
    notify_url: str
    total: int
    currency: str
    payer_openid: str
    params_digest: str
    trade_state: str
    payer_user_id: int | None
    refunded: int
    time_expire: datetime
    success_time: datetime | None
    created_at: datetime

    @property
    def expired(self) -> bool:
        return self.trade_state == "NOTPAY" and aware(self.time_expire) <= utcnow()


def order_info(o: Order) -> OrderInfo:
    return OrderInfo(
        o.id, o.transaction_id, o.prepay_id, o.mchid, o.appid, o.out_trade_no, o.description, o.attach,
        o.notify_url, o.total, o.currency, o.payer_openid, o.params_digest, o.trade_state, o.payer_user_id,
        o.refunded, aware(o.time_expire), aware(o.success_time) if o.success_time else None, aware(o.created_at),
    )  # fmt: skip


ORDER_COLUMNS = (
    "id, transaction_id, prepay_id, mchid, appid, out_trade_no, description, attach, notify_url, total, currency, "
    "payer_openid, params_digest, trade_state, payer_user_id, refunded, time_expire, success_time, created_at"
)


def order_from_row(r: sql.Row) -> OrderInfo:
    """An OrderInfo from a plain-SQL row of ORDER_COLUMNS."""
    return OrderInfo(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15],
        sql.as_time(r[16]), sql.as_time(r[17]) if r[17] is not None else None, sql.as_time(r[18]),
    )  # fmt: skip


async def find_order(
    ctx: Ctx, mchid: str, *, out_trade_no: str | None = None, transaction_id: str | None = None
) -> OrderInfo | None:
    if out_trade_no is not None:
        row = await sql.one(
            ctx,
            f"SELECT {ORDER_COLUMNS} FROM pay_orders WHERE mchid = :mchid AND out_trade_no = :no",  # noqa: S608
            mchid=mchid,
            no=out_trade_no,
        )
    elif transaction_id is not None:
        row = await sql.one(
            ctx,
            f"SELECT {ORDER_COLUMNS} FROM pay_orders WHERE mchid = :mchid AND transaction_id = :tid "  # noqa: S608
            "AND trade_state IN ('SUCCESS', 'REFUND')",
            mchid=mchid,
            tid=transaction_id,
        )
    else:
        return None
    return order_from_row(row) if row else None


async def order_by_prepay_id(ctx: Ctx, prepay_id: str) -> OrderInfo | None:
    row = await sql.one(ctx, f"SELECT {ORDER_COLUMNS} FROM pay_orders WHERE prepay_id = :p", p=prepay_id)  # noqa: S608
    return order_from_row(row) if row else None


def transaction_resource(o: OrderInfo) -> dict[str, Any]:
    """An order as WeChat Pay shows it: the query answer and the TRANSACTION.SUCCESS resource."""
    state = "CLOSED" if o.expired else o.trade_state
    paid = state in ("SUCCESS", "REFUND")
    out: dict[str, Any] = {
        "appid": o.appid,
        "mchid": o.mchid,
        "out_trade_no": o.out_trade_no,
    }
    if paid:
        out["transaction_id"] = o.transaction_id
    out.update(trade_type="JSAPI", trade_state=state, trade_state_desc=STATE_DESC[state])
    if paid:
        out["bank_type"] = "OTHERS"
    out["attach"] = o.attach
    if paid and o.success_time:
        out["success_time"] = rfc3339(o.success_time)
    out["payer"] = {"openid": o.payer_openid}
    amount: dict[str, Any] = {"total": o.total, "currency": o.currency}
    if paid:
        amount.update(payer_total=o.total, payer_currency=o.currency)
    out["amount"] = amount
    return out


async def close_order(ctx: Ctx, mchid: str, out_trade_no: str) -> None:
    o = await find_order(ctx, mchid, out_trade_no=out_trade_no)
    if o is None:
        raise order_not_exist()
    async with ctx.db.session() as s, s.begin():
        await s.execute(
            update(Order).where(Order.id == o.id, Order.trade_state == "NOTPAY").values(trade_state="CLOSED")
        )
    after = await find_order(ctx, mchid, out_trade_no=out_trade_no)
    if after is not None and after.trade_state in ("SUCCESS", "REFUND"):
        raise PayError(400, "ORDERPAID", "该订单已支付 (a paid order cannot be closed; refund it instead)")
