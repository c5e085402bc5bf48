"""The dependency for WeChat-compatible endpoints that need the app's access_token (`?access_token=...`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from minihost.apps.service import AppInfo
from minihost.auth import service
from minihost.web.deps import CtxDep


async def access_token_app(ctx: CtxDep, access_token: Annotated[str | None, Query()] = None) -> AppInfo:
    return await service.require_access_token(ctx, access_token)


AccessTokenApp = Annotated[AppInfo, Depends(access_token_app)]
"""The app whose access_token came with the request; WeChat's 41001/40001/42001 otherwise."""
