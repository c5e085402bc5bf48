"""Dependencies shared by every domain's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from minihost.context import Ctx


async def get_ctx(request: Request) -> Ctx:
    # Async so FastAPI calls it inline instead of hopping to a worker thread on every request.
    ctx: Ctx = request.app.state.ctx
    return ctx


CtxDep = Annotated[Ctx, Depends(get_ctx)]
