"""Routing below a section page by `url_path`, in one or two queries instead of Wagtail's walk.

Wagtail's `Page.route` walks the tree one level at a time, two queries per level (the child by
slug, then `.specific`), each loading every column of wagtailcore_page: an article five levels
down costs ten queries, most of an uncached article's time (bench/README.md, bench_pages).
Wagtail keeps `url_path` (the slugs from the tree root, "/home/rules/regulation/chapter-3/
article-19/") up to date on every save and move, so the page at the end of the walk is the one
page below the section whose `url_path` is the section's plus the path components.

The answer is the walk's answer only while no page type in between routes itself (a
RoutablePageMixin page, an overridden `route()`): `descendant_by_url_path` answers None for such
a subtree, and for anything it does not find, and the caller falls back to the walk.
"""

from __future__ import annotations

from functools import cache

from wagtail.models import Page


@cache
def subtree_levels(section_model: type[Page]) -> tuple[frozenset[type[Page]], ...]:
    """The page types allowed at each level below `section_model` (by `subpage_types`)."""
    levels: list[frozenset[type[Page]]] = []
    current = {section_model}
    while len(levels) < 16:
        below = frozenset(model for parent in current for model in parent.allowed_subpage_models())
        if not below:
            break
        levels.append(below)
        current = set(below)
    return tuple(levels)


def answers_as_wagtail_does(route):
    """Marks an override of `Page.route` that gives the same answers as Wagtail's walk (only
    faster): routing shortcuts treat its page type as one that routes plainly."""
    route.answers_as_wagtail_does = True
    return route


def routes_like_wagtail(model: type[Page]) -> bool:
    return model.route is Page.route or getattr(model.route, "answers_as_wagtail_does", False)


@cache
def routes_plainly(section_model: type[Page]) -> bool:
    """True when every page type that may stand below the section routes as Wagtail's
    `Page.route` does (it does not override it, or its override is marked
    `answers_as_wagtail_does`)."""
    return all(routes_like_wagtail(model)
               for level in subtree_levels(section_model) for model in level)


def descendant_by_url_path(section: Page, path_components: list[str]) -> Page | None:
    """The specific page at `path_components` below `section`, live or not, or None (not
    found, or the subtree routes itself). One query when only one page type may stand at that
    level (an article below the rules index), two otherwise (the row, then `.specific`)."""
    section_model = type(section)
    levels = subtree_levels(section_model)
    depth = len(path_components)
    if not path_components or depth > len(levels) or not routes_plainly(section_model):
        return None
    where = {
        "url_path": section.url_path + "/".join(path_components) + "/",
        "path__startswith": section.path,
        "depth": section.depth + depth,
    }
    models = levels[depth - 1]
    if len(models) == 1:
        (model,) = models
        return model.objects.filter(**where).first()
    page = Page.objects.filter(**where).first()
    return page.specific if page is not None else None


def ancestor_paths(page: Page, *, inclusive: bool = True) -> list[str]:
    """The treebeard paths of the page's ancestors from the tree root (and its own)."""
    step = page.steplen
    end = len(page.path) + (step if inclusive else 0)
    return [page.path[:length] for length in range(step, end, step)]


CHAIN_SQL = """
    WITH RECURSIVE chain(id, alias_of_id) AS (
        SELECT id, alias_of_id FROM wagtailcore_page WHERE path IN ({paths})
        UNION
        SELECT page.id, page.alias_of_id FROM wagtailcore_page page
            JOIN chain ON page.id = chain.alias_of_id
    ) SELECT id FROM chain
"""


def view_restrictions(page: Page):
    """What Wagtail's `Page.get_view_restrictions` answers, in one query instead of two (and
    one more per aliased ancestor): the restrictions on the page, on every page above it and,
    for an alias, on the page it is an alias of (followed to the end of the chain). Wagtail
    skips an alias's own restrictions (the admin lets none be set on it); counting them too
    can only refuse more, never less."""
    from django.db.models.expressions import RawSQL
    from wagtail.models import PageViewRestriction

    paths = ancestor_paths(page)
    chain = RawSQL(CHAIN_SQL.format(paths=", ".join(["%s"] * len(paths))), paths)
    return PageViewRestriction.objects.filter(page_id__in=chain)


# True when neither the page nor any page above it has a view restriction or is an alias:
# then `view_restrictions` would find none (it looks only at those pages, and at the pages
# aliases point to). A column of the page's own row (portal/pages/serving.py reads it with the
# row), so that a public page's check costs no query of its own. Restrictions are few, and
# so are aliases: both subqueries start from them, not from the tree.
UNRESTRICTED_SQL = """
    NOT EXISTS (SELECT 1 FROM wagtailcore_pageviewrestriction restriction
                JOIN wagtailcore_page restricted ON restricted.id = restriction.page_id
                WHERE SUBSTR(wagtailcore_page.path, 1, LENGTH(restricted.path)) = restricted.path)
    AND NOT EXISTS (SELECT 1 FROM wagtailcore_page alias
                    WHERE alias.alias_of_id IS NOT NULL
                      AND SUBSTR(wagtailcore_page.path, 1, LENGTH(alias.path)) = alias.path)
"""
UNRESTRICTED = "portal_unrestricted"  # the attribute the row's reader sets


class QuickServeMixin:
    """For page types below the rules index: Wagtail's view-restriction check (run before
    every serve by its `check_view_restrictions` hook, and by the page cache) in one query,
    or none when the page's row said there is nothing to find (UNRESTRICTED_SQL)."""

    def get_view_restrictions(self):
        if getattr(self, UNRESTRICTED, False):
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return view_restrictions(self)
