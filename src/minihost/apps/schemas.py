"""Request and response bodies of the apps API; every string has an explicit maximum length."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from minihost.apps.domains import MAX_PER_KIND

Appid = Annotated[str, Path(min_length=3, max_length=40)]
Entry = Annotated[str, Field(max_length=300)]
EntryList = Annotated[list[Entry], Field(max_length=MAX_PER_KIND * 5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class AppIn(Strict):
    org_id: int = Field(ge=1, le=2_147_483_647)
    name: str = Field(min_length=1, max_length=64)
    icon_url: str = Field(default="", max_length=512)
    category: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=2000)


class AppPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    icon_url: str | None = Field(default=None, max_length=512)
    category: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=2000)


class AppOut(BaseModel):
    appid: str
    org_id: int
    name: str
    icon_url: str
    category: str
    description: str


class AppListOut(BaseModel):
    apps: list[AppOut]


class AppWithSecretOut(BaseModel):
    app: AppOut
    appsecret: str
    """Shown this once; only its digest is kept. Store it in your backend's configuration."""


class DomainsIn(Strict):
    """Only the lists given are replaced."""

    request: EntryList | None = None
    upload: EntryList | None = None
    download: EntryList | None = None
    socket: EntryList | None = None


class DomainsOut(BaseModel):
    request: list[str]
    upload: list[str]
    download: list[str]
    socket: list[str]


class CategoriesOut(BaseModel):
    categories: list[str]
