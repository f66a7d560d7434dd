from thidua.core.models import Notification


def unread_notifications(request):
    """The count in the top bar (one indexed COUNT per page for a signed-in user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()}
