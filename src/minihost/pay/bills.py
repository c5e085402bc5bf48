"""Trade bills: one merchant's payments and refunds of one China-time day, as WeChat Pay's CSV.

Every value is prefixed with a backquote (so spreadsheets keep long numbers as text), amounts are yuan
with two decimals, and a summary header and row close the file. The download URL carries a one-time
token kept in the state store for a minute.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from minihost.context import Ctx
from minihost.db import aware
from minihost.pay.errors import PayError, param_error
from minihost.pay.models import Order, Refund
from minihost.pay.signing import CHINA

HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
    "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
    "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
BILL_TYPES = ("ALL", "SUCCESS", "REFUND")
TOKEN_TTL = 60
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def _row(values: list[str]) -> str:
    return ",".join("`" + v.replace(",", " ").replace("\n", " ") for v in values)


def _day_bounds(bill_date: str) -> tuple[datetime, datetime]:
    if not _DATE.match(bill_date):
        raise param_error("bill_date is YYYY-MM-DD")
    try:
        day = date.fromisoformat(bill_date)
    except ValueError:
        raise param_error("bill_date is not a real date") from None
    start = datetime.combine(day, time(), tzinfo=CHINA)
    if start > datetime.now(CHINA):
        raise PayError(400, "NO_STATEMENT_EXIST", "账单不存在: bills exist only for past and current days")
    return start, start + timedelta(days=1)


def _stamp(value: datetime) -> str:
    return aware(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


async def render_bill(ctx: Ctx, mchid: str, bill_date: str, bill_type: str = "ALL") -> str:
    if bill_type not in BILL_TYPES:
        raise param_error("bill_type is ALL, SUCCESS or REFUND")
    start, end = _day_bounds(bill_date)
    lines = [HEADER]
    count = settled = refunded = 0
    async with ctx.db.session() as s:
        if bill_type in ("ALL", "SUCCESS"):
            orders = (
                await s.execute(
                    select(Order)
                    .where(Order.mchid == mchid, Order.success_time >= start, Order.success_time < end)
                    .order_by(Order.success_time, Order.id)
                )
            ).scalars()
            for o in orders:
                assert o.success_time is not None
                count += 1
                settled += o.total
                lines.append(
                    _row(
                        [
                            _stamp(o.success_time), o.appid, o.mchid, "0", "", o.transaction_id, o.out_trade_no,
                            o.payer_openid, "JSAPI", "SUCCESS", "OTHERS", "CNY", yuan(o.total), "0.00", "0", "0",
                            "0.00", "0.00", "", "", o.description, o.attach, "0.00000", "0.00%", yuan(o.total),
                            "0.00", "",
                        ]
                    )
                )  # fmt: skip
        if bill_type in ("ALL", "REFUND"):
            refunds = (
                await s.execute(
                    select(Refund, Order)
                    .join(Order, Order.id == Refund.order_id)
                    .where(Refund.mchid == mchid, Refund.success_time >= start, Refund.success_time < end)
                    .order_by(Refund.success_time, Refund.id)
                )
            ).all()
            for r, o in refunds:
                assert r.success_time is not None
                count += 1
                refunded += r.amount
                lines.append(
                    _row(
                        [
                            _stamp(r.success_time), o.appid, o.mchid, "0", "", o.transaction_id, o.out_trade_no,
                            o.payer_openid, "JSAPI", "REFUND", "OTHERS", "CNY", "0.00", "0.00", r.refund_id,
                            r.out_refund_no, yuan(r.amount), "0.00", "ORIGINAL", "SUCCESS", o.description, o.attach,
                            "0.00000", "0.00%", yuan(o.total), yuan(r.amount), "",
                        ]
                    )
                )  # fmt: skip
    lines.append(SUMMARY)
    lines.append(_row([str(count), yuan(settled), yuan(refunded), "0.00", "0.00000", yuan(settled), yuan(refunded)]))
    return "\r\n".join(lines) + "\r\n"


@dataclass(frozen=True)
class BillFile:
    content: bytes
    gzipped: bool


def _pack(text: str, tar_type: str) -> bytes:
    data = text.encode("utf-8")
    return gzip.compress(data, mtime=0) if tar_type == "GZIP" else data


async def request_bill(
    ctx: Ctx, mchid: str, bill_date: str, bill_type: str, tar_type: str, base_url: str
) -> dict[str, str]:
    """The answer to GET /v3/bill/tradebill: hash of the file and a short-lived download_url."""
    if tar_type not in ("", "GZIP"):
        raise param_error("tar_type is GZIP or absent")
    text = await render_bill(ctx, mchid, bill_date, bill_type or "ALL")
    token = secrets.token_urlsafe(24)
    spec = json.dumps([mchid, bill_date, bill_type or "ALL", tar_type])
    await ctx.store.set(f"pay:bill:{token}", spec.encode(), ttl=TOKEN_TTL)
    return {
        "hash_type": "SHA1",
        "hash_value": hashlib.sha1(_pack(text, tar_type), usedforsecurity=False).hexdigest(),
        "download_url": f"{base_url.rstrip('/')}/v3/billdownload/file?token={token}",
    }


async def download_bill(ctx: Ctx, mchid: str, token: str) -> BillFile:
    raw = await ctx.store.get(f"pay:bill:{token}")
    if raw is None:
        raise PayError(400, "INVALID_REQUEST", "下载链接已过期: ask GET /v3/bill/tradebill for a new download_url")
    owner, bill_date, bill_type, tar_type = json.loads(raw)
    if owner != mchid:
        raise PayError(403, "NO_AUTH", "This download_url belongs to another merchant.")
    text = await render_bill(ctx, mchid, bill_date, bill_type)
    return BillFile(_pack(text, tar_type), tar_type == "GZIP")
