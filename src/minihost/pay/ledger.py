"""Double-entry ledger: accounts, journal entries and postings.

Every movement of money is one journal entry whose postings sum to zero, written in the caller's
transaction together with the business change it records (an order paid, a refund). A posting's amount
is signed: positive raises the account's balance. Only `external` accounts (money entering or leaving the
platform, e.g. top-ups) may go below zero, so the sum of all balances is always exactly zero.

Account owners: `user:<id>` (wallet), `mch:<mchid>` (settlement), `topup` (external).
Coupons, membership stored value and gift cards (later) get their own account kinds and book through
`post` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minihost.context import Ctx
from minihost.pay.models import Account, JournalEntry, Posting

WALLET = "wallet"
SETTLEMENT = "settlement"
EXTERNAL = "external"
KINDS = (WALLET, SETTLEMENT, EXTERNAL)

# Account ids never change once made; remembering them per database saves a query on every payment.
_ids: dict[tuple[str, str, str], int] = {}


class InsufficientFunds(Exception):
    def __init__(self, account_id: int) -> None:
        super().__init__(f"account {account_id} would go below zero")
        self.account_id = account_id


class DuplicateEntry(Exception):
    """An entry with this ref was already booked: the event it records happened already."""


def wallet_owner(user_id: int) -> str:
    return f"user:{user_id}"


def settlement_owner(mchid: str) -> str:
    return f"mch:{mchid}"


async def account_id(ctx: Ctx, kind: str, owner: str) -> int:
    """The account's id, made on first use (safe when two requests make it at once)."""
    if kind not in KINDS:
        raise ValueError(f"unknown account kind {kind!r}")
    key = (ctx.db.url, kind, owner)
    found = _ids.get(key)
    if found is not None:
        return found
    query = select(Account.id).where(Account.kind == kind, Account.owner == owner)
    async with ctx.db.session() as s:
        found = (await s.execute(query)).scalar_one_or_none()
    if found is None:
        try:
            async with ctx.db.session() as s, s.begin():
                acc = Account(kind=kind, owner=owner, balance=0)
                s.add(acc)
                await s.flush()
                found = acc.id
        except IntegrityError:
            async with ctx.db.session() as s:
                found = (await s.execute(query)).scalar_one()
    _ids[key] = found
    return found


async def post(s: AsyncSession, kind: str, ref: str, legs: list[tuple[int, int]], memo: str = "") -> int:
    """Book one balanced entry inside the caller's transaction; returns its id.

    Raises InsufficientFunds when a non-external account would go below zero and DuplicateEntry when
    `ref` was booked before; either way the caller's transaction must be rolled back.
    """
    if not legs or sum(amount for _, amount in legs) != 0 or any(amount == 0 for _, amount in legs):
        raise ValueError(f"unbalanced or empty entry {ref}: {legs}")
    entry = JournalEntry(kind=kind, ref=ref, memo=memo[:128])
    s.add(entry)
    try:
        await s.flush()
    except IntegrityError:
        raise DuplicateEntry(ref) from None
    s.add_all([Posting(entry_id=entry.id, account_id=acc, amount=amount) for acc, amount in legs])
    # Lock accounts in id order so two entries touching the same accounts can never deadlock.
    for acc, amount in sorted(legs):
        result = await s.execute(
            update(Account)
            .where(Account.id == acc, (Account.kind == EXTERNAL) | (Account.balance + amount >= 0))
            .values(balance=Account.balance + amount)
            .returning(Account.id)
        )
        if result.scalar_one_or_none() is None:
            raise InsufficientFunds(acc)
    await s.flush()
    return entry.id


async def balance(ctx: Ctx, kind: str, owner: str) -> int:
    async with ctx.db.session() as s:
        found = await s.scalar(select(Account.balance).where(Account.kind == kind, Account.owner == owner))
        return int(found or 0)


async def wallet_balance(ctx: Ctx, user_id: int) -> int:
    return await balance(ctx, WALLET, wallet_owner(user_id))


async def settlement_balance(ctx: Ctx, mchid: str) -> int:
    return await balance(ctx, SETTLEMENT, settlement_owner(mchid))


@dataclass(frozen=True)
class LedgerCheck:
    accounts: int
    entries: int
    sum_of_balances: int
    unbalanced_entries: int
    drifted_accounts: int
    """Accounts whose stored balance differs from the sum of their postings."""

    @property
    def ok(self) -> bool:
        return self.sum_of_balances == 0 and self.unbalanced_entries == 0 and self.drifted_accounts == 0


async def check(ctx: Ctx) -> LedgerCheck:
    """The ledger's invariants, recomputed from the postings."""
    async with ctx.db.session() as s:
        accounts = int(await s.scalar(select(func.count(Account.id))) or 0)
        entries = int(await s.scalar(select(func.count(JournalEntry.id))) or 0)
        total = int(await s.scalar(select(func.coalesce(func.sum(Account.balance), 0))) or 0)
        unbalanced = int(
            await s.scalar(
                text(
                    "SELECT count(*) FROM (SELECT entry_id FROM pay_postings GROUP BY entry_id "
                    "HAVING sum(amount) <> 0) AS t"
                )
            )
            or 0
        )
        drifted = int(
            await s.scalar(
                text(
                    "SELECT count(*) FROM pay_accounts a LEFT JOIN (SELECT account_id, sum(amount) AS s "
                    "FROM pay_postings GROUP BY account_id) p ON p.account_id = a.id "
                    "WHERE a.balance <> coalesce(p.s, 0)"
                )
            )
            or 0
        )
    return LedgerCheck(accounts, entries, total, unbalanced, drifted)


async def top_up(ctx: Ctx, user_id: int, amount: int, ref: str) -> int:
    """Put `amount` fen into the user's wallet from the outside world (demos, tests, operators).

    `ref` makes it idempotent: the same ref tops up once. Returns the new wallet balance.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError("a top-up is a positive whole number of fen")
    wallet = await account_id(ctx, WALLET, wallet_owner(user_id))
    source = await account_id(ctx, EXTERNAL, "topup")
    try:
        async with ctx.db.session() as s, s.begin():
            await post(s, "topup", f"topup:{ref}", [(source, -amount), (wallet, amount)], memo=f"top-up {user_id}")
    except DuplicateEntry:
        pass
    return await wallet_balance(ctx, user_id)
