"""Make a new migration for one domain's tables: `python scripts/new_migration.py DOMAIN "message" [DEPENDS_ON...]`.

Each domain is its own Alembic branch (label = domain name) living in `src/minihost/<domain>/migrations/`;
a first revision may depend on other domains' revisions (for foreign keys), given as further arguments.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from minihost.db.migrate import PACKAGE_ROOT, alembic_config


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    domain, message, depends = sys.argv[1], sys.argv[2], sys.argv[3:]
    folder = PACKAGE_ROOT / domain / "migrations"
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite+aiosqlite:///{Path(tmp) / 'scratch.db'}")
        command.upgrade(cfg, "heads")
        cfg.attributes["domain"] = domain
        heads = ScriptDirectory.from_config(cfg).get_revisions("heads")
        has_branch = any(domain in (h.branch_labels or ()) for h in heads) or any(
            domain in (r.branch_labels or ()) for r in ScriptDirectory.from_config(cfg).walk_revisions()
        )
        kwargs: dict[str, object] = {"message": message, "autogenerate": True, "version_path": str(folder)}
        if has_branch:
            kwargs["head"] = f"{domain}@head"
        else:
            kwargs.update(head="base", branch_label=domain, depends_on=depends or None)
        command.revision(cfg, **kwargs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
