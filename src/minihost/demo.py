"""Demo data seeded on first start: a user, a developer organisation, a registered app, the examples."""

from __future__ import annotations

import secrets

from minihost.accounts import service as accounts
from minihost.apps import service as apps
from minihost.config import Settings
from minihost.context import Ctx

DEMO_USER = "demo"
DEMO_DEVELOPER = "developer"


async def seed_demo(settings: Settings) -> str:
    """Create what is missing; return the credentials to print once, or '' when all was there."""
    ctx = Ctx.create(settings)
    try:
        async with ctx.db.session() as s:
            from sqlalchemy import select

            from minihost.accounts.models import User

            exists = (await s.execute(select(User.id).where(User.username == DEMO_USER))).first()
        if exists:
            return ""
        user_pw = secrets.token_urlsafe(9)
        dev_pw = secrets.token_urlsafe(9)
        await accounts.create_user(ctx, DEMO_USER, user_pw, "Demo User")
        dev = await accounts.create_user(ctx, DEMO_DEVELOPER, dev_pw, "Demo Developer")
        org_id = await accounts.create_organisation(ctx, dev.id, "Demo Studio", "business")
        registered = await apps.register_app(
            ctx, org_id, "Demo Store", category="Shopping", description="The demo organisation's first app."
        )
        from minihost.packages.examples import publish_examples

        published = await publish_examples(ctx, org_id, dev)
        for p in published:
            if p.appid is None:
                print(f"warning: example {p.example.folder!r} skipped, it does not compile:\n{p.error}")
        released = sum(1 for p in published if p.appid)
        return (
            f"Demo data seeded ({released} example mini programs released). These credentials are shown once:\n"
            f"  end user:   {DEMO_USER} / {user_pw}\n"
            f"  developer:  {DEMO_DEVELOPER} / {dev_pw}  (organisation 'Demo Studio', admin)\n"
            f"  demo app:   appid {registered.app.appid}  appsecret {registered.appsecret}"
        )
    finally:
        await ctx.close()
