from .models import Corporate, CorporateEvent


def corporate_event(*, corporate: Corporate, type: str, actor=None, **parameters) -> None:
    """One event row per transition (STYLE: every lifecycle writes events). No personal data
    beyond ids goes into `parameters`."""
    CorporateEvent.objects.create(
        corporate=corporate, type=type, actor=actor, parameters=parameters
    )
