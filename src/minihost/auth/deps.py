"""The dependency for WeChat-compatible endpoints that need the app's access_token (`?access_token=...`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from minihost.apps.service import AppInfo
from minihost.auth import service
from minihost.context import Ctx


async def _ctx(request: Request) -> Ctx:
    # Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a hop the login path can skip.
    ctx: Ctx = request.app.state.ctx
    return ctx


AsyncCtx = Annotated[Ctx, Depends(_ctx)]
"""`CtxDep` without the thread hop, for the hot WeChat endpoints."""


async def access_token_app(ctx: AsyncCtx, access_token: Annotated[str | None, Query()] = None) -> AppInfo:
    return await service.require_access_token(ctx, access_token)


AccessTokenApp = Annotated[AppInfo, Depends(access_token_app)]
"""The app whose access_token came with the request; WeChat's 41001/40001/42001 otherwise."""
