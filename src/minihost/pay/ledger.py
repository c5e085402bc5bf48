"""Double-entry ledger: accounts, journal entries and postings.

Every movement of money is one journal entry whose postings sum to zero, written in the caller's
transaction together with the business change it records (an order paid, a refund). A posting's amount
is signed: positive raises the account's balance. Only `external` accounts (money entering or leaving the
platform, e.g. top-ups) may go below zero, so the sum of all balances is always exactly zero.

Account owners: `user:<id>` (wallet), `mch:<mchid>` and `mch:<mchid>#1..7` (settlement sub-accounts),
`topup` (external).
Coupons, membership stored value and gift cards (later) get their own account kinds and book through
`post` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from minihost.context import Ctx
from minihost.db import utcnow
from minihost.pay import sql
from minihost.pay.models import Account, JournalEntry

WALLET = "wallet"
SETTLEMENT = "settlement"
EXTERNAL = "external"
GIFT_CARD = "gift_card"
COUPON_BUDGET = "coupon_budget"
KINDS = (WALLET, SETTLEMENT, EXTERNAL, GIFT_CARD, COUPON_BUDGET)
REFUND_ORDER = (WALLET, GIFT_CARD, COUPON_BUDGET)
"""Which sources of a payment a refund gives back to first (after the payer's own wallet)."""
SETTLEMENT_SHARDS = 8
"""A merchant's settlement is this many sub-accounts (`mch:<mchid>`, `mch:<mchid>#1`, ...): concurrent payments
to one merchant credit different rows instead of queueing on one row lock. Its balance is their sum."""

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
    query = "SELECT id FROM pay_accounts WHERE kind = :kind AND owner = :owner"
    row = await sql.one(ctx, query, kind=kind, owner=owner)
    if row is None:
        row = await sql.one(
            ctx,
            "INSERT INTO pay_accounts (kind, owner, balance, currency, created_at) "
            "VALUES (:kind, :owner, 0, 'CNY', :now) ON CONFLICT (kind, owner) DO NOTHING RETURNING id",
            kind=kind,
            owner=owner,
            now=utcnow(),
        ) or await sql.one(ctx, query, kind=kind, owner=owner)
    assert row is not None
    _ids[key] = int(row[0])
    return _ids[key]


def settlement_shard_owner(mchid: str, shard: int) -> str:
    return settlement_owner(mchid) if shard == 0 else f"{settlement_owner(mchid)}#{shard}"


async def settlement_accounts(ctx: Ctx, mchid: str) -> list[int]:
    """The merchant's SETTLEMENT_SHARDS settlement sub-accounts (made on first use)."""
    return [await account_id(ctx, SETTLEMENT, settlement_shard_owner(mchid, k)) for k in range(SETTLEMENT_SHARDS)]


async def settlement_for_payment(ctx: Ctx, mchid: str, spread: int) -> int:
    """The sub-account a payment credits; `spread` (e.g. the order id) spreads payments over all of them."""
    return await account_id(ctx, SETTLEMENT, settlement_shard_owner(mchid, spread % SETTLEMENT_SHARDS))


async def settlement_debit_legs(
    tx: sql.Tx, accounts: list[int], amount: int, also_lock: list[int]
) -> list[tuple[int, int]]:
    """Legs taking `amount` from the merchant's sub-accounts (fullest first), inside the caller's transaction.

    Locks the sub-accounts and `also_lock` (the entry's other accounts) in id order first, so the split
    cannot be outrun and no two entries lock the same rows in different orders. Raises InsufficientFunds
    when all sub-accounts together hold less than `amount`.
    """
    ids = sorted(set(accounts) | set(also_lock))
    marks = ", ".join(f":a{i}" for i in range(len(ids)))
    lock = " ORDER BY id FOR UPDATE" if isinstance(tx, sql.PgTx) else " ORDER BY id"
    rows = await tx.all(
        f"SELECT id, balance FROM pay_accounts WHERE id IN ({marks}){lock}",  # noqa: S608 - placeholders only
        **{f"a{i}": v for i, v in enumerate(ids)},
    )
    held = sorted(((int(b), int(i)) for i, b in rows if int(i) in accounts), reverse=True)
    legs: list[tuple[int, int]] = []
    left = amount
    for balance_, acc in held:
        if left == 0:
            break
        take = min(balance_, left)
        if take > 0:
            legs.append((acc, -take))
            left -= take
    if left:
        raise InsufficientFunds(accounts[0])
    return legs


async def post(tx: sql.Tx, kind: str, ref: str, legs: list[tuple[int, int]], memo: str = "") -> int:
    """Book one balanced entry inside the caller's transaction; returns its id.

    Raises InsufficientFunds when a non-external account would go below zero and DuplicateEntry when
    `ref` was booked before; either way the caller's transaction must be rolled back (leaving the
    `sql.transaction` block by the exception does that).
    """
    if not legs or sum(amount for _, amount in legs) != 0 or any(amount == 0 for _, amount in legs):
        raise ValueError(f"unbalanced or empty entry {ref}: {legs}")
    try:
        row = await tx.one(
            "INSERT INTO pay_journal_entries (kind, ref, memo, created_at) VALUES (:kind, :ref, :memo, :now) "
            "RETURNING id",
            kind=kind,
            ref=ref,
            memo=memo[:128],
            now=utcnow(),
        )
    except sql.Violation:
        raise DuplicateEntry(ref) from None
    assert row is not None
    entry = int(row[0])
    values = ", ".join(f"(:e, :a{i}, :m{i})" for i in range(len(legs)))
    params: dict[str, int] = {"e": entry}
    for i, (acc, amount) in enumerate(legs):
        params[f"a{i}"], params[f"m{i}"] = acc, amount
    await tx.run(f"INSERT INTO pay_postings (entry_id, account_id, amount) VALUES {values}", **params)  # noqa: S608
    # Lock accounts in id order so two entries touching the same accounts can never deadlock.
    for acc, amount in sorted(legs):
        moved = await tx.one(
            "UPDATE pay_accounts SET balance = balance + :amount "
            "WHERE id = :id AND (kind = 'external' OR balance + :amount >= 0) RETURNING id",
            amount=amount,
            id=acc,
        )
        if moved is None:
            raise InsufficientFunds(acc)
    return entry


async def balance(ctx: Ctx, kind: str, owner: str) -> int:
    row = await sql.one(
        ctx, "SELECT balance FROM pay_accounts WHERE kind = :kind AND owner = :owner", kind=kind, owner=owner
    )
    return int(row[0]) if row else 0


async def balance_in(tx: sql.Tx, account: int) -> int:
    """An account's balance read inside the caller's transaction."""
    row = await tx.one("SELECT balance FROM pay_accounts WHERE id = :id", id=account)
    return int(row[0]) if row else 0


async def wallet_balance(ctx: Ctx, user_id: int) -> int:
    return await balance(ctx, WALLET, wallet_owner(user_id))


async def settlement_balance(ctx: Ctx, mchid: str) -> int:
    """The sum of the merchant's settlement sub-accounts."""
    owners = [settlement_shard_owner(mchid, k) for k in range(SETTLEMENT_SHARDS)]
    marks = ", ".join(f":o{i}" for i in range(len(owners)))
    row = await sql.one(
        ctx,
        f"SELECT coalesce(sum(balance), 0) FROM pay_accounts WHERE kind = 'settlement' AND owner IN ({marks})",  # noqa: S608
        **{f"o{i}": o for i, o in enumerate(owners)},
    )
    return int(row[0]) if row else 0


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
        async with sql.transaction(ctx) as tx:
            await post(tx, "topup", f"topup:{ref}", [(source, -amount), (wallet, amount)], memo=f"top-up {user_id}")
    except DuplicateEntry:
        pass
    return await wallet_balance(ctx, user_id)
