"""Request and response bodies of the accounts API; every string has an explicit maximum length."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "developer", "tester"]
# Path ids fit the database's 32-bit integer columns; a larger number is a 422, not a database error.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class SignUpIn(Strict):
    username: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=128)
    nickname: str = Field(default="", max_length=64)


class SignInIn(Strict):
    username: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=128)


class UserOut(BaseModel):
    id: int
    username: str
    nickname: str
    avatar_url: str


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str
    """Send it as the X-CSRF-Token header on every state-changing request made with the session cookie."""


class MeOut(BaseModel):
    user: UserOut
    csrf_token: str


class OrgIn(Strict):
    name: str = Field(min_length=1, max_length=64)
    kind: Literal["business", "individual"] = "business"


class OrgOut(BaseModel):
    id: int
    name: str
    kind: str
    role: str


class OrgListOut(BaseModel):
    organisations: list[OrgOut]


class MemberIn(Strict):
    username: str = Field(min_length=1, max_length=32)
    role: Role


class RoleIn(Strict):
    role: Role


class MemberOut(BaseModel):
    user_id: int
    username: str
    nickname: str
    role: str


class MemberListOut(BaseModel):
    members: list[MemberOut]


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=64)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(BaseModel):
    token: TokenOut
    secret: str
    """The whole token, shown this once; only its SHA-256 is kept."""


class TokenListOut(BaseModel):
    tokens: list[TokenOut]


class OkOut(BaseModel):
    ok: bool = True
