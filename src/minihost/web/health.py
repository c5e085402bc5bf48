"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from minihost.web.deps import CtxDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(ctx: CtxDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        async with ctx.db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports the failure instead of raising it
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        checks["store"] = "ok" if await ctx.store.ping() else "error: no pong"
    except Exception as exc:
        checks["store"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks}, status_code=200 if ready else 503
    )
