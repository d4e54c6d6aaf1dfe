"""The organisation tree, stored with a materialised path for one-query subtrees."""

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.db import db

# kind -> (Chinese label, English label); the order is the four-level network.
KINDS = {
    "street": ("街道党工委", "Street Party Working Committee"),
    "community": ("社区党总支", "Community General Branch"),
    "courtyard_branch": ("楼院党支部", "Courtyard Branch"),
    "building_group": ("楼栋党小组", "Building Group"),
    "mobile_branch": ("流动党支部", "Mobile Branch"),
    "mobile_group": ("流动党小组", "Mobile Group"),
}


class OrgUnit(db.Model):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    # "/1/5/12/": ids from the root down to this unit; a subtree is one prefix match.
    path: Mapped[str] = mapped_column(String(255), default="")
    city: Mapped[str | None] = mapped_column(String(50))  # mobile units sit in another city
    secretary_name: Mapped[str | None] = mapped_column(String(50))
    secretary_phone: Mapped[str | None] = mapped_column(String(20))
    webhook_url: Mapped[str | None] = mapped_column(String(500))

    parent = relationship("OrgUnit", remote_side=[id], backref="children")

    __table_args__ = (
        Index("ix_org_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    def set_path(self):
        """Compute this unit's path from its parent's; the id must be flushed."""
        prefix = self.parent.path if self.parent is not None else "/"
        self.path = f"{prefix}{self.id}/"

    def contains(self, path):
        """Say whether a path lies in this unit's subtree."""
        return bool(path) and path.startswith(self.path)

    @property
    def kind_label(self):
        return KINDS[self.kind]

    def __repr__(self):
        return f"<OrgUnit {self.id} {self.name}>"


def subtree_filter(column, unit):
    """Return a SQL condition: column (a path) lies in unit's subtree."""
    return column.like(unit.path + "%")
