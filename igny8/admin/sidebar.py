"""The admin sidebar: blueprints register their sections; the layout shows the visible ones."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from igny8.auth.roles import ADMIN, SUPPORT, user_has_role

GROUPS = ("AI & Automation", "Credits", "System")
_registry: dict[str, "AdminSection"] = {}


@dataclass(frozen=True)
class AdminSection:
    """One sidebar link: its group, label, endpoint, position and the roles that see it."""

    group: str
    label: str
    endpoint: str
    order: int
    roles: tuple[str, ...] = (ADMIN, SUPPORT)
    # Other endpoints whose pages belong to this section (e.g. a confirmation page).
    pages: tuple[str, ...] = ()

    @property
    def blueprint(self) -> str:
        """The blueprint part of the endpoint, used to highlight the current page."""
        return self.endpoint.rpartition(".")[0]


@dataclass(frozen=True)
class SidebarGroup:
    """A group heading and its sections in display order."""

    name: str
    sections: tuple[AdminSection, ...]


def register_section(section: AdminSection) -> AdminSection:
    """Add (or replace, keyed by endpoint) a sidebar section."""
    if section.group not in GROUPS:
        raise ValueError(f"unknown sidebar group {section.group!r}; known: {', '.join(GROUPS)}")
    _registry[section.endpoint] = section
    return section


def registered_sections() -> list[AdminSection]:
    """Every registered section, in no particular order."""
    return list(_registry.values())


def build_groups(
    sections: Iterable[AdminSection], role: str, endpoints: Iterable[str]
) -> list[SidebarGroup]:
    """Groups in GROUPS order holding the sections `role` may see whose endpoint exists."""
    known = set(endpoints)
    visible = [s for s in sections if role in s.roles and s.endpoint in known]
    groups = []
    for name in GROUPS:
        members = sorted((s for s in visible if s.group == name), key=lambda s: (s.order, s.label))
        if members:
            groups.append(SidebarGroup(name, tuple(members)))
    return groups


def sidebar_for(user) -> list[SidebarGroup]:
    """The sidebar the given user sees in the current app (empty when signed out)."""
    if not user_has_role(user, (ADMIN, SUPPORT)):
        return []
    return build_groups(registered_sections(), user.role, current_app.view_functions)


def current_section(groups: list[SidebarGroup], endpoint: str | None) -> AdminSection | None:
    """The section the page belongs to: same endpoint or one of its pages, else the closest
    one of its blueprint."""
    claimed = [s for g in groups for s in g.sections if endpoint in (s.endpoint, *s.pages)]
    if claimed:
        return claimed[0]
    blueprint = (endpoint or "").rpartition(".")[0]
    candidates = [s for g in groups for s in g.sections if blueprint and s.blueprint == blueprint]
    if not candidates:
        return None
    return max(candidates, key=lambda s: len(os.path.commonprefix([s.endpoint, endpoint])))


def sidebar_context() -> dict:
    """Template context: the signed-in user's sidebar groups and the current section."""
    groups = sidebar_for(current_user)
    return {"sidebar_groups": groups, "sidebar_current": current_section(groups, request.endpoint)}
