from thidua.mailgateway import access
from thidua.mailgateway.models import InboundMessage


def mail_triage(request):
    """For coordinators: the messages of their units waiting in the mail triage (the top bar's
    link and the start page); nothing for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.may_use_triage(user):
        return {}
    waiting = access.visible_messages(user).filter(status=InboundMessage.Status.TRIAGE)
    return {"mail_triage": waiting.order_by().values("pk").count()}
