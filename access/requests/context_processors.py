"""The unread-notification count for the badge in the navigation (one small query for a
logged-in user, none for anyone else)."""

from .notify import unread_count


def notification_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
