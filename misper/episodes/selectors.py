"""Reads of episodes, with the one access rule for episode records built in.

An episode is visible exactly when its child is visible (``misper.people.selectors.child_access_q``):
every list, detail, search, count, export, board and API route goes through ``visible_episodes``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from misper.accounts.models import User
from misper.episodes.models import Episode
from misper.people.selectors import visible_children


def visible_episodes(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(child__in=visible_children(user))


def can_view_episode(user: User, episode: Episode) -> bool:
    return visible_episodes(user).filter(pk=episode.pk).exists()


def access_episode_by_id(user: User, episode_id: int) -> Episode:
    episode = visible_episodes(user).select_related("child", "force").filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    return episode


def episode_list(user: User, *, limit: int, offset: int) -> tuple[int, list[Episode]]:
    qs = visible_episodes(user)
    count = qs.count()
    items = list(qs.select_related("child").order_by("-reported_at", "-pk")[offset : offset + limit])
    return count, items
