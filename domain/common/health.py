import logging

logger = logging.getLogger(__name__)


def broker_ok() -> bool:
    """The django-q2 broker answers: Redis PING, or a query on the ORM broker's queue table."""
    try:
        from django_q.brokers import get_broker

        broker = get_broker()
        if not broker.ping():
            return False
        broker.queue_size()
        return True
    except Exception:  # noqa: BLE001  (any failure means not ready)
        logger.warning("job broker health check failed", exc_info=True)
        return False
