"""Users: a role and the org unit that bounds what they see and do."""

from datetime import datetime

from flask import current_app
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.db import UTCDateTime, db, utcnow

ROLES = {
    "worker": ("社区工作者", "Community worker"),
    "supervisor": ("督导", "Supervisor"),
    "admin": ("管理员", "Administrator"),
    "secretary": ("流动党支部书记", "Mobile branch secretary"),
}


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Every request checks scope against the user's unit: load it with the user.
    org_unit = relationship("OrgUnit", lazy="joined")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username} {self.role}>"
