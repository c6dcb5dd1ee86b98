"""Background work of the land office (run by the task worker, daily and whenever queued)."""

from __future__ import annotations

from django_tasks import task

from ecosys.land import services


@task()
def reservations_expire_task() -> int:
    """End the reservations past their expiry that were never allocated: their parcels are free again.

    Reserving already ends the expired ones it meets; this sweep frees the others, so the pages and the
    optimiser see the parcels available without waiting for the next reservation.
    """
    return services.reservations_expire()
