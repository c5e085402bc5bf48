"""Dependencies shared by every domain's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from minihost.context import Ctx


def get_ctx(request: Request) -> Ctx:
    ctx: Ctx = request.app.state.ctx
    return ctx


CtxDep = Annotated[Ctx, Depends(get_ctx)]
