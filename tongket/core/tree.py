"""A node of a tree addressed by a materialized path, shared by units and organizations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PathNode(models.Model):
    """Stable identity of a node: a code, a name, a parent, and the path "/root/…/self/".

    The path makes "everything under X" one indexed prefix filter on SQLite and PostgreSQL.
    It is written by the services when a node is created or moved (rare), never by hand.
    """

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def build_path(self) -> str:
        parent = getattr(self, "parent", None)
        return f"{parent.path if parent else '/'}{self.pk}/"
